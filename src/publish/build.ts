// The publish use case: one forward pass from validated content to the bucket and table, in
// three stages, one file each:
//   plan (planJobs.ts)       → one job per changed document, a plain value
//   jobs (documentJobs.ts)   → render, write objects, commit the record (the commit point) — in
//                              this process, in worker processes, or fanned out on AWS
//   finalize (finalize.ts)   → issue pages, listings, derived outputs, feeds and outbox,
//                              take-downs — once, under the table's build lease (lease.ts)
// Every step writes only after what it links to exists, so a crash never leaves a listing
// pointing at a missing page, and a retry rewrites the same bytes and converges.

import type { BodyCacheSlot } from './bodyCache.ts';
import type { ContentSet, GazetteDocument, GazetteIssue, Lang } from '../content/model.ts';
import type { Artifact } from '../outputs.ts';
import type { Partner } from '../delivery/partners.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import type { ChangedFeed } from './rebuildFeeds.ts';
import { formatMessages } from '../content/messages.ts';
import type { ContentMessage } from '../content/model.ts';
import type { ErratumPageData, PageLink, VersionEntry } from '../render/html/index.ts';
import { type ArtifactRef, type DocumentRecord, type ObjectStore, type RecordStore, SITE_PREFIX, type StoredObject } from '../store/ports.ts';
import type { RenderContext } from '../render/html/context.ts';
import type { BucketMemory } from './bucketMemory.ts';
import { holdsNothing, listedParts, markPending, markUnfinished, newBuildId, readBuildState, stoppedBuildIn } from './buildState.ts';
import { type JobSettings, type JobsResult, outcomeOf, runDocumentJobs, runScheduledJobs } from './documentJobs.ts';
import { finalizeBuild, loadPublishedState } from './finalize.ts';
import { acquireLease, type HeldLease, type LeaseClock, type LeaseOptions } from './lease.ts';
import type { PublishedState } from './plan.ts';
import { type DocumentJob, planJobs } from './planJobs.ts';
import type { ManifestOutcome, ManifestSigner } from './signedManifest.ts';
import type { CdnInvalidator } from './takeDowns.ts';
import { writeArtifacts } from './writes.ts';

export { loadPublishedState } from './finalize.ts';

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
  /**
   * The document's own files as written (attachments, then body images and other linked files),
   * with the SHA-256 and size its record keeps: the page lists them for readers to check downloads.
   */
  files?: ArtifactRef[];
  /** The body cache's slot for this document (the CLI on one machine): its key, and the cached body if it matches. */
  body?: BodyCacheSlot;
}

/** The parts of the render fingerprint (SiteRenderer.fingerprintParts), each a digest. */
export interface FingerprintParts {
  code: string;
  columns: string;
  calendar: string;
}

