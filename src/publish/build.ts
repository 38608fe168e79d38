// The publish use case: one forward pass from validated content to the bucket and table.
//   plan → allocate 索引号 → render changed documents → write their objects → write their
//   records (the commit point) → issue pages and records → listing pages.
// Every step writes only after what it links to exists, so a crash never leaves a listing
// pointing at a missing page, and a retry rewrites the same bytes and converges.

import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ArticleDocument, Attachment, ContentSet, GazetteDocument, GazetteIssue, IssueRef, Lang } from '../content/model.ts';
import { formatIndexNumber } from '../content/indexNumber.ts';
import { type Artifact, attachmentTypes, outputFormats } from '../outputs.ts';
import { changeNoteProblem, checkAgainstPublished } from '../content/lifecycle.ts';
import { recordDeliveries, recordEmbargoedDeliveries } from '../delivery/outbox.ts';
import type { Partner } from '../delivery/partners.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import { feedEntryArtifact } from '../feeds/entries.ts';
import { type ChangedFeed, rebuildFeeds } from '../feeds/rebuild.ts';
import { formatMessages } from '../content/messages.ts';
import type { ContentMessage } from '../content/model.ts';
import { versionPath, type ErratumPageData, type PageLink, type VersionEntry } from '../render/html/index.ts';
import {
  type ArtifactRef,
  type AuditEvent,
  type DocumentRecord,
  type DocumentVersionRecord,
  type ErratumRef,
  type IssueRecord,
  type ObjectStore,
  type PutDocumentEntry,
  type RecordStore,
  type ScheduledRecord,
  type StoredObject,
  PRIVATE_PREFIX,
  SITE_PREFIX,
} from '../store/ports.ts';
import { mapLimit } from '../concurrency.ts';
import { columnsOf } from '../discovery/columns.ts';
import { derivedArtifacts, type DerivedInput } from '../discovery/outputs.ts';
import { type BucketMemory, stampOf, stampOfBody } from './bucketMemory.ts';
import type { RenderContext } from '../render/html/context.ts';
import { sha256 } from './digest.ts';
import { type Change, type IndexPage, affectedIndexPages, allIndexPages, newestFirst } from './indexPages.ts';
import { type DocumentPlan, type PublishedState, issueKey, planBuild, renderDigest } from './plan.ts';
import { archiveCurrentPage } from './archive.ts';
import { documentRecord, issueRecord } from './records.ts';

export interface DocumentPageJob {
  doc: GazetteDocument;
  indexNumber: string;
  issue?: GazetteIssue;
  translations: { id: string; lang: Lang; title: string; urlPath: string }[];
  /** The version this render publishes, and every version up to it (oldest first). */
  version: number;
  versions: VersionEntry[];
  supersededBy?: PageLink;
  supersedes: PageLink[];
  /** Errata published for this article, newest last (their pages link back here). */
  errata?: PageLink[];
  /** The special columns (专栏) the document belongs to, in column order. */
  columns?: PageLink[];
}

/** The rendering the build needs; `documentPage` may run on worker threads. */
export interface SiteRenderer {
  /** Digest of everything that shapes output besides content: templates, render code, site.yaml,
   * columns and the working-day calendar. */
  readonly fingerprint: string;
  /** The context pages are rendered with (no feed links), for the derived outputs. */
  readonly context: RenderContext;
  assets(): Artifact[];
  /**
   * Called once before rendering `jobCount` documents (a large build may start workers).
   * Links to `hidden` pages (drafts, embargoed documents) and their files render as plain text.
   */
  begin(jobCount: number, hidden: string[]): Promise<void>;
  /** The document's page, its version copy and PDF, and its body HTML for feed entries. */
  documentArtifacts(job: DocumentPageJob): Promise<{ artifacts: Artifact[]; bodyHtml: string }>;
  /** The page of an erratum (勘误). */
  erratumPage(erratum: ErratumPageData): Artifact;
  /** The issue's page, then its PDF (unless `pdf: false`: an issue PDF, once out, is kept). */
  issueArtifacts(issue: GazetteIssue, articles: DocumentRecord[], options?: { pdf?: boolean; errata?: PageLink[] }): Promise<Artifact[]>;
  indexPage(page: IndexPage, state: PublishedState): Artifact;
  close(): Promise<void>;
}

export type DocumentOutcome = 'created' | 'updated' | 'refreshed' | 'withdrawn' | 'released' | 'unchanged' | 'scheduled' | 'draft';

export type BuildEvent =
  /** A phase begins; `discovery:<output>` marks each derived output within the discovery phase. */
  | { type: 'phase'; phase: string }
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'document'; id: string; file: string; action: DocumentOutcome };

/** Who caused a build, for the audit trail (the content repository's commit, when known). */
export interface Provenance {
  commit?: string;
  author?: string;
}

