// One SQLite database file on this machine, opened the way every embedded adapter needs it (the
// record store, the delivery store and the object store's metadata index), and SQLite's errors
// translated into the ports' errors: no SqliteError leaks past an adapter.
//
// Several processes use one file at once (a build's worker processes, `gazette deliveries` beside
// a watch): WAL lets readers go on while one writer commits, every write transaction starts with
// BEGIN IMMEDIATE so it waits for the write lock up front (a deferred one that read first could
// only fail when it tries to write), and the busy timeout is how long it waits.
//
// synchronous=NORMAL in WAL mode: a commit survives the process being killed (it is in the WAL
// file, replayed by the next open); only an operating-system crash or power cut can lose the last
// commits, never corrupt the file. Builds write records last, so a lost commit is redone by the
// next build. FULL would cost an fsync per commit.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreUnavailableError } from './ports.ts';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /** How long a write waits for another process's transaction to finish. Default 30 s. */
  busyTimeoutMs?: number;
}

/** Open (creating it and its folder when missing) a database file for the embedded adapters. */
export function openSqliteDatabase(file: string, { busyTimeoutMs = 30_000 }: OpenSqliteOptions = {}): SqliteDatabase {
  const label = `SQLite database ${file}`;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const database = new Database(file, { timeout: busyTimeoutMs });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    return database;
  } catch (error) {
    throw translateSqliteError(error, label, 'open the database', busyTimeoutMs);
  }
}

/**
 * Runs the adapters' work on one database: `read` as it is, `write` in one IMMEDIATE transaction
 * (all or nothing); SQLite's errors come out as the ports' errors, ours pass through.
 */
export interface SqliteRunner {
  read: <T>(action: string, work: () => T) => T;
  write: <T>(action: string, work: () => T) => T;
}

export function sqliteRunner(database: SqliteDatabase): SqliteRunner {
  const label = `SQLite database ${database.name}`;
  const timeout = Number(database.pragma('busy_timeout', { simple: true }));
  const run = <T>(action: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw translateSqliteError(error, label, action, timeout);
    }
  };
  return {
    read: run,
    write: (action, work) => run(action, () => database.transaction(work).immediate()),
  };
}

/** SqliteError → StoreUnavailableError (locked too long, cannot open) or StoreError; other errors unchanged. */
function translateSqliteError(error: unknown, label: string, action: string, busyTimeoutMs: number): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreUnavailableError(
      `${label} stayed locked by another process for more than ${Math.round(busyTimeoutMs / 1000)} s during ${action} (${code}). ` +
        'Another gazette command is writing to it: wait for it to finish, or stop it if it hangs, then run this one again.',
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_READONLY')) {
    return new StoreUnavailableError(
      `${label} cannot be opened for writing (${code}: ${error.message}) during ${action}. Check that the folder exists and is writable.`,
      {
        cause: error,
      },
    );
  }
  return new StoreError(`${label} refused ${action}: ${code}: ${error.message}`, { cause: error });
}