/** The rendering the build needs; `documentPage` may run on worker threads. */
export interface SiteRenderer {
  /** Whether documents and issues get PDFs. */
  readonly pdf: boolean;
  /** Digest of everything that shapes output besides content: templates, render code, site.yaml,
   * columns and the working-day calendar. A change renders the listings and derived outputs again. */
  readonly fingerprint: string;
  /** The part of `fingerprint` that shapes document and issue pages (site.yaml and their code): in
   * every document's and issue's render digest. */
  readonly pageFingerprint: string;
  /** What `fingerprint` is made of: the code with site.yaml (a change renders every listing and
   * derived output whole), the columns and the calendar (a change renders whole the outputs that
   * use them: `uses` in src/discovery/outputs.ts). */
  readonly fingerprintParts: FingerprintParts;
  /** The context pages are rendered with (no feed links), for the derived outputs. */
  readonly context: RenderContext;
  /** Whether this process may start worker threads (for rendering, and outputs such as the search index). */
  readonly workerThreads?: boolean;
  assets(): Artifact[];
  /**
   * Called once before rendering `jobCount` documents (a large build may start workers).
   * Links to `hidden` pages (drafts, embargoed documents) and their files render as plain text.
   */
  begin(jobCount: number, hidden: string[]): Promise<void>;
  /** The document's page, its version copy and PDF, and its body HTML for feed entries. */
  documentArtifacts(job: DocumentPageJob): Promise<{ artifacts: Artifact[]; bodyHtml: string }>;
  /**
   * The documents are rendered: a renderer that started worker threads lets them go here, so the
   * later phases (discovery, feeds) do not run beside their idle heaps. Later documents, if any,
   * render on the calling thread.
   */
  documentsRendered?(): Promise<void>;
  /** The page of an erratum (勘误). */
  erratumPage(erratum: ErratumPageData): Artifact;
  /**
   * The pages not public yet (`begin`'s `hidden`) that the issue's editor's note links: they are
   * text on its page until they are out, and in its digest so that it renders again when they are.
   */
  issueHiddenLinks(issue: GazetteIssue): string[];
  /**
   * Whether an issue's PDF, which prints each article's content file, must wait: one of them is not
   * the version its record publishes (a correction under embargo). Never with PDFs off.
   */
  issuePdfWaits(articles: DocumentRecord[]): boolean;
  /**
   * The issue's page, then its PDF when `pdf` is `new` (the default). `kept`: an issue PDF, once
   * out, is kept, and the page links it; `waiting`: none yet, and the page links none.
   */
  issueArtifacts(issue: GazetteIssue, articles: DocumentRecord[], options?: { pdf?: 'new' | 'kept' | 'waiting'; errata?: PageLink[] }): Promise<Artifact[]>;
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
  /**
   * The table's build lease, when the caller took it before this build read the published state
   * (a local build: see snapshot.ts). Otherwise the build takes it for its finalize step, waiting
   * while another build holds it, and reads the records again once it has it.
   */
  lease?: HeldLease;
  /** How to wait for the lease: the wall clock (default: the system clock), and the stores' kind (see LeaseOptions). */
  leasing?: LeaseOptions & { clock?: LeaseClock; waitMs?: number };
  /** Where the document jobs run (default: in this process). */
  jobRunner?: JobRunner;
  /** Rebuild feeds and record partner deliveries (locally; on AWS the table stream does it). */
  feeds?: { partners: readonly Partner[]; deliveries: DeliveryStore };
  /** The CDN to tell of taken-down files (CloudFront on AWS; none locally, the preview caches nothing). */
  cdn?: CdnInvalidator;
  /** Sign and publish the manifest of the public site at the end of finalize (src/publish/signedManifest.ts). */
  manifest?: ManifestSigner;
  /**
   * Called once the plan is accepted, before the build's first write (on AWS: the site configuration
   * the table stream's functions read, so the build's own stream events see its partners).
   */
  beforeWrites?: () => Promise<void>;
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
  /** The jobs were handed to other workers (AWS fan-out); their finalize step runs when they are done. */
  fannedOut?: { buildId: string; chunks: number; jobs: number };
  /** The signed manifest of the public site, when the build writes one (BuildOptions.manifest). */
  manifest?: ManifestOutcome;
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

/** What a job renderer in another process needs to render like this build's renderer: plain values. */
export interface JobContext {
  site: ContentSet['site'];
  /** Source file → URL path of every document and issue, for links between them. */
  routes: [string, string][];
  root: string;
  pdf: boolean;
  /** Pages not public yet: links to them render as text. */
  hidden: string[];
}

export interface JobRunInput {
  /** The build's id: its pending mark (buildState.ts) is under it, which jobs run elsewhere extend. */
  buildId: string;
  context: JobContext;
  settings: JobSettings;
  /** Staged renders of documents the jobs release from embargo (for a finalize step run elsewhere). */
  released: StagedRelease[];
  onJobDone: () => void;
}

type StagedRelease = Awaited<ReturnType<RecordStore['listScheduled']>>[number];

/** Runs a build's document jobs somewhere, or hands them on (then the build ends before its finalize step). */
export interface JobRunner {
  /** Fewer jobs than this run in the build's own process (handing them on costs more than it saves). */
  minJobs?: number;
  /**
   * A build whose listings and derived pages are all rendered again (new render code since the
   * last build, or a stopped build's listings to finish) hands its jobs on, however few, when this
   * many documents are published: then its finalize step, which compares every one of those pages
   * with the bucket, runs where there is time for it. Absent: never for that reason.
   */
  minDocumentsForWholeListings?: number;
  run(jobs: DocumentJob[], input: JobRunInput): Promise<JobsResult | { fannedOut: NonNullable<BuildSummary['fannedOut']> }>;
}

/** A summary with nothing counted yet. */
export function emptySummary(): BuildSummary {
  return {
    created: 0,
    updated: 0,
    refreshed: 0,
    withdrawn: 0,
    released: 0,
    unchanged: 0,
    scheduled: 0,
    drafts: 0,
    issuesWritten: 0,
    objectsWritten: 0,
    objectsUnchanged: 0,
    feedsWritten: 0,
    published: [],
    state: { documents: new Map(), issues: new Map() },
    changedFeeds: [],
    deliveriesQueued: 0,
  };
}

export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  const { content, records, renderer, now } = options;
  const memory = options.bucketMemory;
  // Every read and write goes through what this process knows the bucket holds, so a build after
  // a build reads back nothing it wrote, and compares pages without asking the bucket.
  const objects = memory?.through(options.objects) ?? options.objects;
  const emit = options.onEvent ?? (() => {});
  const concurrency = options.concurrency ?? 16;
  const summary = emptySummary();

