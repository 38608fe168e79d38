// ObjectStore on the file system, the default on one machine: the object `site/a/b.html` is the
// file `<root>/site/a/b.html`, so `site/` is a plain folder any static server can serve.
//
// Metadata (content type, cache-control, sha256) lives in one SQLite table in the root
// (`.index.sqlite`), not in a side file per object (that would double the files and their
// writes) nor in extended attributes (Node has no API for them, and copies, archives and some
// file systems drop them). A row holds the identity of the file it describes: inode, size and
// modification time, which a rename keeps. A file whose identity differs from its row (written by
// hand, or left by a process killed between its rename and its row) has no known metadata: it
// reads back like an S3 object put without any, as application/octet-stream with no sha256, so a
// build that compares digests writes it again instead of trusting a stale digest. One exception: a
// `get` whose bytes hash to the row's sha256 takes the file as the row's (see `adopt`), as after
// the whole folder was copied.
//
// Writes are atomic: the bytes go to a temporary file in `<root>/.partial/`, then one rename puts
// it in place, so a reader or a killed build never sees a torn file. The rename and the row are
// made inside one IMMEDIATE transaction of the index, so two processes writing the same key
// leave the row of the file that won. No fsync by default: a process that is killed loses
// nothing the kernel already has, and fsyncing every file would cost a build more than its
// rendering; only an operating-system crash can lose recent files, and then their identity no
// longer matches their rows (see above), unless `fsync` is set.
//
// Files are never changed in place, only replaced by rename, so `copy` is a hard link: the copy
// keeps the bytes it had when the source is later replaced.
//
// File calls are synchronous: objects are small files in the page cache, where each call takes
// microseconds, and the promise API's round trip through the thread pool cost several times the
// work (measured: 2,000 puts took 1.3 s that way).
//
// Keys are checked before they become paths (see `checkKey`): no empty, `.` or `..` segment, no
// absolute path, no backslash or NUL, so no key can name a file outside the root. The root's own
// entries start with a dot, and keys may not: no object can overwrite the index.

import { createHash, randomUUID } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
  copyFileSync,
  type Dirent,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { type ObjectHead, type ObjectStore, type ObjectSummary, StoreError } from './ports.ts';
import { openSqliteDatabase, sqliteRunner } from './sqliteDatabase.ts';

export interface FileObjectStoreOptions {
  /** The folder holding the objects (created when missing). */
  root: string;
  /** fsync every file before its rename, its folder after, and the index's commits (slower; survives an OS crash). */
  fsync?: boolean;
  /** After how many puts compared one row at a time the store reads every row in one query (default 5,000; see `rows`). */
  rowsAtOnceAfter?: number;
}

/** A key that cannot be a file under the root; the message says which rule it breaks. */
export class InvalidObjectKeyError extends StoreError {
  override name = 'InvalidObjectKeyError';
}

const INDEX_FILE = '.index.sqlite';
const PARTIAL_FOLDER = '.partial';
/** S3's limit on a key's length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** Most file systems' limit on one name, in bytes. */
const MAX_SEGMENT_BYTES = 255;
/** Puts compared one row at a time before the store reads every row at once (see `rows`). */
const ROWS_AT_ONCE_AFTER = 5000;
/** Attempts at a rename whose folder another process pruned meanwhile. */
const RENAME_ATTEMPTS = 5;

type Row = { identity: string; content_type: string; cache_control: string | null; sha256: string | null };

