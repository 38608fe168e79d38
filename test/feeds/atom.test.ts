import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { renderAtom } from '../../src/feeds/atom.ts';
import { article, feedOf, release } from './fixtures.ts';

type Link = { $: Record<string, string> };
type Item = { id?: string; author?: string; links?: Link[]; 'gazette:validity'?: string; 'gazette:signedDate'?: string; published?: string; updated?: string };
const parser = new Parser<{ links: Link[]; 'at:deleted-entry'?: Link[] }, Item>({
  customFields: {
    feed: [
      ['link', 'links', { keepArray: true }],
      ['at:deleted-entry', 'at:deleted-entry', { keepArray: true }],
    ] as never,
    item: [['link', 'links', { keepArray: true }], 'gazette:validity', 'gazette:signedDate', 'published', 'updated'] as never,
  },
});

describe('renderAtom', () => {
  it('writes entries an independent parser reads back: ids, links, published and updated, content', async () => {
    const parsed = await parser.parseString(renderAtom(feedOf([release, article])));
    expect(parsed.items.map((item) => item.id)).toEqual([release.id, article.id]);
    const entry = parsed.items[1];
    expect(entry?.title).toBe(article.title);
    expect(entry?.links?.map((link) => link.$)).toEqual([
      { rel: 'alternate', type: 'text/html', href: article.url },
      { rel: 'enclosure', type: 'application/pdf', length: '48213', href: article.enclosure?.url },
      { rel: 'enclosure', type: 'application/pdf', length: '1200', href: article.attachments[0]?.url, title: '政府信息公开目录' },
    ]);
    expect(entry?.published).toBe('2010-05-31T00:00:00+08:00');
    expect(entry?.updated).toBe('2010-06-02T09:30:00Z');
    expect(entry?.content).toBe(article.contentHtml);
    expect(entry?.author).toBe('淮南市人民政府');
    expect(entry?.['gazette:validity']).toBe('有效');
    expect(entry?.['gazette:signedDate']).toBe('2010-04-20');
    expect(parsed.items[0]?.title).toBe('Huainan Relaunches Government Portal <Beta>');
  });

  it('has exactly one absolute self link when it names a hub, plus current and prev-archive on archives', async () => {
    const current = feedOf([]).self;
    const feed = feedOf([article], { archive: true, current, self: { rss: 'x', atom: 'https://www.huainan.gov.cn/feeds/all/archive/4.atom.xml', json: 'y' } });
    const xml = renderAtom(feed);
    const links = (await parser.parseString(xml)).links.map((link) => link.$);
    const self = links.filter((link) => link['rel'] === 'self');
    expect(self).toHaveLength(1);
    expect(new URL(self[0]?.['href'] ?? '').href).toBe(feed.self.atom);
    expect(links.find((link) => link['rel'] === 'hub')?.['href']).toBe('https://hub.example.org/');
    expect(links.find((link) => link['rel'] === 'current')?.['href']).toBe(current.atom);
    expect(links.find((link) => link['rel'] === 'prev-archive')?.['href']).toBe(feed.prevArchive?.atom);
    expect(xml).toContain('<fh:archive/>');
  });

  it('writes a tombstone for a withdrawn document', async () => {
    const withdrawn = { ...release, withdrawn: { when: '2010-11-01T08:00:00+08:00' } };
    const parsed = await parser.parseString(renderAtom(feedOf([withdrawn, article])));
    expect(parsed.items.map((item) => item.id)).toEqual([article.id]);
    expect(parsed['at:deleted-entry']?.map((tombstone) => tombstone.$)).toEqual([{ ref: release.id, when: '2010-11-01T08:00:00+08:00' }]);
  });

  it('escapes markup in text so it is never read as elements', () => {
    const xml = renderAtom(feedOf([release]));
    expect(xml).toContain('Huainan Relaunches Government Portal &lt;Beta&gt;');
    expect(xml).not.toContain('<Beta>');
  });
});
