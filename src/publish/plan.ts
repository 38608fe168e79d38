// Plan a build: compare every document with its published record and decide what to do.
// Pure: reads the content and the published state, writes nothing.

import type { ContentSet, GazetteDocument, GazetteIssue, Lang } from '../content/model.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';
import { sameJson } from '../sameJson.ts';
import { sha256 } from './digest.ts';

export type DocumentAction = 'create' | 'update' | 'unchanged' | 'scheduled' | 'draft';

export interface DocumentPlan {
  doc: GazetteDocument;
  action: DocumentAction;
  /** The published record, when there is one. */
  record?: DocumentRecord;
}

export interface IssuePlan {
  issue: GazetteIssue;
  record?: IssueRecord;
}

export interface BuildPlan {
  documents: DocumentPlan[];
  issues: IssuePlan[];
  /** Published documents whose source file is gone from content/. */
  missing: DocumentRecord[];
}

export interface PublishedState {
  documents: Map<string, DocumentRecord>;
  issues: Map<string, IssueRecord>;
}

export function issueKey(year: number, number: number): string {
  return `${year}-${String(number).padStart(2, '0')}`;
}

/**
 * Decide per document: `draft` and future `publishAt` (embargo) are never published; a document
 * without a record is created; one whose render digest differs from its record is updated.
 * The digest itself needs the 索引号, so `update` vs `unchanged` is settled by `renderDigest`
 * once numbers are allocated; here a document with a record is provisionally `unchanged`.
 */
export function planBuild(content: ContentSet, state: PublishedState, now: Date): BuildPlan {
  const documents = content.documents.map((doc): DocumentPlan => {
    const record = state.documents.get(doc.id);
    if (doc.draft) return { doc, action: 'draft', record };
    if (doc.publishAt !== undefined && Date.parse(doc.publishAt) > now.getTime()) {
      return { doc, action: 'scheduled', record };
    }
    return { doc, action: record === undefined ? 'create' : 'unchanged', record };
  });
  const present = new Set(content.documents.map((doc) => doc.id));
  const missing = [...state.documents.values()].filter((record) => !present.has(record.id));
  const issues = content.issues.map((issue) => ({ issue, record: state.issues.get(issueKey(issue.year, issue.number)) }));
  return { documents, issues, missing };
}

export interface RenderInputs {
  /** Digest of templates, render code and site.yaml: a change re-renders everything. */
  fingerprint: string;
  indexNumber: string;
  issue?: GazetteIssue;
  translations: { id: string; lang: Lang; title: string; urlPath: string }[];
  /** Pages not public yet that the text seems to link: their release re-renders this page. */
  hiddenLinks?: string[];
}

/** Everything a document's published bytes depend on, as one digest. */
export function renderDigest(doc: GazetteDocument, inputs: RenderInputs): string {
  // An article shows its issue's masthead facts, not the issue's note or table of contents.
  const issue = inputs.issue && {
    year: inputs.issue.year,
    number: inputs.issue.number,
    totalNumber: inputs.issue.totalNumber,
    date: inputs.issue.date,
    title: inputs.issue.title,
    urlPath: inputs.issue.urlPath,
  };
  // The document counts through its bytes (source digest) and where it is published.
  const value = { source: doc.sourceDigest, file: doc.file, urlPath: doc.urlPath, ...inputs, issue };
  // A process that builds again (watch mode) keeps its document objects while their sources are
  // unchanged: an equal value for the same object is the digest of last time, found without
  // serializing the value. Otherwise equal JSON means an equal value.
  const last = lastDigest.get(doc);
  if (last !== undefined) {
    // Parsed when first compared (a one-shot build never compares: 10,000 parses saved).
    if (last.text !== undefined) {
      last.value = JSON.parse(last.text) as unknown;
      last.text = undefined;
    }
    if (sameJson(last.value, value)) return last.digest;
  }
  // The value is made here in a fixed key order, so its JSON is canonical without sorting keys.
  const text = JSON.stringify(value);
  let digest = digestMemo.get(text);
  if (digest === undefined) {
    digest = sha256(text);
    if (digestMemo.size >= DIGEST_MEMO_LIMIT) digestMemo.clear();
    digestMemo.set(text, digest);
  }
  // Kept as text, a copy: later changes to the inputs never leak in.
  lastDigest.set(doc, { text, digest });
  return digest;
}

const lastDigest = new WeakMap<GazetteDocument, { text?: string | undefined; value?: unknown; digest: string }>();

const DIGEST_MEMO_LIMIT = 100_000;
const digestMemo = new Map<string, string>();
