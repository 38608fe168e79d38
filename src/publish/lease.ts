// The table's one build lease, which makes the finalize step of a build (issues, listings,
// derived outputs, feeds, take-downs) one writer at a time, on AWS as on one machine. Render jobs
// of several builds may commit records side by side; each finalizer takes the lease, reads the
// records *after* taking it, and so the last one to finish writes listings from the newest records.
//
// The lease is fenced: a claim gives it a new `fence`, renewed while the holder works. A holder
// that stopped renewing (crashed, frozen, timed out) loses it after LEASE_TTL_MS and another build
// takes it over; the old holder finds out at its next check and stops before its next wave of
// writes. S3 writes cannot be conditional on the table, so the check comes before each wave.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BuildLease, LeaseRelease, RecordStore } from '../store/ports.ts';

/** A lease not renewed for this long belongs to a build that died. */
export const LEASE_TTL_MS = 2 * 60_000;
/** How often a holder renews: several renewals fit in one TTL, so a slow request never loses it. */
export const LEASE_RENEW_MS = 20_000;
/** How long a finalizer waits for another one to finish before giving up (a full finalize of a large site fits). */
export const LEASE_WAIT_MS = 15 * 60_000;

/** This process, as lease holder: a lease it holds that no build of it still uses was left by a failure. */
const PROCESS_ID = randomUUID();
const heldHere = new Set<string>();

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export class LeaseBusyError extends Error {
  override name = 'LeaseBusyError';
}

export interface HeldLease {
  /** The holder's fence (also the snapshot token it will leave). */
  readonly fence: string;
  /** Renew, and throw LeaseLostError if another build holds the lease now: stop writing. */
  check(): Promise<void>;
  /** Give the lease up (stops renewing). */
  release(): Promise<LeaseRelease>;
}

export interface LeaseClock {
  /** The wall clock: leases expire in real time, whatever `--now` says. */
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface LeaseOptions {
  ttlMs?: number;
  renewMs?: number;
  /**
   * The holders run on this machine (the CLI's local stores): a lease whose holder process is no
   * longer running is free at once, without waiting for it to expire.
   */
  localHolders?: boolean;
}

/** The lease item a claim by `fence` writes. */
export function claimOf(fence: string, now: Date): BuildLease {
  return { token: fence, fence, active: true, since: now.toISOString(), holder: PROCESS_ID, host: hostname(), pid: process.pid };
}

/** Whether a build may take the lease as it stands. */
export function leaseIsFree(lease: BuildLease | undefined, now: Date, options: LeaseOptions = {}): boolean {
  if (lease === undefined || !lease.active) return true;
  if (now.getTime() - Date.parse(lease.since) > (options.ttlMs ?? LEASE_TTL_MS)) return true;
  // Left by a build of this process that ended without giving it up (its store failed at the end).
  if (lease.holder === PROCESS_ID && lease.fence !== undefined && !heldHere.has(lease.fence)) return true;
  if (options.localHolders === true && holderProcessEnded(lease)) return true;
  return false;
}

/** Who holds a lease or marks a build pending: this process (random id), its host and process id. */
export function thisHolder(): { holder: string; host: string; pid: number } {
  return { holder: PROCESS_ID, host: hostname(), pid: process.pid };
}

/** Whether `entry` was written by this process. */
export function heldByThisProcess(entry: { holder?: string | undefined }): boolean {
  return entry.holder === PROCESS_ID;
}

/** Whether the process that wrote `entry` ran on this machine and has ended (only asked of local stores). */
export function holderProcessEnded(entry: { host?: string | undefined; pid?: number | undefined }): boolean {
  return entry.host === hostname() && entry.pid !== undefined && !processRuns(entry.pid);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lease if it is free as `seen` shows it; undefined when another build got there first. */
export async function claimLease(
  records: RecordStore,
  seen: BuildLease | undefined,
  fence: string,
  clock: LeaseClock,
  options: LeaseOptions = {},
): Promise<HeldLease | undefined> {
  if (!(await records.claimBuildLease(seen, claimOf(fence, clock.now())))) return undefined;
  return heldLease(records, fence, clock, options);
}

/**
 * Wait for the lease and take it: while another build holds it, retry with backoff (up to
 * `waitMs`); a holder that stopped renewing is taken over when its lease expires.
 */
export async function acquireLease(
  records: RecordStore,
  clock: LeaseClock,
  options: LeaseOptions & { fence?: string; waitMs?: number } = {},
): Promise<HeldLease> {
  const fence = options.fence ?? randomUUID();
  const sleep = clock.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const started = clock.now().getTime();
  const waitMs = options.waitMs ?? LEASE_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const seen = await records.getBuildLease();
    if (leaseIsFree(seen, clock.now(), options)) {
      const held = await claimLease(records, seen, fence, clock, options);
      if (held !== undefined) return held;
      continue; // another build claimed it between our read and our claim: look again
    }
    if (clock.now().getTime() - started >= waitMs) {
      throw new LeaseBusyError(
        `Another build (since ${seen?.since}) has held the table's build lease for more than ${Math.round(waitMs / 1000)} s, so this build's ` +
          'listings were not written. Its records are committed: run the build again once the other one has finished.',
      );
    }
    // Backoff with jitter, capped: finalizers queue up without hammering the table.
    await sleep(Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
  }
}

/** A lease this process just claimed under `fence`: renewed in the background until released. */
export function heldLease(records: RecordStore, fence: string, clock: LeaseClock, options: LeaseOptions = {}): HeldLease {
  heldHere.add(fence);
  let lost = false;
  const renew = async () => {
    if (lost) return;
    if (!(await records.renewBuildLease(fence, clock.now().toISOString()))) lost = true;
  };
  // A failed renewal (the table unreachable for a moment) is retried at the next tick; the check before each wave tells.
  const timer = setInterval(() => void renew().catch(() => undefined), options.renewMs ?? LEASE_RENEW_MS);
  timer.unref();
  return {
    fence,
    async check() {
      await renew();
      if (lost) {
        throw new LeaseLostError(
          "This build lost the table's build lease (it was not renewed in time and another build took it over), so it stopped before " +
            'writing more listings. The other build writes them from the newest records; if it fails too, run the build again.',
        );
      }
    },
    async release() {
      clearInterval(timer);
      heldHere.delete(fence);
      return lost ? 'lost' : records.finishBuildLease(fence);
    },
  };
}
