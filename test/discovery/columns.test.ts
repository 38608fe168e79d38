// Special columns (专栏): membership rules, and what a real build writes for them — the columns
// index, each column's head and month pages, its feeds, and the "所属专栏" links on documents.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ColumnRule, ContentSet } from '../../src/content/model.ts';
import { type ColumnFacts, columnsOf, columnTakes } from '../../src/discovery/columns.ts';
import { derivedOutputs } from '../../src/discovery/outputs.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { createRenderContext } from '../../src/render/html/index.ts';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';

const rule = (parts: Partial<ColumnRule>): ColumnRule => ({ topics: [], departments: [], tags: [], kinds: [], documents: [], ...parts });
const facts: ColumnFacts = { id: 'a-doc', kind: 'release', department: '新闻办', category: '政务公开', date: '2010-06-08', tags: ['热线'] };

describe('columnTakes', () => {
  it('takes a document matching every criterion the rule names, any value of each', () => {
    expect(columnTakes(rule({ topics: ['政务公开', '综合政务'], kinds: ['release'] }), facts)).toBe(true);
    expect(columnTakes(rule({ topics: ['政务公开'], departments: ['市政府'] }), facts)).toBe(false);
    expect(columnTakes(rule({ tags: ['其他', '热线'] }), facts)).toBe(true);
    expect(columnTakes(rule({ tags: ['热线'] }), { ...facts, tags: undefined })).toBe(false);
  });

  it('bounds publication dates inclusively', () => {
    expect(columnTakes(rule({ from: '2010-06-08', to: '2010-06-08' }), facts)).toBe(true);
    expect(columnTakes(rule({ from: '2010-06-09' }), facts)).toBe(false);
    expect(columnTakes(rule({ tags: ['热线'], to: '2010-06-07' }), facts)).toBe(false);
  });

  it('takes listed documents whatever the criteria, and nothing else when it only lists documents', () => {
    expect(columnTakes(rule({ documents: ['a-doc'], topics: ['民政'], from: '2011-01-01' }), facts)).toBe(true);
    expect(columnTakes(rule({ documents: ['other'] }), facts)).toBe(false);
    expect(columnTakes(rule({}), facts)).toBe(false);
  });

  it('gives a document its columns in column order', () => {
    const column = (id: string, r: ColumnRule) => ({
      id,
      title: id,
      description: '',
      rule: r,
      order: 0,
      file: '',
      urlPath: `/zhuanlan/${id}/`,
      sourceDigest: '',
    });
    const columns = [column('b', rule({ tags: ['热线'] })), column('c', rule({ topics: ['民政'] })), column('a', rule({ kinds: ['release'] }))];
    expect(columnsOf(columns, facts).map((c) => c.id)).toEqual(['b', 'a']);
  });
});

// The fixture: the sample site (tests/publish/site.ts) plus tags, a second tagged release and
// four columns. What each column must list is written out by hand from the front matter below.
const now = new Date('2010-06-25T08:00:00+08:00');
const afterEmbargo = new Date('2010-07-01T08:00:00+08:00');

function columnFiles(): Record<string, string> {
  return {
    'columns/rexian.md':
      '---\ntitle: 市长热线\nsummary: 12345市长公开电话的办理情况。\norder: 2\nrule:\n  tags: [热线]\n---\n## 关于热线\n\n参见[市政府意见](../gazette/2010/05/huaifu-2010-69.md)，以及[禁发稿](../press/2010/embargoed.md)。\n\n<b>不是HTML</b>\n',
    'columns/zwgk.md': '---\ntitle: 政务公开（六月起）\norder: 1\nrule:\n  topics: [政务公开]\n  from: 2010-06-01\n---\n六月以来的政务公开信息。\n',
    'columns/xinwen.md':
      '---\ntitle: 新闻办新闻稿\norder: 3\nrule:\n  departments: [淮南市人民政府新闻办公室]\n  kinds: [release]\n---\n新闻办公室发布的新闻稿。\n',
    'columns/xuanbian.md': '---\ntitle: 文件选编\norder: 4\nrule:\n  documents: [huaifu-2010-69, press-2010-draft]\n---\n选编的文件。\n',
  };
}

