// The snapshot of published records a local build keeps under .gazette/cache/ (see
// src/publish/snapshot.ts for when it is trusted). A missing or unreadable file is no snapshot.

import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BuildOptions, type BuildSummary, buildSite } from '../publish/build.ts';
import { beginBuild, type StateSnapshot } from '../publish/snapshot.ts';
import { BucketMemory } from '../publish/bucketMemory.ts';
import { issueKey } from '../publish/plan.ts';
import { sameJson } from '../sameJson.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';

export const SNAPSHOT_FILE = 'published-state.json';

/**
 * A build that changed a few records appends them to a journal beside the file
 * (`published-state.json.log`: one line a build, with the token of the snapshot it changed, its
 * own token, the records it changed and the documents it removed) instead of writing every record
 * again (8 MB at 10,000 documents). Lines are only ever appended. Reading applies them while each
 * changes the snapshot the lines before made: a torn line (a build killed while appending) or a
 * line of a build that changed another snapshot (two processes on one data folder) ends it there,
 * at an older build's token, which the lease does not trust. The file is written whole again (and
 * the journal removed) when the journal reaches JOURNAL_LIMIT builds, when a build changed a tenth
 * of the records, and after a journal that ended early.
 */
const JOURNAL_LIMIT = 50;

interface JournalLine {
  /** The token of the snapshot this build read and changed. */
  from: string;
  token: string;
  documents: DocumentRecord[];
  removed: string[];
  issues: IssueRecord[];
}

/** A snapshot as read, and how many journal lines it took (Infinity: the journal ended early). */
interface ReadSnapshot {
  snapshot: StateSnapshot;
  lines: number;
}

export async function readSnapshot(path: string): Promise<StateSnapshot | undefined> {
  return (await readSnapshotFiles(path))?.snapshot;
}

async function readSnapshotFiles(path: string): Promise<ReadSnapshot | undefined> {
  let snapshot: StateSnapshot;
  try {
    snapshot = JSON.parse((await readFile(path)).toString('utf8')) as StateSnapshot;
  } catch {
    return undefined;
  }
  let text: string;
  try {
    text = await readFile(`${path}.log`, 'utf8');
  } catch {
    return { snapshot, lines: 0 };
  }
  const lines = text.split('\n').filter((line) => line !== '');
  const documents = new Map(snapshot.documents.map((record) => [record.id, record]));
  const issues = new Map(snapshot.issues.map((issue) => [issueKey(issue.year, issue.number), issue]));
  let token = snapshot.token;
  let count = 0;
  for (const line of lines) {
    const change = parsedLine<JournalLine>(line);
    if (change?.from !== token) {
      count = Number.POSITIVE_INFINITY;
      break;
    }
    for (const record of change.documents) documents.set(record.id, record);
    for (const id of change.removed) documents.delete(id);
    for (const issue of change.issues) issues.set(issueKey(issue.year, issue.number), issue);
    token = change.token;
    count++;
  }
  return { snapshot: { token, documents: [...documents.values()], issues: [...issues.values()] }, lines: count };
}

function parsedLine<T>(line: string | undefined): T | undefined {
  try {
    return JSON.parse(line ?? '') as T;
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
  await rm(`${path}.log`, { force: true });
}

/** What `after` changed of `before`: records new or different (the same object is unchanged), and documents gone. */
function snapshotChange(before: StateSnapshot, after: StateSnapshot): JournalLine {
  const documents = new Map(before.documents.map((record) => [record.id, record]));
  const issues = new Map(before.issues.map((issue) => [issueKey(issue.year, issue.number), issue]));
  const present = new Set<string>();
  const changed: DocumentRecord[] = [];
  for (const record of after.documents) {
    present.add(record.id);
    const old = documents.get(record.id);
    if (old !== record && !sameJson(old, record)) changed.push(record);
  }
  const changedIssues = after.issues.filter((issue) => {
    const old = issues.get(issueKey(issue.year, issue.number));
    return old !== issue && !sameJson(old, issue);
  });
  const removed = before.documents.filter((record) => !present.has(record.id)).map((record) => record.id);
  return { from: before.token, token: after.token, documents: changed, removed, issues: changedIssues };
}

/** Where a local build finds the snapshot of the last build and keeps its own. */
export interface SnapshotKeeper {
  read(): Promise<StateSnapshot | undefined>;
  /** Keep the new snapshot, or none (undefined) when this build's may not be trusted. */
  keep(snapshot: StateSnapshot | undefined): Promise<void>;
  /** What this process knows the bucket holds, for a keeper that lives across builds; valid exactly as long as the snapshot is trusted. */
  bucketMemory?: BucketMemory;
}

/** The snapshot file of a data folder: read by every build, and written (or journaled) after it. */
export function fileSnapshotKeeper(dataDir: string): SnapshotKeeper {
  const file = join(dataDir, 'cache', SNAPSHOT_FILE);
  let last: ReadSnapshot | undefined;
  return {
    read: async () => {
      last = await readSnapshotFiles(file);
      return last?.snapshot;
    },
    keep: async (snapshot) => {
      const before = last;
      last = undefined;
      if (snapshot === undefined) {
        await rm(file, { force: true });
        await rm(`${file}.log`, { force: true });
        return;
      }
      const change = before === undefined ? undefined : snapshotChange(before.snapshot, snapshot);
      if (before === undefined || change === undefined || before.lines >= JOURNAL_LIMIT || change.documents.length > snapshot.documents.length / 10) {
        await writeSnapshot(file, snapshot);
        last = { snapshot, lines: 0 };
        return;
      }
      // A line of its own (after a torn one too): a build killed mid-line leaves at most that line torn.
      await appendFile(`${file}.log`, `\n${JSON.stringify(change)}\n`);
      last = { snapshot, lines: before.lines + 1 };
    },
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
