// Small, realistic records for store tests (淮南市 政务公开, 2010–2011).

import type { DocumentRecord, IssueRecord } from '../../src/store/ports.ts';

/** A published article record; override any field. */
export function documentRecord(overrides: Partial<DocumentRecord> = {}): DocumentRecord {
  const id = overrides.id ?? '2010-07-zwgk';
  const date = overrides.date ?? '2010-07-15';
  return {
    id,
    kind: 'article',
    title: '淮南市人民政府办公室关于进一步推进政务公开工作的通知',
    lang: 'zh-CN',
    file: `content/gazette/2010/07/${id}.md`,
    urlPath: `/gazette/2010/07/${id}/`,
    status: 'published',
    version: 1,
    digest: 'a'.repeat(64),
    indexNumber: '003210045/2010-00069',
    department: '淮南市人民政府办公室',
    departmentCode: '003210045',
    category: '政务公开',
    date,
    docNumber: '淮府办〔2010〕69号',
    signedDate: '2010-07-12',
    validity: '有效',
    issue: { year: 2010, number: 7, totalNumber: 163 },
    section: '市政府办公室文件',
    summary: '依托市政府门户网站“市民心声”专栏，拓宽政务公开渠道，方便群众获取信息。',
    artifacts: [{ key: `site/gazette/2010/07/${id}/index.html`, size: 4096, sha256: 'b'.repeat(64), contentType: 'text/html; charset=utf-8' }],
    firstPublishedAt: `${date}T08:00:00.000Z`,
    updatedAt: `${date}T08:00:00.000Z`,
    ...overrides,
  };
}

export function issueRecord(overrides: Partial<IssueRecord> = {}): IssueRecord {
  const year = overrides.year ?? 2010;
  const number = overrides.number ?? 7;
  return {
    year,
    number,
    totalNumber: 163,
    date: `${year}-${String(number).padStart(2, '0')}-30`,
    title: `淮南市人民政府公报 ${year}年第${number}期`,
    urlPath: `/gazette/${year}/${String(number).padStart(2, '0')}/`,
    articleIds: ['2010-07-zwgk'],
    digest: 'c'.repeat(64),
    version: 1,
    updatedAt: '2010-07-30T08:00:00.000Z',
    ...overrides,
  };
}