  emit({ type: 'phase', phase: 'plan' });
  const state = options.knownState ?? (await loadPublishedState(records));
  const planned = await planJobs({ content, records, fingerprint: renderer.pageFingerprint, now, state });
  const { jobs, scheduledJobs, staged, hidden } = planned;
  const report = (docs: GazetteDocument[], action: 'draft' | 'scheduled' | 'unchanged') => {
    for (const doc of docs) emit({ type: 'document', id: doc.id, file: doc.file, action });
  };
  summary.drafts = planned.drafts.length;
  summary.scheduled = planned.scheduled.length;
  summary.unchanged = planned.unchanged.length;
  report(planned.drafts, 'draft');
  report(planned.scheduled, 'scheduled');
  report(planned.unchanged, 'unchanged');
  // Problems only the published state reveals stop the build before anything is written.
  if (planned.problems.some((problem) => problem.severity === 'error')) {
    throw new PublishStateError(`${formatMessages(planned.problems)}Nothing was published.`, planned.problems);
  }
  await options.beforeWrites?.();

  // Immutable-first: the site's assets, then each changed document's page and files.
  const previousBuild = await readBuildState(objects);
  // A build that stopped after its commit point left listings that may not show its documents:
  // mark this one unfinished until its listings are written, and finish a stopped one's (a build
  // still running, fanned out, lists its own).
  const leaseClock = options.leasing?.clock ?? systemClock;
  const recovering = await stoppedBuildIn(previousBuild, undefined, records, leaseClock, options.leasing);
  // The first build into an empty bucket has nothing to compare its pages with: no HEAD for each.
  const emptyBefore = previousBuild === undefined && (await holdsNothing(objects, SITE_PREFIX));
  const total = jobs.length + scheduledJobs.length;
  const buildId = newBuildId(now);
  if (total > 0 && !recovering) {
    await markUnfinished(objects, previousBuild, buildId);
  }
  await writeArtifacts(objects, renderer.assets(), { concurrency, counts: summary, memory, emptyBefore, skipUnchanged: true });

  emit({ type: 'phase', phase: 'render' });
  const settings: JobSettings = {
    root: content.root,
    site: content.site,
    now: now.toISOString(),
    ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
    concurrency,
    emptyBefore,
  };
  let done = 0;
  const onJobDone = () => emit({ type: 'progress', phase: 'render', done: ++done, total });
  const stores = { objects, records, memory };
  // Whether finalize renders every listing and derived page, as far as it can be told before the
  // lease (finalize decides under it): a stopped build's to finish, or render code the last build did not have.
  const wholeListings = listedParts(previousBuild, recovering)?.code !== renderer.fingerprintParts.code;
  const runner =
    options.jobRunner !== undefined &&
    (jobs.length >= (options.jobRunner.minJobs ?? 0) ||
      (wholeListings && state.documents.size >= (options.jobRunner.minDocumentsForWholeListings ?? Number.POSITIVE_INFINITY)))
      ? options.jobRunner
      : undefined;
  await renderer.begin(runner === undefined ? total : scheduledJobs.length, hidden);
  const scheduledRun = await runScheduledJobs(scheduledJobs, { renderer, stores, settings, feeds: options.feeds, onJobDone });
  addCounts(summary, scheduledRun.counts);
  summary.deliveriesQueued += scheduledRun.deliveriesQueued;

