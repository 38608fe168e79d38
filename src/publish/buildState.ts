// The build state in the bucket: the render fingerprint of the last finished build, and whether a
// build stopped between its first write and its listings (the next one then redoes them all).

import { randomUUID } from 'node:crypto';
import { outputFormats } from '../outputs.ts';
import { BUILD_STATE_KEY } from '../content/keys.ts';
import type { ObjectStore, PendingBuild, RecordStore } from '../store/ports.ts';
import { heldByThisProcess, holderProcessEnded, LEASE_RENEW_MS, LEASE_TTL_MS, type LeaseClock, type LeaseOptions, thisHolder } from './lease.ts';

export interface BuildState {
  fingerprint: string;
  /** The fingerprint's parts (SiteRenderer.fingerprintParts): which of them changed decides what is rendered whole. */
  parts?: { code: string; columns: string; calendar: string };
  /** False from the first write of a build until its listings are out: a retry redoes them all. */
  complete?: boolean;
  /**
   * With `complete: false`, the build that marked it (its id). A fanned-out build's own finalize
   * finds its own mark, and lists only what its jobs changed; any other unfinished mark is a build
   * that stopped, whose listings it redoes.
   */
  by?: string;
}

/**
 * The parts the listings and derived pages in the bucket were rendered with, as far as `state`
 * tells: none after a build that stopped before its listings (`recovering`), whose pages may be
 * any. Finalize renders every listing and derived page when their `code` is not its own.
 */
export function listedParts(state: BuildState | undefined, recovering: boolean): BuildState['parts'] {
  return recovering ? undefined : state?.parts;
}

export async function holdsNothing(objects: ObjectStore, prefix: string): Promise<boolean> {
  for await (const _ of objects.listKeys(prefix)) return false;
  return true;
}

export async function readBuildState(objects: ObjectStore): Promise<BuildState | undefined> {
  const stored = await objects.get(BUILD_STATE_KEY);
  return stored === undefined ? undefined : (JSON.parse(Buffer.from(stored.body).toString('utf8')) as BuildState);
}

export async function writeBuildState(objects: ObjectStore, state: BuildState): Promise<void> {
  const body = Buffer.from(JSON.stringify(state), 'utf8');
  await objects.put({ key: BUILD_STATE_KEY, body, contentType: outputFormats.json.mediaType });
}

/**
 * A build's mark before its first write: unfinished, keeping the fingerprint and parts of the
 * state it replaces. Those still describe the listings and derived pages in the bucket, which a
 * build finalizing meanwhile compares its own parts with (finalize.ts).
 */
export async function markUnfinished(objects: ObjectStore, previous: BuildState | undefined, buildId: string): Promise<void> {
  await writeBuildState(objects, {
    fingerprint: previous?.fingerprint ?? '',
    ...(previous?.parts === undefined ? {} : { parts: previous.parts }),
    complete: false,
    by: buildId,
  });
}

// Pending marks, one per build in the table. The flag above is one object for all builds: a build
// that commits and dies while another finishes would have its "unfinished" overwritten by the
// other's "complete", and its documents stay out of the listings (the next build finds their
// records unchanged). So each build marks itself pending before its first commit, and keeps the
// mark's `until` ahead of its commits; the finalize step that lists its records clears it. A
// finalizer that finds the mark of a *dead* build (past `until`, or its process gone) lists
// everything from the records it reads after the marks, then clears that mark — on condition
// that `until` is unchanged, so a build that was only slow, and extended it, keeps its mark.

/** Clocks of different machines differ by less than this (a mark is dead only this long after `until`). */
export const PENDING_SKEW_MS = 30_000;

/** Builds of this process that failed after marking themselves: dead to this process at once. */
const abandonedHere = new Set<string>();

