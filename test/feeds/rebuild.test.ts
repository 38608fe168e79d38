import { gunzipSync } from 'node:zlib';
import Parser from 'rss-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/delivery/partners.ts';
import { decodeLog, encodeLog, type StoredLog } from '../../src/feeds/log.ts';
import { FEED_LOG_KEY, FEED_STATE_KEY } from '../../src/content/keys.ts';
import { rebuildFeeds } from '../../src/publish/rebuildFeeds.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';
import { createMemoryObjectStore, type MemoryObjectStore } from './memoryObjects.ts';
import { publish, site } from './site.ts';

type Link = { $: Record<string, string> };
const parser = new Parser<{ links: Link[] }, { id?: string; content?: string }>({
  customFields: { feed: [['link', 'links', { keepArray: true }]] as never },
});
const settings = { headSize: 2, archivePageSize: 2 };
const partner: Partner = {
  id: 'xinwen',
  name: '淮南新闻网',
  takes: { kinds: ['release'], fullText: false },
  webhook: { url: 'https://news.example.org/hooks', secret: { env: 'X' } },
  websubHub: 'https://hub.example.org/',
};

let objects: MemoryObjectStore;
let records: Map<string, DocumentRecord>;

async function add(...specs: Parameters<typeof publish>[1][]) {
  for (const spec of specs) {
    const record = await publish(objects, spec);
    records.set(record.id, record);
  }
}

const rebuild = (extra: { full?: boolean } = {}) => rebuildFeeds({ objects, site, partners: [partner], documents: records.values(), settings, ...extra });

async function read(key: string) {
  const object = objects.objects.get(`site/${key}`);
  if (object === undefined) throw new Error(`no object ${key}`);
  return parser.parseString(Buffer.from(object.body).toString('utf8'));
}

/** Follow prev-archive links from the subscription document; every entry id seen, newest first. */
async function history(name: string): Promise<string[]> {
  const ids: string[] = [];
  let key: string | undefined = `feeds/${name}/atom.xml`;
  while (key !== undefined) {
    const feed = await read(key);
    ids.push(...feed.items.map((item) => item.id as string));
    const prev = feed.links.find((link) => link.$['rel'] === 'prev-archive')?.$['href'];
    key = prev === undefined ? undefined : new URL(prev).pathname.slice(1);
  }
  return ids;
}

const tag = (id: string) => `tag:www.huainan.gov.cn,2010:${id}`;

beforeEach(() => {
  objects = createMemoryObjectStore();
  records = new Map();
});