function tagged(files: Record<string, string | Buffer>, path: string, tags: string): void {
  files[path] = (files[path] as string).replace(/\ncategory: ([^\n]+)\n/, `\ncategory: $1\ntags: ${tags}\n`);
}

function fixtureFiles(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = { ...sampleFiles(), ...columnFiles() };
  tagged(files, 'press/2010/hotline.md', '[热线]');
  tagged(files, 'press/2010/embargoed.md', '[热线]');
  tagged(files, 'press/2010/draft.md', '[热线]');
  files['press/2010/hotline-may.md'] = `---
id: press-2010-hotline-may
title: 五月市长热线办理情况通报
date: 2010-05-20
department: 淮南市人民政府新闻办公室
category: 综合政务
tags: [热线]
---
五月共受理来电八百件。
`;
  return files;
}

/** Expected members, newest first, by id → URL path: written from the fixture, not computed by the rule code. */
const paths: Record<string, string> = {
  'huaifu-2010-69': '/gazette/2010/05/huaifu-2010-69/',
  'huaifuban-2010-12': '/gazette/2010/05/banfa-2010-12/',
  'press-2010-hotline': '/press/2010/hotline/',
  'press-2010-hotline-en': '/press/2010/hotline-en/',
  'press-2010-hotline-may': '/press/2010/hotline-may/',
  'press-2010-briefing': '/press/2010/briefing/',
  'press-2010-embargoed': '/press/2010/embargoed/',
  'press-2010-hotline-june': '/press/2010/hotline-june/',
};
const expectedBefore: Record<string, string[]> = {
  rexian: ['press-2010-hotline', 'press-2010-hotline-may'],
  zwgk: ['press-2010-briefing'],
  xinwen: ['press-2010-hotline-en', 'press-2010-hotline', 'press-2010-hotline-may'],
  xuanbian: ['huaifu-2010-69'],
};

async function build(root: string, stores: TestStores, at: Date): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now: at });
  if (content === undefined) throw new Error(messages.map((m) => `${m.file}:${m.line} ${m.message}`).join('\n'));
  expect(content.columns.map((column) => column.id)).toEqual(['zwgk', 'rexian', 'xinwen', 'xuanbian']);
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  const { deliveries } = stores;
  try {
    return await buildSite({
      content: content,
      objects: stores.objects,
      records: stores.records,
      renderer,
      now: at,
      feeds: { partners: [], deliveries },
    });
  } finally {
    await renderer.close();
  }
}

async function text(objects: ObjectStore, key: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + key);
  if (stored === undefined) throw new Error(`no object at ${key}`);
  return Buffer.from(stored.body).toString('utf8');
}

async function page(objects: ObjectStore, key: string): Promise<Root> {
  return fromHtml(await text(objects, key));
}

/** The hrefs of the documents a column page lists, in order. */
function listed(tree: Root): string[] {
  return selectAll('.column-documents li > a', tree).map((a) => String(a.properties['href']));
}

function textOf(node: Element | Root | undefined): string {
  if (node === undefined) return '';
  return node.children.map((child) => (child.type === 'text' ? child.value : child.type === 'element' ? textOf(child) : '')).join('');
}

/** sha256 of every object under a prefix of the site. */
async function digests(objects: ObjectStore, prefix: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const head of objects.listKeys(SITE_PREFIX + prefix)) {
    const stored = await objects.get(head.key);
    found.set(head.key.slice(SITE_PREFIX.length), sha256(stored?.body ?? new Uint8Array()));
  }
  return found;
}