/** A build id: its clock's time, then a random part (sorts by time, never shared). */
export function newBuildId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}-${randomUUID()}`;
}

/** The mark of the running build: kept ahead of its commits while it runs. */
export interface PendingMark {
  readonly buildId: string;
  /** Run a step of the build; when it fails, the mark is left for the next finalizer to act on. */
  during<T>(step: () => Promise<T>): Promise<T>;
  /** Stop extending the mark (the build is finalizing it, or handed its jobs on, which extend it themselves). */
  stop(): Promise<void>;
}

/** Mark a build pending (when it has documents to commit) and keep the mark ahead of it until stopped. */
export async function markPending(
  records: RecordStore,
  buildId: string,
  clock: LeaseClock,
  commits: boolean,
  options: LeaseOptions = {},
): Promise<PendingMark> {
  const stop = { timer: undefined as NodeJS.Timeout | undefined, inFlight: Promise.resolve() };
  if (commits) {
    const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    const extend = () => extendPending(records, buildId, clock, ttlMs);
    await extend();
    stop.timer = setInterval(() => {
      stop.inFlight = stop.inFlight.then(extend).catch(() => undefined); // tried again at the next tick
    }, options.renewMs ?? LEASE_RENEW_MS);
    stop.timer.unref();
  }
  const halt = async () => {
    clearInterval(stop.timer);
    await stop.inFlight; // an extension in flight lands before the mark is cleared, not after
  };
  return {
    buildId,
    async during(step) {
      try {
        return await step();
      } catch (error) {
        if (commits) abandonedHere.add(buildId);
        await halt();
        throw error;
      }
    },
    stop: halt,
  };
}

/** Move a build's mark to `untilMs` from now (a job about to commit: it commits nothing after that). */
export async function extendPending(records: RecordStore, buildId: string, clock: LeaseClock, untilMs: number): Promise<void> {
  const now = clock.now();
  await records.markPendingBuild({ buildId, until: new Date(now.getTime() + untilMs).toISOString(), since: now.toISOString(), ...thisHolder() });
}

/** The pending marks a finalizer found, read before the records it lists. */
export interface PendingSeen {
  /** Marks of dead builds: their records may be listed nowhere, so the finalizer lists everything. */
  dead: PendingBuild[];
}

/** Read the marks (before the records: what a dead build committed is then in them). */
export async function readPendingBuilds(
  records: RecordStore,
  ownBuildId: string | undefined,
  clock: LeaseClock,
  options: LeaseOptions = {},
): Promise<PendingSeen> {
  const now = clock.now().getTime();
  const marks = await records.listPendingBuilds();
  return { dead: marks.filter((mark) => mark.buildId !== ownBuildId && isDead(mark, now, options)) };
}

/** A mark whose build can commit no more: past `until`, failed in this process, or (local stores) its process gone. */
function isDead(mark: PendingBuild, now: number, options: LeaseOptions): boolean {
  return (
    Date.parse(mark.until) + PENDING_SKEW_MS < now ||
    (heldByThisProcess(mark) && abandonedHere.has(mark.buildId)) ||
    (options.localHolders === true && holderProcessEnded(mark))
  );
}

/**
 * Whether `state` is the unfinished mark of a build that stopped between its first write and its
 * listings, whose listings the next finalize redoes whole. Not so for a complete state, nor for the
 * mark of `ownBuildId`, nor for the mark of a build still running: one whose pending mark is alive
 * (a fanned-out build whose render jobs are at work) lists its own documents when it finalizes.
 * A mark with no pending mark (its build committed nothing yet, or stopped before) counts as stopped.
 */
export async function stoppedBuildIn(
  state: BuildState | undefined,
  ownBuildId: string | undefined,
  records: RecordStore,
  clock: LeaseClock,
  options: LeaseOptions = {},
): Promise<boolean> {
  if (state?.complete !== false) return false;
  if (state.by === undefined) return true;
  if (state.by === ownBuildId) return false;
  const mark = (await records.listPendingBuilds()).find((candidate) => candidate.buildId === state.by);
  return mark === undefined || isDead(mark, clock.now().getTime(), options);
}

/** After the listings: the build's own mark goes, and each dead build's mark unless it was extended since it was read. */
export async function clearPendingBuilds(records: RecordStore, ownBuildId: string | undefined, seen: PendingSeen): Promise<void> {
  if (ownBuildId !== undefined) await records.clearPendingBuild(ownBuildId);
  for (const mark of seen.dead) {
    if (await records.clearPendingBuild(mark.buildId, mark.until)) abandonedHere.delete(mark.buildId);
  }
}
