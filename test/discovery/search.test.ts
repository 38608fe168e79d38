// Search end to end: a real build writes the index into the bucket, and the published script
// (evaluated in Node) answers queries from those files as the browser would.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryContentCache, loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSearchIndexOnWorker } from '../../src/discovery/search.ts';
import { buildSearchIndex, markdownText, searchDocuments, searchSources, termCounts, textTerms } from '../../src/discovery/searchIndex.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores } from '../helpers/stores.ts';
import { writeSite } from '../publish/site.ts';
import { bucketText, loadSearchClient, searchSiteFiles } from './searchClient.ts';

const now = new Date('2010-06-25T08:00:00+08:00');

async function build(root: string, stores: { objects: ObjectStore; records: RecordStore }, at = now): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root);
  expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0 });
  try {
    return await buildSite({ content: content as ContentSet, objects: stores.objects, records: stores.records, renderer, now: at });
  } finally {
    await renderer.close();
  }
}

/** Every object of the index (manifest, shards, document files), key → bytes. */
async function indexFiles(objects: ObjectStore): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for await (const head of objects.listKeys(`${SITE_PREFIX}search/`)) {
    if (head.key.endsWith('.html')) continue;
    const stored = await objects.get(head.key);
    files.set(head.key.slice(SITE_PREFIX.length), Buffer.from(stored?.body ?? []));
  }
  return files;
}

/** Index files containing any of the strings (as UTF-8 bytes). */
function containing(files: Map<string, Buffer>, strings: string[]): string[] {
  return [...files].filter(([, bytes]) => strings.some((s) => bytes.includes(Buffer.from(s, 'utf8')))).map(([key]) => `${key}`);
}

