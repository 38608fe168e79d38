// Embargoes, releases, withdrawals, corrections and faults: what readers and the table show.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryContentCache } from '../../src/content/cache.ts';
import { bodySource } from '../../src/content/lazyBody.ts';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { SCHEDULED_PREFIX } from '../../src/content/keys.ts';
import { buildSite, type BuildSummary, PublishStateError } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import type { Partner } from '../../src/delivery/partner.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

const before = new Date('2010-06-25T08:00:00+08:00');
const afterEmbargo = new Date('2010-06-30T10:00:00+08:00');

interface Stores {
  objects: ObjectStore;
  records: RecordStore;
  /** With deliveries, the build also rebuilds feeds and records partner deliveries. */
  deliveries?: DeliveryStore;
}

const newsSite: Partner = {
  id: 'news',
  name: '淮南新闻网',
  takes: { kinds: ['release'], fullText: true },
  webhook: { url: 'https://hooks.news.example/', secret: { env: 'UNUSED_SECRET' } },
};

async function build(root: string, stores: Stores, now: Date, pdf = false): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  if (content === undefined) throw new Error(messages.map((m) => `${m.file}:${m.line} ${m.message}`).join('\n'));
  const renderer = await createSiteRenderer(content, { workers: 0, pdf });
  const feeds = stores.deliveries === undefined ? {} : { feeds: { partners: [newsSite], deliveries: stores.deliveries } };
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now, ...feeds });
  } finally {
    await renderer.close();
  }
}

async function publicObjects(objects: ObjectStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const head of objects.listKeys(SITE_PREFIX)) {
    const stored = await objects.get(head.key);
    found.set(head.key.slice(SITE_PREFIX.length), Buffer.from(stored?.body ?? []).toString('utf8'));
  }
  return found;
}

async function page(objects: ObjectStore, path: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + path);
  if (stored === undefined) throw new Error(`no page at ${path}`);
  return Buffer.from(stored.body).toString('utf8');
}

/** A public PDF's text as pdftotext (poppler) extracts it, white space removed. */
async function pdfText(objects: ObjectStore, path: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'gazette-pdf-')), 'document.pdf');
  await writeFile(file, (await objects.get(SITE_PREFIX + path))?.body ?? new Uint8Array());
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

