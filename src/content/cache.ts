// The content cache: what was derived from one file, keyed by path + size + mtime, so an
// unchanged file costs one `stat` on the next load. Stored as JSON under .gazette/cache/.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalyzedSource } from './analyze.ts';

/** Either an analyzed Markdown/YAML file or the digest of an attachment or asset. */
export type CachedFile = { source: AnalyzedSource } | { digest: string };

export interface ContentCache {
  get(key: string): CachedFile | undefined;
  set(key: string, value: CachedFile): void;
}

export interface FileContentCache extends ContentCache {
  /** Write the entries used since loading (stale ones are dropped); a no-op when nothing changed. */
  save(): Promise<void>;
}

/** `path + size + mtimeMs`: a file that was edited, replaced or touched gets a new key. */
export function cacheKey(rel: string, size: number, mtimeMs: number): string {
  return `${rel}\u0000${size}\u0000${mtimeMs}`;
}

/** A cache that lives for one process (tests, watch mode). */
export function createMemoryContentCache(): ContentCache {
  const entries = new Map<string, CachedFile>();
  return { get: (key) => entries.get(key), set: (key, value) => void entries.set(key, value) };
}

// The modules whose code decides what a cached entry contains: a change to any of them
// invalidates every entry, so a code update never serves stale messages.
const analysisModules = [
  'analyze.ts',
  'schemas.ts',
  'frontmatter.ts',
  'dates.ts',
  'docNumber.ts',
  'ids.ts',
  'layout.ts',
  'markdown.ts',
  'rawHtml.ts',
  'suggest.ts',
  'signature.ts',
  'chineseDate.ts',
  'cache.ts',
];

let versionPromise: Promise<string> | undefined;

function cacheVersion(): Promise<string> {
  versionPromise ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const hash = createHash('sha256');
    for (const name of analysisModules) hash.update(await readFile(join(here, name)));
    return hash.digest('hex');
  })();
  return versionPromise;
}

interface CacheFileShape {
  version: string;
  entries: Record<string, CachedFile>;
}

/** Load the cache at `path` (missing, unreadable or outdated files start empty). */
export async function createFileContentCache(path: string): Promise<FileContentCache> {
  const version = await cacheVersion();
  let loaded: Record<string, CachedFile> = {};
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as CacheFileShape;
    if (parsed.version === version && parsed.entries !== null && typeof parsed.entries === 'object') loaded = parsed.entries;
  } catch {
    // No cache yet, or a damaged one: start empty, the next save replaces it.
  }
  const entries = new Map(Object.entries(loaded));
  const used = new Set<string>();
  let changed = false;
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) used.add(key);
      return value;
    },
    set(key, value) {
      entries.set(key, value);
      used.add(key);
      changed = true;
    },
    async save() {
      if (!changed && used.size === entries.size) return;
      const kept: Record<string, CachedFile> = {};
      for (const key of used) kept[key] = entries.get(key) as CachedFile;
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ version, entries: kept } satisfies CacheFileShape));
      await rename(temporary, path);
      for (const key of [...entries.keys()]) if (!used.has(key)) entries.delete(key);
      changed = false;
    },
  };
}
