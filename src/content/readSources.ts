// Phase 1 of loadContent: every source file on its own. The tree is classified by layout.ts,
// site.yaml is analyzed first (its names and examples go into every other file's hints), and the
// rest are analyzed in parallel or taken from the cache. Unchanged files cost one `stat`
// (synchronous: for thousands of small files it is several times faster than the thread pool).

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { oneMessageFromWorker } from '../concurrency.ts';
import { analyzeSource, fieldsOf, MAX_MARKDOWN_BYTES, type AnalyzedSource } from './analyze.ts';
import { cacheKey, type ContentCache } from './cache.ts';
import type { CalendarSource } from './calendar.ts';
import type { ColumnSource } from './columns.ts';
import { classifyFile, type FileRole } from './layout.ts';
import type { ContentMessage } from './model.ts';
import type { AnalyzeWork } from './analyzeWorker.ts';
import { hintExamples, type HintExamples, type SiteData } from './schemas.ts';
import { type ContentEntry, forEachLimit, isInside, realpathOrSelf, type Report, type SourceFile, tooLarge } from './sourceFiles.ts';

/** The listing and `stat` of the content tree, as `loadContent` uses them. */
export interface ContentFiles {
  /** Every file below `root`: content-relative POSIX paths, sorted; dot-files and dot-folders left out. */
  list(root: string): ContentEntry[];
  /** Size and modification time of a file; undefined when it is gone. */
  stat(abs: string, rel: string): { size: number; mtimeMs: number } | undefined;
}

export interface ReadSourcesInput {
  absRoot: string;
  /** The root with links resolved: a file linking outside it is refused. */
  realRoot: string;
  entries: readonly ContentEntry[];
  files: ContentFiles;
  cache: ContentCache | undefined;
  /** Files read at the same time. */
  limit: number;
  /** Analyze on worker threads when ANALYZE_THREAD_MIN files or more are not in the cache (the command on one machine). */
  workerThreads?: boolean;
}

/** Below this many files to analyze, starting threads costs more than it saves. */
const ANALYZE_THREAD_MIN = 1000;
/** Threads that analyze: two, or one on a one-core machine. */
const ANALYZE_THREADS = Math.min(2, availableParallelism());

/**
 * The analyses of these files, in their order, made on a worker thread (analyzeWorker.ts): the
 * same as analyzeSource gives on this thread, document bodies left out.
 */
function analyzeOnThread(files: readonly { role: FileRole; abs: string; size: number }[], examples: HintExamples): Promise<AnalyzedSource[]> {
  const work: AnalyzeWork = { files: files.map(({ role, abs, size }) => ({ role, abs, size })), examples };
  return oneMessageFromWorker<AnalyzedSource[]>(new URL('./analyzeWorker.ts', import.meta.url), work, 'A content analysis thread');
}

export interface Sources {
  /** site.yaml, analyzed (with its errors, if any). */
  site?: AnalyzedSource;
  /** Documents and issues, sorted by path. */
  documents: SourceFile[];
  /** Special columns, in the order they were read (loadContent sorts them). */
  columns: ColumnSource[];
  calendars: CalendarSource[];
}

