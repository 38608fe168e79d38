// The finalize stage of a build: everything that shows many documents at once — issue pages,
// listings, derived outputs (catalogue, search, sitemaps, API…), feeds and the partner outbox,
// then take-downs and the build state. It runs once per build, after every document job has
// committed its record, and only while holding the table's build lease (lease.ts): finalizers
// of concurrent builds take turns, each reads the records after taking the lease, and each
// checks it still holds the lease before every wave of writes.

import type { ContentSet, GazetteIssue } from '../content/model.ts';
import type { Partner } from '../delivery/partners.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import { recordDeliveries } from '../delivery/outbox.ts';
import { rebuildFeeds } from './rebuildFeeds.ts';
import { derivedArtifacts, type DerivedInput } from '../discovery/outputs.ts';
import { type Artifact, outputFormats } from '../outputs.ts';
import type { DocumentRecord, ErratumRef, IssueRecord, ObjectStore, RecordStore, ScheduledRecord, StoredObject } from '../store/ports.ts';
import { mapLimit } from '../concurrency.ts';
import { issueDepositArtifact, issuePdfFor } from '../deposit/issueDeposit.ts';
import type { BucketMemory } from './bucketMemory.ts';
import type { BuildEvent, BuildSummary, SiteRenderer } from './build.ts';
import { type BuildState, clearPendingBuilds, type PendingMark, type PendingSeen, readPendingBuilds, writeBuildState } from './buildState.ts';
import { type Change, affectedIndexPages, allIndexPages, type IndexPage, newestFirst } from './indexPages.ts';
import type { HeldLease, LeaseClock, LeaseOptions } from './lease.ts';
import { type PublishedState, issueKey } from './plan.ts';
import { issueListing } from './planJobs.ts';
import { issueRecord } from './records.ts';
import { beginManifest, type ManifestSigner } from './signedManifest.ts';
import { type CdnInvalidator, finishTakeDowns } from './takeDowns.ts';
import { artifactRef, startWrites, type WriteFailure, type WriteOptions, type WritesInFlight, writeArtifacts } from './writes.ts';

/** The order listing pages are written in: each wave links only to pages of earlier waves. */
const listingWaves: IndexPage['kind'][][] = [['gazette-year', 'press-month', 'not-found'], ['gazette-archive', 'press-index'], ['home']];

export interface FinalizeInput {
  content: ContentSet;
  /** The bucket, through the bucket memory when there is one. */
  objects: ObjectStore;
  records: RecordStore;
  renderer: SiteRenderer;
  now: Date;
  concurrency: number;
  memory?: BucketMemory | undefined;
  feeds?: { partners: readonly Partner[]; deliveries: DeliveryStore } | undefined;
  cdn?: CdnInvalidator | undefined;
  emit: (event: BuildEvent) => void;
  /** Filled in: issues, objects and feeds written, deliveries queued, the state after the build. */
  summary: BuildSummary;
  /** Held by this build; checked before every wave of writes. */
  lease: HeldLease;
  /** The published state after the jobs: the caller's, when it held the lease since it read it; else undefined and read here. */
  state: PublishedState | undefined;
  /** The documents the build's jobs committed (before and after). */
  changes: Change[];
  /** Staged renders of documents this build released from embargo: no longer needed. */
  released: ScheduledRecord[];
  /** The build state found when the build began. */
  previousBuild: BuildState | undefined;
  /** The build before stopped between its commit point and its listings: redo them all. */
  recovering: boolean;
  /**
   * The pending marks (buildState.ts): this build's own, cleared at the end, and how to tell a dead
   * build's. `seen`: the marks, when the caller read them before the state it passes.
   */
  pending: { buildId: string | undefined; clock: LeaseClock; options?: LeaseOptions | undefined; seen?: PendingSeen; mark?: PendingMark | undefined };
  emptyBefore: boolean;
  /** Whether the build wrote documents (the build state is then marked complete again). */
  wroteDocuments: boolean;
  /** Feed entries the jobs wrote in this process (else they are read back from the bucket). */
  entriesWritten?: Map<string, StoredObject>;
  /** Write the signed manifest of the public site last (src/publish/signedManifest.ts). */
  manifest?: ManifestSigner | undefined;
}

