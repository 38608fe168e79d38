// The domain records: what is published (a document's META record and its versions, an issue, a
// staged embargoed render, an audit entry). The record store keeps them (src/store/ports.ts); pages,
// feeds and outputs read them, so they sit with the content model at the bottom of the layers.

import type { DocumentKind, GazetteDocument, IssueRef, Lang, Validity } from './model.ts';

export type DocumentStatus = 'published' | 'scheduled' | 'withdrawn';

export interface ArtifactRef {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  /** An attachment's title at the version the record publishes (records written before it was kept have none). */
  title?: string;
}

/**
 * Whether the content file `doc` is the version `record` publishes. It is not while a correction
 * waits for its embargo (or is a draft): then whatever shows many documents at once (an issue's
 * PDF, the API, the search index) shows the record, never the file's new text.
 */
export function isPublishedVersion(doc: GazetteDocument | undefined, record: DocumentRecord): doc is GazetteDocument {
  return doc !== undefined && !doc.draft && doc.sourceDigest === record.contentDigest;
}

/** The META record of a document: what is published now. */
export interface DocumentRecord {
  id: string;
  kind: DocumentKind;
  title: string;
  lang: Lang;
  file: string;
  urlPath: string;
  status: DocumentStatus;
  /** 1 for the first publish, +1 for every change. */
  version: number;
  /** sha256 of everything the rendered output depends on. */
  digest: string;
  /** 索引号, e.g. 003210045/2010-00069. Allocated once, never changed. */
  indexNumber: string;
  department: string;
  departmentCode: string;
  category: string;
  /** 发布日期, YYYY-MM-DD. */
  date: string;
  publishAt?: string;
  docNumber?: string;
  signedDate?: string;
  validity?: Validity;
  issue?: IssueRef;
  section?: string;
  summary?: string;
  /** Free keywords (标签), for special columns. */
  tags?: string[];
  /** Id of the document this one translates. */
  translationOf?: string;
  artifacts: ArtifactRef[];
  /** sha256 of the document's own source (Markdown and files): a new value is a new version. */
  contentDigest?: string;
  changeNote?: string;
  changeDate?: string;
  withdrawnReason?: string;
  withdrawnDate?: string;
  supersededBy?: string;
  /** Errata (勘误) published for corrections of this article after its issue came out. */
  errata?: ErratumRef[];
  /** ISO 8601 times from the injected clock. */
  firstPublishedAt: string;
  updatedAt: string;
}

export interface ErratumRef {
  /** The version the erratum announces (the corrected text). */
  version: number;
  title: string;
  urlPath: string;
  /** YYYY-MM-DD: the change date; the first issue of that date or later lists it. */
  date: string;
}

/** An immutable copy of a document record as it was at one version. */
export interface DocumentVersionRecord extends DocumentRecord {
  changeNote?: string;
}

export interface IssueRecord {
  year: number;
  number: number;
  totalNumber: number;
  date: string;
  title: string;
  urlPath: string;
  articleIds: string[];
  digest: string;
  version: number;
  updatedAt: string;
  /** The issue page and the whole-issue PDF. */
  artifacts?: ArtifactRef[];
}

/** A document rendered ahead of its embargo: never listed, never public, released at `publishAt`. */
export interface ScheduledRecord {
  id: string;
  kind: DocumentKind;
  title: string;
  file: string;
  urlPath: string;
  publishAt: string;
  digest: string;
  indexNumber: string;
  /** Keys of the private renders, under `private/scheduled/<id>/`. */
  artifactKeys: string[];
  scheduledAt: string;
  /**
   * What a partner's profile is matched on, for the early notice to partners with embargo access
   * (on AWS the table stream announces the staging). Absent on stagings written before they were kept.
   */
  lang?: Lang;
  department?: string;
  category?: string;
  summary?: string;
}

export type AuditEvent = 'scheduled' | 'published' | 'updated' | 'withdrawn' | 'released';

/** One state change of a document. Keyed by (id, version, event): a retried step writes it once. */
export interface AuditEntry {
  id: string;
  at: string;
  event: AuditEvent;
  version: number;
  digest: string;
  commit?: string;
  author?: string;
}
