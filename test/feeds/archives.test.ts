// Full text in RFC 5005 archive documents: the canonical `all` feed and full-text partners keep it,
// the facet feeds' archives are summary-only (unless the site asks for full text everywhere).

import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import Parser from 'rss-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/delivery/partners.ts';
import type { FeedSettings } from '../../src/feeds/definitions.ts';
import { rebuildFeeds } from '../../src/publish/rebuildFeeds.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createMemoryObjectStore, type MemoryObjectStore } from './memoryObjects.ts';
import { publish, site } from './site.ts';

const parser = new Parser<Record<string, never>, { id?: string; content?: string; summary?: string; 'content:encoded'?: string }>({
  customFields: { item: ['content:encoded', 'summary'] },
});
const hook = { url: 'https://example.org/hooks', secret: { env: 'X' } };
const partners: Partner[] = [
  { id: 'zhaiyao', name: '摘要网', takes: { kinds: ['release'], fullText: false }, webhook: hook },
  { id: 'quanwen', name: '全文网', takes: { kinds: ['release'], fullText: true }, webhook: hook },
];
const tag = (id: string) => `tag:www.huainan.gov.cn,2010:${id}`;

let objects: MemoryObjectStore;
let records: Map<string, DocumentRecord>;

const rebuild = (settings: Partial<FeedSettings> = {}) =>
  rebuildFeeds({ objects, site, partners, documents: records.values(), settings: { headSize: 2, archivePageSize: 2, ...settings } });

function text(key: string): string {
  const object = objects.objects.get(`site/${key}`);
  if (object === undefined) throw new Error(`no object ${key}`);
  return Buffer.from(object.body).toString('utf8');
}

beforeEach(async () => {
  objects = createMemoryObjectStore();
  records = new Map();
  for (const [i, id] of ['press-a', 'press-b', 'press-c', 'press-d'].entries()) {
    const day = `2010-10-0${i + 1}`;
    const record = await publish(objects, { id, date: day, updatedAt: `${day}T02:00:00.000Z`, body: `<p>${id}的正文</p>` });
    records.set(id, record);
  }
});

