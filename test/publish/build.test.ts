import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite, type BuildSummary, PublishStateError } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, PRIVATE_PREFIX, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { BucketMemory } from '../../src/publish/bucketMemory.ts';
import { acquireLease } from '../../src/publish/lease.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';
import { pressMonthPath } from '../../templates/press.tsx';

const now = new Date('2010-06-25T08:00:00+08:00');

async function load(root: string): Promise<ContentSet> {
  const { content, messages } = await loadContent(root);
  expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
  return content as ContentSet;
}

async function build(root: string, stores: { objects: ObjectStore; records: RecordStore }, at = now, workers = 0): Promise<BuildSummary> {
  const content = await load(root);
  const renderer = await createSiteRenderer(content, { workers });
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now: at });
  } finally {
    await renderer.close();
  }
}

async function text(objects: ObjectStore, path: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + path);
  if (stored === undefined) throw new Error(`no object at ${path}`);
  return Buffer.from(stored.body).toString('utf8');
}

async function siteObjects(objects: ObjectStore, prefix = SITE_PREFIX): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const head of objects.list(prefix)) {
    const stored = await objects.get(head.key);
    found.set(head.key.slice(prefix.length), sha256(stored?.body ?? new Uint8Array()));
  }
  return found;
}

describe('buildSite', () => {
  it('publishes pages, files and records, with the record pointing at the stored bytes', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const summary = await build(root, stores);
    expect(summary).toMatchObject({ created: 5, updated: 0, unchanged: 0, scheduled: 1, drafts: 1, issuesWritten: 1 });

    const article = await text(stores.objects, 'gazette/2010/05/huaifu-2010-69/index.html');
    expect(article).toContain('淮南市人民政府关于进一步推进政务公开工作的意见');
    expect(article).toContain('淮府〔2010〕69号');
    expect(article).not.toContain('<script>');
    const head = await stores.objects.head(`${SITE_PREFIX}gazette/2010/05/huaifu-2010-69/index.html`);
    expect(head?.contentType).toBe('text/html; charset=utf-8');
    expect(head?.cacheControl).toContain('max-age=');

    const record = await stores.records.getDocument('huaifu-2010-69');
    expect(record).toMatchObject({ version: 1, status: 'published', docNumber: '淮府〔2010〕69号', urlPath: '/gazette/2010/05/huaifu-2010-69/' });
    expect(record?.indexNumber).toMatch(/^003210001\/2010-\d{5}$/);
    expect(article).toContain(record?.indexNumber);
    for (const ref of record?.artifacts ?? []) {
      const stored = await stores.objects.get(SITE_PREFIX + ref.key);
      expect(sha256(stored?.body ?? new Uint8Array())).toBe(ref.sha256);
    }

    // Every document has its PDF, linked from its page and listed in its record.
    const pdfRef = record?.artifacts.find((ref) => ref.contentType === 'application/pdf');
    expect(pdfRef?.key).toBe('gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf');
    expect(article).toContain('href="/gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf"');
    const pdf = await stores.objects.get(`${SITE_PREFIX}${pdfRef?.key}`);
    expect(
      Buffer.from(pdf?.body ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(pdf?.body.byteLength).toBe(pdfRef?.size);

    // The link between articles is rewritten to the other page's URL.
    expect(await text(stores.objects, 'gazette/2010/05/banfa-2010-12/index.html')).toContain('href="/gazette/2010/05/huaifu-2010-69/"');
    // The conference photo is published beside its page and the Q&A is addressable.
    const conference = await text(stores.objects, 'press/2010/briefing/index.html');
    expect(conference).toContain('id="qa-1"');
    expect(conference).toContain('src="/press/2010/briefing/photo.png"');
    expect((await stores.objects.head(`${SITE_PREFIX}press/2010/briefing/photo.png`))?.contentType).toBe('image/png');

    const issue = await stores.records.getIssue(2010, 5);
    expect(issue?.articleIds).toEqual(['huaifu-2010-69', 'huaifuban-2010-12']);
    const issuePage = await text(stores.objects, 'gazette/2010/05/index.html');
    expect(issuePage).toContain('href="/gazette/2010/05/gazette-2010-05.pdf"');
    expect(issue?.artifacts?.map((ref) => ref.key)).toEqual([
      'gazette/2010/05/index.html',
      'gazette/2010/05/gazette-2010-05.pdf',
      'gazette/2010/05/gazette-2010-05-deposit.zip',
    ]);
    expect((await stores.objects.head(`${SITE_PREFIX}gazette/2010/05/gazette-2010-05.pdf`))?.contentType).toBe('application/pdf');
    expect(issuePage.indexOf('淮府〔2010〕69号')).toBeLessThan(issuePage.indexOf('淮府办〔2010〕12号'));
    expect(await text(stores.objects, 'index.html')).toContain('12345市长公开电话受理量稳步上升');
    expect(await text(stores.objects, 'press/index.html')).toContain('/press/2010/hotline/');
  });

  it('never publishes drafts or embargoed documents, anywhere', async () => {
    const stores = await createTestStores();
    await build(await writeSite(sampleFiles()), stores);
    expect(await stores.records.getDocument('press-2010-draft')).toBeUndefined();
    expect(await stores.records.getDocument('press-2010-embargoed')).toBeUndefined();
    for (const [key] of await siteObjects(stores.objects)) {
      const body = await text(stores.objects, key);
      expect(key).not.toContain('embargoed');
      expect(body).not.toContain('禁发期内');
      expect(body).not.toContain('草稿');
    }
  });

  it('skips unchanged documents and rewrites nothing when nothing changed', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores);
    const before = await siteObjects(stores.objects);
    const again = await build(root, stores, new Date('2010-06-26T08:00:00+08:00'));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5, objectsWritten: 0, issuesWritten: 0 });
    expect(await siteObjects(stores.objects)).toEqual(before);
  });

  it('republishes one changed document as a new version and touches only the pages that show it', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores);
    const before = await siteObjects(stores.objects);
    const files = sampleFiles();
    const corrected = String(files['press/2010/hotline.md'])
      .replace('一万余件', '一万二千余件')
      .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 受理量更正为一万二千余件。\nchangeDate: 2010-06-26\n');
    await writeFile(join(root, 'press/2010/hotline.md'), corrected);
    const summary = await build(root, stores, new Date('2010-06-26T08:00:00+08:00'));
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const after = await siteObjects(stores.objects);
    const changed = [...after.keys()].filter((key) => before.get(key) !== after.get(key)).sort();
    expect(changed).toEqual([
      // The document's JSON: new version, digest and PDF.
      'api/v1/documents/press-2010-hotline.json',
      // Its page, PDF and the copy of version 1.
      'press/2010/hotline/hotline.pdf',
      'press/2010/hotline/index.html',
      'press/2010/hotline/v1/index.html',
      // The search index: its text and the shard holding the changed terms.
      'search/docs/2.json',
      'search/shards/0.bin',
      // Sitemaps: the correction date is the document's (and its listings') new lastmod.
      'sitemap.xml',
      'sitemaps/pages.xml',
      'sitemaps/press-2010.xml',
      // The annual report counts one more corrected document.
      'xxgk/tongji/2010/niandu-baogao.json',
      'xxgk/tongji/2010/niandu-baogao/index.html',
    ]);
    const page = await text(stores.objects, 'press/2010/hotline/index.html');
    expect(page).toContain('一万二千余件');
    expect(page).toContain('受理量更正为一万二千余件。');
    expect(page).toContain('href="/press/2010/hotline/v1/"');
    // The first version stays readable at its stable URL, as it was.
    const archived = await text(stores.objects, 'press/2010/hotline/v1/index.html');
    expect(archived).toContain('一万余件');
    expect(archived).toContain('本页为第1版存档');
    // Its checksums are version 1's PDF's, and it says so: the link leads to the current PDF.
    expect(archived).toContain('本页“文件校验”所列为第1版发布时的文件及其校验值，文件链接指向现行文件。');
    const pdfV1 = /hotline\.pdf<\/a>.*?<code class="sha256" translate="no">([0-9a-f]{64})<\/code>/s.exec(archived)?.[1];
    const pdfNow = /hotline\.pdf<\/a>.*?<code class="sha256" translate="no">([0-9a-f]{64})<\/code>/s.exec(page)?.[1];
    expect(pdfV1).toBeDefined();
    expect(pdfNow).toBe(
      createHash('sha256')
        .update((await stores.objects.get(`${SITE_PREFIX}press/2010/hotline/hotline.pdf`))?.body ?? '')
        .digest('hex'),
    );
    expect(pdfV1).not.toBe(pdfNow);
    expect((await stores.records.listAudit('press-2010-hotline')).map((entry) => [entry.event, entry.version])).toEqual([
      ['published', 1],
      ['updated', 2],
    ]);
    const record = await stores.records.getDocument('press-2010-hotline');
    expect(record?.version).toBe(2);
    expect(record?.firstPublishedAt).toBe(now.toISOString());
    expect((await stores.records.getDocumentVersion('press-2010-hotline', 1))?.digest).not.toBe(record?.digest);
  });

  it('with what the bucket holds kept between builds (watch mode), writes the same bytes without asking the bucket', async () => {
    // Two corrections of one release, on the 26th and the 27th.
    const corrections = [
      { at: new Date('2010-06-26T08:00:00+08:00'), text: '一万二千余件', note: '受理量更正为一万二千余件。', date: '2010-06-26' },
      { at: new Date('2010-06-27T08:00:00+08:00'), text: '一万三千余件', note: '受理量再次更正为一万三千余件。', date: '2010-06-27' },
    ];
    const corrected = (n: number) =>
      String(sampleFiles()['press/2010/hotline.md'])
        .replace('一万余件', corrections[n]?.text ?? '')
        .replace('category: 综合政务\n', `category: 综合政务\nchangeNote: ${corrections[n]?.note}\nchangeDate: ${corrections[n]?.date}\n`);
    // Reference: the three builds (feeds included), the bucket asked each time.
    const plain = await createTestStores();
    const plainRoot = await writeSite(sampleFiles());
    const plainRun = async (at: Date) => {
      const content = await load(plainRoot);
      const renderer = await createSiteRenderer(content, { workers: 0 });
      const feeds = { partners: [], deliveries: plain.deliveries };
      try {
        return await buildSite({ content, objects: plain.objects, records: plain.records, renderer, now: at, feeds });
      } finally {
        await renderer.close();
      }
    };
    await plainRun(now);
    for (const [n, { at }] of corrections.entries()) {
      await writeFile(join(plainRoot, 'press/2010/hotline.md'), corrected(n));
      await plainRun(at);
    }
    // The same builds, each knowing what the ones before left in the bucket.
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const bucketMemory = new BucketMemory();
    const asked: string[] = [];
    const counted: ObjectStore = {
      ...stores.objects,
      head: (key) => (asked.push(`head ${key}`), stores.objects.head(key)),
      get: (key) => (asked.push(`get ${key}`), stores.objects.get(key)),
    };
    // As the watch process builds (snapshotFile.ts): the lease held from before the build reads anything.
    const run = async (at: Date) => {
      const content = await load(root);
      const renderer = await createSiteRenderer(content, { workers: 0 });
      const lease = await acquireLease(stores.records, { now: () => at });
      try {
        const feeds = { partners: [], deliveries: stores.deliveries };
        return await buildSite({ content, objects: counted, records: stores.records, renderer, now: at, bucketMemory, feeds, lease });
      } finally {
        await lease.release();
        await renderer.close();
      }
    };
    await run(now);
    expect(bucketMemory.size).toBeGreaterThan(20);
    for (const [n, { at }] of corrections.entries()) {
      await writeFile(join(root, 'press/2010/hotline.md'), corrected(n));
      asked.length = 0;
      expect(await run(at)).toMatchObject({ updated: 1, unchanged: 4 });
      // One question remains: whether the copy of the previous version exists before it is made.
      expect(asked.filter((request) => request.startsWith('head'))).toEqual([`head ${SITE_PREFIX}press/2010/hotline/v${n + 1}/index.html`]);
      // The search index is read from the bucket once, then updated from what this process wrote.
      const searchReads = asked.filter((request) => request.startsWith(`get ${SITE_PREFIX}search/`));
      if (n === 0) expect(searchReads.length).toBeGreaterThan(0);
      else expect(searchReads).toEqual([]);
      // Once read, the build state, the feed state, the entries in the feeds and the page kept as the
      // previous version are known too, and the new feed entry is the one this build wrote: the
      // second correction reads nothing back.
      if (n === 1) expect(asked.filter((request) => request.startsWith('get'))).toEqual([]);
    }
    expect(await siteObjects(stores.objects)).toEqual(await siteObjects(plain.objects));
    expect(await siteObjects(stores.objects, PRIVATE_PREFIX)).toEqual(await siteObjects(plain.objects, PRIVATE_PREFIX));
  });

  it('asks no HEAD in a first build into an empty bucket, and compares again once the bucket holds a site', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const heads: string[] = [];
    // A store that does not compare as it writes (S3): the build asks before it writes.
    const counted: ObjectStore = { ...stores.objects, putSkipsUnchanged: false, head: (key) => (heads.push(key), stores.objects.head(key)) };
    const first = await build(root, { objects: counted, records: stores.records });
    expect(first.created).toBeGreaterThan(0);
    expect(heads).toEqual([]);
    // Rebuilt from scratch (as when the records are lost): pages that are there are compared, not rewritten.
    const fresh = await createTestStores();
    const again = await build(root, { objects: counted, records: fresh.records });
    expect(heads.length).toBeGreaterThan(0);
    expect(again.objectsUnchanged).toBeGreaterThan(0);
    expect(again.objectsWritten).toBeLessThan(again.objectsUnchanged);
    // The file store compares as it writes: the same rebuild asks no HEAD, and writes no more.
    heads.length = 0;
    const compares: ObjectStore = { ...stores.objects, head: (key) => (heads.push(key), stores.objects.head(key)) };
    const third = await build(root, { objects: compares, records: (await createTestStores()).records });
    expect(heads).toEqual([]);
    expect(third.objectsUnchanged).toBe(again.objectsUnchanged);
    expect(third.objectsWritten).toBe(again.objectsWritten);
  });

  it('writes a listing wave once the pages the wave before creates are written, but not waiting for pages it only replaces', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const month = `${SITE_PREFIX}${pressMonthPath('2010-06').slice(1)}index.html`;
    const home = `${SITE_PREFIX}index.html`;
    let events: string[] = [];
    // The month page of the release is slow to write; what matters is when the home page (the
    // last wave, which links to it) starts. A store that is asked before it is written to (S3):
    // one that compares as it writes tells only once written whether it replaced a page.
    const slowMonth: ObjectStore = {
      ...stores.objects,
      putSkipsUnchanged: false,
      put: async (input) => {
        if (input.key === home) events.push('home');
        if (input.key !== month) return stores.objects.put(input);
        events.push('month starts');
        await new Promise((resolve) => setTimeout(resolve, 300));
        await stores.objects.put(input);
        events.push('month written');
      },
    };
    const run = async (at: Date) => {
      const content = await load(root);
      const renderer = await createSiteRenderer(content, { workers: 0 });
      try {
        return await buildSite({ content, objects: slowMonth, records: stores.records, renderer, now: at });
      } finally {
        await renderer.close();
      }
    };
    // New: the home page links to a month page that does not exist yet.
    await run(now);
    expect(events).toEqual(['month starts', 'month written', 'home']);
    // Replaced (a new title shows on both): the month page is there, its new version can follow.
    events = [];
    const corrected = String(sampleFiles()['press/2010/hotline.md'])
      .replace('title: 12345市长公开电话受理量稳步上升', 'title: 12345市长公开电话受理量持续上升')
      .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 标题更正。\nchangeDate: 2010-06-26\n');
    await writeFile(join(root, 'press/2010/hotline.md'), corrected);
    expect(await run(new Date('2010-06-26T08:00:00+08:00'))).toMatchObject({ updated: 1 });
    expect(events).toEqual(['month starts', 'home', 'month written']);
    expect(await text(stores.objects, pressMonthPath('2010-06').slice(1) + 'index.html')).toContain('12345市长公开电话受理量持续上升');
  });

  it('gives byte-identical output for the same content, whatever the clock says', async () => {
    const root = await writeSite(sampleFiles());
    const first = await createTestStores();
    const second = await createTestStores();
    await build(root, first, new Date('2010-06-25T08:00:00+08:00'));
    await build(root, second, new Date('2010-06-28T18:30:00+08:00'));
    expect(await siteObjects(second.objects)).toEqual(await siteObjects(first.objects));
  });

  it('renders the same bytes on worker threads as on the main thread', async () => {
    const root = await writeSite(sampleFiles());
    const main = await createTestStores();
    const pooled = await createTestStores();
    await build(root, main, now, 0);
    const content = await load(root);
    const renderer = await createSiteRenderer(content, { workers: 2 });
    // The process's threads (Linux): the two render threads exist while documents render, and are
    // gone once they are, so the discovery and feeds phases do not run beside their heaps.
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    try {
      await renderer.begin(1000, []);
      const rendering = threads();
      expect(rendering).toBeGreaterThanOrEqual(before + 2);
      await buildSite({ content, objects: pooled.objects, records: pooled.records, renderer, now });
      expect(threads()).toBeLessThanOrEqual(rendering - 2);
    } finally {
      await renderer.close();
    }
    expect(await siteObjects(pooled.objects)).toEqual(await siteObjects(main.objects));
  });

  it('refuses to build when a published document has lost its file, and writes nothing', async () => {
    const stores = await createTestStores();
    const files = sampleFiles();
    await build(await writeSite(files), stores);
    const before = await siteObjects(stores.objects);
    delete files['press/2010/hotline.md'];
    delete files['press/2010/hotline-en.md'];
    const error = await build(await writeSite(files), stores).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishStateError);
    expect((error as Error).message).toContain('press/2010/hotline.md');
    expect((error as Error).message).toContain('status: withdrawn');
    expect(await siteObjects(stores.objects)).toEqual(before);
  });
});
