// Small inline feeds for the serializer tests: one gazette article with full disclosure
// metadata and one English press release, built the way rebuildFeeds builds them.

import type { Feed, FeedEntry } from '../../src/feeds/model.ts';

const base = 'https://www.huainan.gov.cn/';

export const article: FeedEntry = {
  id: 'tag:www.huainan.gov.cn,2010:huaifu-2010-69',
  url: `${base}gazette/2010/05/huaifu-2010-69/`,
  title: '淮南市人民政府关于进一步推进政务公开工作的意见',
  lang: 'zh-CN',
  published: '2010-05-31T00:00:00+08:00',
  updated: '2010-06-02T09:30:00.000Z',
  summary: '从健全机制、拓宽渠道四个方面提出意见 & 要求。',
  contentHtml: `<h2>一、健全工作机制</h2><p>见<a href="${base}gazette/2010/05/huaifu-2010-69/gkml.pdf">目录</a>，注意 ]]&gt; 与 <code>a &lt; b</code>。</p>`,
  categories: [{ term: 'zwgk', label: '政务公开', scheme: `${base}topics/` }],
  author: { name: '淮南市人民政府' },
  enclosure: { url: `${base}gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf`, mediaType: 'application/pdf', size: 48213 },
  attachments: [{ url: `${base}gazette/2010/05/huaifu-2010-69/gkml.pdf`, mediaType: 'application/pdf', size: 1200, title: '政府信息公开目录' }],
  disclosure: {
    kind: 'article',
    indexNumber: '003210001/2010-00069',
    docNumber: '淮府〔2010〕69号',
    signedDate: '2010-04-20',
    date: '2010-05-31',
    validity: '有效',
    issue: { year: 2010, number: 5, totalNumber: 53 },
    department: { name: '淮南市人民政府', code: '003210001' },
    version: 2,
  },
};

export const release: FeedEntry = {
  id: 'tag:www.huainan.gov.cn,2010:press-2010-portal-relaunch-en',
  url: `${base}press/2010/portal-relaunch/`,
  title: 'Huainan Relaunches Government Portal <Beta>',
  lang: 'en',
  published: '2010-10-18T10:00:00+08:00',
  updated: '2010-10-18T02:00:00Z',
  contentHtml: '<p>The portal links four websites.</p>',
  categories: [{ term: 'zwgk', label: '政务公开', scheme: `${base}topics/` }],
  author: { name: '淮南市人民政府新闻办公室' },
  attachments: [],
  disclosure: {
    kind: 'release',
    indexNumber: '003210003/2010-00012',
    date: '2010-10-18',
    department: { name: '淮南市人民政府新闻办公室', code: '003210003' },
    version: 1,
  },
};

export function feedOf(entries: FeedEntry[], overrides: Partial<Feed> = {}): Feed {
  const url = (suffix: string) => `${base}feeds/all/${suffix}`;
  return {
    id: 'tag:www.huainan.gov.cn,2010:feed:all',
    title: '淮南市人民政府',
    description: '淮南市人民政府发布的全部信息',
    lang: 'zh-CN',
    homeUrl: base,
    self: { rss: url('rss.xml'), atom: url('atom.xml'), json: url('feed.json') },
    hubUrl: 'https://hub.example.org/',
    prevArchive: { rss: url('archive/3.rss.xml'), atom: url('archive/3.atom.xml'), json: url('archive/3.json') },
    archive: false,
    updated: '2010-10-18T02:00:00Z',
    publisher: '淮南市人民政府办公室',
    namespace: `${base}ns/gazette/1.0`,
    entries,
    ...overrides,
  };
}
