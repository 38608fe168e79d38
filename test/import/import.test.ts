import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check.ts';
import { runImport } from '../../src/cli/import.ts';
import { article, issue, siteYaml, writeContent } from '../content/fixtures.ts';
import { buildDocx, zip, type Block } from './docxFixture.ts';

const now = () => new Date('2010-06-20T02:00:00Z');
/** A 1×1 PNG: the bytes must arrive beside the article unchanged. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const xlsx = zip({ 'xl/workbook.xml': '<workbook/>' });

async function site(): Promise<string> {
  return writeContent({
    'site.yaml': siteYaml,
    'gazette/2010/05/index.md': issue(2010, 5, 53, '2010-05-31'),
    'gazette/2010/05/huaifu-2010-69.md': article(),
    'gazette/2010/06/index.md': issue(2010, 6, 54, '2010-06-30'),
  });
}

async function run(root: string, ...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runImport([...argv, '--content', 'content'], { stdout, stderr, cwd: dirname(root), now });
  return { code, out, err };
}

async function check(root: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await runCheck(['--content', 'content', '--no-cache', '--data', '.nothing-built'], { stdout, stderr, cwd: dirname(root), now });
  return { code, text };
}

/** A notice of the city government as a department would type it in Word. */
const notice: Block[] = [
  { p: '淮南市人民政府文件' },
  { p: '淮府[2010]088号' },
  { p: '淮南市人民政府关于推进工程建设领域项目信息公开工作的通知', style: 'Title' },
  { p: '各县、区人民政府，市政府各部门、各直属机构:' },
  {
    p: [
      '我市是安徽省工程建设领域项目信息公开和诚信体系建设地级试点单位',
      { footnote: '2010年6月1日至2日，全国试点工作座谈会在广东省东莞市召开，我市在会上交流了经验。' },
      '。为推动项目决策、审批、实施全过程公开透明，现就有关事项通知如下：',
    ],
  },
  { p: '一、公开范围' },
  { p: '凡在我市行政区域内使用财政性资金建设的项目,均应按照《淮南市人民政府关于进一步推进政务公开工作的意见》(淮府[2010]069号)公开项目信息。' },
  { p: '二、公开内容' },
  { p: '（一）项目审批信息' },
  { p: '项目建议书、可行性研究报告的批复情况，用地、规划、环评等审批结果。' },
  { p: '（二）招标投标信息：招标公告、资格审查结果、中标候选人公示、中标结果。' },
  { p: '三、公开平台', style: 'Heading1' },
  { p: [{ text: '谁审批、谁公开：', bold: true }, '各项目审批部门在信息形成后二十个工作日内，在市政府门户网站“工程建设领域项目信息公开专栏”发布。'] },
  { p: '全市政府信息公开查阅点如下：' },
  {
    table: [
      ['查阅点', '地址', '开放时间'],
      ['市档案馆', '田家庵区洞山中路', '周一至周五'],
      ['市公共图书馆', '田家庵区朝阳路|东段', '周二至周日'],
    ],
  },
  { p: [{ image: { bytes: png, part: 'media/image1.png', alt: '全市政府信息公开查阅点分布图' } }] },
  { p: '附件：淮南市工程建设领域项目信息公开目录（2010年版）' },
  { p: ['淮南市人民政府', { image: { bytes: png, part: 'media/seal.png', alt: '印章' } }] },
  { p: '二〇一〇年六月十一日' },
];

