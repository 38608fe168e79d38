// Full text in RFC 5005 archive documents: the canonical `all` feed and full-text partners keep it,
// the facet feeds' archives are summary-only (unless the site asks for full text everywhere).

import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/delivery/partners.ts';
import { FEED_STATE_KEY } from '../../src/content/keys.ts';
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

/** The SHA-256 of each file an item of a JSON feed document lists. */
const filesOf = (key: string, id: string) =>
  (JSON.parse(text(key)) as { items: { id: string; _gazette?: { files?: { url: string; sha256: string }[] } }[] }).items
    .find((item) => item.id === tag(id))
    ?._gazette?.files?.map((file) => file.sha256);

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

describe('a version rendered again in place (a new template, site.yaml)', () => {
  it('is shown from its new fragment in every feed document that shows it, archive pages included, and in the next increments', async () => {
    await rebuild();
    // Rendered again: a new fragment and a new render digest in the record. Nothing else tells the feeds.
    const renderAgain = async (id: string, day: string, digest: string, options: { full?: boolean } = {}) => {
      const record = await publish(objects, {
        id,
        date: day,
        updatedAt: `${day}T02:00:00.000Z`,
        body: `<p>${id}的正文（新模板）</p>`,
        pageSha256: `${id}-new`,
        digest,
      });
      records.set(id, record);
      return rebuildFeeds({ objects, site, partners, documents: records.values(), settings: { headSize: 2, archivePageSize: 2 }, ...options });
    };
    // press-a is on the first archive page of each feed that takes it, and on no subscription document.
    const first = await renderAgain('press-a', '2010-10-01', 'press-a-again');
    expect(first.written).toContain('site/feeds/all/archive/1.atom.xml');
    expect(first.written.filter((key) => !key.includes('/archive/1.'))).toEqual([]);
    expect(filesOf('feeds/all/archive/1.json', 'press-a')).toEqual(['press-a-new', 'y']);
    const archive = await parser.parseString(text('feeds/all/archive/1.atom.xml'));
    expect(archive.items.map((item) => item.content)).toEqual(['<p>press-b的正文</p>', '<p>press-a的正文（新模板）</p>']);
    expect(text('feeds/all/archive/1.atom.xml')).toContain('sha256="press-a-new"');

    // The full check (every subscription document rendered, every archive page's presence checked) writes it too.
    const full = await renderAgain('press-a', '2010-10-01', 'press-a-again-2', { full: true });
    expect(full.written).toContain('site/feeds/all/archive/1.atom.xml');
    expect(full.written.filter((key) => key.includes('/archive/2.'))).toEqual([]);

    // press-d is on the second archive pages and the subscription documents: hubs hear of those.
    const second = await renderAgain('press-d', '2010-10-04', 'press-d-again');
    expect(second.written).toContain('site/feeds/all/archive/2.rss.xml');
    expect(second.written).toContain('site/feeds/all/feed.json');
    expect(second.written.filter((key) => key.includes('/archive/1.'))).toEqual([]);
    expect(second.changedFeeds.map((feed) => feed.name)).toContain('all');
    expect(filesOf('feeds/all/feed.json', 'press-d')).toEqual(['press-d-new', 'y']);
    expect(text('feeds/all/rss.xml')).toContain('sha256="press-d-new"');

    // Nothing changed: nothing written. A new document: press-d still shows its new render (the head caches were written again).
    const shown = objects.objects.get('private/feeds/shown.tsv')?.body;
    expect(shown).toBeDefined();
    expect((await rebuild()).written).toEqual([]);
    expect(objects.objects.get('private/feeds/shown.tsv')?.body).toBe(shown); // not written again
    records.set('press-e', await publish(objects, { id: 'press-e', date: '2010-10-05', updatedAt: '2010-10-05T02:00:00.000Z', body: '<p>press-e的正文</p>' }));
    await rebuild();
    const head = await parser.parseString(text('feeds/all/atom.xml'));
    expect(head.items.map((item) => item.content)).toEqual(['<p>press-e的正文</p>', '<p>press-d的正文（新模板）</p>']);
    expect(filesOf('feeds/partners/quanwen/feed.json', 'press-d')).toEqual(['press-d-new', 'y']);
  });

  it('catches up with a render it did not see: a run that stopped before it noted what the feeds show reads the new fragment next time', async () => {
    await rebuild();
    const shownBefore = objects.objects.get('private/feeds/shown.tsv');
    records.set(
      'press-a',
      await publish(objects, {
        id: 'press-a',
        date: '2010-10-01',
        updatedAt: '2010-10-01T02:00:00.000Z',
        body: '<p>新</p>',
        pageSha256: 'press-a-new',
        digest: 'press-a-again',
      }),
    );
    await rebuild();
    // The run stops after the feed documents, before `shown`: put back what it held.
    if (shownBefore !== undefined) objects.objects.set('private/feeds/shown.tsv', shownBefore);
    const again = await rebuild();
    expect(again.written).toContain('site/feeds/all/archive/1.json'); // same bytes, written again: idempotent
    expect(filesOf('feeds/all/archive/1.json', 'press-a')).toEqual(['press-a-new', 'y']);
    expect((await rebuild()).written).toEqual([]);
  });
});

