// The snapshot of published records a local build keeps under .gazette/cache/ (see
// src/publish/snapshot.ts for when it is trusted). A missing or unreadable file is no snapshot.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BuildOptions, type BuildSummary, buildSite } from '../publish/build.ts';
import { beginBuild, type StateSnapshot } from '../publish/snapshot.ts';

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

/**
 * `buildSite` on a local data folder: trust the records snapshot kept there when the table's
 * build lease allows, and keep the new one (or none) afterwards. `clock` is the wall clock.
 */
export async function buildWithSnapshot(options: Omit<BuildOptions, 'knownState'>, dataDir: string, clock: () => Date): Promise<BuildSummary> {
  const file = join(dataDir, 'cache', SNAPSHOT_FILE);
  const session = await beginBuild(options.records, await readSnapshot(file), randomUUID(), clock);
  let summary: BuildSummary;
  try {
    summary = await buildSite({ ...options, ...(session.state === undefined ? {} : { knownState: session.state }) });
  } catch (error) {
    await session.fail();
    throw error;
  }
  const kept = await session.finish(summary.state);
  await (kept === undefined ? rm(file, { force: true }) : writeSnapshot(file, kept));
  return summary;
}