export interface BuildOptions {
  content: ContentSet;
  objects: ObjectStore;
  records: RecordStore;
  renderer: SiteRenderer;
  now: Date;
  onEvent?: (event: BuildEvent) => void;
  /** Object and record writes in flight at once. */
  concurrency?: number;
  provenance?: Provenance;
  /** The published state, when the caller knows it (a trusted snapshot); otherwise read from the table. */
  knownState?: PublishedState;
  /**
   * What this process knows the bucket holds, kept between its builds (watch mode): pages are
   * then compared, and the search index read, without asking the bucket. Only for a process
   * whose builds hold the table's lease one after another; the build keeps it up to date.
   */
  bucketMemory?: BucketMemory;
  /** Rebuild feeds and record partner deliveries (locally; on AWS the table stream does it). */
  feeds?: { partners: readonly Partner[]; deliveries: DeliveryStore };
}

export interface BuildSummary {
  created: number;
  updated: number;
  /** Re-rendered in place (templates or linked documents changed), same version. */
  refreshed: number;
  withdrawn: number;
  released: number;
  unchanged: number;
  scheduled: number;
  drafts: number;
  issuesWritten: number;
  objectsWritten: number;
  objectsUnchanged: number;
  feedsWritten: number;
  /** Every document record after the build: what is public now. */
  published: DocumentRecord[];
  /** Documents and issues as the table holds them after the build. */
  state: PublishedState;
  /** Feeds whose subscription document changed, for WebSub pings. */
  changedFeeds: ChangedFeed[];
  deliveriesQueued: number;
}

export class PublishStateError extends Error {
  override name = 'PublishStateError';
  constructor(
    message: string,
    readonly messages: ContentMessage[] = [],
  ) {
    super(message);
  }
}

/** The order listing pages are written in: each wave links only to pages of earlier waves. */
const listingWaves: IndexPage['kind'][][] = [['gazette-year', 'press-month', 'not-found'], ['gazette-archive', 'press-index'], ['home']];

/** Records committed per batch while rendering goes on (4 transactions of 25 in the adapter). */
const RECORD_BATCH = 100;

/** Embargoed renders, one folder per document; never under the site prefix. */
export const SCHEDULED_PREFIX = `${PRIVATE_PREFIX}scheduled/`;

export async function loadPublishedState(records: RecordStore): Promise<PublishedState> {
  const documents = new Map<string, DocumentRecord>();
  for await (const record of records.listDocuments()) documents.set(record.id, record);
  const issues = new Map<string, IssueRecord>();
  for (const issue of await records.listIssues()) issues.set(issueKey(issue.year, issue.number), issue);
  return { documents, issues };
}

