import { createHash } from 'node:crypto';
import { readFile, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createDocumentMemo,
  createFileContentCache,
  createMemoryContentCache,
  loadContent,
  resolveContentLink,
  type ContentCache,
} from '../../src/content/load.ts';
import { rememberedContentFiles } from '../../src/cli/watch.ts';
import type { ConferenceDocument, ContentMessage } from '../../src/content/model.ts';
import { article, conference, issue, release, siteYaml, validSite, writeContent } from './fixtures.ts';

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

/** file:line:col rule — the part of a message an editor navigates by. */
const places = (messages: ContentMessage[]) => messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);

async function load(files: Record<string, string | Uint8Array>) {
  return loadContent(await writeContent(files));
}

describe('loadContent on a valid site', () => {
  it('builds documents with their URLs, table of contents, routes and digests', async () => {
    const files = validSite();
    const root = await writeContent(files);
    const { content, messages } = await loadContent(root);
    expect(messages).toEqual([]);
    expect(content).toBeDefined();
    if (content === undefined) return;

    const may = content.issues.find((i) => i.number === 5);
    expect(may).toMatchObject({ urlPath: '/gazette/2010/05/', title: '淮南市人民政府公报 2010年第5期', totalNumber: 53 });
    // Section order from site.yaml first, then file name.
    expect(may?.articleIds).toEqual(['huaifu-2010-69', 'huaifuban-2010-72', 'speech-2010-daiqiyuan']);
    expect(may?.editorNote).toBe('本期刊登市政府关于推进政务公开工作的文件。');

    const byId = new Map(content.documents.map((doc) => [doc.id, doc]));
    const opinion = byId.get('huaifu-2010-69');
    expect(opinion).toMatchObject({
      kind: 'article',
      urlPath: '/gazette/2010/05/huaifu-2010-69/',
      issue: { year: 2010, number: 5, totalNumber: 53 },
      section: { id: 'szfwj' },
      department: { code: '003210001' },
      validity: '有效',
      lang: 'zh-CN',
      bodyLine: 12,
      attachments: [{ file: 'gazette/2010/05/gkml-2010.pdf', name: 'gkml-2010.pdf', urlPath: '/gazette/2010/05/huaifu-2010-69/gkml-2010.pdf' }],
    });
    expect(opinion?.body).toContain('现就进一步推进政务公开工作提出如下意见');
    // The digest covers the Markdown and each attachment.
    const pdf = files['gazette/2010/05/gkml-2010.pdf'] as string;
    const md = files['gazette/2010/05/huaifu-2010-69.md'] as string;
    expect(opinion?.sourceDigest).toBe(sha256(`${sha256(md)}\ngazette/2010/05/gkml-2010.pdf:${sha256(pdf)}`));
    expect(byId.get('press-2010-hotline-12345')?.sourceDigest).toBe(sha256(files['press/2010/hotline-12345.md'] as string));

    const meeting = byId.get('press-2010-zwgk-fabuhui') as ConferenceDocument;
    expect(meeting.kind).toBe('conference');
    expect(meeting.qa[0]).toMatchObject({ n: 1, answeredBy: '戴启远' });
    expect(meeting.assets).toEqual([
      {
        file: 'press/2010/zwgk-fabuhui/photo.png',
        title: 'photo.png',
        name: 'photo.png',
        urlPath: '/press/2010/zwgk-fabuhui/photo.png',
        sha256: sha256(files['press/2010/zwgk-fabuhui/photo.png'] as string),
      },
    ]);

    expect(content.routes.get('gazette/2010/05/index.md')).toBe('/gazette/2010/05/');
    expect(content.routes.get('press/2010/zwgk-fabuhui/index.md')).toBe('/press/2010/zwgk-fabuhui/');
    expect(content.routes.get('gazette/2010/05/gkml-2010.pdf')).toBe('/gazette/2010/05/huaifu-2010-69/gkml-2010.pdf');
  });

  it('resolves relative links between documents through the routes', async () => {
    const { content } = await load(validSite());
    if (content === undefined) throw new Error('expected content');
    const from = 'gazette/2010/05/b-notice.md';
    expect(resolveContentLink(content, from, 'huaifu-2010-69.md#一')).toBe('/gazette/2010/05/huaifu-2010-69/#一');
    expect(resolveContentLink(content, from, './huaifu-2010-69.md')).toBe('/gazette/2010/05/huaifu-2010-69/');
    expect(resolveContentLink(content, from, '../../../press/2010/zwgk-fabuhui/index.md')).toBe('/press/2010/zwgk-fabuhui/');
    expect(resolveContentLink(content, from, '../06/')).toBe('/gazette/2010/06/');
    expect(resolveContentLink(content, from, 'gkml%2D2010.pdf')).toBe('/gazette/2010/05/huaifu-2010-69/gkml-2010.pdf');
    expect(resolveContentLink(content, from, 'https://www.huainan.gov.cn/')).toBeUndefined();
    expect(resolveContentLink(content, from, 'missing.md')).toBeUndefined();
  });

  it('leaves drafts out of the table of contents but keeps them as documents', async () => {
    const { content } = await load({
      ...validSite(),
      'gazette/2010/05/a-speech.md': article({ id: 'speech-2010-daiqiyuan', section: '领导讲话', docNumber: undefined, draft: 'true' }),
    });
    expect(content?.issues[0]?.articleIds).not.toContain('speech-2010-daiqiyuan');
    expect(content?.documents.find((doc) => doc.id === 'speech-2010-daiqiyuan')?.draft).toBe(true);
  });
});