export async function finalizeBuild(input: FinalizeInput): Promise<void> {
  const { content, records, renderer, now, concurrency, summary, lease, emit, changes, previousBuild } = input;
  const marks = input.pending;
  const memory = input.memory;
  const entriesWritten = input.entriesWritten ?? new Map<string, StoredObject>();
  // The marks before the records: what a dead build committed is in the records read after.
  const seen = marks.seen ?? (await readPendingBuilds(records, marks.buildId, marks.clock, marks.options));
  // A dead build's documents may be listed nowhere, and which they are is not known: list everything.
  const recovering = input.recovering || seen.dead.length > 0;
  // Read after taking the lease: whatever other builds committed is in it, so the listings this
  // finalizer writes show the newest records. A caller's state read before the marks misses what a dead build committed.
  const state = input.state !== undefined && (marks.seen !== undefined || seen.dead.length === 0) ? input.state : await loadPublishedState(records);
  // Before the first write: the manifest notes every public object written, kept or deleted.
  const manifest = input.manifest === undefined ? undefined : await beginManifest(input.objects, input.manifest);
  const objects = manifest?.objects ?? input.objects;
  const writing: Omit<WriteOptions, 'skipUnchanged'> = { concurrency, counts: summary, memory, emptyBefore: input.emptyBefore, observe: manifest?.observe };
  const orderedIssues = [...content.issues].sort((a, b) => a.year - b.year || a.number - b.number);
  const plannedIssues = content.issues.map((issue) => ({ issue, record: state.issues.get(issueKey(issue.year, issue.number)) }));

  // Released: the private renders are no longer needed.
  await mapLimit(input.released, concurrency, async (item) => {
    await objects.delete(item.artifactKeys);
    await records.deleteScheduled(item.id);
  });

  await lease.check();
  emit({ type: 'phase', phase: 'issues' });
  const changedIssues: IssueRecord[] = [];
  const errataByIssue = errataByListingIssue(state, orderedIssues);
  for (const { issue, record: previous } of plannedIssues) {
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
    // The deposit package for the reading points (src/deposit), written before the page that links it.
    const deposit = renderer.pdf
      ? [await issueDepositArtifact({ objects, site: content.site, issue: next, articles, issuePdf: issuePdfFor(issue, artifacts, keptPdf) })]
      : [];
    await writeArtifacts(objects, deposit, { ...writing, skipUnchanged: true });
    await writeArtifacts(objects, artifacts, { ...writing, skipUnchanged: false });
    const refs = [...artifacts, ...deposit].map(artifactRef);
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
  const pages = incremental ? affectedIndexPages(changes, changedIssues) : allIndexPages(state.documents.values(), state.issues.values());
  // Listings link each other: pages first, then the archives that link them, the home page last,
  // so a crash between two writes never leaves a reachable link to a page not yet written.
  // A wave waits only for the pages the one before creates: replacing a page that is there breaks
  // no link, so those writes go on beside the next wave's (all are awaited before the build ends).
  const pending: Promise<WriteFailure | undefined>[] = [];
  const settle = async () => {
    for (const outcome of await Promise.all(pending.splice(0))) if (outcome !== undefined) throw outcome.error;
  };
  for (const wave of listingWaves) {
    await lease.check();
    const inWave = pages.filter((page) => wave.includes(page.kind));
    const writes = startWrites(
      objects,
      inWave.map((page) => renderer.indexPage(page, state)),
      { ...writing, skipUnchanged: true },
    );
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
    if (input.feeds === undefined) return;
    const { partners, deliveries } = input.feeds;
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
  const feedsOutcome = feedsAlongside?.then(
    () => undefined,
    (error: unknown) => ({ error }),
  );

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
        await lease.check();
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
  await lease.check();
  if (previousBuild?.fingerprint !== renderer.fingerprint || previousBuild.complete === false || input.wroteDocuments) {
    await writeBuildState(objects, { fingerprint: renderer.fingerprint, complete: true });
  }
  if (input.feeds !== undefined) emit({ type: 'phase', phase: 'feeds' });
  if (feedsOutcome === undefined) {
    await writeFeeds();
  } else {
    const failed = await feedsOutcome;
    if (failed !== undefined) throw failed.error;
  }
  await lease.check();
  // Last, when nothing links them any more: what withdrawals take down, from the records, so a
  // take-down a failed build left unfinished is finished by the next one.
  await finishTakeDowns({ objects, records, state, ...(input.cdn === undefined ? {} : { cdn: input.cdn }) });
  if (manifest !== undefined) {
    await lease.check();
    summary.manifest = await manifest.finish({ state, changes, site: content.site.baseUrl, now, incremental });
  }
  // Every record read above is listed now: the marks of this build and of the dead ones go.
  await marks.mark?.stop();
  await clearPendingBuilds(records, marks.buildId, seen);
}

export async function loadPublishedState(records: RecordStore): Promise<PublishedState> {
  const documents = new Map<string, DocumentRecord>();
  for await (const record of records.listDocuments()) documents.set(record.id, record);
  const issues = new Map<string, IssueRecord>();
  for (const issue of await records.listIssues()) issues.set(issueKey(issue.year, issue.number), issue);
  return { documents, issues };
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
