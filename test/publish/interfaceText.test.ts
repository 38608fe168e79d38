// Interface text follows the document's language: an English conference's page, PDF and feed
// entry carry English labels (footnotes, Q&A, the PDF's facts), a Chinese one keeps Chinese.

import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { buildFiles, sampleFiles } from './site.ts';

const englishConference = `---
type: conference
id: press-2010-briefing-en
title: Press conference on government transparency
date: 2010-06-20
time: "09:30"
venue: Press room of the Municipal Government
department: 淮南市人民政府新闻办公室
category: 政务公开
lang: en
translationOf: press-2010-briefing
host: { name: Wang Xiaoming, title: Director of the Information Office }
speakers:
  - { name: Dai Qiyuan, title: Executive Vice Mayor }
qa:
  - question: What is new in government transparency this year?
    askedBy: Huainan Daily
    answer: |
      The catalogue is complete, and online interviews have begun.[^1]

      [^1]: Every second and fourth Thursday.
    answeredBy: Dai Qiyuan
attachments:
  - { file: catalogue.csv, title: Catalogue of government information }
---
Good morning, friends from the press.[^1]

[^1]: The conference was broadcast live.
`;

let objects: ObjectStore;

async function text(path: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + path);
  if (stored === undefined) throw new Error(`no object at ${path}`);
  return Buffer.from(stored.body).toString('utf8');
}

/** The PDF's text as pdftotext (poppler) extracts it, white space removed. */
async function pdfText(path: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + path);
  if (stored === undefined) throw new Error(`no object at ${path}`);
  const file = join(await mkdtemp(join(tmpdir(), 'gazette-pdf-')), 'document.pdf');
  await writeFile(file, stored.body);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

/** Every feed entry of a feed document whose id ends in `id`, as written. */
function entryOf(feed: string, id: string): string {
  const entry = feed
    .split('<entry')
    .slice(1)
    .find((part) => part.includes(`:${id}</id>`));
  if (entry === undefined) throw new Error(`no entry ${id}`);
  return entry.split('</entry>')[0] as string;
}

beforeAll(async () => {
  const files = sampleFiles();
  files['press/2010/briefing/index.md'] = String(files['press/2010/briefing/index.md']).replace(
    '各位记者朋友，上午好。',
    '各位记者朋友，上午好。[^1]\n\n[^1]: 发布会全程直播。',
  );
  files['press/2010/briefing-en/index.md'] = englishConference;
  files['press/2010/briefing-en/catalogue.csv'] = '索引号,名称\n003210001/2010-00001,政府信息公开目录\n';
  objects = (await buildFiles(files)).objects;
}, 120_000);

describe('interface text in the document language', () => {
  it('labels an English conference page in English: footnotes, facts, statement, questions and answers', async () => {
    const page = await text('press/2010/briefing-en/index.html');
    for (const label of [
      'About the press conference',
      '<dt>Time</dt>',
      '<dt>Venue</dt>',
      '<dt>Host</dt>',
      '<dt>Speakers</dt>',
      'Statement',
      'Questions and answers',
    ]) {
      expect(page).toContain(label);
    }
    expect(page).toContain('<span class="qa-label">Q</span>');
    expect(page).toContain('<span class="qa-label">A</span>Dai Qiyuan (Executive Vice Mayor): ');
    expect(page).toContain('<h3 class="footnotes-title" id="footnote-label">Notes</h3>');
    expect(page).toContain('aria-label="Back to the text (note 1)"');
    expect(page).toContain('aria-label="Link to question 1"');
    expect(page).toContain('20 June 2010 09:30');
    // The files the document publishes: its PDF and its attachment, labelled in English.
    expect(page).toMatch(/<p class="pdf-link" lang="en"><a href="[^"]+briefing-en\.pdf" type="application\/pdf">PDF edition<\/a><\/p>/);
    expect(page).toMatch(
      /<section class="attachments" aria-labelledby="attachments-title" lang="en"><h2 id="attachments-title">Attachments<\/h2><ol><li><a [^>]+>Catalogue of government information<\/a><span class="file-details"> \(CSV, \d+ B\)<\/span>/,
    );
    for (const chinese of ['PDF 版', '>附件<', '（CSV']) expect(page).not.toContain(chinese);
    for (const chinese of ['发布会信息', '发布词', '答记者问', '注释', '返回正文', '>问<', '>答<', '第1问的链接']) expect(page).not.toContain(chinese);
  });

  it('keeps the Chinese conference page in Chinese', async () => {
    const page = await text('press/2010/briefing/index.html');
    for (const label of ['发布会信息', '<dt>时间</dt>', '发布词', '答记者问', '<span class="qa-label">问</span>', '注释', '返回正文（注释1）', '第1问的链接']) {
      expect(page).toContain(label);
    }
    expect(page).toContain('>PDF 版</a>');
    for (const english of ['Questions and answers', 'Notes', 'Back to the text', 'PDF edition', 'Attachments']) expect(page).not.toContain(english);
  });

  it('prints the English conference PDF with English labels, and the Chinese one with Chinese', async () => {
    const english = await pdfText('press/2010/briefing-en/briefing-en.pdf');
    for (const label of [
      'Indexnumber:',
      'Issuedby:',
      'Topic:',
      'Dateofpublication:20June2010',
      'Time:20June201009:30',
      'Venue:',
      'Host:WangXiaoming,DirectoroftheInformationOffice',
      'Statement',
      'Questionsandanswers',
      'HuainanDaily:',
      'DaiQiyuan:',
      'Notes',
    ]) {
      expect(english).toContain(label);
    }
    for (const chinese of ['索引号', '发布机构', '主题分类', '发布日期', '时间：', '地点', '主持人', '发布人', '发布词', '答记者问', '注释', '年6月'])
      expect(english).not.toContain(chinese);

    const chinese = await pdfText('press/2010/briefing/briefing.pdf');
    for (const label of [
      '索引号：',
      '发布机构：',
      '发布日期：2010年6月20日',
      '时间：2010年6月20日09:30',
      '主持人：市政府新闻办公室主任王晓明',
      '发布词',
      '答记者问',
      '淮南日报记者：',
      '注释',
    ]) {
      expect(chinese).toContain(label);
    }
    expect(chinese).not.toContain('Notes');
  });

  it('writes the English entry of the feeds with English Q&A and footnote labels, the Chinese entry with Chinese', async () => {
    const feed = await text('feeds/all/atom.xml');
    const english = entryOf(feed, 'press-2010-briefing-en');
    expect(english).toContain('Questions and answers');
    expect(english).toContain('Q: What is new in government transparency this year? (Huainan Daily)');
    expect(english).toContain('A (Dai Qiyuan): ');
    expect(english).toContain('Notes');
    for (const label of ['答记者问', '问：', '答（', '注释', '返回正文']) expect(english).not.toContain(label);

    const chinese = entryOf(feed, 'press-2010-briefing');
    expect(chinese).toContain('答记者问');
    expect(chinese).toContain('问：今年政务公开工作有哪些新举措？（淮南日报记者）');
    expect(chinese).toContain('答（戴启远）：');
    expect(chinese).toContain('注释');
    expect(chinese).not.toContain('Questions and answers');
  });
});