// Several builds per test: generous time on a busy machine.
describe('search index built with the site', { timeout: 120_000 }, () => {
  it('finds Chinese words, titles and 文号 first, with a snippet around the match', async () => {
    const stores = await createTestStores();
    const root = await writeSite(searchSiteFiles());
    await build(root, stores);
    const search = await loadSearchClient(stores.objects);

    const urls = async (query: string) => (await search.search(query)).map((hit) => hit.doc.url);

    // A title word: the title matches before a body-only mention, which is still found.
    const zwgk = await search.search('政务公开');
    const titles = zwgk.map((hit) => hit.doc.title);
    expect(titles.slice(0, 2).sort()).toEqual(['淮南市人民政府关于进一步推进政务公开工作的意见', '淮南市政务公开工作新闻发布会']);
    expect(zwgk.map((hit) => hit.doc.url)).toContain('/press/2010/body-only/');
    const firstWithout = titles.findIndex((title) => !title.includes('政务公开'));
    expect(titles.slice(firstWithout).every((title) => !title.includes('政务公开'))).toBe(true);
    const bodyOnly = zwgk.find((hit) => hit.doc.url === '/press/2010/body-only/');
    const cut = search.snippet(bodyOnly?.doc.text ?? '', '政务公开');
    expect(cut.text).toContain('政务公开');
    expect(cut.ranges.map(([a, b]) => cut.text.slice(a, b))).toContain('政务公开');

    // 文号, as written and as people type it; the number alone.
    for (const query of ['淮府〔2010〕69号', '淮府[2010]69号', '淮府（2010）69号', '淮府(2010)69号', '69号']) {
      expect((await urls(query))[0], query).toBe('/gazette/2010/05/huaifu-2010-69/');
    }
    // 69号 in a body comes after the 文号.
    expect(await urls('69号')).toContain('/press/2010/body-only/');

    // Digits as a word (half- or full-width), both languages' titles first.
    expect((await urls('12345')).slice(0, 2).sort()).toEqual(['/press/2010/hotline-en/', '/press/2010/hotline/']);
    expect((await urls('１２３４５')).slice(0, 2).sort()).toEqual(['/press/2010/hotline-en/', '/press/2010/hotline/']);
    // A speaker's name (conference metadata and its Q&A); a two-character word from a body.
    expect(await urls('戴启远')).toEqual(['/press/2010/briefing/']);
    expect(await urls('记者')).toContain('/press/2010/briefing/');
    // Several words: all must match.
    expect(await urls('热线 政务公开')).toEqual(['/press/2010/body-only/']);
    // Body text of a conference answer, with its snippet.
    const answer = await search.search('在线访谈');
    expect(answer.map((hit) => hit.doc.url)).toEqual(['/press/2010/briefing/']);
    expect(search.snippet(answer[0]?.doc.text ?? '', '在线访谈').text).toContain('开通在线访谈');
    // Nothing for words that are nowhere.
    expect(await urls('地铁')).toEqual([]);
  });

  it('never holds embargoed, draft or withdrawn text, and a withdrawal takes it out', async () => {
    const stores = await createTestStores();
    const root = await writeSite(searchSiteFiles());
    await build(root, stores);
    let search = await loadSearchClient(stores.objects);
    expect((await search.search('蓑笠渔翁')).map((hit) => hit.doc.url)).toEqual(['/press/2010/yanqiu/']);

    // Embargoed (title and body) and draft text: in no index file, as whole words or as terms.
    const embargoed = ['禁发期内', '禁发', '发期', '草稿', '稿正'];
    let files = await indexFiles(stores.objects);
    expect(files.size).toBeGreaterThan(3);
    expect(containing(files, embargoed)).toEqual([]);
    expect(await search.search('禁发')).toEqual([]);

    const file = join(root, 'press/2010/yanqiu.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'category: 综合政务\n',
        'category: 综合政务\nstatus: withdrawn\nwithdrawnReason: 通知内容有误。\nwithdrawnDate: 2010-06-20\n',
      ),
    );
    await build(root, stores);
    files = await indexFiles(stores.objects);
    const secret = ['蓑笠', '渔翁', '鸿雁', '寒江', '秋季征兵'];
    expect(containing(files, secret)).toEqual([]);
    search = await loadSearchClient(stores.objects);
    expect(await search.search('蓑笠渔翁')).toEqual([]);
    expect(await search.search('秋季征兵')).toEqual([]);
    // The rest is still found.
    expect((await search.search('淮府〔2010〕69号'))[0]?.doc.url).toBe('/gazette/2010/05/huaifu-2010-69/');
  });

  it('writes the same bytes for the same content, and rewrites only what a change touches', async () => {
    const first = await createTestStores();
    const second = await createTestStores();
    // Forty more releases, so the index has several shards.
    const fillers = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        `press/2010/filler-${i}.md`,
        `---\nid: press-2010-filler-${i}\ntitle: 第${i + 1}期政务动态\ndate: 2010-06-${String(1 + (i % 20)).padStart(2, '0')}\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n本期编号${i}，城乡建设、教育和民政工作动态。\n`,
      ]),
    );
    const root = await writeSite({ ...searchSiteFiles(), ...fillers });
    await build(root, first);
    await build(root, second);
    const a = await indexFiles(first.objects);
    const b = await indexFiles(second.objects);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [key, bytes] of a) expect(sha256(b.get(key) ?? Buffer.alloc(0)), key).toBe(sha256(bytes));
    expect(await bucketText(second.objects, 'search/index.html')).toBe(await bucketText(first.objects, 'search/index.html'));

    // A correction of one release (new terms 满, 意, 满意): its document file and the shards of those terms only.
    const file = join(root, 'press/2010/body-only.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 补充说明。\nchangeDate: 2010-06-22\n')
        .replace('得到落实。', '得到落实，满意。'),
    );
    await build(root, first);
    const after = await indexFiles(first.objects);
    const changed = [...after].filter(([key, bytes]) => !a.get(key)?.equals(bytes)).map(([key]) => key);
    const docFiles = changed.filter((key) => key.startsWith('search/docs/'));
    expect(docFiles).toHaveLength(1);
    expect(JSON.parse(after.get(docFiles[0] as string)?.toString('utf8') ?? '{}')).toMatchObject({ id: 'press-2010-body-only' });
    const shards = [...after.keys()].filter((key) => key.endsWith('.bin'));
    const changedShards = changed.filter((key) => key.endsWith('.bin'));
    expect(shards.length).toBeGreaterThan(4);
    expect(changedShards.length).toBeGreaterThan(0);
    expect(changedShards.length).toBeLessThan(shards.length);
    const search = await loadSearchClient(first.objects);
    expect((await search.search('满意')).map((hit) => hit.doc.url)).toEqual(['/press/2010/body-only/']);
  });

  it('updates the stored index in place to exactly the files a full build of the same records gives', async () => {
    const stores = await createTestStores();
    const fillers = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [
        `press/2010/filler-${i}.md`,
        `---\nid: press-2010-filler-${i}\ntitle: 第${i + 1}期政务动态\ndate: 2010-06-${String(1 + (i % 20)).padStart(2, '0')}\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n本期编号${i}，城乡建设、教育和民政工作动态。\n`,
      ]),
    );
    const root = await writeSite({ ...searchSiteFiles(), ...fillers });
    await build(root, stores);
    const expectFullIndex = async () => {
      const { content } = await loadContent(root);
      const records = [];
      for await (const record of stores.records.listDocuments()) if (record.status !== 'scheduled') records.push(record);
      const numbered = records.filter((record) => record.status === 'published' || record.status === 'withdrawn').length;
      const full = buildSearchIndex(searchDocuments(records, (content as ContentSet).documents), numbered);
      const files = await indexFiles(stores.objects);
      const expected = new Map<string, Buffer>([
        ...full.shards.map((bytes, shard) => [`search/shards/${shard.toString(16)}.bin`, Buffer.from(bytes)] as const),
        ...[...full.documents].map(([n, json]) => [`search/docs/${n}.json`, Buffer.from(json)] as const),
      ]);
      for (const [key, bytes] of expected) expect(files.get(key)?.equals(bytes), key).toBe(true);
      expect(JSON.parse(files.get('search/index.json')?.toString('utf8') ?? '{}')).toMatchObject(full.manifest);
    };
    const edit = async (path: string, change: (text: string) => string) => writeFile(join(root, path), change(await readFile(join(root, path), 'utf8')));

    // A correction: new words in, old words out.
    await edit('press/2010/body-only.md', (text) =>
      text
        .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 补充说明。\nchangeDate: 2010-06-22\n')
        .replace('得到落实。', '满意度调查圆满完成。'),
    );
    const corrected = await build(root, stores, new Date('2010-06-26T08:00:00+08:00'));
    expect(corrected.updated).toBe(1);
    await expectFullIndex();
    // A new document, newest of all: appended.
    await writeFile(
      join(root, 'press/2010/newest.md'),
      '---\nid: press-2010-newest\ntitle: 防汛工作动员会召开\ndate: 2010-06-27\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n全市防汛抗旱工作全面部署。\n',
    );
    await build(root, stores, new Date('2010-06-27T18:00:00+08:00'));
    await expectFullIndex();
    // A withdrawal: its terms leave every shard.
    await edit('press/2010/filler-3.md', (text) =>
      text.replace('category: 综合政务\n', 'category: 综合政务\nstatus: withdrawn\nwithdrawnReason: 重复发布。\nwithdrawnDate: 2010-06-28\n'),
    );
    await build(root, stores, new Date('2010-06-28T18:00:00+08:00'));
    await expectFullIndex();
    // A large full build builds the index on a worker thread: the same files (withdrawn holes included).
    const { content } = await loadContent(root);
    const records = [];
    for await (const record of stores.records.listDocuments()) if (record.status === 'published' || record.status === 'withdrawn') records.push(record);
    const here = buildSearchIndex(searchDocuments(records, (content as ContentSet).documents), records.length);
    expect(here.documents.get(0)).toBeDefined();
    expect(await buildSearchIndexOnWorker(searchSources(records, (content as ContentSet).documents), records.length)).toEqual(here);
    // From a load that took every file from the content cache, the bodies are not read on this
    // thread: the worker reads them from their files, and builds the very same index.
    const cache = createMemoryContentCache();
    await loadContent(root, { cache });
    const cached = (await loadContent(root, { cache })).content as ContentSet;
    const sources = searchSources(records, cached.documents);
    expect(sources.filter((source) => source.textParts.some((part) => typeof part === 'object' && 'markdownIn' in part)).length).toBe(sources.length);
    expect(await buildSearchIndexOnWorker(sources, records.length)).toEqual(here);
    const search = await loadSearchClient(stores.objects);
    expect((await search.search('防汛')).map((hit) => hit.doc.url)).toEqual(['/press/2010/newest/']);
    expect((await search.search('满意度')).map((hit) => hit.doc.url)).toEqual(['/press/2010/body-only/']);
    expect((await search.search('编号3')).map((hit) => hit.doc.url)).not.toContain('/press/2010/filler-3/');
    expect((await search.search('编号2')).map((hit) => hit.doc.url)).toContain('/press/2010/filler-2/');
  });

  it('the browser script splits text into the same terms as the index builder', async () => {
    const stores = await createTestStores();
    const root = await writeSite(searchSiteFiles());
    await build(root, stores);
    const search = await loadSearchClient(stores.objects);
    const samples = [
      '淮南市人民政府关于进一步推进政务公开工作的意见',
      '淮府〔2010〕69号',
      '１２３４５市长公开电话，Mayor’s Hotline 12345！',
      '第Ⅲ条　ＡＢＣ〇〇一 x²',
      '',
    ];
    const { content } = await loadContent(root);
    for (const doc of (content as ContentSet).documents) samples.push(doc.title, doc.body);
    for (const text of samples) expect(search.searchTerms(text), text).toEqual(textTerms(text));
  });

  it('counts the terms of a body as counting textTerms\u2019 list would, in the same order', () => {
    const samples = [
      '淮南市人民政府关于进一步推进政务公开工作的意见，政务公开政务',
      '淮府〔2010〕69号 x1淮南 abc淮南def 淮',
      '１２３４５市长公开电话，Mayor’s Hotline 12345！',
      '第Ⅲ条　ＡＢＣ〇〇一 x²𠀀𠀁 𝐀𝐁c 丽丽丽',
      '',
    ];
    for (const text of samples) {
      const expected = new Map<string, number>();
      for (const term of textTerms(text)) expected.set(term, (expected.get(term) ?? 0) + 1);
      expect([...termCounts(text)], text).toEqual([...expected]);
    }
  });

  it('reads Markdown bodies as the words a reader sees', () => {
    const text = markdownText(
      '## 一、总体要求\n\n各部门要把**政务公开**列入\n重要议事日程，见[意见](../05/a.md#一)。[^1]\n\n<script>alert(1)</script>\n\n' +
        '| 单位 | 条数 |\n| --- | ---: |\n| 教育局 | 12 |\n\n- 第一项 \\*注\\*\n\n[^1]: 数据来源：统计报表。\n',
    );
    expect(text.split('\n')).toEqual(
      ['一、总体要求', '各部门要把政务公开列入重要议事日程，见意见。', '教育局 12', '第一项 *注*', '数据来源：统计报表。'].flatMap((line) =>
        line === '教育局 12' ? ['单位 条数', line] : [line],
      ),
    );
  });
});