describe('loadContent on broken content', () => {
  it('reports every problem of every file at once, and returns no content', async () => {
    const { content, messages } = await load({
      'site.yaml': siteYaml,
      'gazette/2010/05/index.md': issue(2010, 5, 53, '2010-05-31'),
      'gazette/2010/05/huaifu-2010-69.md': article({ signdDate: '2010-04-20', signedDate: undefined, date: '2010-02-30', department: '淮南市政府' }),
      'gazette/2010/05/second.md': article({ id: 'huaifu-2010-69', docNumber: '淮府[2010]069号' }),
      'press/2010/hotline.md': release({ publishAt: '2010-12-08 10:00' }),
    });
    expect(content).toBeUndefined();
    // The problems across files are found on the valid fields of files with errors of their own.
    expect(places(messages)).toEqual([
      'gazette/2010/05/huaifu-2010-69.md:2:1 missing-field',
      'gazette/2010/05/huaifu-2010-69.md:2:5 duplicate-id',
      'gazette/2010/05/huaifu-2010-69.md:5:13 unknown-department',
      'gazette/2010/05/huaifu-2010-69.md:7:7 invalid-date',
      'gazette/2010/05/huaifu-2010-69.md:9:1 unknown-field',
      'gazette/2010/05/second.md:2:5 duplicate-id',
      'gazette/2010/05/second.md:6:12 invalid-doc-number',
      'press/2010/hotline.md:7:12 invalid-publish-at',
    ]);
    const unknown = messages.find((m) => m.ruleId === 'unknown-field');
    expect(unknown?.hint).toBe('Did you mean `signedDate`?');
    expect(messages.find((m) => m.ruleId === 'invalid-doc-number')?.hint).toBe('Write it as 淮府〔2010〕69号');
  });

  it('checks names against site.yaml, ids across files and output paths', async () => {
    const { messages } = await load({
      ...validSite(),
      'gazette/2010/05/huaifu-2010-69.md': article({ department: '淮南市政府办公室', category: '政务', section: '市府文件' }),
      'gazette/2010/06/copy.md': article({ date: '2010-06-30' }),
      'press/2010/hotline-12345/index.md': release({ id: 'press-2010-hotline-bundle' }),
    });
    expect(places(messages)).toEqual([
      'gazette/2010/05/huaifu-2010-69.md:2:5 duplicate-id',
      'gazette/2010/05/huaifu-2010-69.md:4:10 unknown-section',
      'gazette/2010/05/huaifu-2010-69.md:5:13 unknown-department',
      'gazette/2010/05/huaifu-2010-69.md:6:12 duplicate-doc-number',
      'gazette/2010/05/huaifu-2010-69.md:9:11 unknown-category',
      'gazette/2010/06/copy.md:2:5 duplicate-id',
      'gazette/2010/06/copy.md:6:12 duplicate-doc-number',
      'press/2010/hotline-12345.md:2:5 duplicate-output',
      'press/2010/hotline-12345/index.md:2:5 duplicate-output',
    ]);
    const duplicate = messages.find((m) => m.file === 'gazette/2010/06/copy.md');
    expect(duplicate?.message).toContain('content/gazette/2010/05/huaifu-2010-69.md');
    expect(messages.find((m) => m.ruleId === 'unknown-department')?.hint).toBe('Did you mean 淮南市人民政府办公室?');
  });

  it('checks issue folders, numbering and 总期号', async () => {
    const { messages } = await load({
      'site.yaml': siteYaml,
      'gazette/2010/04/index.md': issue(2010, 4, 52, '2010-04-30'),
      'gazette/2010/05/index.md': issue(2010, 5, 54, '2010-05-31'),
      'gazette/2010/07/index.md': issue(2010, 7, 56, '2010-07-31'),
      'gazette/2010/08/index.md': issue(2010, 9, 57, '2010-08-31'),
      'gazette/2010/10/orphan.md': article(),
    });
    expect(places(messages)).toEqual([
      'gazette/2010/05/index.md:4:14 total-number-sequence',
      'gazette/2010/07/index.md:3:9 issue-number-gap',
      'gazette/2010/08/index.md:3:9 issue-folder-mismatch',
      'gazette/2010/10/orphan.md:1:1 missing-issue',
    ]);
    expect(messages[0]?.hint).toBe('Write totalNumber: 53');
  });

  it('checks attachments: absolute, outside content, through a symlink, missing, wrong type', async () => {
    const root = await writeContent({
      ...validSite(),
      'gazette/2010/05/huaifu-2010-69.md': article({
        attachments:
          '\n  - { file: /etc/passwd.pdf, title: a }\n  - { file: ../../../../secret.pdf, title: b }\n  - { file: linked.pdf, title: c }\n  - { file: gkml-2011.pdf, title: d }\n  - { file: notes.exe, title: e }\n  - { file: scan.pdf, title: f }\n  - { file: ../../etc/passwd, title: g }',
      }),
      'gazette/2010/05/notes.exe': 'MZ',
      'gazette/2010/05/scan.pdf': '',
    });
    await writeFile(join(root, '..', 'outside.pdf'), '%PDF');
    await symlink(join(root, '..', 'outside.pdf'), join(root, 'gazette/2010/05/linked.pdf'));
    await truncate(join(root, 'gazette/2010/05/scan.pdf'), 50 * 1024 * 1024 + 1); // sparse: no 50 MiB written
    const { messages } = await loadContent(root);
    expect(places(messages)).toEqual([
      'gazette/2010/05/huaifu-2010-69.md:11:13 attachment-outside-content',
      'gazette/2010/05/huaifu-2010-69.md:12:13 attachment-outside-content',
      'gazette/2010/05/huaifu-2010-69.md:13:13 attachment-outside-content',
      'gazette/2010/05/huaifu-2010-69.md:14:13 missing-attachment',
      'gazette/2010/05/huaifu-2010-69.md:15:13 attachment-type',
      'gazette/2010/05/huaifu-2010-69.md:16:13 file-too-large',
      // Inside content/ but not there: missing first, whatever its name says of its type.
      'gazette/2010/05/huaifu-2010-69.md:17:13 missing-attachment',
    ]);
    expect(messages[3]?.hint).toBe('Did you mean `gkml-2010.pdf`?');
    expect(messages[6]?.message).toBe('The attachment content/gazette/etc/passwd does not exist.');
  });

  it('checks links and images in bodies and warns about HTML the renderer removes', async () => {
    const { content, messages } = await load({
      ...validSite(),
      'press/2010/hotline-12345.md': release(
        {},
        '见[意见](../../gazette/2010/05/huaifu-2010-96.md)和![图](chart.png)。\n\n<iframe src="https://v.example.com/1"></iframe>\n\n<p onclick="x()">热线</p>\n',
      ),
    });
    expect(content).toBeUndefined();
    expect(places(messages)).toEqual([
      'press/2010/hotline-12345.md:8:2 broken-link',
      'press/2010/hotline-12345.md:8:48 broken-link',
      'press/2010/hotline-12345.md:10:1 raw-html',
      'press/2010/hotline-12345.md:12:1 raw-html',
    ]);
    expect(messages[0]?.hint).toBe('Did you mean `huaifu-2010-69.md`?');
    expect(messages[2]).toMatchObject({ severity: 'warning', message: expect.stringContaining('<iframe>') });
    expect(messages[3]?.message).toContain('onclick');
  });

  it('loads with warnings only', async () => {
    const { content, messages } = await load({
      ...validSite(),
      'press/2010/hotline-12345.md': release({}, '<script>alert(1)</script>\n'),
      'gazette/2010/05/huaifu-2010-69.md': article({ docNumber: '淮府〔2009〕69号' }),
    });
    expect(places(messages)).toEqual(['gazette/2010/05/huaifu-2010-69.md:6:12 doc-number-year', 'press/2010/hotline-12345.md:8:1 raw-html']);
    expect(messages.every((m) => m.severity === 'warning')).toBe(true);
    expect(content).toBeDefined();
  });

  it('refuses invalid UTF-8, NUL bytes and oversized files, naming the line', async () => {
    const gbk = Buffer.concat([Buffer.from(release().replace('12345市长', '市长')), Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0a])]);
    const { messages } = await load({
      ...validSite(),
      'press/2010/hotline-12345.md': gbk,
      'press/2010/nul.md': `${release({ id: 'press-2010-nul' })}第二行\u0000\n`,
      'press/2010/huge.md': release({ id: 'press-2010-huge' }, '政'.repeat(400_000)),
    });
    expect(places(messages)).toEqual([
      'press/2010/hotline-12345.md:9:1 invalid-utf8',
      'press/2010/huge.md:1:1 file-too-large',
      'press/2010/nul.md:9:4 nul-byte',
    ]);
  });

  it('refuses YAML tags, anchors and aliases, and conferences outside bundles', async () => {
    const { messages } = await load({
      ...validSite(),
      'press/2010/hotline-12345.md': release({ title: '!!str 热线', summary: '&s 摘要', category: '*s' }),
      'press/2010/meeting.md': conference().replace('id: press-2010-zwgk-fabuhui', 'id: press-2010-meeting').replace('![发布会现场](photo.png)', ''),
    });
    expect(places(messages)).toEqual([
      'press/2010/hotline-12345.md:3:8 yaml-tag',
      'press/2010/hotline-12345.md:6:11 yaml-alias',
      'press/2010/hotline-12345.md:7:10 yaml-anchor',
      'press/2010/meeting.md:2:7 conference-not-bundle',
    ]);
  });

  it('checks conference speakers and translations', async () => {
    const { messages } = await load({
      ...validSite(),
      'press/2010/zwgk-fabuhui/index.md': conference('  - question: 查阅点有多少？\n    answer: 全市共15个。\n    answeredBy: 戴起远\n'),
      'press/2010/hotline-en.md': release({ id: 'press-2010-hotline-en', lang: 'en', translationOf: 'press-2010-hotline-1234' }),
    });
    expect(places(messages)).toEqual(['press/2010/hotline-en.md:8:16 unknown-translation', 'press/2010/zwgk-fabuhui/index.md:20:17 unknown-answerer']);
    expect(messages[0]?.hint).toBe('Did you mean `press-2010-hotline-12345`?');
    expect(messages[1]?.hint).toBe('Did you mean `戴启远`?');
  });

  it('names misplaced files, bad slugs and a missing site.yaml', async () => {
    const files = validSite();
    delete files['site.yaml'];
    const { messages } = await load({ ...files, 'notes.md': '# 笔记\n', 'press/2010/Hot Line.md': release({ id: 'press-2010-x' }) });
    expect(places(messages)).toEqual(['notes.md:1:1 misplaced-file', 'press/2010/Hot Line.md:1:1 invalid-slug', 'site.yaml:1:1 missing-site-config']);
    expect(messages[1]?.hint).toContain('"hot-line"');
  });
});