describe('archive documents', () => {
  it('of a facet feed carry every entry with summary, categories, enclosure and disclosure, but no body', async () => {
    await rebuild();
    const atom = await parser.parseString(text('feeds/press/archive/1.atom.xml'));
    expect(atom.items.map((item) => item.id)).toEqual([tag('press-b'), tag('press-a')]);
    expect(atom.items.map((item) => item.content)).toEqual([undefined, undefined]);
    expect(atom.items[0]?.summary).toBe('press-b 摘要');
    expect(text('feeds/press/archive/1.atom.xml')).toContain('<gazette:indexNumber>');
    expect(text('feeds/press/archive/1.atom.xml')).toContain('rel="enclosure"');

    const rss = extractFromXml(text('feeds/press/archive/2.rss.xml'), { getExtraEntryFields: (item) => ({ raw: item }) });
    expect(rss.entries?.map((entry) => entry.link)).toEqual([
      'https://www.huainan.gov.cn/press/2010/press-d/',
      'https://www.huainan.gov.cn/press/2010/press-c/',
    ]);
    expect(rss.entries?.map((entry) => entry.description)).toEqual(['press-d 摘要', 'press-c 摘要']);
    expect(text('feeds/press/archive/2.rss.xml')).not.toContain('content:encoded>');
    expect(text('feeds/press/archive/2.rss.xml')).toContain('<enclosure ');

    const json = JSON.parse(text('feeds/topics/zwgk/archive/1.json')) as { items: Record<string, unknown>[] };
    expect(json.items.map((item) => item['id'])).toEqual([tag('press-b'), tag('press-a')]);
    expect(json.items.map((item) => item['content_html'])).toEqual([undefined, undefined]);
    expect(json.items[0]).toMatchObject({ content_text: 'press-b 摘要', summary: 'press-b 摘要', tags: ['政务公开'], _gazette: { kind: 'release' } });
    expect(json.items[0]?.['attachments']).toHaveLength(1);
    const extracted = extractFromJson(json);
    expect(extracted.entries?.map((entry) => entry.id)).toEqual([tag('press-b'), tag('press-a')]);
  });

  it('of a facet feed leave out the body only in the archives: the subscription document keeps it', async () => {
    await rebuild();
    const head = await parser.parseString(text('feeds/press/atom.xml'));
    expect(head.items[0]?.content).toBe('<p>press-d的正文</p>');
    expect((await parser.parseString(text('feeds/press/rss.xml'))).items[0]?.['content:encoded']).toBe('<p>press-d的正文</p>');
  });

  it('of the `all` feed and of a full-text partner keep the full text; a summary-only partner gets none', async () => {
    await rebuild();
    for (const key of ['feeds/all/archive/1.atom.xml', 'feeds/partners/quanwen/archive/1.atom.xml']) {
      const feed = await parser.parseString(text(key));
      expect(feed.items.map((item) => item.content)).toEqual(['<p>press-b的正文</p>', '<p>press-a的正文</p>']);
    }
    const rss = await parser.parseString(text('feeds/all/archive/2.rss.xml'));
    expect(rss.items.map((item) => item['content:encoded'])).toEqual(['<p>press-d的正文</p>', '<p>press-c的正文</p>']);
    const json = JSON.parse(text('feeds/all/archive/1.json')) as { items: Record<string, unknown>[] };
    expect(json.items[0]?.['content_html']).toBe('<p>press-b的正文</p>');
    expect((await parser.parseString(text('feeds/partners/zhaiyao/archive/1.atom.xml'))).items[0]?.content).toBeUndefined();
  });

  it('carry full text everywhere when the site says `every`; switching rewrites the facet archives only', async () => {
    await rebuild();
    const { written } = await rebuild({ archiveFullText: 'every' });
    expect(written).toContain('site/feeds/press/archive/1.atom.xml');
    expect(written).toContain('site/feeds/departments/xwb/archive/2.json');
    expect(written.filter((key) => key.startsWith('site/feeds/all/') || key.startsWith('site/feeds/partners/'))).toEqual([]);
    expect(written.filter((key) => !key.includes('/archive/'))).toEqual([]);
    const feed = await parser.parseString(text('feeds/press/archive/1.atom.xml'));
    expect(feed.items.map((item) => item.content)).toEqual(['<p>press-b的正文</p>', '<p>press-a的正文</p>']);
    expect((await rebuild({ archiveFullText: 'every' })).written).toEqual([]);
  });
});

describe('feed settings from site.yaml', () => {
  const rebuildFor = (feeds: NonNullable<typeof site.feeds>) =>
    rebuildFeeds({ objects, site: { ...site, feeds }, partners, documents: records.values(), settings: { archivePageSize: 2 } });

  it('`entries` sets the size of every subscription document, `hub` names the WebSub hub of the site feeds', async () => {
    await rebuildFor({ entries: 1, hub: 'https://websub.huainan.example/' });
    const atom = await parser.parseString(text('feeds/all/atom.xml'));
    expect(atom.items.map((item) => item.id)).toEqual([tag('press-d')]);
    expect(text('feeds/all/atom.xml')).toContain('<link rel="hub" href="https://websub.huainan.example/"/>');
    expect(text('feeds/press/rss.xml')).toContain('rel="hub" href="https://websub.huainan.example/"');
  });

  it('`archiveFullText: every` keeps the body in the facet archives', async () => {
    await rebuildFor({ archiveFullText: 'every' });
    const feed = await parser.parseString(text('feeds/press/archive/1.atom.xml'));
    expect(feed.items.map((item) => item.content)).toEqual(['<p>press-b的正文</p>', '<p>press-a的正文</p>']);
  });
});
