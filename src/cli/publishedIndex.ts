// What the last local build published, kept beside the embedded data, so that `gazette check`
// can compare content with it (a deleted file of a published document, a change without a
// change note) without starting the servers.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentRecord } from '../store/ports.ts';

export const PUBLISHED_INDEX = 'published.json';

export async function writePublishedIndex(dataDir: string, records: DocumentRecord[]): Promise<void> {
  const index: PublishedIndexEntry[] = records
    .map((record) => ({
      id: record.id,
      file: record.file,
      version: record.version,
      status: record.status,
      ...(record.contentDigest === undefined ? {} : { contentDigest: record.contentDigest }),
      ...(record.changeNote === undefined ? {} : { changeNote: record.changeNote }),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, PUBLISHED_INDEX), `${JSON.stringify(index, null, 1)}\n`);
}

export interface PublishedIndexEntry {
  id: string;
  file: string;
  version: number;
  status: string;
  contentDigest?: string;
  changeNote?: string;
}

/** The index of `dataDir`, or undefined when nothing was built there. */
export async function readPublishedIndex(dataDir: string): Promise<PublishedIndexEntry[] | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, PUBLISHED_INDEX), 'utf8')) as PublishedIndexEntry[];
  } catch {
    return undefined;
  }
}