describe('feeds written before they noted the render digests they show', () => {
  it('read every version again once, then only what changes', async () => {
    await rebuild();
    objects.objects.delete('private/feeds/shown.tsv');
    // A render those feeds never showed (same digest in the record: only the fragment tells).
    await publish(objects, {
      id: 'press-a',
      date: '2010-10-01',
      updatedAt: '2010-10-01T02:00:00.000Z',
      body: '<p>press-a的正文</p>',
      pageSha256: 'press-a-new',
    });
    const upgrade = await rebuild();
    expect(upgrade.written).toContain('site/feeds/all/archive/1.json');
    expect(filesOf('feeds/all/archive/1.json', 'press-a')).toEqual(['press-a-new', 'y']);
    expect((await rebuild()).written).toEqual([]);
  });
});

describe('new feed code (a new codeVersion)', () => {
  const withCode = (codeVersion?: string) =>
    rebuildFeeds({
      objects,
      site,
      partners,
      documents: records.values(),
      settings: { headSize: 2, archivePageSize: 2 },
      ...(codeVersion === undefined ? {} : { codeVersion }),
    });
  const archive = 'feeds/press/archive/1.atom.xml';
  const head = 'feeds/press/atom.xml';
  /** What older feed code would have left: other bytes, noted in the feeds' state as written. */
  const olderBytes = () => {
    const state = JSON.parse(Buffer.from(objects.objects.get(FEED_STATE_KEY)?.body ?? []).toString('utf8')) as { heads: Record<string, string> };
    for (const key of [archive, head]) {
      const stored = objects.objects.get(`site/${key}`);
      if (stored === undefined) throw new Error(`no object ${key}`);
      const body = Buffer.from(text(key).replace('</feed>', '<!-- older code -->\n</feed>'), 'utf8');
      objects.objects.set(`site/${key}`, { ...stored, body });
      if (state.heads[`site/${key}`] !== undefined) state.heads[`site/${key}`] = createHash('sha256').update(body).digest('hex');
    }
    const stored = objects.objects.get(FEED_STATE_KEY);
    if (stored !== undefined) objects.objects.set(FEED_STATE_KEY, { ...stored, body: Buffer.from(JSON.stringify(state), 'utf8') });
  };

  it('writes every feed document again, archive pages too, once; the same code writes nothing', async () => {
    await withCode('feeds-code-1');
    const current = [text(archive), text(head)];
    olderBytes();
    // The same code takes the feeds as they are.
    expect((await withCode('feeds-code-1')).written).toEqual([]);
    expect(text(archive)).toContain('older code');
    const again = await withCode('feeds-code-2');
    expect(again.written).toEqual(expect.arrayContaining([`site/${archive}`, `site/${head}`]));
    expect([text(archive), text(head)]).toEqual(current);
    expect((await withCode('feeds-code-2')).written).toEqual([]);
  });

  it('counts as new for feeds written before the code was noted', async () => {
    await withCode();
    const current = [text(archive), text(head)];
    olderBytes();
    expect((await withCode()).written).toEqual([]);
    await withCode('feeds-code-1');
    expect([text(archive), text(head)]).toEqual(current);
    expect((await withCode('feeds-code-1')).written).toEqual([]);
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
