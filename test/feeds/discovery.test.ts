import { describe, expect, it } from 'vitest';
import { alternateFeedLinks } from '../../src/feeds/discovery.ts';
import { site } from './site.ts';

describe('alternateFeedLinks', () => {
  it('gives every page the site-wide feed in three formats', () => {
    expect(alternateFeedLinks(site)).toEqual([
      { rel: 'alternate', type: 'application/rss+xml', href: 'https://www.huainan.gov.cn/feeds/all/rss.xml', title: '淮南市人民政府（RSS）' },
      { rel: 'alternate', type: 'application/atom+xml', href: 'https://www.huainan.gov.cn/feeds/all/atom.xml', title: '淮南市人民政府（Atom）' },
      { rel: 'alternate', type: 'application/feed+json', href: 'https://www.huainan.gov.cn/feeds/all/feed.json', title: '淮南市人民政府（JSON Feed）' },
    ]);
  });

  it('adds the section, department, topic and language feeds of a document page', () => {
    const links = alternateFeedLinks(site, { section: 'press', department: '淮南市民政局', topic: '民政', lang: 'en' });
    expect(links.filter((link) => link.type === 'application/atom+xml').map((link) => link.href)).toEqual([
      'https://www.huainan.gov.cn/feeds/all/atom.xml',
      'https://www.huainan.gov.cn/feeds/press/atom.xml',
      'https://www.huainan.gov.cn/feeds/departments/mzj/atom.xml',
      'https://www.huainan.gov.cn/feeds/topics/mz/atom.xml',
      'https://www.huainan.gov.cn/feeds/lang/en/atom.xml',
    ]);
  });
});
