// The content cache: what was derived from one file, keyed by path + size + mtime, so an
// unchanged file costs one `stat` on the next load. Stored as JSON under .gazette/cache/.

import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  /** Write the entries added since loading (stale ones are dropped now and then); a no-op when nothing changed. */
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

/**
 * Entries added since the file was last written whole are appended to a journal beside it
 * (`content.json.log`: a line with the version, then one `[key, entry]` line each), so a build
 * that changed a few files writes a few lines, not the whole cache (6.4 MB at 10,000 documents).
 * Entries no build uses any more stay in the file until they are a tenth of it, or the journal
 * grows past a twentieth of the entries: then the file is written whole again and the journal
 * removed. A torn last line (a build killed while appending) is skipped when reading.
 */
const JOURNAL_MIN = 200;

/** Add the entries of the journal at `path` (of this version) to `entries`; how many it held. */
async function readJournal(path: string, version: string, entries: Map<string, CachedFile>): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return 0; // no journal
  }
  const [head, ...lines] = text.split('\n');
  try {
    if ((JSON.parse(head ?? '') as { version?: string }).version !== version) return 0;
  } catch {
    return 0;
  }
  let count = 0;
  for (const line of lines) {
    try {
      const [key, value] = JSON.parse(line) as [string, CachedFile];
      entries.set(key, value);
      count++;
    } catch {
      // A torn line: its file is analyzed again.
    }
  }
  return count;
}

/** Load the cache at `path` (missing, unreadable or outdated files start empty). */
export async function createFileContentCache(path: string): Promise<FileContentCache> {
  const version = await cacheVersion();
  const journalPath = `${path}.log`;
  let loaded: Record<string, CachedFile> | undefined;
  try {
    const parsed = JSON.parse((await readFile(path)).toString('utf8')) as CacheFileShape;
    if (parsed.version === version && parsed.entries !== null && typeof parsed.entries === 'object') loaded = parsed.entries;
  } catch {
    // No cache yet, or a damaged one: start empty, the next save replaces it.
  }
  // A journal goes with the file it was begun beside: without one (or of another version), it is ignored.
  let written = loaded !== undefined;
  const entries = new Map(Object.entries(loaded ?? {}));
  let journalLines = written ? await readJournal(journalPath, version, entries) : 0;
  const used = new Set<string>();
  /** Set since the last save. */
  const added = new Set<string>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) used.add(key);
      return value;
    },
    set(key, value) {
      entries.set(key, value);
      used.add(key);
      added.add(key);
    },
    async save() {
      const unused = entries.size - used.size;
      if (added.size === 0 && unused === 0) return;
      await mkdir(dirname(path), { recursive: true });
      if (written && unused <= entries.size / 10 && journalLines + added.size <= Math.max(JOURNAL_MIN, entries.size / 20)) {
        if (added.size === 0) return;
        const lines = [...added].map((key) => `\n${JSON.stringify([key, entries.get(key)])}`).join('');
        // A journal of no lines is begun afresh (one left by another version may be there).
        if (journalLines === 0) await writeFile(journalPath, `${JSON.stringify({ version })}${lines}`);
        else await appendFile(journalPath, lines);
        journalLines += added.size;
        added.clear();
        return;
      }
      const kept: Record<string, CachedFile> = {};
      for (const key of used) kept[key] = entries.get(key) as CachedFile;
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ version, entries: kept } satisfies CacheFileShape));
      await rename(temporary, path);
      await rm(journalPath, { force: true });
      written = true;
      journalLines = 0;
      for (const key of [...entries.keys()]) if (!used.has(key)) entries.delete(key);
      added.clear();
    },
  };
}
