// Watch mode (`gazette preview --build --watch`, `gazette build --watch`): publish again each
// time content/ changes, in one long-lived process. What a one-shot run reads and writes whole
// on every build stays in memory between builds: the content cache, the records snapshot, the
// listing and `stat` of every file (kept until the file system reports a change under it), and
// the body cache's SQLite connection.
// The files that serve only other processes (the content cache, the snapshot, the published
// index `gazette check` reads) are written when the saves pause, and on close.
// The build itself is the same: digests still decide what is re-rendered, the table's lease
// still decides whether the snapshot may be trusted.

import { type FSWatcher, watch } from 'node:fs';
import { extname, join } from 'node:path';
import { type ContentEntry, type ContentFiles, createDocumentMemo, createFileContentCache, directContentFiles } from '../content/load.ts';
import { isContentPath } from '../content/sourceFiles.ts';
import { type BuildArgs, closeSession, gitProvenanceOfCheckout, loadAndReport, type LocalSession, publishLocally } from './localBuild.ts';
import type { CliIo } from './io.ts';
import type { LocalStores } from './localStores.ts';
import { readSearchIndex } from '../discovery/search.ts';
import { holdManifest } from '../publish/signedManifest.ts';
import type { ObjectStore } from '../store/ports.ts';
import { attachmentTypes } from '../outputs.ts';
import { memorySnapshotKeeper } from './snapshotFile.ts';
import { PUBLISHED_INDEX, writePublishedIndex } from './publishedIndex.ts';

/**
 * The content tree's listing and stats, remembered until a change is reported under them.
 * `changed(rel)` forgets one file (and the listing when files may have come or gone);
 * `changed(undefined)` forgets everything (the watcher could not say what changed).
 */
export function rememberedContentFiles(): ContentFiles & { changed(rel: string | undefined, listing: boolean): void } {
  let listing: ContentEntry[] | undefined;
  const stats = new Map<string, { size: number; mtimeMs: number } | undefined>();
  return {
    list(root) {
      return (listing ??= directContentFiles.list(root));
    },
    stat(abs, rel) {
      if (stats.has(rel)) return stats.get(rel);
      const info = directContentFiles.stat(abs, rel);
      const kept = info === undefined ? undefined : { size: info.size, mtimeMs: info.mtimeMs };
      stats.set(rel, kept);
      return kept;
    },
    changed(rel, listingToo) {
      if (rel === undefined) {
        listing = undefined;
        stats.clear();
        return;
      }
      stats.delete(rel);
      if (listingToo) listing = undefined;
    },
  };
}

/**
 * Read what the first save would read whole into what the snapshot keeper holds for the next
 * build (watch mode): the stored search index, and the signed manifest with its list. A failure
 * only means the next build reads them itself.
 */
export async function holdForNextBuild(objects: ObjectStore, snapshots: ReturnType<typeof memorySnapshotKeeper>): Promise<void> {
  const remembered = snapshots.bucketMemory.through(objects);
  for (const hold of [readSearchIndex, holdManifest]) {
    try {
      await hold(remembered);
    } catch {
      // The next build reads what it needs from the bucket.
    }
  }
}

/**
 * How long the watcher waits after the last change under content/ before it builds. An editor's
 * save is a burst of events a few milliseconds long (truncate and write, or a temporary file and a
 * rename); 20 ms gathers it, as webpack's `aggregateTimeout` (20 ms) does, and the editor waits no
 * longer than that. A change that arrives while a build runs (a slower save, a `git checkout` of
 * many files) is built again at once when that build ends, so the last build sees the last bytes.
 */
export const WATCH_DEBOUNCE_MS = 20;

/**
 * How long it waits instead after a change to a file of a type documents may publish (an
 * attachment or an image: `attachmentTypes`, the list the checks accept): those are often copied in
 * from a slow disk or a share, in chunks that may pause for more than 20 ms, and a build between
 * two of them would publish half a file (and tell the partners). Markdown, YAML and an editor's own
 * files (a backup, vim's write test) keep the short wait.
 */
export const ATTACHMENT_QUIET_MS = 500;

const isAttachment = (rel: string) => Object.hasOwn(attachmentTypes, extname(rel).toLowerCase());

export interface WatchOptions {
  args: BuildArgs;
  stores: LocalStores;
  io: CliIo;
  /** The clock of each build: `--now` when it was given, else the wall clock. */
  now: () => Date;
  /** Quiet time after the last change before building (editors save in bursts). Default WATCH_DEBOUNCE_MS. */
  debounceMs?: number;
  /** Quiet time after the last build before writing the caches for the next process. Default 5 s. */
  idleMs?: number;
  /** Build again when an embargo ends (default true; false when the clock is fixed by --now). */
  releases?: boolean;
  /** Called after each build with its exit status (tests wait on it). */
  onBuilt?: (status: number) => void;
}

export interface ContentWatch {
  /** The first build (before watching starts): its exit status. */
  first: number;
  /** Stop watching, wait for a build in progress and write what is kept in memory. */
  close(): Promise<void>;
}