export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  const { content, records, renderer, now } = options;
  const memory = options.bucketMemory;
  // Every read and write goes through what this process knows the bucket holds, so a build after
  // a build reads back nothing it wrote, and compares pages without asking the bucket.
  const objects = memory?.through(options.objects) ?? options.objects;
  const emit = options.onEvent ?? (() => {});
  const concurrency = options.concurrency ?? 16;
  const summary: BuildSummary = {
    created: 0, updated: 0, refreshed: 0, withdrawn: 0, released: 0, unchanged: 0, scheduled: 0, drafts: 0, issuesWritten: 0, objectsWritten: 0, objectsUnchanged: 0, feedsWritten: 0, published: [], state: { documents: new Map(), issues: new Map() }, changedFeeds: [], deliveriesQueued: 0,
  };

  emit({ type: 'phase', phase: 'plan' });
  const state = options.knownState ?? (await loadPublishedState(records));
  const plan = planBuild(content, state, now);
  const staged = new Map((await records.listScheduled()).map((item) => [item.id, item]));

  // Problems only the published state reveals stop the build before anything is written.
  const problems = checkAgainstPublished(content, [...state.documents.values()]);
  const indexNumbers = await allocateIndexNumbers(plan.documents, records, staged);
  const issuesByKey = new Map(content.issues.map((issue) => [issueKey(issue.year, issue.number), issue]));
  // What readers may see of other documents now: never a draft, never an embargo before its time.
  const isPublic = (doc: GazetteDocument) => !doc.draft && (doc.publishAt === undefined || Date.parse(doc.publishAt) <= now.getTime());
  const hiddenDocs = content.documents.filter((doc) => !isPublic(doc));
  const hidden = hiddenDocs.map((doc) => doc.urlPath);
  const hiddenKey = hidden.join('\n');
  const translations = translationsById(content.documents, isPublic);
  const byId = new Map(content.documents.map((doc) => [doc.id, doc]));
  const replacedBy = replacedByIndex(content.documents);
  const orderedIssues = [...content.issues].sort((a, b) => a.year - b.year || a.number - b.number);

  interface Job {
    plan: DocumentPlan;
    job: DocumentPageJob;
    digest: string;
    /** A new version (the document's own source changed), or a re-render in place. */
    newVersion: boolean;
    /** A correction of an article whose issue is out: its erratum page and reference. */
    erratum?: { page: ErratumPageData; ref: ErratumRef };
  }
  const jobs: Job[] = [];
  const scheduledJobs: Job[] = [];
  for (const entry of plan.documents) {
    const { doc, record } = entry;
    if (entry.action === 'draft') {
      summary.drafts++;
      emit({ type: 'document', id: doc.id, file: doc.file, action: 'draft' });
      continue;
    }
    const newVersion = record === undefined || (record.contentDigest ?? '') !== doc.sourceDigest;
    const version = record === undefined ? 1 : newVersion ? record.version + 1 : record.version;
    const job: DocumentPageJob = {
      doc,
      indexNumber: indexNumbers.get(doc.id) as string,
      translations: translations.get(doc.id) ?? [],
      ...(doc.kind === 'article' ? { issue: issuesByKey.get(issueKey(doc.issue.year, doc.issue.number)) } : {}),
      version,
      // Filled below for documents that are rendered: the list follows from the version number.
      versions: [],
      ...supersession(doc, byId, replacedBy, isPublic),
      // Named facts, never `...doc`: spreading a cached document would read its body from disk.
      columns: columnsOf(content.columns, { id: doc.id, kind: doc.kind, department: doc.department.name, category: doc.category.name, date: doc.date, ...(doc.tags === undefined ? {} : { tags: doc.tags }) }).map((column) => ({
        title: column.title,
        urlPath: column.urlPath,
      })),
    };
    // The document itself counts through its source digest; the rest are what its page shows of others.
    const { doc: _doc, ...shown } = job;
    const digest = renderDigest(doc, { fingerprint: renderer.fingerprint, ...shown, hiddenLinks: hiddenLinksOf(doc, hiddenDocs, hiddenKey) });
    const withHistory = async () => {
      job.versions = versionEntries(doc, record === undefined ? [] : await records.listDocumentVersions(doc.id), version);
    };
    if (entry.action === 'scheduled') {
      summary.scheduled++;
      emit({ type: 'document', id: doc.id, file: doc.file, action: 'scheduled' });
      if (staged.get(doc.id)?.digest !== digest) {
        await withHistory();
        scheduledJobs.push({ plan: entry, job, digest, newVersion: true });
      }
      continue;
    }
    if (record?.digest === digest) {
      summary.unchanged++;
      emit({ type: 'document', id: doc.id, file: doc.file, action: 'unchanged' });
      continue;
    }
    if (record !== undefined && newVersion) {
      const problem = changeNoteProblem(doc, record.changeNote);
      if (problem !== undefined) problems.push(problem);
    }
    await withHistory();
    const erratum = record !== undefined && newVersion && doc.kind === 'article' && doc.status !== 'withdrawn'
      ? erratumFor(doc, record, state, orderedIssues)
      : undefined;
    job.errata = [...(record?.errata ?? []), ...(erratum === undefined ? [] : [erratum.ref])].map(({ title, urlPath }) => ({ title, urlPath }));
    jobs.push({ plan: entry, job, digest, newVersion, ...(erratum === undefined ? {} : { erratum }) });
  }
  if (problems.some((problem) => problem.severity === 'error')) {
    throw new PublishStateError(`${formatMessages(problems)}Nothing was published.`, problems);
  }

  // Immutable-first: the site's assets, then each changed document's page and files.
  const previousBuild = await readBuildState(objects);
  // A build that stopped after its commit point left listings that may not show its documents:
  // mark this one unfinished until its listings are written, and finish an unfinished one's.
  const recovering = previousBuild?.complete === false;
  // The first build into an empty bucket has nothing to compare its pages with: no HEAD for each.
  const emptyBefore = previousBuild === undefined && (await holdsNothing(objects, SITE_PREFIX));
  const writing = { concurrency, summary, memory, emptyBefore };
  if (jobs.length + scheduledJobs.length > 0 && !recovering) {
    await writeBuildState(objects, { fingerprint: previousBuild?.fingerprint ?? '', complete: false });
  }
  await writeArtifacts(objects, renderer.assets(), { ...writing, skipUnchanged: true });

  emit({ type: 'phase', phase: 'render' });
  await renderer.begin(jobs.length + scheduledJobs.length, hidden);
  let done = 0;
  const total = jobs.length + scheduledJobs.length;

  // Embargoed documents are rendered now, into the private prefix the site never serves.
  await mapLimit(scheduledJobs, concurrency, async ({ job, digest }) => {
    const artifacts = [...(await renderer.documentArtifacts(job)).artifacts, ...(await attachmentArtifacts(content.root, job.doc))];
    const prefix = `${SCHEDULED_PREFIX}${job.doc.id}/`;
    await writeArtifacts(objects, artifacts, { ...writing, concurrency: 4, skipUnchanged: false, prefix });
    await records.putScheduled({
      id: job.doc.id,
      kind: job.doc.kind,
      title: job.doc.title,
      file: job.doc.file,
      urlPath: job.doc.urlPath,
      publishAt: job.doc.publishAt as string,
      digest,
      indexNumber: job.indexNumber,
      artifactKeys: artifacts.map((item) => prefix + item.key),
      scheduledAt: now.toISOString(),
    });
    await records.putAudit({ id: job.doc.id, at: now.toISOString(), event: 'scheduled', version: 0, digest, ...options.provenance });
    // Partners trusted with embargoes hear of it now, with the embargo time; no one else does.
    if (options.feeds !== undefined) {
      const { doc } = job;
      const queued = await recordEmbargoedDeliveries({
        store: options.feeds.deliveries,
        site: content.site,
        partners: options.feeds.partners,
        now,
        documents: [{
          id: doc.id, kind: doc.kind, title: doc.title, lang: doc.lang, department: doc.department.name, category: doc.category.name,
          urlPath: doc.urlPath, publishAt: doc.publishAt as string, digest, ...(doc.summary === undefined ? {} : { summary: doc.summary }),
        }],
      });
      summary.deliveriesQueued += queued.length;
    }
    emit({ type: 'progress', phase: 'render', done: ++done, total });
  });

  const changes: Change[] = [];
  const outcomeOf = (job: Job, record: DocumentRecord): DocumentOutcome =>
    !job.newVersion ? 'refreshed'
    : record.status === 'withdrawn' ? 'withdrawn'
    : job.plan.record !== undefined ? 'updated'
    : staged.has(record.id) ? 'released'
    : 'created';
  const entryOf = (job: Job, record: DocumentRecord): PutDocumentEntry => {
    const outcome = outcomeOf(job, record);
    return {
      record,
      // A re-render in place keeps its version (expected = the same version).
      expectedVersion: job.plan.record?.version ?? 0,
      ...(job.newVersion && job.job.doc.changeNote !== undefined ? { changeNote: job.job.doc.changeNote } : {}),
      // The audit entry commits with the change it records.
      ...(outcome === 'refreshed'
        ? {}
        : {
            audit: {
              id: record.id,
              at: now.toISOString(),
              event: outcome === 'created' ? ('published' as const) : (outcome as AuditEvent),
              version: record.version,
              digest: record.digest,
              ...options.provenance,
            },
          }),
    };
  };

  // The commit point of each document is its record, written after its own artifacts. Records
  // are committed in batches while later documents still render, so the table's work overlaps
  // the rendering; listings and feeds wait for all of them.
  const batch: PutDocumentEntry[] = [];
  let committing: Promise<void> = Promise.resolve();
  let commitError: unknown;
  const commit = () => {
    const entries = batch.splice(0);
    if (entries.length === 0) return;
    committing = committing.then(() => records.putDocuments(entries)).catch((error: unknown) => {
      commitError ??= error;
    });
  };
  /** Feed entries this build writes, kept for the feeds it rebuilds (else read back one by one). */
  const entriesWritten = new Map<string, StoredObject>();
  /** Public files of withdrawn documents (PDF, attachments, earlier versions), removed at the end. */
  const withdrawnKeys: string[] = [];
  const newRecords = await mapLimit(jobs, concurrency, async (item) => {
    const { plan: entry, job, digest, newVersion } = item;
    const rendered = await renderer.documentArtifacts(job);
    const artifacts = [
      ...rendered.artifacts,
      ...(job.doc.status === 'withdrawn' ? [] : await attachmentArtifacts(content.root, job.doc)),
      ...(item.erratum === undefined ? [] : [renderer.erratumPage(item.erratum.page)]),
    ];
    // The version being replaced keeps its page at a stable URL before the new one goes up;
    // a withdrawal keeps none of the text public.
    const withdrawing = job.doc.status === 'withdrawn';
    if (newVersion && entry.record !== undefined && !withdrawing) await archiveCurrentPage(objects, job.doc.urlPath, entry.record.version, entry.record.title);
    if (withdrawing && entry.record !== undefined) {
      const kept = new Set(artifacts.map((artifact) => artifact.key));
      withdrawnKeys.push(...entry.record.artifacts.map((ref) => ref.key).filter((key) => !kept.has(key)).map((key) => SITE_PREFIX + key));
      for await (const head of objects.listKeys(`${SITE_PREFIX}${job.doc.urlPath.slice(1)}v`)) {
        if (/\/v\d+\/index\.html$/.test(head.key)) withdrawnKeys.push(head.key);
      }
    }
    await writeArtifacts(objects, artifacts, { ...writing, concurrency: 4, skipUnchanged: false });
    emit({ type: 'progress', phase: 'render', done: ++done, total });
    const record = documentRecord({ doc: job.doc, indexNumber: job.indexNumber, digest, artifacts: artifacts.map(artifactRef), previous: entry.record, now });
    record.version = job.version;
    if (!newVersion && entry.record !== undefined) record.updatedAt = entry.record.updatedAt;
    const errata = [...(entry.record?.errata ?? []), ...(item.erratum === undefined ? [] : [item.erratum.ref])];
    if (errata.length > 0) record.errata = errata;
    // The feed entry of this version, private and immutable, written before the record names it.
    const feedEntry = feedEntryArtifact(job.doc, rendered.bodyHtml, record, content.site);
    await objects.put(feedEntry);
    entriesWritten.set(feedEntry.key, { key: feedEntry.key, body: feedEntry.body, contentType: feedEntry.contentType });
    batch.push(entryOf(item, record));
    if (batch.length >= RECORD_BATCH) commit();
    return record;
  });
  emit({ type: 'phase', phase: 'records' });
  commit();
  await committing;
  if (commitError !== undefined) throw commitError;
  const outcomes = newRecords.map((record, i) => outcomeOf(jobs[i] as Job, record));

  const counters: Partial<Record<DocumentOutcome, keyof BuildSummary>> = {
    created: 'created', updated: 'updated', refreshed: 'refreshed', withdrawn: 'withdrawn', released: 'released',
  };
  for (const [i, record] of newRecords.entries()) {
    const outcome = outcomes[i] as DocumentOutcome;
    changes.push({ before: jobs[i]?.plan.record, after: record });
    state.documents.set(record.id, record);
    (summary[counters[outcome] as 'created'] as number)++;
    emit({ type: 'document', id: record.id, file: record.file, action: outcome });
  }
  // Released: the private renders are no longer needed.
  const released = newRecords.flatMap((record) => staged.get(record.id) ?? []);
  await mapLimit(released, concurrency, async (item) => {
    await objects.delete(item.artifactKeys);
    await records.deleteScheduled(item.id);
  });

  emit({ type: 'phase', phase: 'issues' });
  const changedIssues: IssueRecord[] = [];
  const errataByIssue = errataByListingIssue(state, orderedIssues);
  for (const { issue, record: previous } of plan.issues) {
    const articles = issue.articleIds
      .map((id) => state.documents.get(id))
      .filter((record): record is DocumentRecord => record !== undefined && record.status !== 'scheduled');
    if (articles.length === 0 && previous === undefined) continue; // nothing of it is public yet
    const errata = errataByIssue.get(issueKey(issue.year, issue.number)) ?? [];
    const next = issueRecord(issue, articles, renderer.fingerprint, previous, now, errata);
    if (previous?.digest === next.digest) continue;
    // The whole-issue PDF is the version of record: once published it is never rewritten.
    const keptPdf = previous?.artifacts?.find((ref) => ref.contentType === outputFormats.pdf.mediaType);
    const artifacts = await renderer.issueArtifacts(issue, articles, { pdf: keptPdf === undefined, errata });
    await writeArtifacts(objects, artifacts, { ...writing, skipUnchanged: false });
    const refs = artifacts.map(artifactRef);
    const written = { ...next, artifacts: keptPdf === undefined ? refs : [...refs, keptPdf] };
    await records.putIssue(written, previous?.version ?? 0);
    // The state (and the snapshot made of it) holds the record as written, artifacts included.
    state.issues.set(issueKey(issue.year, issue.number), written);
    changedIssues.push(next);
    summary.issuesWritten++;
  }

  emit({ type: 'phase', phase: 'listings' });
  // A new template or site.yaml changes every listing; otherwise only those showing a change.
  const incremental = previousBuild?.fingerprint === renderer.fingerprint && !recovering;
  const pages = incremental
    ? affectedIndexPages(changes, changedIssues)
    : allIndexPages(state.documents.values(), state.issues.values());
  // Listings link each other: pages first, then the archives that link them, the home page last,
  // so a crash between two writes never leaves a reachable link to a page not yet written.
  // A wave waits only for the pages the one before creates: replacing a page that is there breaks
  // no link, so those writes go on beside the next wave's (all are awaited before the build ends).
  const pending: Promise<WriteFailure | undefined>[] = [];
  const settle = async () => {
    for (const outcome of await Promise.all(pending.splice(0))) if (outcome !== undefined) throw outcome.error;
  };
  for (const wave of listingWaves) {
    const inWave = pages.filter((page) => wave.includes(page.kind));
    const writes = startWrites(objects, inWave.map((page) => renderer.indexPage(page, state)), { ...writing, skipUnchanged: true });
    pending.push(writes.done);
    const failure = await writes.linkable;
    if (failure !== undefined) {
      await Promise.all(pending);
      throw failure.error;
    }
  }
  summary.published = [...state.documents.values()];
  summary.state = state;

  // Feeds come after the pages they point to (documents and listings, written above); the
  // outbox is recorded before the feeds that announce the change, so a crash in between is
  // caught up by the next run. Feeds link to no derived page but a column's, which exists
  // unless the column is new, and a new column makes a full build: so an incremental build
  // writes its feeds while the derived outputs are rendered, a full build after them.
  const writeFeeds = async () => {
    if (options.feeds === undefined) return;
    const { partners, deliveries } = options.feeds;
    const feeds = await rebuildFeeds({
      objects: { ...objects, get: async (key) => entriesWritten.get(key) ?? (await objects.get(key)) },
      site: content.site,
      partners,
      columns: content.columns,
      documents: summary.published,
      beforeWrite: async (changed) => {
        const jobs = await recordDeliveries({ store: deliveries, site: content.site, partners, changes: changed.map((after) => ({ after })) });
        summary.deliveriesQueued += jobs.length;
      },
    });
    summary.feedsWritten = feeds.written.length;
    summary.changedFeeds = feeds.changedFeeds;
  };
  const feedsAlongside = incremental ? writeFeeds() : undefined;
  // Settled at once, so a failure of the derived outputs never leaves it unobserved.
  const feedsOutcome = feedsAlongside?.then(() => undefined, (error: unknown) => ({ error }));

  // Catalogue, statistics, columns, permalinks, sitemaps, API and search, from the records.
  if (!incremental || changes.length > 0 || changedIssues.length > 0) {
    emit({ type: 'phase', phase: 'discovery' });
    const derived: DerivedInput = {
      content,
      ctx: renderer.context,
      documents: summary.published.filter((record) => record.status !== 'scheduled').sort(newestFirst),
      issues: [...state.issues.values()].sort((a, b) => a.year - b.year || a.number - b.number),
      objects,
    };
    const byOutput = (name: string) => emit({ type: 'phase', phase: `discovery:${name}` });
    try {
      // Writes go out wave by wave, all outputs of a wave together; the next wave renders while
      // the one before is being written, and is written once the pages that one creates are.
      let previous: WritesInFlight | undefined;
      let wave: number | undefined;
      let batch: Artifact[] = [];
      const flush = async () => {
        const failure = await previous?.linkable;
        if (failure !== undefined) throw failure.error;
        previous = startWrites(objects, batch, { ...writing, skipUnchanged: true });
        pending.push(previous.done);
        batch = [];
      };
      for await (const output of derivedArtifacts(derived, incremental ? { documents: changes, issues: changedIssues } : undefined, byOutput)) {
        if (wave !== undefined && output.wave !== wave) await flush();
        wave = output.wave;
        batch.push(...output.artifacts);
      }
      await flush();
      await settle();
    } catch (error) {
      await Promise.all([feedsOutcome, ...pending]);
      throw error;
    }
  }
  try {
    await settle(); // the listings' writes, when there were no derived outputs to write
  } catch (error) {
    await feedsOutcome;
    throw error;
  }
  if (previousBuild?.fingerprint !== renderer.fingerprint || previousBuild.complete === false || jobs.length + scheduledJobs.length > 0) {
    await writeBuildState(objects, { fingerprint: renderer.fingerprint, complete: true });
  }
  if (options.feeds !== undefined) emit({ type: 'phase', phase: 'feeds' });
  if (feedsOutcome === undefined) {
    await writeFeeds();
  } else {
    const failed = await feedsOutcome;
    if (failed !== undefined) throw failed.error;
  }
  // Last, when nothing links them any more: what a withdrawal takes down.
  if (withdrawnKeys.length > 0) await objects.delete([...new Set(withdrawnKeys)]);
  return summary;
}

