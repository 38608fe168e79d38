// Mirror the source bucket's `content/` prefix into a local folder (Lambda's /tmp), downloading
// only objects whose ETag changed since the last sync and deleting files that are gone. The
// folder and its ETag manifest survive warm invocations, so a typical publish fetches a few files.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ObjectStore } from '../store/ports.ts';

export interface SyncSourceOptions {
  source: ObjectStore;
  /** Key prefix in the source bucket, e.g. `content/`. */
  prefix: string;
  dir: string;
  /** Objects downloaded at once. */
  concurrency?: number;
}

export interface SyncSummary {
  downloaded: number;
  deleted: number;
  unchanged: number;
}

const MANIFEST = '.etags.json';

export async function syncSource({ source, prefix, dir, concurrency = 16 }: SyncSourceOptions): Promise<SyncSummary> {
  const root = resolve(dir);
  const manifestPath = `${root}${MANIFEST}`;
  const previous = await readManifest(manifestPath);
  const next: Record<string, string> = {};
  const changed: string[] = [];
  for await (const object of source.listKeys(prefix)) {
    const rel = object.key.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) continue; // folder markers
    localPath(root, rel); // refuse keys that would escape the folder before downloading anything
    next[rel] = object.etag;
    if (previous[rel] !== object.etag) changed.push(rel);
  }
  const summary: SyncSummary = { downloaded: 0, deleted: 0, unchanged: Object.keys(next).length - changed.length };
  await mkdir(root, { recursive: true });
  const queue = [...changed];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
        const stored = await source.get(prefix + rel);
        const path = localPath(root, rel);
        if (stored === undefined) {
          delete next[rel]; // deleted between list and get: the next event syncs again
          await rm(path, { force: true });
          continue;
        }
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, stored.body);
        summary.downloaded++;
      }
    }),
  );
  for (const rel of Object.keys(previous)) {
    if (rel in next) continue;
    await rm(localPath(root, rel), { force: true });
    summary.deleted++;
  }
  // Written last: after a crash the next sync downloads again rather than trusting stale files.
  await writeFile(manifestPath, JSON.stringify(next));
  return summary;
}

function localPath(root: string, rel: string): string {
  const path = join(root, rel);
  if (!path.startsWith(root + sep)) throw new Error(`Source key "${rel}" points outside the content folder; refusing to sync it.`);
  return path;
}

async function readManifest(path: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
