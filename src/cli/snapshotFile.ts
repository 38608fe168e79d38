// The snapshot of published records a local build keeps under .gazette/cache/ (see
// src/publish/snapshot.ts for when it is trusted). A missing or unreadable file is no snapshot.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StateSnapshot } from '../publish/snapshot.ts';

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