/** Every root-relative link in every public HTML page leads to an object that exists. */
async function expectNoBrokenLinks(objects: ObjectStore): Promise<void> {
  const site = await publicObjects(objects);
  const missing: string[] = [];
  for (const [key, body] of site) {
    if (!key.endsWith('.html')) continue;
    for (const [, href] of body.matchAll(/(?:href|src)="(\/[^"#?]*)/g)) {
      const target = decodeURI(href as string).slice(1);
      const objectKey = target === '' || target.endsWith('/') ? `${target}index.html` : target;
      if (!site.has(objectKey)) missing.push(`${key} → ${href}`);
    }
  }
  expect(missing).toEqual([]);
}

describe('embargo and release', () => {
  it('renders an embargoed release privately and shows nothing of it until publishAt', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const summary = await build(root, stores, before);
    expect(summary.scheduled).toBe(1);

    for (const [key, body] of await publicObjects(stores.objects)) {
      expect(key).not.toContain('embargoed');
      expect(body).not.toContain('press-2010-embargoed');
      expect(body).not.toContain('禁发期内');
    }
    const staged = await stores.records.listScheduled();
    expect(staged.map((item) => [item.id, item.publishAt])).toEqual([['press-2010-embargoed', '2010-06-30T10:00:00+08:00']]);
    const privatePage = await stores.objects.get(`${SCHEDULED_PREFIX}press-2010-embargoed/press/2010/embargoed/index.html`);
    expect(Buffer.from(privatePage?.body ?? []).toString('utf8')).toContain('禁发期内正文');
    expect(await stores.records.getDocument('press-2010-embargoed')).toBeUndefined();
  });

  it('lets no other page give away an embargoed document: translations, supersession, answers, editor notes', async () => {
    const stores = await createTestStores();
    const files = sampleFiles();
    const embargo = 'publishAt: 2010-06-30T10:00:00+08:00\n';
    const root = await writeSite({
      ...files,
      // An embargoed translation of a public release.
      'press/2010/hotline-en.md': String(files['press/2010/hotline-en.md'])
        .replace('lang: en\n', `lang: en\n${embargo}`)
        .replace("Mayor's hotline", 'SECRET-TRANSLATION'),
      // An embargoed article that says it is replaced by a public one.
      'gazette/2010/05/old-rules.md': String(files['gazette/2010/05/huaifu-2010-69.md'])
        .replace('id: huaifu-2010-69', 'id: old-rules-2010')
        .replace('淮府〔2010〕69号', '淮府〔2010〕70号')
        .replace('title: ', 'title: SECRET-SUPERSEDED ')
        .replace('category: 政务公开\n', `category: 政务公开\nvalidity: 失效\nsupersededBy: huaifu-2010-69\n${embargo}`),
      // Links from places the link checks do not read: an answer and an editor's note.
      'press/2010/briefing/index.md': String(files['press/2010/briefing/index.md']).replace(
        'answer: 主要是完善目录、开通在线访谈。',
        'answer: 详见[通知](../embargoed.md)。',
      ),
      'gazette/2010/05/index.md': String(files['gazette/2010/05/index.md']).replace('本期刊登市政府文件两件。', '另见[待发布文件](old-rules.md)。'),
    });
    // With PDFs: the conference's answers are printed as its page renders them.
    await build(root, stores, before, true);
    expect(await pdfText(stores.objects, 'press/2010/briefing/briefing.pdf')).toContain('详见通知。');
    for (const [key, body] of await publicObjects(stores.objects)) {
      // The answer's link target as written (the search index takes an answer's text, not its Markdown).
      for (const secret of ['SECRET-TRANSLATION', 'SECRET-SUPERSEDED', 'hotline-en', 'old-rules', '/press/2010/embargoed/', 'embargoed.md']) {
        expect(`${key}: ${body.includes(secret) ? secret : ''}`).toBe(`${key}: `);
      }
    }
    // At release, the links appear.
    await build(root, stores, afterEmbargo);
    expect(await page(stores.objects, 'press/2010/hotline/index.html')).toContain('/press/2010/hotline-en/');
    expect(await page(stores.objects, 'gazette/2010/05/huaifu-2010-69/index.html')).toContain('/gazette/2010/05/old-rules/');
    expect(await page(stores.objects, 'press/2010/briefing/index.html')).toContain('href="/press/2010/embargoed/"');
    expect(await page(stores.objects, 'gazette/2010/05/index.html')).toContain('href="/gazette/2010/05/old-rules/"');
  });

  it('releases at publishAt exactly once, even when two releases run at the same time', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores, before);
    const results = await Promise.allSettled([build(root, stores, afterEmbargo), build(root, stores, afterEmbargo)]);
    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    // A loser of the race (if any) retries and finds nothing left to do.
    const retry = await build(root, stores, afterEmbargo);
    expect(retry.released + retry.created + retry.updated).toBe(0);

    expect(await page(stores.objects, 'press/2010/embargoed/index.html')).toContain('禁发期内正文');
    expect(await page(stores.objects, 'press/index.html')).toContain('/press/2010/embargoed/');
    const record = await stores.records.getDocument('press-2010-embargoed');
    expect(record).toMatchObject({ version: 1, status: 'published' });
    expect((await stores.records.listAudit('press-2010-embargoed')).map((entry) => entry.event)).toEqual(['scheduled', 'released']);
    expect(await stores.records.listScheduled()).toEqual([]);
    expect(await stores.objects.get(`${SCHEDULED_PREFIX}press-2010-embargoed/press/2010/embargoed/index.html`)).toBeUndefined();
    // One notification for the partner, whichever build won.
    const jobs = (await stores.deliveries.listJobs('news')).filter((job) => job.documentId === 'press-2010-embargoed');
    expect(jobs.map((job) => job.event)).toEqual(['document.published']);
    await expectNoBrokenLinks(stores.objects);
  });
  it('gives a later embargo the link to an earlier one: staged without it, staged again with it when that one is out', async () => {
    const stores = await createTestStores();
    const files = sampleFiles();
    const root = await writeSite({
      ...files,
      // Out at 12:00 the same day as the embargoed release (10:00), and linking it.
      'press/2010/follow-up.md': String(files['press/2010/embargoed.md'])
        .replace('id: press-2010-embargoed', 'id: press-2010-follow-up')
        .replace('title: 禁发期内的新闻稿', 'title: 后续报道')
        .replace('T10:00:00', 'T12:00:00')
        .replace('禁发期内正文。', '详见[上午的新闻稿](embargoed.md)。'),
    });
    const staged = async () =>
      Buffer.from((await stores.objects.get(`${SCHEDULED_PREFIX}press-2010-follow-up/press/2010/follow-up/index.html`))?.body ?? []).toString('utf8');
    await build(root, stores, before);
    expect(await staged()).toContain('详见上午的新闻稿');
    expect(await staged()).not.toContain('href="/press/2010/embargoed/"');
    await build(root, stores, afterEmbargo);
    expect(await staged()).toContain('href="/press/2010/embargoed/"');
    await build(root, stores, new Date('2010-06-30T12:00:00+08:00'));
    expect(await page(stores.objects, 'press/2010/follow-up/index.html')).toContain('href="/press/2010/embargoed/"');
  });

  it("gives an issue whose editor's note links a release under embargo the link once the release is out", async () => {
    const stores = await createTestStores();
    const files = sampleFiles();
    const root = await writeSite({
      ...files,
      'gazette/2010/05/index.md': String(files['gazette/2010/05/index.md']).replace(
        '本期刊登市政府文件两件。',
        '另见[新闻稿](../../../press/2010/embargoed.md)。',
      ),
    });
    await build(root, stores, before);
    expect(await page(stores.objects, 'gazette/2010/05/index.html')).toContain('另见新闻稿');
    expect(await page(stores.objects, 'gazette/2010/05/index.html')).not.toContain('/press/2010/embargoed/');
    await build(root, stores, afterEmbargo);
    expect(await page(stores.objects, 'gazette/2010/05/index.html')).toContain('href="/press/2010/embargoed/"');
  });

  it('plans a site with an embargoed release from the content cache without reading any body', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores, before);
    const cache = createMemoryContentCache();
    await loadContent(root, { cache, now: before });
    const { content } = await loadContent(root, { cache, now: before });
    const documents = (content as ContentSet).documents;
    expect(documents.filter((doc) => typeof bodySource(doc) === 'string')).toEqual([]);
    const renderer = await createSiteRenderer(content as ContentSet, { workers: 0, pdf: false });
    try {
      const summary = await buildSite({ content: content as ContentSet, objects: stores.objects, records: stores.records, renderer, now: before });
      expect(summary.scheduled).toBe(1);
    } finally {
      await renderer.close();
    }
    // Nothing changed, so nothing was rendered: not one body was read to find links to the embargoed page.
    expect(documents.filter((doc) => typeof bodySource(doc) === 'string').map((doc) => doc.file)).toEqual([]);
  });
});