describe('rebuildFeeds', () => {
  beforeEach(async () => {
    await add(
      { id: 'press-a', date: '2010-10-01', updatedAt: '2010-10-01T02:00:00.000Z' },
      { id: 'press-b', date: '2010-10-02', updatedAt: '2010-10-02T02:00:00.000Z' },
      { id: 'art-c', kind: 'article', department: '淮南市人民政府', date: '2010-10-03', updatedAt: '2010-10-03T02:00:00.000Z' },
      { id: 'press-d', date: '2010-10-04', department: '淮南市民政局', category: '民政', updatedAt: '2010-10-04T02:00:00.000Z' },
      { id: 'press-e', date: '2010-10-05', lang: 'en', updatedAt: '2010-10-05T02:00:00.000Z' },
    );
  });

  it('writes a subscription feed of the newest entries and archives that together hold the whole history', async () => {
    await rebuild();
    const head = await read('feeds/all/atom.xml');
    expect(head.items.map((item) => item.id)).toEqual([tag('press-e'), tag('press-d')]);
    expect(await history('all')).toEqual(['press-e', 'press-d', 'press-d', 'art-c', 'press-b', 'press-a'].map(tag));
    const archive = await read('feeds/all/archive/2.atom.xml');
    expect(archive.links.find((link) => link.$['rel'] === 'current')?.$['href']).toBe('https://www.huainan.gov.cn/feeds/all/atom.xml');
    expect(archive.links.find((link) => link.$['rel'] === 'self')?.$['href']).toBe('https://www.huainan.gov.cn/feeds/all/archive/2.atom.xml');
  });

  it('writes every format and filtered feed with feed media types and short caching', async () => {
    const { written } = await rebuild();
    expect(written).toEqual(
      expect.arrayContaining([
        'site/feeds/all/rss.xml',
        'site/feeds/all/feed.json',
        'site/feeds/gazette/atom.xml',
        'site/feeds/press/atom.xml',
        'site/feeds/departments/mzj/atom.xml',
        'site/feeds/topics/mz/rss.xml',
        'site/feeds/lang/en/feed.json',
        'site/feeds/partners/xinwen/atom.xml',
      ]),
    );
    const rss = objects.objects.get('site/feeds/all/rss.xml');
    expect(rss?.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(rss?.cacheControl).toMatch(/max-age=\d{1,3},/);
    expect(objects.objects.get('site/feeds/all/feed.json')?.contentType).toBe('application/feed+json; charset=utf-8');
    expect((await read('feeds/departments/mzj/atom.xml')).items.map((item) => item.id)).toEqual([tag('press-d')]);
    expect((await read('feeds/gazette/atom.xml')).items.map((item) => item.id)).toEqual([tag('art-c')]);
  });

  it('gives entries absolute URLs in their HTML, and partner feeds without full text when the profile says so', async () => {
    await rebuild();
    const all = await read('feeds/all/atom.xml');
    expect(all.items[0]?.content).toContain('href="https://www.huainan.gov.cn/press/2010/press-e/annex.pdf"');
    const partnerFeed = await read('feeds/partners/xinwen/atom.xml');
    expect(partnerFeed.items.map((item) => item.id)).toEqual([tag('press-e'), tag('press-d')]);
    expect(partnerFeed.items[0]?.content).toBeUndefined();
    expect(partnerFeed.links.find((link) => link.$['rel'] === 'hub')?.$['href']).toBe('https://hub.example.org/');
  });

  it('rewrites nothing when nothing changed', async () => {
    await rebuild();
    const before = objects.puts.length;
    const again = await rebuild();
    expect(again.written).toEqual([]);
    expect(again.changedFeeds).toEqual([]);
    expect(objects.puts.length).toBe(before);
    expect((await rebuild({ full: true })).written).toEqual([]);
  });

  it('on a change writes only the feeds that show it, never a full archive, and keeps the entry id', async () => {
    await rebuild();
    const archived = Buffer.from(objects.objects.get('site/feeds/all/archive/1.atom.xml')!.body).toString('utf8');
    await add({ id: 'press-a', version: 2, date: '2010-10-01', updatedAt: '2010-10-06T02:00:00.000Z', body: '<p>修订后的正文</p>' });
    const { written, changedFeeds } = await rebuild();
    expect(written.filter((key) => /feeds\/all\/archive\/[12]\./.test(key))).toEqual([]);
    expect(written).toContain('site/feeds/all/archive/3.atom.xml');
    expect(written.some((key) => key.includes('/departments/mzj/') || key.includes('/gazette/'))).toBe(false);
    expect(changedFeeds.map((feed) => feed.name)).toEqual(['all', 'departments/xwb', 'lang/zh-cn', 'partners/xinwen', 'press', 'topics/zwgk']);
    expect(changedFeeds.find((feed) => feed.name === 'partners/xinwen')?.hubUrl).toBe('https://hub.example.org/');
    expect(Buffer.from(objects.objects.get('site/feeds/all/archive/1.atom.xml')!.body).toString('utf8')).toBe(archived);
    const head = await read('feeds/all/atom.xml');
    expect(head.items[0]).toMatchObject({ id: tag('press-a'), content: '<p>修订后的正文</p>' });
    expect(head.items[0]?.isoDate).toBe('2010-09-30T16:00:00.000Z'); // published stays the 发布日期
    const atom = Buffer.from(objects.objects.get('site/feeds/all/atom.xml')!.body).toString('utf8');
    expect(atom).toContain(
      `<id>${tag('press-a')}</id><title type="text">关于press-a的通知</title><link rel="alternate" type="text/html" href="https://www.huainan.gov.cn/press/2010/press-a/"/><published>2010-10-01T00:00:00+08:00</published><updated>2010-10-06T02:00:00Z</updated>`,
    );
  });

  it('rewrites the archive of a partner feed whose profile changed, since it is another history', async () => {
    await rebuild();
    expect(await history('partners/xinwen')).toEqual(['press-e', 'press-d', 'press-e', 'press-d', 'press-b', 'press-a'].map(tag));
    const widened = { ...partner, takes: { fullText: false } };
    const { written } = await rebuildFeeds({ objects, site, partners: [widened], documents: records.values(), settings });
    expect(written).toContain('site/feeds/partners/xinwen/archive/1.atom.xml');
    expect(await history('partners/xinwen')).toEqual(['press-e', 'press-d', 'press-d', 'art-c', 'press-b', 'press-a'].map(tag));
  });

  it('hands the versions new to the feed log to the outbox hook before writing, again after a crash', async () => {
    const seen: string[][] = [];
    const failing = rebuildFeeds({
      objects,
      site,
      partners: [],
      documents: records.values(),
      settings,
      beforeWrite: async (changed) => {
        seen.push(changed.map((record) => `${record.id}@${record.version}`));
        throw new Error('crash');
      },
    });
    await expect(failing).rejects.toThrow('crash');
    expect(objects.puts.filter((key) => key.startsWith('site/'))).toEqual([]);
    await rebuildFeeds({
      objects,
      site,
      partners: [],
      documents: records.values(),
      settings,
      beforeWrite: async (changed) => void seen.push(changed.map((r) => `${r.id}@${r.version}`)),
    });
    await rebuildFeeds({
      objects,
      site,
      partners: [],
      documents: records.values(),
      settings,
      beforeWrite: async (changed) => void seen.push(changed.map((r) => `${r.id}@${r.version}`)),
    });
    const all = ['press-a@1', 'press-b@1', 'art-c@1', 'press-d@1', 'press-e@1'];
    expect(seen).toEqual([all, all]);
  });

  it('replaces a withdrawn document by a tombstone and drops it from RSS', async () => {
    await rebuild();
    await add({ id: 'press-e', version: 2, status: 'withdrawn', date: '2010-10-05', lang: 'en', updatedAt: '2010-10-07T00:00:00.000Z' });
    await rebuild();
    const atom = Buffer.from(objects.objects.get('site/feeds/all/atom.xml')!.body).toString('utf8');
    expect(atom).toContain(`<at:deleted-entry ref="${tag('press-e')}" when="2010-10-07T00:00:00Z">`);
    const rss = await read('feeds/all/rss.xml');
    expect(rss.items.map((item) => item.guid)).not.toContain(tag('press-e'));
  });
});

describe('rebuildFeeds on the S3 adapter', () => {
  it('stores feeds with their media type, short cache-control and an ETag that changes only with the content', async () => {
    const { objects: s3 } = await createEmulatorStores();
    const docs = new Map<string, DocumentRecord>();
    const publishTo = async (spec: Parameters<typeof publish>[1]) => {
      const record = await publish(s3, spec);
      docs.set(record.id, record);
    };
    const run = () => rebuildFeeds({ objects: s3, site, partners: [], documents: docs.values(), settings });
    await publishTo({ id: 'press-a', date: '2010-10-01', updatedAt: '2010-10-01T02:00:00.000Z' });
    await run();
    const first = await s3.head('site/feeds/all/atom.xml');
    expect(first).toMatchObject({ contentType: 'application/atom+xml; charset=utf-8', cacheControl: 'public, max-age=120, must-revalidate' });
    expect((await run()).written).toEqual([]);
    expect((await s3.head('site/feeds/all/atom.xml'))?.etag).toBe(first?.etag);
    await publishTo({ id: 'press-b', date: '2010-10-02', updatedAt: '2010-10-02T02:00:00.000Z' });
    await run();
    expect((await s3.head('site/feeds/all/atom.xml'))?.etag).not.toBe(first?.etag);
  });
});

describe('rebuildFeeds increments', () => {
  it('renders a new document from the cached subscription entries, without re-reading every older fragment', async () => {
    await add(
      { id: 'press-a', date: '2010-10-01', updatedAt: '2010-10-01T02:00:00.000Z' },
      { id: 'press-b', date: '2010-10-02', updatedAt: '2010-10-02T02:00:00.000Z' },
    );
    await rebuildFeeds({ objects, site, partners: [], documents: records.values() });
    for (const key of [...objects.objects.keys()]) if (key.startsWith('private/entries/')) objects.objects.delete(key);
    await add({ id: 'press-c', date: '2010-10-03', updatedAt: '2010-10-03T02:00:00.000Z' });
    await rebuildFeeds({ objects, site, partners: [], documents: records.values() });
    const head = await read('feeds/all/atom.xml');
    expect(head.items.map((item) => [item.id, item.content])).toEqual([
      [tag('press-c'), expect.stringContaining('正文')],
      [tag('press-b'), expect.stringContaining('正文')],
      [tag('press-a'), expect.stringContaining('正文')],
    ]);
  });
});

describe('rebuildFeeds state', () => {
  const readJson = (key: string) => JSON.parse(Buffer.from(objects.objects.get(key)!.body).toString('utf8'));
  const day = (i: number) => new Date(Date.UTC(2010, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const many = (from: number, to: number) =>
    add(
      ...Array.from({ length: to - from }, (_, k) => ({
        id: `press-${String(from + k).padStart(4, '0')}`,
        date: day(from + k),
        updatedAt: `${day(from + k)}T02:00:00.000Z`,
      })),
    );

  it('keeps the log in a snapshot rewritten every 500 items, and only the newer items in the state', async () => {
    await many(0, 520);
    await rebuild();
    expect(readJson(FEED_STATE_KEY)).toMatchObject({ logBase: 520, logTail: { items: [] } });
    const snapshot = JSON.parse(gunzipSync(objects.objects.get(FEED_LOG_KEY)!.body).toString('utf8')) as StoredLog;
    expect(snapshot.items).toHaveLength(520);
    const before = objects.puts.length;
    await many(520, 523);
    await rebuild();
    expect(objects.puts.slice(before)).not.toContain(FEED_LOG_KEY);
    expect(readJson(FEED_STATE_KEY).logTail.items.map((item: unknown[]) => item[0])).toEqual(['press-0520', 'press-0521', 'press-0522']);
    const ids = [...new Set(await history('all'))];
    expect(ids.slice(0, 4)).toEqual(['press-0522', 'press-0521', 'press-0520', 'press-0519'].map(tag));
    expect(ids).toHaveLength(523);
  });

  it('reads a state that holds the whole log, as earlier releases wrote it, and writes the new form', async () => {
    await many(0, 7);
    await rebuild();
    const { logBase, logTail, ...rest } = readJson(FEED_STATE_KEY);
    expect(logBase).toBe(0);
    await objects.put({
      key: FEED_STATE_KEY,
      body: Buffer.from(JSON.stringify({ ...rest, log: encodeLog(decodeLog(logTail)) })),
      contentType: 'application/json',
    });
    expect((await rebuild()).written).toEqual([]);
    await many(7, 8);
    const { written } = await rebuild();
    expect(written).toContain('site/feeds/all/atom.xml');
    expect(written).toContain('site/feeds/all/archive/4.atom.xml');
    expect(written.filter((key) => key.includes('/archive/') && !key.includes('/archive/4.'))).toEqual([]);
    expect(readJson(FEED_STATE_KEY)).toMatchObject({ logBase: 0, logTail: { items: expect.any(Array) } });
    expect(readJson(FEED_STATE_KEY).log).toBeUndefined();
    expect([...new Set(await history('all'))]).toEqual(Array.from({ length: 8 }, (_, i) => tag(`press-${String(7 - i).padStart(4, '0')}`)));
  });

  it('rewrites a head cache only once several of its entries are missing from it, reading those few from their fragments', async () => {
    await many(0, 2);
    await rebuildFeeds({ objects, site, partners: [], documents: records.values() });
    const cacheWrites: number[] = [];
    for (let i = 2; i < 20; i++) {
      await many(i, i + 1);
      const before = objects.puts.length;
      await rebuildFeeds({ objects, site, partners: [], documents: records.values() });
      if (objects.puts.slice(before).includes('private/feeds/heads/all.json')) cacheWrites.push(i);
      const head = await read('feeds/all/atom.xml');
      expect(head.items).toHaveLength(i + 1);
      expect(head.items.every((item) => item.content?.includes('正文'))).toBe(true);
    }
    expect(cacheWrites).toEqual([9, 17]);
  });
});