/** Why a key (or, with `prefix`, a listing prefix) cannot name files under the root; undefined when it can. */
export function keyProblem(key: string, { prefix = false } = {}): string | undefined {
  if (typeof key !== 'string' || (key === '' && !prefix)) return 'it is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.includes('\u0000')) return 'it contains a NUL character';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.startsWith('/')) return 'it starts with "/" (an absolute path)';
  const segments = key.split('/');
  // A prefix's last part is only the start of a name, matched against a folder's entries.
  const names = prefix ? segments.slice(0, -1) : segments;
  if (names.includes('')) return 'it has an empty path segment ("//" or a trailing "/")';
  if (names.includes('.') || names.includes('..')) return 'it has a "." or ".." segment';
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) return `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  if (names[0]?.startsWith('.') === true) return 'its first segment starts with "." (reserved for the store\'s own files)';
  return undefined;
}

export interface FileObjectStore extends ObjectStore {
  /** Close the index (its write-ahead log is folded into `.index.sqlite`); the store is unusable after. */
  close(): void;
}

export function createFileObjectStore({ root: rootOption, fsync = false, rowsAtOnceAfter = ROWS_AT_ONCE_AFTER }: FileObjectStoreOptions): FileObjectStore {
  const root = resolve(rootOption);
  const partial = join(root, PARTIAL_FOLDER);
  mkdirSync(partial, { recursive: true });
  removeAbandonedPartials(partial);
  const database = openSqliteDatabase(join(root, INDEX_FILE));
  if (fsync) database.pragma('synchronous = FULL');
  const { read, write } = sqliteRunner(database);
  write('create the object index', () =>
    database.exec(
      'CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, identity TEXT NOT NULL, content_type TEXT NOT NULL, cache_control TEXT, sha256 TEXT) WITHOUT ROWID',
    ),
  );
  const statements = {
    get: database.prepare<[string], Row>('SELECT identity, content_type, cache_control, sha256 FROM objects WHERE key = ?'),
    put: database.prepare<[string, string, string, string | null, string | null]>(
      'INSERT OR REPLACE INTO objects (key, identity, content_type, cache_control, sha256) VALUES (?, ?, ?, ?, ?)',
    ),
    delete: database.prepare<[string]>('DELETE FROM objects WHERE key = ?'),
    from: database.prepare<[string], Row & { key: string }>(
      'SELECT key, identity, content_type, cache_control, sha256 FROM objects WHERE key >= ? ORDER BY key',
    ),
    every: database
      .prepare<[], [string, string, string, string | null, string | null]>('SELECT key, identity, content_type, cache_control, sha256 FROM objects')
      .raw(),
    // Changes when another connection commits (another process, or another store on the same folder), never for this one's own.
    dataVersion: database.prepare<[], number>('PRAGMA data_version').pluck(),
  };

  /**
   * Every row, read in one query once this store has compared many puts (a build: one query of
   * 50,000 rows took about 0.13 s, where 36,000 queries of one row took about 0.65 s of a rebuild's
   * main thread; below 5,000 puts the single queries cost less), then kept in step with this
   * store's own commits. Once a turn of the event loop, the index's `data_version` says whether
   * another connection committed since they were read: if one did, they are dropped, and the
   * store queries row by row again (and reads them all again after as many puts). Between that
   * check and a put, another process's write can only make a row out of date here, and a put is
   * found unchanged only when the row also names the file's present identity (inode, size,
   * modification time), which a rename by another process changes: the put writes again.
   */
  let rows: { map: Map<string, Row>; version: number } | undefined;
  let checkedThisTurn = false;
  let compared = 0;
  /** A row this store committed (undefined: cleared), for `rows`. */
  const committed = (key: string, row: Row | undefined) => {
    if (rows === undefined) return;
    if (row === undefined) rows.map.delete(key);
    else rows.map.set(key, row);
  };
  function comparedRow(key: string): Row | undefined {
    if (rows !== undefined && !checkedThisTurn) {
      checkedThisTurn = true;
      setImmediate(() => (checkedThisTurn = false));
      if (read('read the version of the index', () => statements.dataVersion.get()) !== rows.version) {
        rows = undefined;
        compared = 0;
      }
    }
    if (rows === undefined && ++compared > rowsAtOnceAfter) {
      rows = read('read the metadata of every object', () => {
        // The version first: a commit while the rows are read makes them look older, never newer.
        const version = statements.dataVersion.get() as number;
        const map = new Map<string, Row>();
        for (const [key, identity, content_type, cache_control, sha256] of statements.every.iterate())
          map.set(key, { identity, content_type, cache_control, sha256 });
        return { map, version };
      });
    }
    return rows !== undefined ? rows.map.get(key) : read(`read the metadata of "${key}"`, () => statements.get.get(key));
  }

  /** Folders this store made and has not removed: no mkdir per write. */
  const folders = new Set<string>();

  function pathOf(key: string): string {
    const problem = keyProblem(key);
    if (problem !== undefined) throw new InvalidObjectKeyError(`The object key ${JSON.stringify(key)} cannot be stored as a file: ${problem}.`);
    const path = join(root, ...key.split('/'));
    // Belt and braces: the checks above already keep every key inside the root.
    if (!path.startsWith(root + sep)) throw new InvalidObjectKeyError(`The object key ${JSON.stringify(key)} would leave the store's folder.`);
    return path;
  }

  /**
   * The head of the file at `path` as it is now, with its row's metadata when the row describes it.
   * `listed`: the rows a listing read beforehand; a file not described there (new or replaced
   * since) has its row read again.
   */
  function headOf(key: string, stats: BigIntStats, listed?: Map<string, Row>): ObjectHead {
    const identity = identityOf(stats);
    const prefetched = listed?.get(key);
    const row = prefetched?.identity === identity ? prefetched : read(`read the metadata of "${key}"`, () => statements.get.get(key));
    const known = row !== undefined && row.identity === identity ? row : undefined;
    return {
      key,
      size: Number(stats.size),
      contentType: known?.content_type ?? 'application/octet-stream',
      ...(known?.cache_control != null && { cacheControl: known.cache_control }),
      etag: `"${known?.sha256 != null ? known.sha256.slice(0, 32) : createHash('sha256').update(identity).digest('hex').slice(0, 32)}"`,
      ...(known?.sha256 != null && { sha256: known.sha256 }),
    };
  }

  /**
   * Put a file in place at `to` and write the key's row (or clear it: metadata unknown), in one
   * index transaction, so writers of one key never interleave. `place` renames or links the file
   * there and returns its row, or false when it placed nothing.
   */
  function install(key: string, to: string, place: () => { row: Row | undefined } | false): boolean {
    for (let attempt = 1; ; attempt++) {
      const folder = join(to, '..');
      try {
        if (!folders.has(folder)) {
          mkdirSync(folder, { recursive: true });
          folders.add(folder);
        }
        let row: Row | undefined;
        const placed = write(`write "${key}"`, () => {
          const placing = place();
          if (placing === false) return false;
          if (fsync) syncFolder(folder); // the rename itself, not only the bytes
          row = placing.row;
          if (row === undefined) statements.delete.run(key);
          else statements.put.run(key, row.identity, row.content_type, row.cache_control, row.sha256);
          return true;
        });
        if (placed) committed(key, row);
        return placed;
      } catch (error) {
        // Another process removed the (empty) folder since we made it: make it again.
        folders.delete(folder);
        if (errorCode(error) === 'ENOENT' && attempt < RENAME_ATTEMPTS) continue;
        throw fileError(error, key, 'write');
      }
    }
  }

  /**
   * The head of a file whose row describes another file, when the file read holds the very bytes
   * the row names: copying the store's folder (cp, tar, restoring a backup) gives every file a new
   * inode, and without this the copy's objects would read back with no metadata until rewritten,
   * and never be known again if never rewritten. The row takes the file's identity, checked
   * again under the index's lock (a file replaced since is not adopted), so later heads and
   * listings know it without reading it. Undefined when the bytes differ or there is no row.
   */
  function adopt(key: string, path: string, stats: BigIntStats, body: Uint8Array): ObjectHead | undefined {
    const identity = identityOf(stats);
    const row = read(`read the metadata of "${key}"`, () => statements.get.get(key));
    if (row === undefined || row.sha256 === null || row.identity === identity) return undefined;
    if (createHash('sha256').update(body).digest('hex') !== row.sha256) return undefined;
    let adoptedRow: Row | undefined;
    write(`adopt the file of "${key}"`, () => {
      const now = statements.get.get(key);
      const current = statSync(path, { bigint: true, throwIfNoEntry: false });
      if (now?.sha256 !== row.sha256 || now.identity !== row.identity || current === undefined || identityOf(current) !== identity) return;
      statements.put.run(key, identity, now.content_type, now.cache_control, now.sha256);
      adoptedRow = { ...now, identity };
    });
    if (adoptedRow === undefined) return undefined;
    committed(key, adoptedRow);
    return headOf(key, stats);
  }

  function statOf(key: string): BigIntStats | undefined {
    try {
      const stats = statSync(pathOf(key), { bigint: true });
      return stats.isFile() ? stats : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw fileError(error, key, 'read');
    }
  }

  /**
   * The index rows of the keys under `prefix`, in one query rather than one a file (a listing of
   * the 36,000 files of a 10,000-document site asked 36,000 times). Keys sort by their UTF-8 bytes
   * (SQLite's BINARY collation), so those under a prefix are one run from the prefix itself on.
   */
  function rowsUnder(prefix: string): Map<string, Row> {
    return read(`read the metadata under "${prefix}"`, () => {
      const rows = new Map<string, Row>();
      for (const { key, ...row } of statements.from.iterate(prefix)) {
        if (!key.startsWith(prefix)) break;
        rows.set(key, row);
      }
      return rows;
    });
  }

  /**
   * The heads of the files under `prefix`, in key order. A caller that stops at the first (is
   * anything there?) reads one index row; from the second file on, the rows under the prefix are
   * read in one query.
   */
  function* headsUnder(prefix: string): Generator<ObjectHead> {
    let listed: Map<string, Row> | undefined;
    let seen = 0;
    for (const { key, stats } of walk(prefix)) {
      if (++seen === 2) listed = rowsUnder(prefix);
      yield headOf(key, stats, listed);
    }
  }

  /**
   * Files under `prefix`, in key order (UTF-8 bytes, as S3 lists), with their stats. A plain
   * generator: its calls are synchronous, and an async one nested a level a folder passed each
   * file through as many promises.
   */
  function* walk(prefix: string): Generator<{ key: string; stats: BigIntStats }> {
    const problem = keyProblem(prefix, { prefix: true });
    if (problem !== undefined) throw new InvalidObjectKeyError(`The prefix ${JSON.stringify(prefix)} cannot name objects: ${problem}.`);
    const cut = prefix.lastIndexOf('/') + 1;
    const folder = prefix.slice(0, cut);
    const start = prefix.slice(cut);
    yield* walkFolder(folder, (name) => name.startsWith(start) && !(folder === '' && name.startsWith('.')));
  }

  function* walkFolder(folder: string, accept: (name: string) => boolean): Generator<{ key: string; stats: BigIntStats }> {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, ...folder.split('/')), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw fileError(error, folder, 'list');
    }
    // Sorting a folder's entries as "name" or "name/" keeps the whole walk in key order.
    const sorted = entries
      .filter((entry) => (entry.isFile() || entry.isDirectory()) && accept(entry.name))
      .map((entry) => ({ entry, sortKey: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name) }))
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const { entry } of sorted) {
      const key = folder + entry.name;
      if (entry.isDirectory()) {
        yield* walkFolder(`${key}/`, () => true);
        continue;
      }
      const stats = statOf(key);
      if (stats !== undefined) yield { key, stats };
    }
  }

  function pruneFolders(key: string): void {
    // Empty folders left by deletes go, up to (not including) the first level: `site/` stays.
    const segments = key.split('/').slice(0, -1);
    for (let depth = segments.length; depth > 1; depth--) {
      const folder = join(root, ...segments.slice(0, depth));
      try {
        rmdirSync(folder);
        folders.delete(folder);
      } catch {
        return; // not empty, already gone, or in use: leave it
      }
    }
  }

  /**
   * What a put of these bytes does to the file at `path`: nothing when it already holds them with
   * this metadata (its row says so and still describes it: a rebuild rewrites most of its objects
   * with the bytes they have); otherwise it replaces the file of a known key (one with a row), or
   * adds a file.
   */
  function putEffect(key: string, path: string, sha256: string, contentType: string, cacheControl: string | null): 'none' | 'replace' | 'add' {
    const row = comparedRow(key);
    if (row === undefined) return 'add';
    if (row.sha256 !== sha256 || row.content_type !== contentType || row.cache_control !== cacheControl) return 'replace';
    try {
      const stats = statSync(path, { bigint: true });
      return stats.isFile() && identityOf(stats) === row.identity ? 'none' : 'replace';
    } catch {
      return 'replace';
    }
  }

  /**
   * Puts whose bytes are in temporary files, waiting to be renamed into place with their rows.
   * Every put of one turn of the event loop commits in one index transaction (one commit instead
   * of one per object: a build puts tens of thousands), each rename still inside the transaction
   * that writes its row, as `install` does for one. A put that replaces a known key's file makes
   * no folder: the file's is there (a rebuild that replaces 25,000 files spent a quarter of a
   * second making them again). Should it be gone, the rename fails and `install` makes it.
   */
  const pendingPuts: {
    key: string;
    path: string;
    temporary: string;
    row: Row;
    replaces: boolean;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];

  function flushPuts(): void {
    const batch = pendingPuts.splice(0);
    const placed: typeof batch = [];
    const alone: typeof batch = [];
    try {
      for (const put of batch) {
        if (put.replaces) continue;
        const folder = join(put.path, '..');
        if (!folders.has(folder)) {
          mkdirSync(folder, { recursive: true });
          folders.add(folder);
        }
      }
      write(`write ${batch.length} objects`, () => {
        for (const put of batch) {
          try {
            renameSync(put.temporary, put.path);
          } catch {
            alone.push(put); // retried on its own below, where its error is reported
            continue;
          }
          statements.put.run(put.key, put.row.identity, put.row.content_type, put.row.cache_control, put.row.sha256);
          placed.push(put);
        }
        if (fsync) for (const folder of new Set(placed.map((put) => join(put.path, '..')))) syncFolder(folder);
      });
    } catch (error) {
      // The transaction failed: its renames stay, without rows (their files read back with no
      // known metadata, as after a killed process, and are written again by the next build).
      for (const put of batch) {
        removeQuietly(put.temporary);
        put.reject(fileError(error, put.key, 'write'));
      }
      return;
    }
    for (const put of placed) {
      committed(put.key, put.row);
      put.resolve();
    }
    for (const put of alone) {
      try {
        install(put.key, put.path, () => {
          renameSync(put.temporary, put.path);
          return { row: put.row };
        });
        put.resolve();
      } catch (error) {
        removeQuietly(put.temporary);
        put.reject(error);
      }
    }
  }

  return {
    putSkipsUnchanged: true,

    async put({ key, body, contentType, cacheControl, sha256: known }) {
      const path = pathOf(key);
      const sha256 = known ?? createHash('sha256').update(body).digest('hex');
      const effect = putEffect(key, path, sha256, contentType, cacheControl ?? null);
      if (effect === 'none') return 'unchanged';
      const temporary = join(partial, `${process.pid}.${randomUUID()}`);
      let stats: BigIntStats;
      let fd: number | undefined;
      try {
        fd = openSync(temporary, 'wx', 0o644);
        for (let written = 0; written < body.byteLength;) written += writeSync(fd, body, written);
        if (fsync) fsyncSync(fd);
        stats = fstatSync(fd, { bigint: true });
        closeSync(fd);
      } catch (error) {
        if (fd !== undefined) closeQuietly(fd);
        removeQuietly(temporary);
        throw fileError(error, key, 'write');
      }
      const row = { identity: identityOf(stats), content_type: contentType, cache_control: cacheControl ?? null, sha256 };
      await new Promise<void>((resolve, reject) => {
        pendingPuts.push({ key, path, temporary, row, replaces: effect === 'replace', resolve, reject });
        if (pendingPuts.length === 1) setImmediate(flushPuts);
      });
    },

    async get(key) {
      const path = pathOf(key);
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw fileError(error, key, 'read');
      }
      try {
        // The bytes and the identity come from one open file, whatever replaces the path meanwhile.
        const stats = fstatSync(fd, { bigint: true });
        if (!stats.isFile()) return undefined;
        const body = new Uint8Array(readFileSync(fd));
        const { size: _size, ...head } = headOf(key, stats);
        const adopted = head.sha256 === undefined ? adopt(key, path, stats, body) : undefined;
        if (adopted === undefined) return { ...head, body };
        const { size: _adoptedSize, ...known } = adopted;
        return { ...known, body };
      } catch (error) {
        throw fileError(error, key, 'read');
      } finally {
        closeQuietly(fd);
      }
    },

    async head(key) {
      const stats = statOf(key);
      return stats === undefined ? undefined : headOf(key, stats);
    },

    async *list(prefix) {
      yield* headsUnder(prefix);
    },

    async *listKeys(prefix): AsyncGenerator<ObjectSummary> {
      for (const { key, size, etag } of headsUnder(prefix)) yield { key, size, etag };
    },

    async delete(keys) {
      const paths = keys.map((key) => [key, pathOf(key)] as const);
      write(`delete ${keys.length} objects`, () => {
        for (const [key, path] of paths) {
          try {
            unlinkSync(path);
          } catch (error) {
            if (!isMissing(error) && errorCode(error) !== 'EISDIR') throw fileError(error, key, 'delete');
          }
          statements.delete.run(key);
        }
      });
      for (const [key] of paths) {
        committed(key, undefined);
        pruneFolders(key);
      }
    },

    async copy(from, to) {
      const source = pathOf(from);
      const target = pathOf(to);
      if (statOf(from) === undefined) return false;
      if (from === to) return true;
      const temporary = join(partial, `${process.pid}.${randomUUID()}`);
      try {
        return install(to, target, () => {
          // Inside the index's write lock no other writer replaces the source meanwhile.
          let sourceStats: BigIntStats;
          try {
            sourceStats = statSync(source, { bigint: true });
          } catch (error) {
            if (isMissing(error)) return false;
            throw error;
          }
          if (!sourceStats.isFile()) return false;
          removeQuietly(temporary); // left by an attempt whose rename found the folder gone
          try {
            linkSync(source, temporary);
          } catch (error) {
            // Too many links to one file, or none on this file system: copy the bytes instead.
            if (errorCode(error) !== 'EMLINK' && errorCode(error) !== 'ENOTSUP' && errorCode(error) !== 'EXDEV') throw error;
            copyFileSync(source, temporary);
          }
          const copied = statSync(temporary, { bigint: true });
          renameSync(temporary, target);
          const row = statements.get.get(from);
          // The source's metadata goes with it when known; a copy of a file with none has none either.
          return { row: row !== undefined && row.identity === identityOf(sourceStats) ? { ...row, identity: identityOf(copied) } : undefined };
        });
      } catch (error) {
        removeQuietly(temporary);
        throw error;
      }
    },

    close() {
      database.close();
    },
  };
}

/** Inode, size and modification time: what a rename keeps and any rewrite changes. */
function identityOf(stats: BigIntStats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function fileError(error: unknown, key: string, action: string): unknown {
  if (error instanceof StoreError) return error;
  const code = errorCode(error);
  if (code === undefined) return error;
  const hint =
    code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST'
      ? ' A folder cannot also be an object: one key is the start of another followed by "/".'
      : code === 'ENOSPC'
        ? ' The disk is full: free some space and run the build again.'
        : code === 'EACCES' || code === 'EPERM'
          ? " Check the permissions of the store's folder."
          : '';
  return new StoreError(`Could not ${action} the object "${key}" (${code}: ${(error as Error).message}).${hint}`, { cause: error });
}

function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already renamed, or never created
  }
}

/** Temporary files of processes that died before renaming them (named `<pid>.<uuid>`). */
function removeAbandonedPartials(folder: string): void {
  for (const name of readdirSync(folder)) {
    const pid = Number(name.split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processRuns(pid)) removeQuietly(join(folder, name));
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}
