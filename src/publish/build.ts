// The publish use case: one forward pass from validated content to the bucket and table.
//   plan → allocate 索引号 → render changed documents → write their objects → write their
//   records (the commit point) → issue pages and records → listing pages.
// Every step writes only after what it links to exists, so a crash never leaves a listing
// pointing at a missing page, and a retry rewrites the same bytes and converges.

import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Attachment, ContentSet, GazetteDocument, GazetteIssue, Lang } from '../content/model.ts';
import { formatIndexNumber } from '../content/indexNumber.ts';
import { type Artifact, attachmentTypes, outputFormats } from '../outputs.ts';
import { type ArtifactRef, type DocumentRecord, type IssueRecord, type ObjectStore, type RecordStore, PRIVATE_PREFIX, SITE_PREFIX } from '../store/ports.ts';
import { mapLimit } from './concurrency.ts';
import { sha256 } from './digest.ts';
import { type Change, type IndexPage, affectedIndexPages, allIndexPages } from './indexPages.ts';
import { type DocumentPlan, type PublishedState, issueKey, planBuild, renderDigest } from './plan.ts';
import { documentRecord, issueRecord } from './records.ts';

export interface DocumentPageJob {
  doc: GazetteDocument;
  indexNumber: string;
  issue?: GazetteIssue;
  translations: { id: string; lang: Lang; title: string; urlPath: string }[];
}

/** The rendering the build needs; `documentPage` may run on worker threads. */
export interface SiteRenderer {
  /** Digest of everything that shapes output besides content: templates, render code, site.yaml. */
  readonly fingerprint: string;
  assets(): Artifact[];
  /** Called once before rendering `jobCount` documents (a large build may start workers). */
  begin(jobCount: number): Promise<void>;
  /** The document's page, then its other renditions (PDF). */
  documentArtifacts(job: DocumentPageJob): Promise<Artifact[]>;
  /** The issue's page, then its PDF. */
  issueArtifacts(issue: GazetteIssue, articles: DocumentRecord[]): Promise<Artifact[]>;
  indexPage(page: IndexPage, state: PublishedState): Artifact;
  close(): Promise<void>;
}

export type BuildEvent =
  | { type: 'phase'; phase: string }
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'document'; id: string; file: string; action: 'created' | 'updated' | 'unchanged' | 'scheduled' | 'draft' };

export interface BuildOptions {
  content: ContentSet;
  objects: ObjectStore;
  records: RecordStore;
  renderer: SiteRenderer;
  now: Date;
  onEvent?: (event: BuildEvent) => void;
  /** Object and record writes in flight at once. */
  concurrency?: number;
}

export interface BuildSummary {
  created: number;
  updated: number;
  unchanged: number;
  scheduled: number;
  drafts: number;
  issuesWritten: number;
  objectsWritten: number;
  objectsUnchanged: number;
}

export class PublishStateError extends Error {
  override name = 'PublishStateError';
}

export async function loadPublishedState(records: RecordStore): Promise<PublishedState> {
  const documents = new Map<string, DocumentRecord>();
  for await (const record of records.listDocuments()) documents.set(record.id, record);
  const issues = new Map<string, IssueRecord>();
  for (const issue of await records.listIssues()) issues.set(issueKey(issue.year, issue.number), issue);
  return { documents, issues };
}

