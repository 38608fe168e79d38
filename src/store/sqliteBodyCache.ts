// The body cache (src/publish/bodyCache.ts) in an SQLite file of the CLI's data folder: one row per
// document, replaced when the document renders anew, so the file holds at most one body for each.
// A build that renders many documents reads every document's key at once (an index holds them
// apart from the bodies), so a document whose body is not cached costs no query: in a first build,
// a query per document, among rows of 8 KB being written, cost 1.5 s at 10,000 documents. A build
// that renders a few (a save in watch mode, a one-shot build after one change) asks for each of
// them instead: reading 10,000 keys to use one cost about 25 ms.

import { createHash } from 'node:crypto';
import { type BodyCache, type CachedBody, cacheableBody } from '../publish/bodyCache.ts';
import { openSqliteDatabase, sqliteRunner } from './sqliteDatabase.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS rendered_bodies (id TEXT PRIMARY KEY, key TEXT NOT NULL, links TEXT NOT NULL, html TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS rendered_body_keys ON rendered_bodies (id, key);
`;
const BATCH = 256;
/** Bodies asked for one by one before the cache reads every key at once. */
const FEW = 64;

/**
 * The cache in `file`, for bodies rendered by code whose digest is `codeVersion` (a new version
 * makes every entry stale: they are replaced as the documents render).
 */
export function openSqliteBodyCache(file: string, codeVersion: string): SqliteBodyCache {
  // A cache only saves work: a file that cannot be opened or read (damaged, or locked by another
  // process past the busy timeout) costs this build one parse per body, never the build itself.
  try {
    return openCache(file, codeVersion);
  } catch {
    return withoutCache;
  }
}

/** The cache of one SQLite file, which a process that builds again (watch mode) keeps open between builds. */
export interface SqliteBodyCache extends BodyCache {
  /** False when the file could not be opened, or a read or write failed since: open it again. */
  usable(): boolean;
  /** Start another build: forget the keys read for the last one (another process may have written since). */
  nextBuild(): void;
}

const withoutCache: SqliteBodyCache = { slot: () => undefined, keep: () => {}, flush: () => {}, close: () => {}, usable: () => false, nextBuild: () => {} };

function openCache(file: string, codeVersion: string): SqliteBodyCache {
  const database = openSqliteDatabase(file);
  const { read, write } = sqliteRunner(database);
  write('create the body cache', () => database.exec(SCHEMA));
  let keys: Map<string, string> | undefined;
  let asked = 0;
  const readKeys = () =>
    new Map(
      read('read the keys of the rendered bodies', () =>
        database.prepare<[], { id: string; key: string }>('SELECT id, key FROM rendered_bodies INDEXED BY rendered_body_keys').all(),
      ).map((row): [string, string] => [row.id, row.key]),
    );
  const get = database.prepare<[string, string], { links: string; html: string }>('SELECT links, html FROM rendered_bodies WHERE id = ? AND key = ?');
  const put = database.prepare<[string, string, string, string]>('INSERT OR REPLACE INTO rendered_bodies (id, key, links, html) VALUES (?, ?, ?, ?)');
  let kept: [string, string, string, string][] = [];
  let failed = false;

  const flush = () => {
    const rows = kept;
    kept = [];
    if (rows.length === 0 || failed) return;
    try {
      write(`keep ${rows.length} rendered bodies`, () => rows.forEach((row) => put.run(...row)));
    } catch {
      failed = true; // the bodies are not kept: the next build parses them again
    }
  };

  return {
    slot(doc) {
      if (!cacheableBody(doc) || failed) return undefined;
      const key = createHash('sha256').update(`${codeVersion}\0${doc.lang}\0${doc.sourceDigest}`).digest('hex');
      if (keys === undefined && ++asked > FEW) {
        try {
          keys = readKeys();
        } catch {
          failed = true; // as if it could not be opened: this build parses the bodies
          return undefined;
        }
      }
      if (keys !== undefined && keys.get(doc.id) !== key) return { key };
      let row: { links: string; html: string } | undefined;
      try {
        // Read with its key again: another process (a watch beside a one-shot build) may have replaced the row since the keys were read.
        row = read(`read the rendered body of ${doc.id}`, () => get.get(doc.id, key));
      } catch {
        return { key };
      }
      return row === undefined ? { key } : { key, cached: { html: row.html, links: JSON.parse(row.links) as CachedBody['links'] } };
    },
    keep(id, key, body) {
      kept.push([id, key, JSON.stringify(body.links), body.html]);
      keys?.set(id, key);
      if (kept.length >= BATCH) flush();
    },
    flush,
    usable: () => !failed,
    nextBuild() {
      keys = undefined;
      asked = 0;
    },
    close() {
      flush();
      try {
        database.close();
      } catch {
        // nothing was left to write
      }
    },
  };
}