  const released = jobs.flatMap((job) => (job.released ? (staged.get(job.page.doc.id) ?? []) : []));
  const context: JobContext = { site: content.site, routes: [...content.routes.entries()], root: content.root, pdf: renderer.pdf, hidden };
  // The jobs commit records no listing shows yet: marked pending until a finalize step lists them.
  const pending = await markPending(records, buildId, leaseClock, jobs.length > 0, options.leasing);
  const ran = await pending.during(() =>
    runner === undefined
      ? runDocumentJobs(jobs, renderer, stores, settings, onJobDone)
      : runner.run(jobs, { buildId: pending.buildId, context, settings, released, onJobDone }),
  );
  if ('fannedOut' in ran) {
    await pending.stop(); // the render jobs extend the mark from here
    summary.fannedOut = ran.fannedOut;
    return summary;
  }
  await renderer.documentsRendered?.();
  // Jobs in other processes wrote beside this process's bucket memory: what it knows may be stale.
  if (runner !== undefined) memory?.clear();
  addCounts(summary, ran.counts);
  emit({ type: 'phase', phase: 'records' });

  const changes = ran.records.map((record, i) => ({ before: (jobs[i] as DocumentJob).previous, after: record }));
  const counters: Partial<Record<DocumentOutcome, keyof BuildSummary>> = {
    created: 'created',
    updated: 'updated',
    refreshed: 'refreshed',
    withdrawn: 'withdrawn',
    released: 'released',
  };
  for (const [i, record] of ran.records.entries()) {
    const outcome = outcomeOf(jobs[i] as DocumentJob, record);
    summary[counters[outcome] as 'created']++;
    emit({ type: 'document', id: record.id, file: record.file, action: outcome });
  }

  // The finalize step, under the lease. A build that held it since it read the state knows the
  // state after its own jobs; any other reads it again once it holds the lease.
  const lease = options.lease ?? (await pending.during(() => acquireLease(records, leaseClock, options.leasing)));
  // Taken only now: another build may have written the bucket since this one read it, so what
  // this process remembers of it stands no longer (bucketMemory.ts).
  if (options.lease === undefined) memory?.clear();
  try {
    if (options.lease !== undefined) for (const record of ran.records) state.documents.set(record.id, record);
    await pending.during(() =>
      finalizeBuild({
        content,
        objects,
        records,
        renderer,
        now,
        concurrency,
        memory,
        emit,
        summary,
        lease,
        changes,
        released,
        previousBuild,
        // Held since it was read: no other build can have written the build state since.
        previousBuildCurrent: options.lease !== undefined,
        recovering,
        emptyBefore,
        feeds: options.feeds,
        cdn: options.cdn,
        manifest: options.manifest,
        state: options.lease === undefined ? undefined : state,
        wroteDocuments: total > 0,
        // Handed over, not kept here: the feeds take each entry out as they read it, and its bytes go then.
        entriesWritten: new Map(ran.entries.splice(0).map((entry): [string, StoredObject] => [entry.key, entry])),
        pending: { buildId: jobs.length > 0 ? pending.buildId : undefined, clock: leaseClock, options: options.leasing, mark: pending },
      }),
    );
  } finally {
    if (options.lease === undefined) await lease.release().catch(() => undefined);
  }
  return summary;
}

function addCounts(summary: BuildSummary, counts: { objectsWritten: number; objectsUnchanged: number }): void {
  summary.objectsWritten += counts.objectsWritten;
  summary.objectsUnchanged += counts.objectsUnchanged;
}

// The one place the build reads the wall clock, for the lease's expiry (never for content).
const systemClock: LeaseClock = { now: () => new Date() }; // eslint-disable-line no-restricted-syntax
