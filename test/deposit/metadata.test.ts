// The deposit's metadata files on their own: Dublin Core that stays well-formed whatever a title
// holds, and a JSON file that carries each disclosure field under the API's name.

import { describe, expect, it } from 'vitest';
import { documentDublinCore, documentMetadata, issueContents } from '../../src/deposit/index.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';

const site = {
  name: '淮南市人民政府',
  baseUrl: 'https://www.huainan.gov.cn/',
  publisher: '淮南市人民政府办公室',
  gazetteTitle: '淮南市人民政府公报',
  sections: [{ id: 'szfwj', name: '市政府文件' }],
  departments: [{ id: 'szf', name: '淮南市人民政府', code: '003210001' }],
  topics: [{ id: 'zwgk', name: '政务公开' }],
};
const issue = { year: 2010, number: 5, totalNumber: 53, date: '2010-05-31', title: '淮南市人民政府公报 2010年第5期', urlPath: '/gazette/2010/05/' };

const record: DocumentRecord = {
  id: 'huaifu-2010-69',
  kind: 'article',
  title: "关于“A&B”<试点>的'意见'",
  lang: 'zh-CN',
  file: 'gazette/2010/05/huaifu-2010-69.md',
  urlPath: '/gazette/2010/05/huaifu-2010-69/',
  status: 'published',
  version: 2,
  digest: 'd'.repeat(64),
  indexNumber: '003210001/2010-00003',
  department: '淮南市人民政府',
  departmentCode: '003210001',
  category: '政务公开',
  date: '2010-05-31',
  docNumber: '淮府〔2010〕69号',
  signedDate: '2010-04-20',
  validity: '失效',
  supersededBy: 'huaifu-2011-15',
  issue: { year: 2010, number: 5, totalNumber: 53 },
  section: '市政府文件',
  changeNote: '更正第一条。',
  changeDate: '2010-06-10',
  artifacts: [],
  firstPublishedAt: '2010-05-31T01:00:00.000Z',
  updatedAt: '2010-06-10T01:00:00.000Z',
};

describe('documentDublinCore', () => {
  it('escapes what XML reserves, so the record stays well-formed', () => {
    const xml = documentDublinCore(site, issue, record);
    expect(xml).toContain('<dc:title xml:lang="zh-CN">关于“A&amp;B”&lt;试点&gt;的&apos;意见&apos;</dc:title>');
    // No raw markup character inside any element's text.
    for (const [, text] of xml.matchAll(/<dc:\w+[^>]*>([^<]*)<\/dc:\w+>/g)) expect(text).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
    expect(xml).toContain('<dc:relation>淮南市人民政府公报 2010年第5期（总第53期） https://www.huainan.gov.cn/gazette/2010/05/</dc:relation>');
  });
});

describe('documentMetadata', () => {
  it('names every disclosure field as the JSON API does', () => {
    expect(documentMetadata(site, issue, record, [])).toEqual({
      id: 'huaifu-2010-69',
      kind: 'article',
      title: record.title,
      lang: 'zh-CN',
      status: 'published',
      version: 2,
      digest: record.digest,
      indexNumber: '003210001/2010-00003',
      docNumber: '淮府〔2010〕69号',
      department: { name: '淮南市人民政府', id: 'szf' },
      topic: { name: '政务公开', id: 'zwgk' },
      date: '2010-05-31',
      signedDate: '2010-04-20',
      validity: '失效',
      issue: { year: 2010, number: 5, totalNumber: 53, section: '市政府文件', url: 'https://www.huainan.gov.cn/gazette/2010/05/' },
      tags: [],
      url: 'https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/',
      changeNote: '更正第一条。',
      changeDate: '2010-06-10',
      supersededBy: { id: 'huaifu-2011-15' },
      files: [],
    });
  });

  it('lists a section no longer in site.yaml after the known ones, under its name', () => {
    const moved = { ...record, id: 'old-1', section: '旧栏目' };
    const contents = issueContents(
      site,
      issue,
      [
        { record: moved, folder: 'old-1' },
        { record, folder: 'huaifu-2010-69' },
      ],
      undefined,
    ) as { sections: { name: string }[] };
    expect(contents.sections.map((section) => section.name)).toEqual(['市政府文件', '旧栏目']);
  });
});