describe('embargo access for trusted partners', () => {
  const partner = (id: string, embargoAccess: boolean): Partner => ({
    id,
    name: id,
    takes: { kinds: ['release'], fullText: true },
    webhook: { url: `https://hooks.${id}.example/`, secret: { env: 'UNUSED_SECRET' } },
    ...(embargoAccess ? { embargoAccess } : {}),
  });

  it('tells only partners with embargo access, early and with the embargo time; everyone at release', async () => {
    const stores = await createTestStores();
    const { deliveries } = stores;
    const partners = [partner('trusted', true), partner('public', false)];
    const root = await writeSite(sampleFiles());
    const buildWithFeeds = async (now: Date) => {
      const { content } = await loadContent(root, { now });
      const renderer = await createSiteRenderer(content as ContentSet, { workers: 0, pdf: false });
      try {
        return await buildSite({
          content: content as ContentSet,
          objects: stores.objects,
          records: stores.records,
          renderer,
          now,
          feeds: { partners, deliveries },
        });
      } finally {
        await renderer.close();
      }
    };
    await buildWithFeeds(before);
    const early = (await deliveries.listJobs('trusted')).filter((job) => job.documentId === 'press-2010-embargoed');
    expect(early.map((job) => [job.event, job.embargoUntil])).toEqual([['document.embargoed', '2010-06-30T10:00:00+08:00']]);
    expect(JSON.parse(early[0]?.payload ?? '{}')).toMatchObject({
      type: 'document.embargoed',
      data: { embargoUntil: '2010-06-30T10:00:00+08:00', title: '禁发期内的新闻稿' },
    });
    expect((await deliveries.listJobs('public')).some((job) => job.documentId === 'press-2010-embargoed' || job.payload.includes('禁发期内'))).toBe(false);

    await buildWithFeeds(afterEmbargo);
    for (const id of ['trusted', 'public']) {
      const events = (await deliveries.listJobs(id)).filter((job) => job.documentId === 'press-2010-embargoed').map((job) => job.event);
      expect(events).toEqual(id === 'trusted' ? ['document.embargoed', 'document.published'] : ['document.published']);
    }
  });
});

