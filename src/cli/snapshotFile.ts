// The snapshot of published records a local build keeps under .gazette/cache/ (see
// src/publish/snapshot.ts for when it is trusted). A missing or unreadable file is no snapshot.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BuildOptions, type BuildSummary, buildSite } from '../publish/build.ts';
import { beginBuild, type StateSnapshot } from '../publish/snapshot.ts';
import { BucketMemory } from '../publish/bucketMemory.ts';

export const SNAPSHOT_FILE = 'published-state.json';

export async function readSnapshot(path: string): Promise<StateSnapshot | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StateSnapshot;
  } catch {
    return undefined;
  }
}

/** Write atomically: a crash leaves the old file or the new one, never half of one. */
export async function writeSnapshot(path: string, snapshot: StateSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(snapshot));
  await rename(temporary, path);
}

/** Where a local build finds the snapshot of the last build and keeps its own. */
export interface SnapshotKeeper {
  read(): Promise<StateSnapshot | undefined>;
  /** Keep the new snapshot, or none (undefined) when this build's may not be trusted. */
  keep(snapshot: StateSnapshot | undefined): Promise<void>;
  /** What this process knows the bucket holds, for a keeper that lives across builds; valid exactly as long as the snapshot is trusted. */
  bucketMemory?: BucketMemory;
}

/** The snapshot file of a data folder, read and written by every build (a one-shot CLI run). */
export function fileSnapshotKeeper(dataDir: string): SnapshotKeeper {
  const file = join(dataDir, 'cache', SNAPSHOT_FILE);
  return {
    read: () => readSnapshot(file),
    keep: (snapshot) => (snapshot === undefined ? rm(file, { force: true }) : writeSnapshot(file, snapshot)),
  };
}

/**
 * For a process that builds again and again (watch mode): the last snapshot stays in memory for
 * the next build, and the file, which serves only the next process, is written by `persist()`
 * when the process is idle (at 10,000 documents serializing it costs about half a second of CPU,
 * which would stall a build it ran beside). The lease decides trust as before: a snapshot kept
 * here is used only when the table says the last build to finish was this one.
 */
export function memorySnapshotKeeper(dataDir: string): SnapshotKeeper & { persist(): Promise<void>; flush(): Promise<void>; bucketMemory: BucketMemory } {
  const file = fileSnapshotKeeper(dataDir);
  const bucketMemory = new BucketMemory();
  let latest: Promise<StateSnapshot | undefined> | undefined;
  let unwritten = false;
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const persist = () => {
    if (!unwritten || latest === undefined) return writing;
    unwritten = false;
    const snapshot = latest;
    // A failed write only costs the next one-shot run a read of the table: remember it for flush().
    writing = writing
      .then(async () => file.keep(await snapshot))
      .catch((error: unknown) => {
        failure = error;
      });
    return writing;
  };
  return {
    bucketMemory,
    read: () => (latest ??= file.read()),
    keep(snapshot) {
      latest = Promise.resolve(snapshot);
      unwritten = true;
      return Promise.resolve();
    },
    persist,
    async flush() {
      await persist();
      if (failure instanceof Error) throw failure;
      if (failure !== undefined) throw new Error('The records snapshot could not be written.', { cause: failure });
    },
  };
}

/**
 * `buildSite` on a local data folder: trust the records snapshot kept there when the table's
 * build lease allows, and keep the new one (or none) afterwards. `clock` is the wall clock.
 */
export async function buildWithSnapshot(options: Omit<BuildOptions, 'knownState'>, data: string | SnapshotKeeper, clock: () => Date): Promise<BuildSummary> {
  const keeper = typeof data === 'string' ? fileSnapshotKeeper(data) : data;
  // The stores are this machine's: a lease left by a killed local build is free at once.
  const session = await beginBuild(options.records, await keeper.read(), randomUUID(), clock, { localHolders: true });
  // What the bucket held after this process's last build stands only if no other build ran since.
  if (session.state === undefined) keeper.bucketMemory?.clear();
  let summary: BuildSummary;
  try {
    summary = await buildSite({
      ...options,
      ...(session.state === undefined ? {} : { knownState: session.state }),
      // Held since before the build read the state: its finalize needs no second claim. Without
      // it, the build waits for the lease before its finalize, and reads the records again.
      ...(session.lease === undefined ? {} : { lease: session.lease }),
      leasing: { clock: { now: clock }, localHolders: true },
      ...(keeper.bucketMemory === undefined ? {} : { bucketMemory: keeper.bucketMemory }),
    });
  } catch (error) {
    await session.fail();
    throw error;
  }
  await keeper.keep(await session.finish(summary.state));
  return summary;
}
