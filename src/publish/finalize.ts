// The finalize stage of a build: everything that shows many documents at once. It runs once per
// build, after every document job has committed its record, and only while holding the table's
// build lease (lease.ts): finalizers of concurrent builds take turns, each reads the records after
// taking the lease, and each checks it still holds the lease before every wave of writes.
// `finalizeBuild` runs its stages in this order, one file each:
//   released renders   the private copies of documents released from embargo go
//   issuesStage.ts     issue deposits, pages and PDFs, then their records
//   derivedStage.ts    listing pages, then the outputs derived from the records, wave by wave
//   feedsStage.ts      the partner outbox, then the feeds (beside the derived outputs, or after)
//   buildState.ts      the build state: the listings show every record
//   takeDowns.ts       what withdrawals take down, once nothing links it
//   signedManifest.ts  the signed manifest of the public site
//   buildState.ts      the pending marks of this build and of dead ones are cleared
// Each writes only after what it links to exists, so a crash never leaves a reachable link to a
// missing object, and a retry rewrites the same bytes and converges.

import type { ContentSet } from '../content/model.ts';
import type { Partner } from '../delivery/partners.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import { mapLimit } from '../concurrency.ts';
import type { DocumentRecord, IssueRecord, ObjectStore, RecordStore, ScheduledRecord, StoredObject } from '../store/ports.ts';
import type { BucketMemory } from './bucketMemory.ts';
import type { BuildEvent, BuildSummary, SiteRenderer } from './build.ts';
import {
  type BuildState,
  clearPendingBuilds,
  listedParts,
  type PendingMark,
  type PendingSeen,
  readBuildState,
  readPendingBuilds,
  writeBuildState,
} from './buildState.ts';
import { newestFirst } from '../discovery/listings.ts';
import type { Change, DerivedUse } from '../discovery/outputs.ts';
import { writeDerivedOutputs } from './derivedStage.ts';
import { feedsStage } from './feedsStage.ts';
import { writeIssues } from './issuesStage.ts';
import type { HeldLease, LeaseClock, LeaseOptions } from './lease.ts';
import { type PublishedState, issueKey } from './plan.ts';
import { beginManifest, type ManifestSigner } from './signedManifest.ts';
import { type CdnInvalidator, finishTakeDowns } from './takeDowns.ts';
import type { WriteOptions } from './writes.ts';

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
  /** `previousBuild` was read under the lease this step holds: it is what the bucket holds (but for this build's own mark). */
  previousBuildCurrent?: boolean;
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
  const writing: Omit<WriteOptions, 'skipUnchanged'> = {
    concurrency,
    counts: summary,
    memory: input.memory,
    emptyBefore: input.emptyBefore,
    observe: manifest?.observe,
  };

  // Released: the private renders are no longer needed.
  await mapLimit(input.released, concurrency, async (item) => {
    await objects.delete(item.artifactKeys);
    await records.deleteScheduled(item.id);
  });

  await lease.check();
  emit({ type: 'phase', phase: 'issues' });
  const changedIssues = await writeIssues({ content, objects, records, renderer, now, state, writing, summary });

  emit({ type: 'phase', phase: 'listings' });
  // A new template or site.yaml changes every listing; otherwise only those showing a change, and
  // every page of the outputs that use the columns or the calendar when those changed.
  const parts = renderer.fingerprintParts;
  // Read before the lease, the build state may be stale: a build that finalized since left its own
  // parts, and the pages as its code, columns and calendar made them. Compare with those (a
  // build's unfinished mark keeps the parts it replaced).
  const current = input.previousBuildCurrent === true ? previousBuild : await readBuildState(input.objects);
  const before = listedParts(current, recovering);
  const incremental = before !== undefined && before.code === parts.code;
  const whole = new Set<DerivedUse>(incremental ? (['columns', 'calendar'] as const).filter((use) => before[use] !== parts[use]) : []);
  summary.published = [...state.documents.values()];
  summary.state = state;
  const feeds = feedsStage({
    feeds: input.feeds,
    objects,
    content,
    documents: summary.published,
    entriesWritten: input.entriesWritten ?? new Map<string, StoredObject>(),
    summary,
  });
  // Listings and the outputs derived from the records, wave by wave. Feeds link to the listings
  // and to no derived page but a column's (see feedsStage.ts): an incremental build writes them
  // while the derived outputs are rendered; a full build, or one after a change to the columns (a
  // new column's feed links its page), after them.
  const startFeeds = incremental && !whole.has('columns') ? feeds.start : () => {};
  if (!incremental || changes.length > 0 || changedIssues.length > 0 || whole.size > 0) {
    try {
      await writeDerivedOutputs({
        derived: {
          content,
          ctx: renderer.context,
          documents: summary.published.filter((record) => record.status !== 'scheduled').sort(newestFirst),
          issues: [...state.issues.values()].sort((a, b) => a.year - b.year || a.number - b.number),
          objects,
          workerThreads: renderer.workerThreads === true,
        },
        changes: incremental ? { documents: changes, issues: changedIssues, whole } : undefined,
        objects,
        writing,
        lease,
        emit,
        afterListings: startFeeds,
      });
    } catch (error) {
      await feeds.settled();
      throw error;
    }
  }
  startFeeds(); // nothing to list: the listings are as they were
  await lease.check();
  // The listings show every record now: a build that stopped before this point is finished.
  if (current?.complete !== true || current.fingerprint !== renderer.fingerprint || current.parts === undefined || input.wroteDocuments) {
    await writeBuildState(objects, { fingerprint: renderer.fingerprint, parts, complete: true });
  }
  if (input.feeds !== undefined) emit({ type: 'phase', phase: 'feeds' });
  await feeds.finish();
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
