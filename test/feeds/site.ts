// An inline site, documents and their records for the feed use-case tests.

import type { GazetteDocument, SiteConfig } from '../../src/content/model.ts';
import { feedEntryArtifact } from '../../src/feeds/entries.ts';
import type { DocumentRecord, ObjectStore } from '../../src/store/ports.ts';

export const site: SiteConfig = {
  name: '淮南市人民政府',
  nameEn: "Huainan Municipal People's Government",
  baseUrl: 'https://www.huainan.gov.cn/',
  lang: 'zh-CN',
  publisher: '淮南市人民政府办公室',
  gazetteTitle: '淮南市人民政府公报',
  departments: [
    { id: 'szf', name: '淮南市人民政府', code: '003210001' },
    { id: 'xwb', name: '淮南市人民政府新闻办公室', code: '003210003' },
    { id: 'mzj', name: '淮南市民政局', code: '003210011' },
  ],
  topics: [
    { id: 'zwgk', name: '政务公开' },
    { id: 'mz', name: '民政' },
  ],
  sections: [{ id: 'szfwj', name: '市政府文件' }],
};

export interface DocSpec {
  id: string;
  kind?: 'article' | 'release';
  department?: string;
  category?: string;
  lang?: 'zh-CN' | 'en';
  date: string;
  version?: number;
  updatedAt: string;
  status?: 'published' | 'withdrawn';
  body?: string;
  /** The page's SHA-256 in the record (a version rendered again has new bytes). */
  pageSha256?: string;
  /** The record's render digest (default `<id>-<version>`). */
  digest?: string;
}

/** A document, its record and its entry fragment written to `objects`, as the build would. */
export async function publish(objects: ObjectStore, spec: DocSpec): Promise<DocumentRecord> {
  const kind = spec.kind ?? 'release';
  const department = site.departments.find((d) => d.name === (spec.department ?? '淮南市人民政府新闻办公室'))!;
  const category = site.topics.find((t) => t.name === (spec.category ?? '政务公开'))!;
  const year = spec.date.slice(0, 4);
  const urlPath = kind === 'article' ? `/gazette/${year}/05/${spec.id}/` : `/press/${year}/${spec.id}/`;
  const pdfKey = `${urlPath.slice(1)}${spec.id}.pdf`;
  const doc = {
    kind,
    id: spec.id,
    title: `关于${spec.id}的通知`,
    lang: spec.lang ?? 'zh-CN',
    file: `x/${spec.id}.md`,
    urlPath,
    department,
    category,
    date: spec.date,
    draft: false,
    attachments: [],
    body: '',
    bodyLine: 1,
    sourceDigest: spec.id,
  } as unknown as GazetteDocument;
  const record: DocumentRecord = {
    id: spec.id,
    kind,
    title: doc.title,
    lang: doc.lang,
    file: doc.file,
    urlPath,
    status: spec.status ?? 'published',
    version: spec.version ?? 1,
    digest: spec.digest ?? `${spec.id}-${spec.version ?? 1}`,
    indexNumber: `${department.code}/${year}-00001`,
    department: department.name,
    departmentCode: department.code,
    category: category.name,
    date: spec.date,
    summary: `${spec.id} 摘要`,
    artifacts: [
      { key: `${urlPath.slice(1)}index.html`, size: 100, sha256: spec.pageSha256 ?? 'x', contentType: 'text/html; charset=utf-8' },
      { key: pdfKey, size: 2048, sha256: 'y', contentType: 'application/pdf' },
    ],
    firstPublishedAt: spec.updatedAt,
    updatedAt: spec.updatedAt,
    ...(kind === 'article'
      ? {
          docNumber: '淮府〔2010〕69号',
          signedDate: spec.date,
          validity: '有效' as const,
          issue: { year: 2010, number: 5, totalNumber: 53 },
          section: '市政府文件',
        }
      : {}),
  };
  await objects.put(feedEntryArtifact(doc, spec.body ?? `<p>正文 <a href="annex.pdf">附件</a></p>`, record, site));
  return record;
}