describe('corrections and withdrawals', () => {
  it('refuses a changed published document without a change note, naming the file, and writes nothing', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores, before);
    const snapshot = await publicObjects(stores.objects);
    const file = join(root, 'press/2010/hotline.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('一万余件', '一万二千余件'));
    const error = await build(root, stores, afterEmbargo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishStateError);
    expect((error as PublishStateError).messages.map((m) => [m.file, m.ruleId])).toEqual([['press/2010/hotline.md', 'missing-change-note']]);
    expect(await publicObjects(stores.objects)).toEqual(snapshot);
    expect((await stores.records.getDocument('press-2010-hotline'))?.version).toBe(1);
  });

  it('refuses a page that would put out a file an embargoed or draft document shows, and not a file that is out already', async () => {
    const stores = await createTestStores();
    const chart = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const embargoed = `---
id: press-2010-chart
title: 网民留言办理情况图解
date: 2010-06-30
publishAt: 2010-06-30T09:00:00+08:00
department: 淮南市人民政府新闻办公室
category: 综合政务
---
![办理情况](chart.png)
`;
    const root = await writeSite({ ...sampleFiles(), 'press/2010/chart.md': embargoed, 'press/2010/chart.png': chart });
    await build(root, stores, before);
    const snapshot = await publicObjects(stores.objects);
    // A published page shows the embargoed release's image in a new version: it would put the image out early.
    const file = join(root, 'press/2010/hotline.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 补充图表。\nchangeDate: 2010-06-25\n') +
        '\n![办理情况](chart.png)\n',
    );
    const error = await build(root, stores, before).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishStateError);
    expect((error as PublishStateError).messages.map((m) => [m.file, m.ruleId])).toEqual([['press/2010/hotline.md', 'foreign-file']]);
    expect((error as PublishStateError).messages[0]?.message).toContain('content/press/2010/chart.md shows too, under embargo until 2010-06-30T09:00:00+08:00');
    expect(await publicObjects(stores.objects)).toEqual(snapshot);
    // Once the release is out, the same page publishes; a new draft showing the image then blocks nothing.
    await build(root, stores, afterEmbargo);
    expect((await stores.records.getDocument('press-2010-hotline'))?.version).toBe(2);
    await writeFile(join(root, 'press/2010/chart-draft.md'), embargoed.replace('id: press-2010-chart', 'id: press-2010-chart-draft\ndraft: true'));
    await build(root, stores, afterEmbargo);
  });

  it('withdraws a document: notice instead of body, out of the head listings and feeds, kept in its month', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores, before);
    const item = '<link>https://www.huainan.gov.cn/press/2010/hotline/</link>';
    expect(await page(stores.objects, 'feeds/press/rss.xml')).toContain(item);
    const file = join(root, 'press/2010/hotline.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'category: 综合政务\n',
        'category: 综合政务\nstatus: withdrawn\nwithdrawnReason: 数据口径有误，待核实后重新发布。\nwithdrawnDate: 2010-06-27\n',
      ),
    );
    const summary = await build(root, stores, afterEmbargo);
    expect(summary.withdrawn).toBe(1);
    const withdrawn = await page(stores.objects, 'press/2010/hotline/index.html');
    expect(withdrawn).toContain('数据口径有误');
    expect(withdrawn).not.toContain('一万余件');
    expect(await stores.records.getDocument('press-2010-hotline')).toMatchObject({ status: 'withdrawn', version: 2 });
    expect(await page(stores.objects, 'press/index.html')).not.toContain('/press/2010/hotline/"');
    expect(await page(stores.objects, 'press/archive/2010-06/index.html')).toContain('已撤回');
    expect((await stores.records.listAudit('press-2010-hotline')).map((entry) => entry.event)).toEqual(['published', 'withdrawn']);
    expect(await page(stores.objects, 'feeds/press/rss.xml')).not.toContain(item);
    const events = (await stores.deliveries.listJobs('news')).filter((job) => job.documentId === 'press-2010-hotline').map((job) => job.event);
    expect(events).toEqual(['document.published', 'document.withdrawn']);
  });

  it('takes down the text of a withdrawn document everywhere: no archived copy, no PDF, no files', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const { content } = await loadContent(root, { now: before });
    const renderer = await createSiteRenderer(content as ContentSet, { workers: 0 });
    try {
      await buildSite({ content: content as ContentSet, objects: stores.objects, records: stores.records, renderer, now: before });
    } finally {
      await renderer.close();
    }
    const file = join(root, 'press/2010/briefing/index.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'category: 政务公开\n',
        'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 发布会材料有误。\nwithdrawnDate: 2010-06-27\n',
      ),
    );
    await build(root, stores, afterEmbargo);
    const left = [...(await publicObjects(stores.objects)).keys()].filter((key) => key.startsWith('press/2010/briefing/'));
    expect(left).toEqual(['press/2010/briefing/index.html']);
    expect(await page(stores.objects, 'press/2010/briefing/index.html')).not.toContain('各位记者朋友');
  });

  it('corrects an article of a published issue with an erratum, and keeps the issue PDF byte for byte', async () => {
    const stores = await createTestStores();
    const nextIssue = {
      'gazette/2010/06/index.md': '---\nyear: 2010\nnumber: 6\ntotalNumber: 54\ndate: 2010-06-30\n---\n',
      'gazette/2010/06/huaifu-2010-88.md': String(sampleFiles()['gazette/2010/05/huaifu-2010-69.md'])
        .replace('id: huaifu-2010-69', 'id: huaifu-2010-88')
        .replace('淮府〔2010〕69号', '淮府〔2010〕88号')
        .replace('date: 2010-05-31', 'date: 2010-06-30'),
    };
    const root = await writeSite({ ...sampleFiles(), ...nextIssue });
    const { content } = await loadContent(root, { now: before });
    const renderer = await createSiteRenderer(content as ContentSet, { workers: 0 });
    try {
      await buildSite({ content: content as ContentSet, objects: stores.objects, records: stores.records, renderer, now: before });
    } finally {
      await renderer.close();
    }
    const pdfKey = `${SITE_PREFIX}gazette/2010/05/gazette-2010-05.pdf`;
    const original = sha256((await stores.objects.get(pdfKey))?.body ?? new Uint8Array());
    const file = join(root, 'gazette/2010/05/huaifu-2010-69.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 第一条文字更正。\nchangeDate: 2010-06-10\n')
        .replace('重要议事日程', '重要工作日程'),
    );
    const { content: changed } = await loadContent(root, { now: afterEmbargo });
    const again = await createSiteRenderer(changed as ContentSet, { workers: 0 });
    try {
      const summary = await buildSite({ content: changed as ContentSet, objects: stores.objects, records: stores.records, renderer: again, now: afterEmbargo });
      expect(summary).toMatchObject({ updated: 1 });
    } finally {
      await again.close();
    }
    // The version of record is untouched; the corrected text is on the page.
    expect(sha256((await stores.objects.get(pdfKey))?.body ?? new Uint8Array())).toBe(original);
    const articlePage = await page(stores.objects, 'gazette/2010/05/huaifu-2010-69/index.html');
    expect(articlePage).toContain('重要工作日程');
    // The erratum is published in its own right, linked both ways, and listed in the next issue.
    const erratum = await page(stores.objects, 'gazette/2010/05/huaifu-2010-69/kanwu-v2/index.html');
    expect(erratum).toContain('关于《淮南市人民政府关于进一步推进政务公开工作的意见》的勘误');
    expect(erratum).toContain('第一条文字更正。');
    expect(erratum).toContain('href="/gazette/2010/05/huaifu-2010-69/"');
    expect(erratum).toContain('2010年第6期');
    expect(articlePage).toContain('href="/gazette/2010/05/huaifu-2010-69/kanwu-v2/"');
    const next = await page(stores.objects, 'gazette/2010/06/index.html');
    expect(next).toContain('勘误');
    expect(next).toContain('href="/gazette/2010/05/huaifu-2010-69/kanwu-v2/"');
    expect((await stores.records.getDocument('huaifu-2010-69'))?.errata?.map((ref) => ref.urlPath)).toEqual(['/gazette/2010/05/huaifu-2010-69/kanwu-v2/']);
    await expectNoBrokenLinks(stores.objects);
  });
});