export async function readSources(input: ReadSourcesInput, messages: ContentMessage[], report: Report): Promise<Sources> {
  const { absRoot, realRoot, cache } = input;
  const sources: Sources = { documents: [], columns: [], calendars: [] };
  const accept = (rel: string, role: FileRole, abs: string, source: AnalyzedSource) => {
    for (const message of source.messages) messages.push({ file: rel, ...message });
    if (role.role === 'site') sources.site = source;
    else if (role.role === 'column') sources.columns.push({ rel, abs, id: role.id, urlPath: role.urlPath, source });
    else if (role.role === 'calendar') sources.calendars.push({ rel, year: role.year, source });
    else if (role.role !== 'ignored' && role.role !== 'misplaced') sources.documents.push({ rel, role, abs, source });
  };
  const found: { rel: string; role: FileRole; abs: string; size: number; mtimeMs: number; info: object }[] = [];
  for (const entry of input.entries) {
    const { role, abs } = placeOf(entry, absRoot);
    if (role === undefined || role.role === 'ignored') continue;
    if (role.role === 'misplaced') {
      report(entry.rel, { line: 1, column: 1 }, { severity: 'error', ruleId: role.ruleId, message: role.message, hint: role.hint });
      continue;
    }
    if (entry.symlink && !isInside(realpathOrSelf(abs), realRoot)) {
      report(
        entry.rel,
        { line: 1, column: 1 },
        {
          severity: 'error',
          ruleId: 'outside-content',
          message: `${entry.rel} is a link to a file outside the content folder.`,
          hint: 'Copy the file into content/ instead of linking to it.',
        },
      );
      continue;
    }
    const info = input.files.stat(abs, entry.rel);
    if (info === undefined) continue; // Deleted while we were walking.
    found.push({ rel: entry.rel, role, abs, size: info.size, mtimeMs: info.mtimeMs, info });
  }
  type ToRead = { rel: string; role: FileRole; abs: string; key: string; size: number };
  const analyze = async ({ rel, role, abs, key, size }: ToRead, examples?: HintExamples) => {
    const source = size > MAX_MARKDOWN_BYTES ? tooLarge(size, MAX_MARKDOWN_BYTES) : analyzeSource(role, await readFile(abs), examples);
    // Document bodies stay out of the cache: they are read again only for pages being rendered.
    cache?.set(key, { source: role.role === 'article' || role.role === 'release' ? { ...source, body: undefined } : source });
    accept(rel, role, abs, source);
  };
  // site.yaml first: the hints of every other file give its names and examples, so a file's
  // analysis is cached under the examples it was given as well as its own size and time.
  const siteFile = found.find((file) => file.role.role === 'site');
  if (siteFile !== undefined) {
    const key = cacheKey(siteFile.rel, siteFile.size, siteFile.mtimeMs);
    const cached = cache?.get(key);
    if (cached !== undefined && 'source' in cached) accept(siteFile.rel, siteFile.role, siteFile.abs, cached.source);
    else await analyze({ ...siteFile, key });
  }
  const examples = hintExamples(fieldsOf(sources.site) as Partial<SiteData> | undefined);
  // In each key as a short digest: the examples' JSON itself (a few hundred bytes of Chinese
  // text) made up a quarter of the cache file and of the bytes hashed for each lookup.
  const variant = createHash('sha256').update(JSON.stringify(examples)).digest('base64url').slice(0, 16);
  const toRead: ToRead[] = [];
  for (const file of found) {
    if (file === siteFile) continue;
    const key = keyOf(file, variant);
    const cached = cache?.get(key);
    if (cached !== undefined && 'source' in cached) accept(file.rel, file.role, file.abs, cached.source);
    else toRead.push({ rel: file.rel, role: file.role, abs: file.abs, key, size: file.size });
  }
  if (input.workerThreads === true && toRead.length >= ANALYZE_THREAD_MIN) {
    // A share on each thread; this one waits (analysis here as well only slowed all three).
    const share = Math.ceil(toRead.length / ANALYZE_THREADS);
    const parts = await Promise.all(Array.from({ length: ANALYZE_THREADS }, (_, i) => analyzeOnThread(toRead.slice(i * share, (i + 1) * share), examples)));
    const analyzed = parts.flat();
    toRead.forEach((file, i) => {
      const source = analyzed[i] as AnalyzedSource;
      cache?.set(file.key, { source });
      accept(file.rel, file.role, file.abs, source);
    });
  } else await forEachLimit(toRead, input.limit, (file) => analyze(file, examples));
  sources.documents.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  return sources;
}

// A process that loads the content again (watch mode) keeps the listing's entries and each
// unchanged file's `stat` as the same objects (watch.ts): what follows from them alone is kept
// with them, so a save costs no classifying, joining or key-building for the 10,000 files it did
// not touch, and the maps keyed by those strings find their hashes already computed.
const places = new WeakMap<ContentEntry, { root: string; role: FileRole | undefined; abs: string }>();
const keys = new WeakMap<object, { variant: string; key: string }>();

/** What the file is by its place in the layout, and its absolute path. */
function placeOf(entry: ContentEntry, absRoot: string): { role: FileRole | undefined; abs: string } {
  const known = places.get(entry);
  if (known?.root === absRoot) return known;
  const place = { root: absRoot, role: classifyFile(entry.rel), abs: join(absRoot, entry.rel) };
  places.set(entry, place);
  return place;
}

/** The content cache's key of a file as stated, under the hints' variant. */
function keyOf(file: { rel: string; size: number; mtimeMs: number; info: object }, variant: string): string {
  const known = keys.get(file.info);
  if (known?.variant === variant) return known.key;
  const key = `${cacheKey(file.rel, file.size, file.mtimeMs)}\u0000${variant}`;
  keys.set(file.info, { variant, key });
  return key;
}