/** Build once, then again after every change under the content folder, until closed. */
export async function watchAndPublish(options: WatchOptions): Promise<ContentWatch> {
  const { args, stores, io } = options;
  const files = rememberedContentFiles();
  const snapshots = memorySnapshotKeeper(args.data);
  const session: LocalSession = {
    cache: await createFileContentCache(join(args.data, 'cache', 'content.json')),
    files,
    documents: createDocumentMemo(),
    snapshots,
    background: true,
  };
  let building: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let quiet = 0;
  let closed = false;
  // The content cache and the records snapshot serve only the next process. Writing them costs
  // about a second of CPU at 10,000 documents, so they are written once the editor pauses, not
  // beside each build, and again on close.
  let idleTimer: NodeJS.Timeout | undefined;
  const persist = async () => {
    try {
      await session.cache.save();
    } catch (error) {
      io.stderr.write(`gazette: could not save the content cache: ${(error as Error).message}\n`);
    }
    await writePublished();
    await snapshots.persist();
  };
  // What `gazette check` compares content with: the last build's records.
  const writePublished = async () => {
    const published = session.published;
    session.published = undefined;
    if (published === undefined) return;
    try {
      await writePublishedIndex(args.data, published);
    } catch (error) {
      session.published ??= published; // tried again when next idle, unless a build has newer records
      io.stderr.write(`gazette: could not write ${PUBLISHED_INDEX}: ${(error as Error).message}\n`);
    }
  };
  const persistWhenIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (building !== undefined || closed) return;
      building = persist().finally(() => {
        building = undefined;
        // A save while the caches were written: build it now.
        if (again) run();
      });
    }, options.idleMs ?? 5000);
  };

  let releaseTimer: NodeJS.Timeout | undefined;
  const provenanceOfCheckout = gitProvenanceOfCheckout(args.content);
  const buildOnce = async (): Promise<number> => {
    const runArgs = { ...args, now: options.now() };
    // git runs while the content loads (when HEAD moved since the last build).
    const provenance = provenanceOfCheckout();
    const site = await loadAndReport(runArgs, io, session);
    if (site === undefined) return 1;
    // An embargoed document is published by the first build after its publishAt: wake up then.
    clearTimeout(releaseTimer);
    const now = runArgs.now.getTime();
    const due = site.content.documents
      .map((doc) => (doc.publishAt === undefined || doc.draft ? Number.NaN : Date.parse(doc.publishAt)))
      .filter((time) => time > now)
      .sort((a, b) => a - b)[0];
    if (due !== undefined && options.releases !== false) {
      // Timers cannot wait longer than ~24.8 days; wake up daily and look again.
      releaseTimer = setTimeout(() => run(), Math.min(due - now + 50, 86_400_000));
    }
    return publishLocally(site, stores, runArgs, io, session, { provenance });
  };
  const run = () => {
    if (closed) return; // a save seen as the command stops: nothing runs after close
    if (building !== undefined) {
      again = true;
      return;
    }
    building = (async () => {
      do {
        again = false;
        let status: number;
        try {
          status = await buildOnce();
        } catch (error) {
          io.stderr.write(`gazette: the build stopped: ${(error as Error).message}\n`);
          status = 1;
        }
        options.onBuilt?.(status);
        if (!closed) io.stdout.write('Watching content/ for changes (Ctrl+C to stop).\n');
      } while (again && !closed);
    })().finally(() => {
      building = undefined;
      persistWhenIdle();
    });
  };

  const first = await buildOnce();
  // Keep the search index and the manifest in memory from the start: the first save then updates
  // them without reading them from the bucket. Part of the build chain, so no build runs meanwhile.
  building = holdForNextBuild(stores.objects, snapshots).finally(() => {
    building = undefined;
    // A save while they were being read: build it now.
    if (again) run();
    else persistWhenIdle();
  });
  options.onBuilt?.(first);
  let watcher: FSWatcher;
  try {
    watcher = watch(args.content, { recursive: true }, (event, filename) => {
      const rel = typeof filename === 'string' ? filename.split('\\').join('/') : undefined;
      if (rel !== undefined && !isContentPath(rel)) return; // dot-files are not content
      files.changed(rel, event === 'rename');
      clearTimeout(timer);
      clearTimeout(idleTimer);
      // The longest quiet any change since the last build asks for (a path the watcher could not name: the longer one).
      const debounce = options.debounceMs ?? WATCH_DEBOUNCE_MS;
      quiet = Math.max(quiet, rel === undefined || isAttachment(rel) ? Math.max(debounce, ATTACHMENT_QUIET_MS) : debounce);
      timer = setTimeout(() => {
        quiet = 0;
        run();
      }, quiet);
    });
  } catch (error) {
    throw new Error(`Cannot watch ${args.content} for changes: ${(error as Error).message}. Run \`gazette build\` after each change instead.`);
  }
  watcher.on('error', (error) => {
    io.stderr.write(`gazette: watching content/ failed: ${error.message}. Builds stop until the command is restarted.\n`);
  });
  io.stdout.write('Watching content/ for changes (Ctrl+C to stop).\n');
  return {
    first,
    async close() {
      closed = true;
      const stopTimers = () => [timer, releaseTimer, idleTimer].forEach((pending) => clearTimeout(pending));
      stopTimers();
      watcher.close();
      // A build in progress, or the caches' write, and whatever each started as it ended.
      while (building !== undefined) await building;
      // That build set the embargo wake-up and the idle write again: nothing may keep the process alive.
      stopTimers();
      closeSession(session);
      await session.cache.save();
      await writePublished();
      await snapshots.flush();
    },
  };
}