describe('a correction under embargo', () => {
  it('shows nothing of its new text early: the issue PDF and deposit wait for it, the API keeps the published titles', async () => {
    const stores = await createTestStores();
    const file = 'gazette/2010/05/huaifu-2010-69.md';
    const root = await writeSite({
      ...sampleFiles(),
      [file]: String(sampleFiles()[file]).replace(
        'category: 政务公开\n',
        'category: 政务公开\nattachments:\n  - { file: renwu.pdf, title: 政务公开工作任务分解表 }\n',
      ),
      'gazette/2010/05/renwu.pdf': Buffer.from('%PDF-1.4\n%%EOF\n'),
    });
    // Published without PDFs; then a correction under embargo (new text, a new attachment title).
    await build(root, stores, before);
    const path = join(root, file);
    await writeFile(
      path,
      (await readFile(path, 'utf8'))
        .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 第一条文字更正。\nchangeDate: 2010-06-28\npublishAt: 2010-06-30T09:00:00+08:00\n')
        .replace('政务公开工作任务分解表', '禁发附件标题')
        .replace('重要议事日程', '禁发更正文字'),
    );
    // PDFs switched on before the embargo ends: the issue's PDF would print every article's file.
    await build(root, stores, before, true);
    expect(await stores.records.getDocument('huaifu-2010-69')).toMatchObject({ version: 1 });
    const early = await publicObjects(stores.objects);
    expect([...early].filter(([, body]) => body.includes('禁发')).map(([key]) => key)).toEqual([]);
    expect(early.has('gazette/2010/05/gazette-2010-05.pdf')).toBe(false);
    expect(early.has('gazette/2010/05/gazette-2010-05-deposit.zip')).toBe(false);
    expect(early.get('gazette/2010/05/index.html')).not.toContain('gazette-2010-05.pdf');
    expect(early.get('api/v1/documents/huaifu-2010-69.json')).toContain('"title": "政务公开工作任务分解表"');
    // A page linking the corrected document still links its published version.
    expect(early.get('gazette/2010/05/banfa-2010-12/index.html')).toContain('href="/gazette/2010/05/huaifu-2010-69/"');
    await expectNoBrokenLinks(stores.objects);

    // Released: the issue PDF is made then, with the corrected text, and linked.
    await build(root, stores, afterEmbargo, true);
    expect(await stores.records.getDocument('huaifu-2010-69')).toMatchObject({ version: 2 });
    expect(await pdfText(stores.objects, 'gazette/2010/05/gazette-2010-05.pdf')).toContain('禁发更正文字');
    expect(await page(stores.objects, 'gazette/2010/05/index.html')).toContain('gazette-2010-05.pdf');
    expect(await page(stores.objects, 'api/v1/documents/huaifu-2010-69.json')).toContain('"title": "禁发附件标题"');
    await expectNoBrokenLinks(stores.objects);
  });

  it('shows the published title of a translation whose correction waits, on the original\u2019s page, until the release', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    await build(root, stores, before);
    const file = join(root, 'press/2010/hotline-en.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace("title: Mayor's hotline 12345 answers more calls", 'title: EMBARGOED-TITLE')
        .replace(
          'translationOf: press-2010-hotline\n',
          'translationOf: press-2010-hotline\nchangeNote: Title corrected.\nchangeDate: 2010-06-28\npublishAt: 2010-06-30T09:00:00+08:00\n',
        ),
    );
    await build(root, stores, before);
    const original = await page(stores.objects, 'press/2010/hotline/index.html');
    expect(original).not.toContain('EMBARGOED-TITLE');
    expect(original).toContain('hotline 12345 answers more calls');
    expect(original).toContain('href="/press/2010/hotline-en/"');
    await build(root, stores, afterEmbargo);
    expect(await page(stores.objects, 'press/2010/hotline/index.html')).toContain('EMBARGOED-TITLE');
  });
});