describe('gazette import', () => {
  it('writes the article with front matter, headings, table, footnote, image and attachment, and it passes gazette check', async () => {
    const root = await site();
    const docx = join(dirname(root), '淮府〔2010〕88号.docx');
    await writeFile(docx, buildDocx({ blocks: notice, embeddings: { 'Microsoft_Excel_Worksheet.xlsx': xlsx } }));

    const result = await run(root, docx, '--issue', '2010/06');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);

    const folder = join(root, 'gazette/2010/06');
    expect(await readFile(join(folder, 'huaifu-2010-88.md'), 'utf8')).toBe(`---
id: huaifu-2010-88
title: 淮南市人民政府关于推进工程建设领域项目信息公开工作的通知
section: 市政府文件
department: 淮南市人民政府
docNumber: 淮府〔2010〕88号
signedDate: 2010-06-11
date: 2010-06-30
category: 政务公开
attachments:
  - { file: huaifu-2010-88-fujian-1.xlsx, title: 淮南市工程建设领域项目信息公开目录（2010年版） }
---
各县、区人民政府，市政府各部门、各直属机构：

我市是安徽省工程建设领域项目信息公开和诚信体系建设地级试点单位[^1]。为推动项目决策、审批、实施全过程公开透明，现就有关事项通知如下：

## 一、公开范围

凡在我市行政区域内使用财政性资金建设的项目，均应按照《淮南市人民政府关于进一步推进政务公开工作的意见》（淮府〔2010〕69号）公开项目信息。

## 二、公开内容

### （一）项目审批信息

项目建议书、可行性研究报告的批复情况，用地、规划、环评等审批结果。

（二）招标投标信息：招标公告、资格审查结果、中标候选人公示、中标结果。

## 三、公开平台

**谁审批、谁公开**：各项目审批部门在信息形成后二十个工作日内，在市政府门户网站“工程建设领域项目信息公开专栏”发布。

全市政府信息公开查阅点如下：

| 查阅点 | 地址 | 开放时间 |
| --- | --- | --- |
| 市档案馆 | 田家庵区洞山中路 | 周一至周五 |
| 市公共图书馆 | 田家庵区朝阳路\\|东段 | 周二至周日 |

![全市政府信息公开查阅点分布图](huaifu-2010-88-image-1.png)

附件：淮南市工程建设领域项目信息公开目录（2010年版）

[^1]: 2010年6月1日至2日，全国试点工作座谈会在广东省东莞市召开，我市在会上交流了经验。
`);
    expect(await readFile(join(folder, 'huaifu-2010-88-image-1.png'))).toEqual(png);
    // The seal beside the 落款 left the body with it, and is not saved.
    expect(existsSync(join(folder, 'huaifu-2010-88-image-2.png'))).toBe(false);
    expect(result.out).toContain('  body:  ← “image 2”\n      image 2 stood in a line taken out of the body');
    expect(await readFile(join(folder, 'huaifu-2010-88-fujian-1.xlsx'))).toEqual(xlsx);

    // Each finding names the file, the field and the text it came from.
    expect(result.out).toContain('Imported ');
    expect(result.out).toContain('Guesses to check (content/gazette/2010/06/huaifu-2010-88.md):');
    expect(result.out).toContain('  docNumber: 淮府〔2010〕88号  ← “淮府[2010]088号”');
    expect(result.out).toContain('  id: huaifu-2010-88  ← “淮府〔2010〕88号”\n      named like huaifu-2010-69');
    expect(result.out).toContain('  section: 市政府文件  ← “文号 prefix 淮府”');
    expect(result.out).toContain('  signedDate: 2010-06-11  ← “二〇一〇年六月十一日”');
    expect(result.out).toContain('  body: ## 一、公开范围  ← “一、公开范围”\n      a short line opening with a heading number became a heading');
    expect(result.out).not.toContain('body: ## 三、公开平台'); // Word's heading style said so: read, not guessed
    expect(result.out).toContain('  attachments: huaifu-2010-88-fujian-1.xlsx  ← “附件：淮南市工程建设领域项目信息公开目录（2010年版）”');
    expect(result.out).toMatch(
      / {2}body: 1 passage {2}← “凡在我市行政区域内使用财政性资金建设的项目,均应按照.*…”\n {6}half-width punctuation between Chinese words became full-width/,
    );
    expect(result.out).toMatch(/✔ content\/gazette\/2010\/06\/huaifu-2010-88\.md passes `gazette check`/);

    expect(await check(root)).toMatchObject({ code: 0, text: expect.stringContaining('is valid: 2 issues, 2 articles') });
  });

  it('prints what the checker still misses, and refuses to overwrite without --force', async () => {
    const root = await site();
    const docx = join(dirname(root), 'lingdao-jianghua.docx');
    // A speech: no 文号, no 落款 the site knows, no date, an image without a description.
    await writeFile(
      docx,
      buildDocx({
        blocks: [
          { p: '在全市政务公开工作会议上的讲话' },
          { p: '同志们：' },
          { p: '2010年以来，全市召开网民座谈会105次，参加网民超过1.3万人次，解答问题7000余条。' },
          { p: [{ image: { bytes: png, part: 'media/image1.png' } }] },
          { p: '淮南市政务公开领导小组' },
        ],
      }),
    );
    const first = await run(root, docx, '--issue', '2010/06', '--section', '领导讲话');
    expect(first.code).toBe(1);
    expect(first.out).toContain('Not found: add these (content/gazette/2010/06/gz-2010-06-1.md):\n  signedDate:\n      no 成文日期');
    expect(first.out).toContain('  department:\n      no 落款');
    expect(first.out).toContain(
      '  body: gz-2010-06-1-image-1.png  ← “image 1”\n      saved beside the article; it had no description in Word, so it reads “图1”',
    );
    // The real checker's messages on the new file, with their rule ids.
    expect(first.out).toMatch(/content\/gazette\/2010\/06\/gz-2010-06-1\.md:\d+:\d+ .*department.* missing-field/);
    expect(first.out).toMatch(/signedDate.* missing-field/);
    expect(first.out).toContain('does not pass `gazette check` yet');
    const written = await readFile(join(root, 'gazette/2010/06/gz-2010-06-1.md'), 'utf8');
    expect(written).toContain('title: 在全市政务公开工作会议上的讲话\nsection: 领导讲话\ndate: 2010-06-30\n');
    expect(written).toContain('![图1](gz-2010-06-1-image-1.png)');

    const again = await run(root, docx, '--issue', '2010/06', '--section', '领导讲话', '--id', 'gz-2010-06-1');
    expect(again).toMatchObject({
      code: 1,
      err: expect.stringContaining('content/gazette/2010/06/gz-2010-06-1.md, content/gazette/2010/06/gz-2010-06-1-image-1.png already exist'),
    });
    expect(again.err).toContain('Nothing was written.');

    const forced = await run(
      root,
      docx,
      '--issue',
      '2010/06',
      '--id',
      'gz-2010-06-1',
      '--section',
      '领导讲话',
      '--department',
      '淮南市人民政府办公室',
      '--force',
    );
    expect(forced.code).toBe(1); // signedDate is still missing
    expect(forced.out).not.toMatch(/department.* missing-field/);
    expect(await readFile(join(root, 'gazette/2010/06/gz-2010-06-1.md'), 'utf8')).toContain('department: 淮南市人民政府办公室\n');
  });

  it("says when Word's own numbering hid the heading numbers", async () => {
    const root = await site();
    const docx = join(dirname(root), 'numbered.docx');
    await writeFile(
      docx,
      buildDocx({
        blocks: [
          { p: '淮南市人民政府关于开展政务公开示范点建设的通知', style: 'Title' },
          { p: '建设范围', numbered: true },
          { p: '市级政务公开示范点25家，市级办事公开示范点8家。' },
          { p: '工作要求', numbered: true },
          { p: '淮南市人民政府' },
          { p: '二〇一〇年六月十五日' },
        ],
      }),
    );
    const result = await run(root, docx, '--issue', '2010/06');
    expect(result.out).toContain('  body: numbered list  ← “建设范围”\n      Word numbered these lines itself');
    expect(await readFile(join(root, 'gazette/2010/06/gz-2010-06-1.md'), 'utf8')).toContain('---\n1. 建设范围\n\n市级政务公开示范点25家');
  });

  it('keeps names from inside the .docx out of the paths it writes', async () => {
    const root = await site();
    const docx = join(dirname(root), 'evil.docx');
    await writeFile(
      docx,
      buildDocx({
        blocks: [
          { p: '淮南市人民政府关于公布政府信息公开查阅点的通知', style: 'Title' },
          { p: [{ image: { bytes: png, part: '../../../../../evil.png', alt: '查阅点' } }] },
          { p: '淮南市人民政府' },
          { p: '二〇一〇年六月十二日' },
        ],
        // An OLE object (Word's .bin for what it cannot embed as a file) is no type the site publishes.
        embeddings: { '../../../../../../evil.pdf': Buffer.from('%PDF-1.4\n'), 'oleObject1.bin': Buffer.from('\xd0\xcf\x11\xe0', 'latin1') },
      }),
    );
    const result = await run(root, docx, '--issue', '2010/06');
    expect(result.err).toBe('');
    expect(result.out).toContain('an object embedded in Word (oleObject1.bin) cannot be published as it is');
    const tree = await readdir(dirname(root), { recursive: true });
    expect(tree.filter((path) => path.includes('evil') && !path.endsWith('evil.docx'))).toEqual([]);
    expect((await readdir(join(root, 'gazette/2010/06'))).sort()).toEqual(['gz-2010-06-1-fujian-1.pdf', 'gz-2010-06-1.md', 'index.md']);
    expect(result.out).toContain('  body:  ← “image 1”\n      image 1 was left out: its picture is not inside the .docx');
    expect(result.out).toContain('  attachments: gz-2010-06-1-fujian-1.pdf  ← “evil.pdf”');
  });

  it('says what a file is when it is not a readable .docx, and writes nothing', async () => {
    const root = await site();
    const good = buildDocx({ blocks: notice });
    const cases: [string, Uint8Array, string][] = [
      [
        'truncated.docx',
        good.subarray(0, Math.floor(good.length / 2)),
        'the .docx is damaged: it has no ZIP directory at its end, so it is truncated or damaged',
      ],
      [
        'old.doc',
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]),
        'this is an old Word 97–2003 (.doc) file or a password-protected document',
      ],
      ['scan.docx', Buffer.from('%PDF-1.4\n%âãÏÓ\n'), 'this is a PDF, so it is not a .docx'],
      ['table.docx', zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }), 'this is an Excel workbook, not a Word document'],
      ['broken.docx', zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document><w:body><w:p>' }), 'the .docx could not be read'],
      ['empty.docx', Buffer.alloc(0), 'the file is empty'],
    ];
    for (const [name, bytes, problem] of cases) {
      await writeFile(join(dirname(root), name), bytes);
      const result = await run(root, name, '--issue', '2010/06');
      expect(result.code, name).toBe(1);
      expect(result.err, name).toContain(`gazette import: ${name}: ${problem}`);
      expect(result.err, name).toContain('Nothing was written.');
    }
    const missing = await run(root, 'nowhere.docx', '--issue', '2010/06');
    expect(missing.err).toContain('gazette import: nowhere.docx: there is no such file.');
    const noIssue = await run(root, 'old.doc', '--issue', '2010/07');
    expect(noIssue.err).toContain('there is no issue 2010/07');
    expect(await readdir(join(root, 'gazette/2010/06'))).toEqual(['index.md']);
    expect(existsSync(join(root, 'gazette/2010/07'))).toBe(false);
  });
});