describe('the content cache', () => {
  function countingCache(inner: ContentCache) {
    const counts = { hits: 0, sets: 0 };
    return {
      counts,
      cache: {
        get(key: string) {
          const value = inner.get(key);
          if (value !== undefined) counts.hits++;
          return value;
        },
        set(key: string, value: Parameters<ContentCache['set']>[1]) {
          counts.sets++;
          inner.set(key, value);
        },
      } satisfies ContentCache,
    };
  }

  it('reuses unchanged files and re-reads edited ones', async () => {
    const root = await writeContent(validSite());
    const inner = createMemoryContentCache();
    const first = countingCache(inner);
    const cold = await loadContent(root, { cache: first.cache });
    expect(first.counts.hits).toBe(0);

    const warm = countingCache(inner);
    const again = await loadContent(root, { cache: warm.cache });
    expect(warm.counts.sets).toBe(0);
    expect(again.content?.documents.map((doc) => [doc.id, doc.sourceDigest, doc.body])).toEqual(
      cold.content?.documents.map((doc) => [doc.id, doc.sourceDigest, doc.body]),
    );

    const edited = join(root, 'press/2010/hotline-12345.md');
    await writeFile(edited, release({ department: '淮南市新闻办' }));
    await utimes(edited, new Date('2011-01-01T00:00:00Z'), new Date('2011-01-01T00:00:00Z'));
    const after = countingCache(inner);
    const changed = await loadContent(root, { cache: after.cache });
    expect(after.counts.sets).toBe(1);
    expect(places(changed.messages)).toEqual(['press/2010/hotline-12345.md:5:13 unknown-department']);
  });

  it('in watch mode, builds again only the documents whose inputs changed, and builds them as a fresh load does', async () => {
    const root = await writeContent(validSite());
    const cache = createMemoryContentCache();
    const files = rememberedContentFiles();
    const documents = createDocumentMemo();
    const load = () => loadContent(root, { cache, files, documents });
    const fresh = async () => (await loadContent(root)).content?.documents;
    await load(); // reads every file; the cache keeps them without their bodies
    const first = (await load()).content?.documents ?? [];
    const same = (await load()).content?.documents ?? [];
    expect(same.every((doc, i) => doc === first[i])).toBe(true);

    // An edited release: itself new, every other document kept.
    const edited = join(root, 'press/2010/hotline-12345.md');
    await writeFile(edited, release({ title: '市长公开电话受理情况' }));
    files.changed('press/2010/hotline-12345.md', false);
    const afterEdit = (await load()).content?.documents ?? [];
    expect(afterEdit.filter((doc, i) => doc !== first[i]).map((doc) => doc.file)).toEqual(['press/2010/hotline-12345.md']);
    expect(afterEdit.find((doc) => doc.file === 'press/2010/hotline-12345.md')?.title).toBe('市长公开电话受理情况');
    expect(afterEdit).toEqual(await fresh());

    // The issue's index.md: its articles are built again (they show its numbers), nothing else.
    await writeFile(join(root, 'gazette/2010/05/index.md'), `${issue(2010, 5, 53, '2010-05-31')}另附勘误一则。\n`);
    files.changed('gazette/2010/05/index.md', false);
    const afterIssue = (await load()).content?.documents ?? [];
    const rebuilt = afterIssue.filter((doc, i) => doc !== afterEdit[i]);
    expect(rebuilt.length).toBeGreaterThan(0);
    expect(rebuilt.every((doc) => doc.kind === 'article' && doc.issue.number === 5)).toBe(true);
    expect(afterIssue).toEqual(await fresh());

    // site.yaml: every document is built again.
    await writeFile(join(root, 'site.yaml'), `${siteYaml}\n# 注释\n`);
    files.changed('site.yaml', false);
    const afterSite = (await load()).content?.documents ?? [];
    expect(afterSite.every((doc, i) => doc !== afterIssue[i])).toBe(true);

    // A new file: the listing changes (links are checked against it), so every document is built again.
    await writeFile(join(root, 'press/2010/new-one.md'), release({ id: 'press-2010-new-one', title: '新的发布稿' }));
    files.changed('press/2010/new-one.md', true);
    const afterAdd = (await load()).content?.documents ?? [];
    expect(afterAdd.map((doc) => doc.file)).toContain('press/2010/new-one.md');
    expect(afterAdd.filter((doc) => afterSite.includes(doc))).toEqual([]);
    expect(afterAdd).toEqual(await fresh());
  });

  it('appends the files analyzed since to a journal, not the whole file, until stale entries pile up', async () => {
    const releases = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`press/2010/r${i}.md`, release({ id: `press-2010-r${i}`, title: `第${i}条新闻` })]),
    );
    const root = await writeContent({ ...validSite(), ...releases });
    const path = join(root, '..', '.gazette', 'cache', 'content.json');
    const open = async () => {
      const file = await createFileContentCache(path);
      const counting = countingCache(file);
      const loaded = await loadContent(root, { cache: counting.cache });
      await file.save();
      return { counts: counting.counts, loaded };
    };
    const edit = (i: number, text: string) => writeFile(join(root, `press/2010/r${i}.md`), release({ id: `press-2010-r${i}`, title: `第${i}条新闻` }, text));
    await open();
    const whole = await readFile(path);

    await edit(3, '第一次更正。\n');
    expect((await open()).counts.sets).toBe(1);
    // The file is as it was; the journal holds the edited file's entry.
    expect((await readFile(path)).equals(whole)).toBe(true);
    expect((await readFile(`${path}.log`, 'utf8')).split('\n')).toHaveLength(2);
    const next = await open();
    expect(next.counts.sets).toBe(0);
    expect(next.loaded.content?.documents.find((doc) => doc.id === 'press-2010-r3')?.body).toContain('第一次更正');

    // A torn last line (a build killed while appending): that file alone is analyzed again.
    await edit(4, '第二次更正。\n');
    await open();
    const journal = await readFile(`${path}.log`, 'utf8');
    await writeFile(`${path}.log`, journal.slice(0, -10));
    expect((await open()).counts.sets).toBe(1);

    // Stale entries past a tenth of the file: written whole again, the journal gone.
    for (const i of [5, 6, 7, 8]) await edit(i, '第三次更正。\n');
    expect((await open()).counts.sets).toBe(4);
    await expect(readFile(`${path}.log`)).rejects.toThrow();
    const rewritten = JSON.parse(await readFile(path, 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(rewritten.entries).filter((key) => key.startsWith('press/2010/r5.md'))).toHaveLength(1);
    expect((await open()).counts.sets).toBe(0);
  });

  it('saves to a JSON file and serves the next process from it', async () => {
    const root = await writeContent(validSite());
    const path = join(root, '..', '.gazette', 'cache', 'content.json');
    const cache = await createFileContentCache(path);
    const cold = await loadContent(root, { cache });
    await cache.save();
    const reopened = countingCache(await createFileContentCache(path));
    const warm = await loadContent(root, { cache: reopened.cache });
    expect(reopened.counts.sets).toBe(0);
    expect(reopened.counts.hits).toBeGreaterThan(0);
    expect(warm.content?.documents.map((doc) => doc.body)).toEqual(cold.content?.documents.map((doc) => doc.body));
  });
});