describe('faults', () => {
  it('converges after the object store fails halfway: no missing page behind a link, one version each', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    let puts = 0;
    const flaky: ObjectStore = {
      ...stores.objects,
      put: async (input) => {
        if (++puts === 6) throw new Error('S3 endpoint unreachable (injected)');
        return stores.objects.put(input);
      },
      get: (key) => stores.objects.get(key),
      head: (key) => stores.objects.head(key),
      list: (prefix) => stores.objects.list(prefix),
      listKeys: (prefix) => stores.objects.listKeys(prefix),
      delete: (keys) => stores.objects.delete(keys),
    };
    await expect(build(root, { objects: flaky, records: stores.records }, before)).rejects.toThrow('injected');
    // Nothing is listed before its page exists, so a half-done build shows no broken link.
    expect([...(await publicObjects(stores.objects)).keys()].filter((key) => key === 'index.html' || key === 'press/index.html')).toEqual([]);

    const retry = await build(root, stores, before);
    expect(retry.created).toBe(5);
    await expectNoBrokenLinks(stores.objects);
    for await (const record of stores.records.listDocuments()) {
      expect(record.version).toBe(1);
      expect((await stores.records.listAudit(record.id)).filter((entry) => entry.event === 'published')).toHaveLength(1);
    }
  });

  it('gives one winner and a clean retry when the same publish runs twice at once', async () => {
    const stores = await createTestStores();
    const root = await writeSite(sampleFiles());
    const results = await Promise.allSettled([build(root, stores, before), build(root, stores, before)]);
    expect(results.filter((result) => result.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const retry = await build(root, stores, before);
    expect(retry).toMatchObject({ created: 0, updated: 0, refreshed: 0 });
    for await (const record of stores.records.listDocuments()) {
      expect((await stores.records.listDocumentVersions(record.id)).map((version) => version.version)).toEqual([1]);
    }
    await expectNoBrokenLinks(stores.objects);
  });
});