const BUILD_STATE_KEY = `${PRIVATE_PREFIX}state/build.json`;

interface BuildState {
  fingerprint: string;
  /** False from the first write of a build until its listings are out: a retry redoes them all. */
  complete?: boolean;
}

async function holdsNothing(objects: ObjectStore, prefix: string): Promise<boolean> {
  for await (const _ of objects.listKeys(prefix)) return false;
  return true;
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
async function allocateIndexNumbers(plans: DocumentPlan[], records: RecordStore, staged: Map<string, ScheduledRecord>): Promise<Map<string, string>> {
  const numbers = new Map<string, string>();
  const groups = new Map<string, GazetteDocument[]>();
  for (const { doc, record } of plans) {
    const kept = record?.indexNumber ?? staged.get(doc.id)?.indexNumber;
    if (kept !== undefined) {
      numbers.set(doc.id, kept);
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
function translationsById(documents: GazetteDocument[], isPublic: (doc: GazetteDocument) => boolean): Map<string, DocumentPageJob['translations']> {
  const byId = new Map(documents.map((doc) => [doc.id, doc]));
  const result = new Map<string, DocumentPageJob['translations']>();
  const link = (from: GazetteDocument, to: GazetteDocument) => {
    if (!isPublic(to)) return;
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
interface WriteOptions {
  concurrency: number;
  summary: BuildSummary;
  /** Compare with what the bucket holds and write only what differs (listings, derived outputs). */
  skipUnchanged: boolean;
  prefix?: string;
  memory?: BucketMemory | undefined;
  /** The bucket held no site object when the build began: what is not known is not there. */
  emptyBefore?: boolean;
}

/** A write that failed while the build went on rendering: thrown where the build waits for it. */
class WriteFailure {
  constructor(readonly error: unknown) {}
}

async function writeArtifacts(objects: ObjectStore, artifacts: Artifact[], options: WriteOptions): Promise<void> {
  const failure = await startWrites(objects, artifacts, options).done;
  if (failure !== undefined) throw failure.error;
}

/** Writes under way: both settle (never reject), with the failure if one write failed. */
interface WritesInFlight {
  /**
   * Every new object of the batch is written, and every other one was there before (unchanged,
   * or being overwritten): a page written from now on may link to any of them.
   */
  linkable: Promise<WriteFailure | undefined>;
  /** Every write has finished. */
  done: Promise<WriteFailure | undefined>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined); // observed through `linkable`, which settles
  return { promise, resolve, reject };
}

function startWrites(objects: ObjectStore, artifacts: Artifact[], options: WriteOptions): WritesInFlight {
  const { summary, skipUnchanged, memory } = options;
  const prefix = options.prefix ?? SITE_PREFIX;
  const ready = artifacts.map(() => deferred());
  const done = mapLimit(artifacts, options.concurrency, async (item, index) => {
    const linkable = (ready[index] as Deferred).resolve;
    const key = prefix + item.key;
    const { digest, stamp } = skipUnchanged || memory !== undefined ? stampOfBody(item.body, item.contentType) : { digest: '', stamp: '' };
    if (skipUnchanged) {
      let there = memory?.stampAt(key);
      if (there === undefined && options.emptyBefore === true) there = '';
      if (there === undefined) {
        const head = await objects.head(key);
        there = head === undefined ? '' : stampOf(head.sha256 ?? '', head.contentType);
      }
      if (there === stamp) {
        memory?.saw(key, stamp);
        summary.objectsUnchanged++;
        linkable();
        return;
      }
      // Replacing an object that is there: a link to it already resolves.
      if (there !== '') linkable();
    }
    const input = {
      key,
      body: item.body,
      contentType: item.contentType,
      ...(item.cacheControl === undefined ? {} : { cacheControl: item.cacheControl }),
      ...(digest === '' ? {} : { sha256: digest }),
    };
    await objects.put(input); // through the memory, when there is one
    summary.objectsWritten++;
    linkable();
  });
  // A failure ends the lanes that meet it: nothing still waiting to be linkable ever will be.
  done.catch((error: unknown) => ready.forEach((item) => item.reject(error)));
  const settled = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => new WriteFailure(error));
  return { linkable: settled(Promise.all(ready.map((item) => item.promise))), done: settled(done) };
}

/** The version list a page shows: the stored versions, then the one being published. */
function versionEntries(doc: GazetteDocument, history: DocumentVersionRecord[], version: number): VersionEntry[] {
  const entries = history
    .filter((item) => item.version < version)
    .map((item) => ({
      version: item.version,
      date: item.version === 1 ? item.date : (item.changeDate ?? item.date),
      ...(item.version > 1 && item.changeNote !== undefined ? { changeNote: item.changeNote } : {}),
      urlPath: versionPath(doc.urlPath, item.version),
    }));
  // The current version is the page itself; its copy at v<n>/ appears when it is replaced.
  entries.push({
    version,
    date: version === 1 ? doc.date : (doc.changeDate ?? doc.date),
    ...(version > 1 && doc.changeNote !== undefined ? { changeNote: doc.changeNote } : {}),
    urlPath: doc.urlPath,
  });
  return entries;
}

/** Links between a document and those it replaces or is replaced by (`supersededBy`). */
function supersession(
  doc: GazetteDocument,
  byId: Map<string, GazetteDocument>,
  replacedBy: Map<string, GazetteDocument[]>,
  isPublic: (doc: GazetteDocument) => boolean,
): Pick<DocumentPageJob, 'supersededBy' | 'supersedes'> {
  const named = doc.supersededBy === undefined ? undefined : byId.get(doc.supersededBy);
  const replacement = named !== undefined && isPublic(named) ? named : undefined;
  const supersedes = (replacedBy.get(doc.id) ?? []).filter(isPublic).map((other) => ({ title: other.title, urlPath: other.urlPath }));
  return { supersedes, ...(replacement === undefined ? {} : { supersededBy: { title: replacement.title, urlPath: replacement.urlPath } }) };
}

/** For each document, those whose `supersededBy` names it. */
function replacedByIndex(documents: GazetteDocument[]): Map<string, GazetteDocument[]> {
  const index = new Map<string, GazetteDocument[]>();
  for (const doc of documents) {
    if (doc.supersededBy !== undefined) index.set(doc.supersededBy, [...(index.get(doc.supersededBy) ?? []), doc]);
  }
  return index;
}

/**
 * A correction to an article of an issue that is out produces an erratum (勘误): its own page,
 * linked both ways with the article, listed in the contents of the next issue. The issue's PDF,
 * the version of record, is never rewritten.
 */
function erratumFor(
  doc: ArticleDocument,
  record: DocumentRecord,
  state: PublishedState,
  orderedIssues: GazetteIssue[],
): { page: ErratumPageData; ref: ErratumRef } | undefined {
  if (!state.issues.has(issueKey(doc.issue.year, doc.issue.number))) return undefined;
  const version = record.version + 1;
  const date = doc.changeDate ?? doc.date;
  const target = issueListing({ issue: doc.issue, date }, orderedIssues);
  const ref: ErratumRef = { version, title: `关于《${doc.title}》的勘误`, urlPath: `${doc.urlPath}kanwu-v${version}/`, date };
  return {
    ref,
    page: {
      id: `${doc.id}-kanwu-v${version}`,
      title: ref.title,
      date,
      issueLabel: target === undefined ? '下一期公报' : `${target.year}年第${target.number}期（总第${target.totalNumber}期）`,
      corrected: { title: doc.title, urlPath: doc.urlPath, version: record.version, versionUrl: versionPath(doc.urlPath, record.version) },
      changeNote: doc.changeNote ?? '',
      urlPath: ref.urlPath,
    },
  };
}

/** The issue whose contents list an erratum: the first after the article's issue dated on or after the change. */
function issueListing(erratum: { issue: IssueRef; date: string }, orderedIssues: GazetteIssue[]): GazetteIssue | undefined {
  return orderedIssues.find(
    (issue) => (issue.year > erratum.issue.year || (issue.year === erratum.issue.year && issue.number > erratum.issue.number)) && issue.date >= erratum.date,
  );
}

/** The errata each issue lists (by issue key): an erratum is listed by the issue out at its date. */
function errataByListingIssue(state: PublishedState, orderedIssues: GazetteIssue[]): Map<string, ErratumRef[]> {
  const listed = new Map<string, ErratumRef[]>();
  for (const record of state.documents.values()) {
    if (record.issue === undefined) continue;
    for (const erratum of record.errata ?? []) {
      const target = issueListing({ issue: record.issue, date: erratum.date }, orderedIssues);
      if (target === undefined) continue;
      const key = issueKey(target.year, target.number);
      const list = listed.get(key);
      if (list === undefined) listed.set(key, [erratum]);
      else list.push(erratum);
    }
  }
  for (const list of listed.values()) list.sort((a, b) => (a.date === b.date ? (a.urlPath < b.urlPath ? -1 : 1) : a.date < b.date ? -1 : 1));
  return listed;
}

/**
 * Pages not public yet that a document's text seems to link (its relative links name their
 * slug). Links to them render as text until they are out; naming them in the digest makes the
 * page render again, with the link, when they are released.
 */
function hiddenLinksOf(doc: GazetteDocument, hiddenDocs: GazetteDocument[], key: string): string[] {
  if (hiddenDocs.length === 0) return [];
  // Reading the text of every document is what this costs: a process that builds again keeps the
  // answer while the document object (its source) and the hidden pages are the same.
  const last = hiddenLinksMemo.get(doc);
  if (last?.key === key) return last.links;
  const text = doc.kind === 'conference' ? [doc.body, ...doc.qa.map((pair) => pair.answer)].join('\n') : doc.body;
  const links = hiddenDocs
    .filter((other) => other.id !== doc.id && text.includes(other.urlPath.split('/').filter(Boolean).at(-1) ?? other.id))
    .map((other) => other.urlPath);
  hiddenLinksMemo.set(doc, { key, links });
  return links;
}

const hiddenLinksMemo = new WeakMap<GazetteDocument, { key: string; links: string[] }>();