export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  const { content, objects, records, renderer, now } = options;
  const emit = options.onEvent ?? (() => {});
  const concurrency = options.concurrency ?? 16;
  const summary: BuildSummary = {
    created: 0, updated: 0, unchanged: 0, scheduled: 0, drafts: 0, issuesWritten: 0, objectsWritten: 0, objectsUnchanged: 0,
  };

  emit({ type: 'phase', phase: 'plan' });
  const state = await loadPublishedState(records);
  const plan = planBuild(content, state, now);
  if (plan.missing.length > 0) {
    const files = plan.missing.map((record) => `  ${record.file} (id ${record.id})`).join('\n');
    throw new PublishStateError(
      `${plan.missing.length} published document(s) no longer have a source file:\n${files}\n` +
        'A published document cannot be deleted. Restore the file, then withdraw the document with ' +
        '`status: withdrawn` and a `withdrawnReason` in its front matter. Nothing was published.',
    );
  }

  const indexNumbers = await allocateIndexNumbers(plan.documents, records);
  const issuesByKey = new Map(content.issues.map((issue) => [issueKey(issue.year, issue.number), issue]));
  const translations = translationsById(content.documents);

  const jobs: { plan: DocumentPlan; job: DocumentPageJob; digest: string }[] = [];
  for (const entry of plan.documents) {
    const { doc } = entry;
    if (entry.action === 'draft' || entry.action === 'scheduled') {
      summary[entry.action === 'draft' ? 'drafts' : 'scheduled']++;
      emit({ type: 'document', id: doc.id, file: doc.file, action: entry.action });
      continue;
    }
    const indexNumber = indexNumbers.get(doc.id) as string;
    const job: DocumentPageJob = {
      doc,
      indexNumber,
      translations: translations.get(doc.id) ?? [],
      ...(doc.kind === 'article' ? { issue: issuesByKey.get(issueKey(doc.issue.year, doc.issue.number)) } : {}),
    };
    const digest = renderDigest(doc, { fingerprint: renderer.fingerprint, ...job });
    if (entry.record?.digest === digest && entry.record.status === 'published') {
      summary.unchanged++;
      emit({ type: 'document', id: doc.id, file: doc.file, action: 'unchanged' });
      continue;
    }
    jobs.push({ plan: entry, job, digest });
  }

  // Immutable-first: the site's assets, then each changed document's page and files.
  const previousBuild = await readBuildState(objects);
  await writeArtifacts(objects, renderer.assets(), concurrency, summary, true);

  emit({ type: 'phase', phase: 'render' });
  await renderer.begin(jobs.length);
  let done = 0;
  const changes: Change[] = [];
  const newRecords = await mapLimit(jobs, concurrency, async ({ plan: entry, job, digest }) => {
    const rendered = await renderer.documentArtifacts(job);
    const files = await attachmentArtifacts(content.root, job.doc);
    const artifacts = [...rendered, ...files];
    await writeArtifacts(objects, artifacts, 4, summary, false);
    emit({ type: 'progress', phase: 'render', done: ++done, total: jobs.length });
    return documentRecord({ doc: job.doc, indexNumber: job.indexNumber, digest, artifacts: artifacts.map(artifactRef), previous: entry.record, now });
  });

  // The commit point: records make the new versions visible to listings and feeds.
  emit({ type: 'phase', phase: 'records' });
  await records.putDocuments(newRecords.map((record, i) => ({ record, expectedVersion: jobs[i]?.plan.record?.version ?? 0 })));
  for (const [i, record] of newRecords.entries()) {
    const before = jobs[i]?.plan.record;
    changes.push({ before, after: record });
    state.documents.set(record.id, record);
    summary[before === undefined ? 'created' : 'updated']++;
    emit({ type: 'document', id: record.id, file: record.file, action: before === undefined ? 'created' : 'updated' });
  }

  emit({ type: 'phase', phase: 'issues' });
  const changedIssues: IssueRecord[] = [];
  for (const { issue, record: previous } of plan.issues) {
    const articles = issue.articleIds
      .map((id) => state.documents.get(id))
      .filter((record): record is DocumentRecord => record?.status === 'published');
    if (articles.length === 0 && previous === undefined) continue; // nothing of it is public yet
    const next = issueRecord(issue, articles, renderer.fingerprint, previous, now);
    if (previous?.digest === next.digest) continue;
    const artifacts = await renderer.issueArtifacts(issue, articles);
    await writeArtifacts(objects, artifacts, concurrency, summary, false);
    await records.putIssue({ ...next, artifacts: artifacts.map(artifactRef) }, previous?.version ?? 0);
    state.issues.set(issueKey(issue.year, issue.number), next);
    changedIssues.push(next);
    summary.issuesWritten++;
  }

  emit({ type: 'phase', phase: 'listings' });
  // A new template or site.yaml changes every listing; otherwise only those showing a change.
  const pages = previousBuild?.fingerprint === renderer.fingerprint
    ? affectedIndexPages(changes, changedIssues)
    : allIndexPages(state.documents.values(), state.issues.values());
  const listingArtifacts = pages.map((page) => renderer.indexPage(page, state));
  await writeArtifacts(objects, listingArtifacts, concurrency, summary, true);
  if (previousBuild?.fingerprint !== renderer.fingerprint) await writeBuildState(objects, { fingerprint: renderer.fingerprint });
  return summary;
}