describe('analysis on worker threads', () => {
  it('gives the same documents, messages and cache entries as analysis on the main thread, for a first load of 1,200 files', async () => {
    const releases = Object.fromEntries(
      Array.from({ length: 1200 }, (_, i) => [
        `press/2010/r${i}.md`,
        // Every 100th has an unknown department, to compare messages too.
        release(
          { id: `press-2010-r${i}`, title: `第${i}条新闻`, ...(i % 100 === 7 ? { department: '淮南市不存在局' } : {}) },
          `第${i}条新闻的正文，[热线](../../press/2010/r${(i + 1) % 1200}.md)。\n`,
        ),
      ]),
    );
    const root = await writeContent({ ...validSite(), ...releases });
    const load = async (workerThreads: boolean) => {
      const cache = createMemoryContentCache();
      const keys = new Map<string, unknown>();
      const recording = {
        get: (key: string) => cache.get(key),
        set: (key: string, value: Parameters<typeof cache.set>[1]) => (keys.set(key, value), cache.set(key, value)),
      };
      const loaded = await loadContent(root, { cache: recording, workerThreads });
      const documents = (loaded.content?.documents ?? loaded.partial?.documents ?? []).map(
        (doc) => ({ ...JSON.parse(JSON.stringify(doc)), body: doc.body }) as unknown,
      );
      return { documents, messages: loaded.messages, keys };
    };
    const main = await load(false);
    const threads = await load(true);
    expect(main.documents.length).toBeGreaterThan(1100);
    expect(main.messages.filter((message) => message.ruleId === 'unknown-name' || message.severity === 'error').length).toBeGreaterThanOrEqual(12);
    expect(threads.messages).toEqual(main.messages);
    expect(threads.documents).toEqual(main.documents);
    // Main-thread reads finish in any order: the entries compared by key.
    const sorted = (keys: Map<string, unknown>) => [...keys].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(sorted(threads.keys)).toEqual(sorted(main.keys));
  }, 120_000);
});
