// Build the records that make documents and issues visible, from content and artifacts.

import type { GazetteDocument, GazetteIssue } from '../content/model.ts';
import type { ArtifactRef, DocumentRecord, ErratumRef, IssueRecord } from '../store/ports.ts';
import { keyOfUrlPath } from '../content/sitePath.ts';
import { digestOf } from './digest.ts';

export interface DocumentRecordInput {
  doc: GazetteDocument;
  indexNumber: string;
  digest: string;
  artifacts: ArtifactRef[];
  previous?: DocumentRecord;
  now: Date;
}

/** The META record of a document's next version. */
export function documentRecord({ doc, indexNumber, digest, artifacts, previous, now }: DocumentRecordInput): DocumentRecord {
  const at = now.toISOString();
  // Each attachment's title at this version: what shows of it while a later correction waits for its embargo.
  const titles = new Map(doc.attachments.map((attachment) => [keyOfUrlPath(attachment.urlPath), attachment.title]));
  const titled = artifacts.map((ref) => {
    const title = titles.get(ref.key);
    return title === undefined ? ref : { ...ref, title };
  });
  const record: DocumentRecord = {
    id: doc.id,
    kind: doc.kind,
    title: doc.title,
    lang: doc.lang,
    file: doc.file,
    urlPath: doc.urlPath,
    status: doc.status === 'withdrawn' ? 'withdrawn' : 'published',
    version: (previous?.version ?? 0) + 1,
    digest,
    indexNumber,
    department: doc.department.name,
    departmentCode: doc.department.code,
    category: doc.category.name,
    date: doc.date,
    artifacts: titled,
    firstPublishedAt: previous?.firstPublishedAt ?? at,
    updatedAt: at,
  };
  record.contentDigest = doc.sourceDigest;
  if (doc.publishAt !== undefined) record.publishAt = doc.publishAt;
  if (doc.changeNote !== undefined) record.changeNote = doc.changeNote;
  if (doc.changeDate !== undefined) record.changeDate = doc.changeDate;
  if (doc.withdrawnReason !== undefined) record.withdrawnReason = doc.withdrawnReason;
  if (doc.withdrawnDate !== undefined) record.withdrawnDate = doc.withdrawnDate;
  if (doc.kind === 'article' && doc.supersededBy !== undefined) record.supersededBy = doc.supersededBy;
  if (doc.summary !== undefined) record.summary = doc.summary;
  if (doc.tags !== undefined && doc.tags.length > 0) record.tags = [...doc.tags];
  if (doc.translationOf !== undefined) record.translationOf = doc.translationOf;
  if (doc.kind === 'article') {
    record.issue = { ...doc.issue };
    record.section = doc.section.name;
    record.signedDate = doc.signedDate;
    record.validity = doc.validity;
    if (doc.docNumber !== undefined) record.docNumber = doc.docNumber;
  }
  return record;
}

/** What an issue page shows of each article: a change to any of it rewrites the issue page. */
function tableOfContentsEntry(record: DocumentRecord) {
  return [record.id, record.title, record.section, record.docNumber, record.urlPath, record.department, record.version];
}

export function issueRecord(
  issue: GazetteIssue,
  articles: DocumentRecord[],
  fingerprint: string,
  previous: IssueRecord | undefined,
  now: Date,
  errata: ErratumRef[] = [],
  /** Pages not public yet that the editor's note links (SiteRenderer.issueHiddenLinks). */
  hiddenLinks: string[] = [],
  /** The whole-issue PDF waits for an article's embargoed correction: made once the wait ends. */
  pdfWaiting = false,
): IssueRecord {
  const digest = digestOf({
    fingerprint,
    source: issue.sourceDigest,
    toc: articles.map(tableOfContentsEntry),
    errata: errata.map((erratum) => [erratum.title, erratum.urlPath]),
    ...(hiddenLinks.length === 0 ? {} : { hiddenLinks }),
    ...(pdfWaiting ? { pdfWaiting } : {}),
  });
  return {
    year: issue.year,
    number: issue.number,
    totalNumber: issue.totalNumber,
    date: issue.date,
    title: issue.title,
    urlPath: issue.urlPath,
    articleIds: articles.map((article) => article.id),
    digest,
    version: previous === undefined ? 1 : previous.digest === digest ? previous.version : previous.version + 1,
    updatedAt: previous !== undefined && previous.digest === digest ? previous.updatedAt : now.toISOString(),
  };
}
