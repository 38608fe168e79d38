// A build on one machine may trust its own snapshot of the published records instead of reading
// every record from the table (the slowest part of a one-document build of a large archive).
// The snapshot is trusted only when the table's build lease says the last build to finish wrote
// it and no build has run since; a build that could not take the lease (another one is running)
// spoils the lease when it is done, so no snapshot that might miss its writes is ever trusted.

import type { DocumentRecord, IssueRecord, RecordStore } from '../store/ports.ts';
import type { PublishedState } from './plan.ts';
import { issueKey } from './plan.ts';

export interface StateSnapshot {
  token: string;
  documents: DocumentRecord[];
  issues: IssueRecord[];
}

/** A lease left active this long belongs to a build that died. */
export const LEASE_EXPIRY_MS = 30 * 60_000;

export interface BuildSession {
  /** The published state from the snapshot, when it can be trusted. */
  state?: PublishedState;
  /** Call after a successful build: returns the snapshot to keep, or undefined to keep none. */
  finish(state: PublishedState): Promise<StateSnapshot | undefined>;
  /** Call after a failed build. */
  fail(): Promise<void>;
}

/**
 * Begin a build: read the lease, trust the snapshot if it is the last finished build's, and
 * take the lease. `clock` is the wall clock (leases expire in real time, whatever `--now` says).
 */
export async function beginBuild(records: RecordStore, snapshot: StateSnapshot | undefined, token: string, clock: () => Date): Promise<BuildSession> {
  const next = { token, active: true, since: clock().toISOString() };
  // The common case in one round trip: the lease is as the build that kept the snapshot left it.
  const resumed = snapshot !== undefined && (await records.claimBuildLease({ token: snapshot.token, active: false, since: '' }, next));
  let owns = resumed;
  let trusted = resumed;
  if (!resumed) {
    const lease = await records.getBuildLease();
    const expired = lease?.active === true && clock().getTime() - Date.parse(lease.since) > LEASE_EXPIRY_MS;
    const free = lease === undefined || !lease.active || expired;
    owns = free && (await records.claimBuildLease(lease, next));
    trusted = owns && lease !== undefined && !lease.active && snapshot?.token === lease.token;
  }
  const spoil = async () => {
    // Whatever snapshot exists now may miss this build's writes: change the token under it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await records.getBuildLease();
      if (current === undefined || (await records.claimBuildLease(current, { ...current, token: `spoiled-${token}` }))) return;
    }
  };
  return {
    ...(trusted && snapshot !== undefined ? { state: stateOf(snapshot) } : {}),
    async finish(state) {
      if (!owns) {
        await spoil();
        return undefined;
      }
      if (!(await records.finishBuildLease(token))) return undefined;
      return { token, documents: [...state.documents.values()], issues: [...state.issues.values()] };
    },
    async fail() {
      if (!owns) return spoil();
      await records.claimBuildLease({ token, active: true, since: '' }, { token: `failed-${token}`, active: false, since: clock().toISOString() }).catch(() => false);
    },
  };
}

function stateOf(snapshot: StateSnapshot): PublishedState {
  return {
    documents: new Map(snapshot.documents.map((record) => [record.id, record])),
    issues: new Map(snapshot.issues.map((issue) => [issueKey(issue.year, issue.number), issue])),
  };
}