const BUILD_STATE_KEY = `${PRIVATE_PREFIX}state/build.json`;

interface BuildState {
  fingerprint: string;
}

async function readBuildState(objects: ObjectStore): Promise<BuildState | undefined> {
  const stored = await objects.get(BUILD_STATE_KEY);
  return stored === undefined ? undefined : (JSON.parse(Buffer.from(stored.body).toString('utf8')) as BuildState);
}

async function writeBuildState(objects: ObjectStore, state: BuildState): Promise<void> {
  const body = Buffer.from(JSON.stringify(state), 'utf8');
  await objects.put({ key: BUILD_STATE_KEY, body, contentType: outputFormats.json.mediaType });
}

/** 索引号 for every document: kept from its record, or newly allocated per department and year in (date, id) order. */
async function allocateIndexNumbers(plans: DocumentPlan[], records: RecordStore): Promise<Map<string, string>> {
  const numbers = new Map<string, string>();
  const groups = new Map<string, GazetteDocument[]>();
  for (const { doc, record } of plans) {
    if (record !== undefined) {
      numbers.set(doc.id, record.indexNumber);
      continue;
    }
    if (doc.draft) continue;
    const key = `${doc.department.code}\u0000${doc.date.slice(0, 4)}`;
    groups.set(key, [...(groups.get(key) ?? []), doc]);
  }
  for (const [key, docs] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [code = '', year = ''] = key.split('\u0000');
    docs.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
    const first = await records.allocateSerials(code, Number(year), docs.length);
    docs.forEach((doc, i) => numbers.set(doc.id, formatIndexNumber(code, Number(year), first + i)));
  }
  return numbers;
}

/** For each document, the other-language versions of it (both directions of `translationOf`). */
function translationsById(documents: GazetteDocument[]): Map<string, DocumentPageJob['translations']> {
  const byId = new Map(documents.map((doc) => [doc.id, doc]));
  const result = new Map<string, DocumentPageJob['translations']>();
  const link = (from: GazetteDocument, to: GazetteDocument) => {
    if (to.draft) return;
    const list = result.get(from.id) ?? [];
    list.push({ id: to.id, lang: to.lang, title: to.title, urlPath: to.urlPath });
    result.set(from.id, list);
  };
  for (const doc of documents) {
    const original = doc.translationOf === undefined ? undefined : byId.get(doc.translationOf);
    if (original === undefined) continue;
    link(original, doc);
    link(doc, original);
  }
  return result;
}

async function attachmentArtifacts(root: string, doc: GazetteDocument): Promise<Artifact[]> {
  const files: Attachment[] = [...doc.attachments, ...((doc as { assets?: Attachment[] }).assets ?? [])];
  const seen = new Set<string>();
  const artifacts: Artifact[] = [];
  for (const file of files) {
    if (seen.has(file.urlPath)) continue;
    seen.add(file.urlPath);
    const type = attachmentTypes[extname(file.name).toLowerCase()] ?? 'application/octet-stream';
    artifacts.push({
      key: decodeURI(file.urlPath).slice(1),
      body: await readFile(join(root, file.file)),
      contentType: type,
      cacheControl: outputFormats.page.cacheControl,
    });
  }
  return artifacts;
}

function artifactRef(artifact: Artifact): ArtifactRef {
  return { key: artifact.key, size: artifact.body.byteLength, sha256: sha256(artifact.body), contentType: artifact.contentType };
}

/**
 * Put artifacts under the site prefix. With `skipUnchanged`, an object whose stored sha256
 * equals the new bytes' is left alone, so rebuilding unchanged content rewrites nothing.
 */
async function writeArtifacts(
  objects: ObjectStore,
  artifacts: Artifact[],
  concurrency: number,
  summary: BuildSummary,
  skipUnchanged: boolean,
): Promise<void> {
  await mapLimit(artifacts, concurrency, async (item) => {
    const key = SITE_PREFIX + item.key;
    if (skipUnchanged) {
      const head = await objects.head(key);
      if (head?.sha256 === sha256(item.body) && head.contentType === item.contentType) {
        summary.objectsUnchanged++;
        return;
      }
    }
    await objects.put({ key, body: item.body, contentType: item.contentType, cacheControl: item.cacheControl });
    summary.objectsWritten++;
  });
}
