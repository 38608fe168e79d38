// Mirror the source bucket's `content/` prefix into a local folder (Lambda's /tmp), downloading
// only objects whose ETag changed since the last sync and deleting files that are gone. The
// folder and its ETag manifest survive warm invocations, so a typical publish fetches a few files.
// A sync with many files to fetch (a new container's first) takes what it can from the source
// pack, one object, and fetches only the rest one by one (sourcePack.ts).

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ObjectStore } from '../store/ports.ts';
import { isContentPath } from '../content/sourceFiles.ts';
import { SOURCE_PACK, unpackSources } from './sourcePack.ts';

export interface SyncSourceOptions {
  source: ObjectStore;
  /** Key prefix in the source bucket, e.g. `content/`. */
  prefix: string;
  dir: string;
  /** Objects downloaded at once. */
  concurrency?: number;
}

export interface SyncSummary {
  /** Files written: from the pack, or fetched one by one. */
  downloaded: number;
  /** Of them, taken from the source pack. */
  fromPack: number;
  /** Why the pack the listing showed was not used (each file then fetched by itself): for the log. */
  packError?: string;
  deleted: number;
  unchanged: number;
}

const MANIFEST = '.etags.json';
/**
 * Files to fetch from which a warm sync reads the pack first: below it, a GET each costs less than
 * the pack, which holds every Markdown file of the site. A sync into an empty folder (a new
 * container) always reads it.
 */
export const PACK_FROM_FILES = 64;

export async function syncSource({ source, prefix, dir, concurrency = 16 }: SyncSourceOptions): Promise<SyncSummary> {
  const root = resolve(dir);
  const manifestPath = `${root}${MANIFEST}`;
  const previous = await readManifest(manifestPath);
  const next: Record<string, string> = {};
  const sizes = new Map<string, number>();
  const changed: string[] = [];
  let hasPack = false;
  for await (const object of source.listKeys(prefix)) {
    const rel = object.key.slice(prefix.length);
    if (rel === SOURCE_PACK) hasPack = true;
    // Folder markers, the pack and any other dot-name: the loader would skip them.
    if (!isContentPath(rel)) continue;
    localPath(root, rel); // refuse keys that would escape the folder before downloading anything
    next[rel] = object.etag;
    sizes.set(rel, object.size);
    if (previous[rel] !== object.etag) changed.push(rel);
  }
  const summary: SyncSummary = { downloaded: 0, fromPack: 0, deleted: 0, unchanged: Object.keys(next).length - changed.length };
  await mkdir(root, { recursive: true });
  // Many files to fetch (a new container's first sync): those the pack holds as listed come from it.
  let packed: Map<string, Uint8Array> = new Map();
  if (hasPack && (Object.keys(previous).length === 0 || changed.length >= PACK_FROM_FILES)) {
    const wanted = new Map(changed.map((rel) => [rel, { etag: (next[rel] ?? '').replaceAll('"', ''), size: sizes.get(rel) ?? -1 }]));
    try {
      const pack = await source.get(prefix + SOURCE_PACK);
      if (pack !== undefined) packed = unpackSources(pack.body, wanted);
    } catch (error) {
      // Every file is then fetched by itself, as without a pack; the log says why.
      summary.packError = (error as Error).message;
    }
  }
  const queue = [...changed];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
        const body = packed.get(rel) ?? (await source.get(prefix + rel))?.body;
        const path = localPath(root, rel);
        if (body === undefined) {
          delete next[rel]; // deleted between list and get: the next event syncs again
          await rm(path, { force: true });
          continue;
        }
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, body);
        summary.downloaded++;
      }
    }),
  );
  summary.fromPack = packed.size;
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