describe('special column pages and feeds, built', () => {
  // Only the column outputs of the derived phase: the others (catalogue, search, API…) have their
  // own tests. The registry is the module's, shared with any file that runs after this one in the
  // same process: it is put back afterwards.
  const all = [...derivedOutputs];
  beforeAll(() => {
    const kept = derivedOutputs.filter((output) => output.name.startsWith('column'));
    expect(kept).toHaveLength(3);
    derivedOutputs.splice(0, derivedOutputs.length, ...kept);
  });
  afterAll(() => {
    derivedOutputs.splice(0, derivedOutputs.length, ...all);
  });

  it('lists exactly what each rule selects, on the index, head and month pages, with feeds and document links', async () => {
    const stores = await createTestStores();
    const root = await writeSite(fixtureFiles());
    await build(root, stores, now);

    // The index: every column in column order, with its count and newest date.
    const index = await page(stores.objects, 'zhuanlan/index.html');
    const entries = selectAll('.column-list > li', index);
    expect(entries.map((li) => select('h2 a', li)?.properties['href'])).toEqual([
      '/zhuanlan/zwgk/',
      '/zhuanlan/rexian/',
      '/zhuanlan/xinwen/',
      '/zhuanlan/xuanbian/',
    ]);
    expect(entries.map((li) => textOf(select('.count', li)))).toEqual(['共1件', '共2件', '共3件', '共1件']);
    expect(select('.column-newest time', entries[1])?.properties['dateTime']).toBe('2010-06-08');
    expect(textOf(select('.column-summary', entries[1]))).toBe('12345市长公开电话的办理情况。');

    for (const [id, members] of Object.entries(expectedBefore)) {
      const head = await page(stores.objects, `zhuanlan/${id}/index.html`);
      expect(listed(head), id).toEqual(members.map((member) => paths[member]));
      // Month pages together list the same documents, each on its own month's page.
      const months = selectAll('.month-archive a', head).map((a) => String(a.properties['href']));
      const monthly: string[] = [];
      for (const href of months) monthly.push(...listed(await page(stores.objects, `${href.slice(1)}index.html`)));
      expect(monthly.sort(), id).toEqual(members.map((member) => paths[member]).sort());
    }

    const rexian = await page(stores.objects, 'zhuanlan/rexian/index.html');
    expect(selectAll('.month-archive a', rexian).map((a) => a.properties['href'])).toEqual(['/zhuanlan/rexian/2010-06/', '/zhuanlan/rexian/2010-05/']);
    expect(textOf(select('.month-archive', rexian))).toContain('2010年5月（1件）');
    // Each entry shows its kind, department and date.
    expect(textOf(select('.column-documents li', rexian))).toBe('12345市长公开电话受理量稳步上升新闻稿淮南市人民政府新闻办公室2010年6月8日');
    // The introduction is rendered Markdown under the page's h1, sanitized, with links only to public pages.
    const description = select('.column-description', rexian);
    expect(select('h2', description ?? undefined)?.children).toEqual([{ type: 'text', value: '关于热线', position: expect.anything() }]);
    expect(select('a', description ?? undefined)?.properties['href']).toBe('/gazette/2010/05/huaifu-2010-69/');
    expect(selectAll('a', description ?? undefined)).toHaveLength(1);
    expect(select('b', description ?? undefined)).toBeUndefined();
    // Feeds: announced in the head and shown on the page.
    const alternates = selectAll('link[rel=alternate]', rexian).map((link) => link.properties['href']);
    expect(alternates).toEqual(
      expect.arrayContaining(['rss.xml', 'atom.xml', 'feed.json'].map((file) => `https://www.huainan.gov.cn/feeds/columns/rexian/${file}`)),
    );
    expect(selectAll('.column-feeds a', rexian).map((a) => a.properties['href'])).toEqual(
      ['rss.xml', 'atom.xml', 'feed.json'].map((file) => `/feeds/columns/rexian/${file}`),
    );

    // The column's feeds, as feed readers see them.
    const rss = await new Parser().parseString(await text(stores.objects, 'feeds/columns/rexian/rss.xml'));
    expect(rss.title).toContain('市长热线');
    expect(rss.items.map((item) => item.link).sort()).toEqual(expectedBefore['rexian']?.map((id) => `https://www.huainan.gov.cn${paths[id]}`).sort());
    const atom = extractFromXml(await text(stores.objects, 'feeds/columns/xinwen/atom.xml'));
    expect(atom.entries?.map((entry) => entry.link).sort()).toEqual(expectedBefore['xinwen']?.map((id) => `https://www.huainan.gov.cn${paths[id]}`).sort());
    const json = extractFromJson(JSON.parse(await text(stores.objects, 'feeds/columns/zwgk/feed.json')) as Record<string, unknown>);
    expect(json.entries?.map((entry) => entry.link)).toEqual(['https://www.huainan.gov.cn/press/2010/briefing/']);

    // Document pages name their columns; a document in none has no such block.
    const hotline = await page(stores.objects, 'press/2010/hotline/index.html');
    expect(textOf(select('#document-columns-title', hotline))).toBe('所属专栏');
    expect(selectAll('.document-columns a', hotline).map((a) => [a.properties['href'], textOf(a)])).toEqual([
      ['/zhuanlan/rexian/', '市长热线'],
      ['/zhuanlan/xinwen/', '新闻办新闻稿'],
    ]);
    expect(select('.document-columns', await page(stores.objects, 'gazette/2010/05/banfa-2010-12/index.html'))).toBeUndefined();
  });

  it('shows an embargoed document in no column page or feed until its release, then in its columns only', async () => {
    const stores = await createTestStores();
    const root = await writeSite(fixtureFiles());
    await build(root, stores, now);
    const secrets = ['禁发期内', 'press-2010-embargoed', '/press/2010/embargoed/'];
    const columnObjects = async () => {
      const found = new Map<string, string>();
      for (const prefix of ['zhuanlan/', 'feeds/columns/'])
        for (const key of (await digests(stores.objects, prefix)).keys()) found.set(key, await text(stores.objects, key));
      return found;
    };
    const before = await columnObjects();
    expect(before.size).toBeGreaterThan(10);
    for (const [key, body] of before) for (const secret of secrets) expect(body.includes(secret), `${key} shows ${secret}`).toBe(false);
    // The draft, though listed by id and tagged, is nowhere either.
    for (const [key, body] of before) expect(body.includes('草稿'), key).toBe(false);

    await build(root, stores, afterEmbargo);
    const rexian = await page(stores.objects, 'zhuanlan/rexian/index.html');
    expect(listed(rexian)).toEqual([paths['press-2010-embargoed'], paths['press-2010-hotline'], paths['press-2010-hotline-may']]);
    expect(listed(await page(stores.objects, 'zhuanlan/xinwen/2010-06/index.html'))).toContain(paths['press-2010-embargoed']);
    const rss = await new Parser().parseString(await text(stores.objects, 'feeds/columns/rexian/rss.xml'));
    expect(rss.items.map((item) => item.link)).toContain('https://www.huainan.gov.cn/press/2010/embargoed/');
    // Not in a column whose rule does not take it.
    expect(await text(stores.objects, 'zhuanlan/zwgk/index.html')).not.toContain('/press/2010/embargoed/');
    expect(await text(stores.objects, 'feeds/columns/zwgk/rss.xml')).not.toContain('/press/2010/embargoed/');
  });

  it('rewrites only the index and the head and month pages of the columns a new document joins', async () => {
    const stores = await createTestStores();
    const files = fixtureFiles();
    const root = await writeSite(files);
    await build(root, stores, now);
    const before = await digests(stores.objects, 'zhuanlan/');
    await writeFile(
      join(root, 'press/2010/hotline-june.md'),
      '---\nid: press-2010-hotline-june\ntitle: 六月市长热线办理情况通报\ndate: 2010-06-10\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\ntags: [热线]\n---\n六月共受理来电九百件。\n',
    );
    const summary = await build(root, stores, new Date('2010-06-26T08:00:00+08:00'));
    const after = await digests(stores.objects, 'zhuanlan/');
    const changed = [...after]
      .filter(([key, digest]) => before.get(key) !== digest)
      .map(([key]) => key)
      .sort();
    expect(changed).toEqual([
      'zhuanlan/index.html',
      'zhuanlan/rexian/2010-06/index.html',
      'zhuanlan/rexian/index.html',
      'zhuanlan/xinwen/2010-06/index.html',
      'zhuanlan/xinwen/index.html',
    ]);
    expect(listed(await page(stores.objects, 'zhuanlan/rexian/index.html'))).toEqual([
      paths['press-2010-hotline-june'],
      paths['press-2010-hotline'],
      paths['press-2010-hotline-may'],
    ]);
    // Not merely unchanged bytes: only those pages are rendered at all.
    const { content } = await loadContent(root);
    const record = summary.published.find((entry) => entry.id === 'press-2010-hotline-june');
    expect(record).toBeDefined();
    const input = { content: content as ContentSet, ctx: createRenderContext((content as ContentSet).site), documents: summary.published, issues: [] };
    const rendered = (
      await Promise.all(derivedOutputs.map(async (output) => (await output.affected(input, [{ after: record }], [])).map((pageOf) => output.id(pageOf))))
    ).flat();
    expect(rendered.sort()).toEqual(['column:rexian', 'column:rexian:2010-06', 'column:xinwen', 'column:xinwen:2010-06', 'columns-index', 'columns-index']);
  });

  it("shows a column's new introduction on its page without rendering any document page again", async () => {
    const stores = await createTestStores();
    const root = await writeSite(fixtureFiles());
    await build(root, stores, now);
    const documents = await digests(stores.objects, 'press/');
    await writeFile(
      join(root, 'columns/zwgk.md'),
      columnFiles()['columns/zwgk.md']?.replace('六月以来的政务公开信息。', '六月以来的政务公开信息，每周更新。') ?? '',
    );
    const summary = await build(root, stores, now);
    expect(await text(stores.objects, 'zhuanlan/zwgk/index.html')).toContain('每周更新');
    // Its members' pages link the column by title only: the change is not theirs.
    expect([summary.created, summary.updated, summary.refreshed]).toEqual([0, 0, 0]);
    expect(await digests(stores.objects, 'press/')).toEqual(documents);
  });

  it('keeps a withdrawn member on its month page, marked and without its text, and off the head page and feed entries', async () => {
    const stores = await createTestStores();
    const files = fixtureFiles();
    const root = await writeSite(files);
    await build(root, stores, now);
    const withdrawn = (files['press/2010/hotline.md'] as string).replace(
      '\ntags:',
      '\nstatus: withdrawn\nwithdrawnReason: 数据有误\nwithdrawnDate: 2010-06-26\ntags:',
    );
    await writeFile(join(root, 'press/2010/hotline.md'), withdrawn);
    await build(root, stores, new Date('2010-06-27T08:00:00+08:00'));
    expect(listed(await page(stores.objects, 'zhuanlan/rexian/index.html'))).toEqual([paths['press-2010-hotline-may']]);
    const month = await page(stores.objects, 'zhuanlan/rexian/2010-06/index.html');
    expect(listed(month)).toEqual([paths['press-2010-hotline']]);
    expect(textOf(select('.column-documents li', month))).toContain('已撤回');
    const json = JSON.parse(await text(stores.objects, 'feeds/columns/rexian/feed.json')) as { items: { url: string; content_html?: string }[] };
    expect(JSON.stringify(json)).not.toContain('一万余件');
  });
});
