// A build on one machine may trust its own snapshot of the published records instead of reading
// every record from the table (the slowest part of a one-document build of a large archive).
// The snapshot is trusted only when the table's build lease says the last build to finish wrote
// it and no build has run since. A build that takes the lease at its start holds it to its end,
// so its finalize needs no second claim. A build that could not take it (another one is running)
// goes on beside it and spoils the lease's token, so no snapshot that might miss its writes is
// ever trusted; its finalize then waits for the lease like any other (src/publish/lease.ts).

import type { DocumentRecord, IssueRecord, RecordStore } from '../store/ports.ts';
import { claimLease, type HeldLease, LEASE_TTL_MS, type LeaseOptions, leaseIsFree } from './lease.ts';
import type { PublishedState } from './plan.ts';
import { issueKey } from './plan.ts';

export interface StateSnapshot {
  token: string;
  documents: DocumentRecord[];
  issues: IssueRecord[];
}

/** A lease left unrenewed this long belongs to a build that died. */
export const LEASE_EXPIRY_MS = LEASE_TTL_MS;

export interface BuildSession {
  /** The published state from the snapshot, when it can be trusted. */
  state?: PublishedState;
  /** The lease, when this build took it at its start (it holds it until finish or fail). */
  lease?: HeldLease;
  /** Call after a successful build: returns the snapshot to keep, or undefined to keep none. */
  finish(state: PublishedState): Promise<StateSnapshot | undefined>;
  /** Call after a failed build. */
  fail(): Promise<void>;
}

/**
 * Begin a build: read the lease, trust the snapshot if it is the last finished build's, and
 * take the lease if it is free. `clock` is the wall clock.
 */
export async function beginBuild(
  records: RecordStore,
  snapshot: StateSnapshot | undefined,
  token: string,
  clock: () => Date,
  options: LeaseOptions = {},
): Promise<BuildSession> {
  const leaseClock = { now: clock };
  // The common case in one round trip: the lease is as the build that kept the snapshot left it.
  let lease = snapshot === undefined ? undefined : await claimLease(records, { token: snapshot.token, active: false, since: '' }, token, leaseClock, options);
  let trusted = lease !== undefined;
  if (lease === undefined) {
    const seen = await records.getBuildLease();
    if (leaseIsFree(seen, clock(), options)) lease = await claimLease(records, seen, token, leaseClock, options);
    trusted = lease !== undefined && seen !== undefined && !seen.active && snapshot?.token === seen.token;
  }
  const spoil = async () => {
    // Whatever snapshot exists now may miss this build's writes: change the token under it (the
    // holder's fence stays, so a build holding the lease goes on).
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await records.getBuildLease();
      if (current === undefined || (await records.claimBuildLease(current, { ...current, token: `spoiled-${token}` }))) return;
    }
  };
  return {
    ...(trusted && snapshot !== undefined ? { state: stateOf(snapshot) } : {}),
    ...(lease === undefined ? {} : { lease }),
    async finish(state) {
      if (lease === undefined) {
        await spoil();
        return undefined;
      }
      if ((await lease.release()) !== 'kept') return undefined;
      return { token, documents: [...state.documents.values()], issues: [...state.issues.values()] };
    },
    async fail() {
      await spoil().catch(() => undefined);
      await lease?.release().catch(() => 'lost' as const);
    },
  };
}

function stateOf(snapshot: StateSnapshot): PublishedState {
  return {
    documents: new Map(snapshot.documents.map((record) => [record.id, record])),
    issues: new Map(snapshot.issues.map((issue) => [issueKey(issue.year, issue.number), issue])),
  };
}
