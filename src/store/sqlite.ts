// RecordStore in SQLite, the default on one machine: the same items, conditions and orders as the
// DynamoDB adapter (dynamodb.ts), each conditional write a check and a write inside one IMMEDIATE
// transaction, so a failed condition changes nothing and becomes a VersionConflictError. Records
// are kept as JSON beside the columns the conditions and orders need: a field added to a record
// needs no migration. Keys and dates compare as SQLite's BINARY text, byte by byte in UTF-8, as
// DynamoDB compares its sort keys.

import type { DocumentKind } from '../content/model.ts';
import {
  type AuditEntry,
  type BuildLease,
  type DocumentRecord,
  type DocumentVersionRecord,
  type IssueRecord,
  type PendingBuild,
  type PutDocumentEntry,
  PutDocumentsError,
  type RecordStore,
  type ScheduledRecord,
  VersionConflictError,
} from './ports.ts';
import { type SqliteDatabase, sqliteRunner } from './sqliteDatabase.ts';

export interface SqliteRecordStoreOptions {
  database: SqliteDatabase;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, date TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS documents_by_date ON documents (date, id);
  CREATE INDEX IF NOT EXISTS documents_by_kind ON documents (kind, date, id);
  CREATE TABLE IF NOT EXISTS document_versions (
    id TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (id, version)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS issues (
    year INTEGER NOT NULL, number INTEGER NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (year, number)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS scheduled (id TEXT PRIMARY KEY, sort_key TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS audit (
    id TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL, at TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (id, version, event)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS serials (
    department_code TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (department_code, year)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS build_lease (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS pending_builds (build_id TEXT PRIMARY KEY, until TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID;
`;

/** Records per page of listDocuments: a page is read at once, so writes may go on between pages. */
const LIST_PAGE = 500;

type Row = { record: string };

export function createSqliteRecordStore({ database }: SqliteRecordStoreOptions): RecordStore {
  const { read, write } = sqliteRunner(database);
  write('create the record tables', () => database.exec(SCHEMA));

  const statements = {
    getDocument: database.prepare<[string], Row & { version: number }>('SELECT record, version FROM documents WHERE id = ?'),
    putDocument: database.prepare<[string, string, string, number, string]>(
      'INSERT INTO documents (id, kind, date, version, record) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, date = excluded.date, version = excluded.version, record = excluded.record',
    ),
    getVersion: database.prepare<[string, number], Row>('SELECT record FROM document_versions WHERE id = ? AND version = ?'),
    insertVersion: database.prepare<[string, number, string]>('INSERT OR IGNORE INTO document_versions (id, version, record) VALUES (?, ?, ?)'),
    listVersions: database.prepare<[string], Row>('SELECT record FROM document_versions WHERE id = ? ORDER BY version'),
    firstPage: database.prepare<[number], Row & { date: string; id: string }>('SELECT record, date, id FROM documents ORDER BY date, id LIMIT ?'),
    nextPage: database.prepare<[string, string, number], Row & { date: string; id: string }>(
      'SELECT record, date, id FROM documents WHERE (date, id) > (?, ?) ORDER BY date, id LIMIT ?',
    ),
    firstKindPage: database.prepare<[string, number], Row & { date: string; id: string }>(
      'SELECT record, date, id FROM documents WHERE kind = ? ORDER BY date, id LIMIT ?',
    ),
    nextKindPage: database.prepare<[string, string, string, number], Row & { date: string; id: string }>(
      'SELECT record, date, id FROM documents WHERE kind = ? AND (date, id) > (?, ?) ORDER BY date, id LIMIT ?',
    ),
    getIssue: database.prepare<[number, number], Row & { version: number }>('SELECT record, version FROM issues WHERE year = ? AND number = ?'),
    putIssue: database.prepare<[number, number, number, string]>('INSERT OR REPLACE INTO issues (year, number, version, record) VALUES (?, ?, ?, ?)'),
    listIssues: database.prepare<[], Row>('SELECT record FROM issues ORDER BY year, number'),
    putScheduled: database.prepare<[string, string, string]>('INSERT OR REPLACE INTO scheduled (id, sort_key, record) VALUES (?, ?, ?)'),
    listScheduled: database.prepare<[], Row>('SELECT record FROM scheduled ORDER BY sort_key'),
    deleteScheduled: database.prepare<[string]>('DELETE FROM scheduled WHERE id = ?'),
    insertAudit: database.prepare<[string, number, string, string, string]>(
      'INSERT OR IGNORE INTO audit (id, version, event, at, record) VALUES (?, ?, ?, ?, ?)',
    ),
    listAudit: database.prepare<[string], Row>('SELECT record FROM audit WHERE id = ? ORDER BY at, version, event'),
    getLease: database.prepare<[], Row>('SELECT record FROM build_lease WHERE singleton = 1'),
    putLease: database.prepare<[string]>('INSERT OR REPLACE INTO build_lease (singleton, record) VALUES (1, ?)'),
    getPending: database.prepare<[string], Row & { until: string }>('SELECT record, until FROM pending_builds WHERE build_id = ?'),
    putPending: database.prepare<[string, string, string]>('INSERT OR REPLACE INTO pending_builds (build_id, until, record) VALUES (?, ?, ?)'),
    listPending: database.prepare<[], Row>('SELECT record FROM pending_builds ORDER BY build_id'),
    deletePending: database.prepare<[string]>('DELETE FROM pending_builds WHERE build_id = ?'),
    deletePendingAt: database.prepare<[string, string]>('DELETE FROM pending_builds WHERE build_id = ? AND until = ?'),
    allocate: database.prepare<[string, number, number], { last: number }>(
      'INSERT INTO serials (department_code, year, last) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET last = last + excluded.last RETURNING last',
    ),
  };

  const parse = <T>(row: Row | undefined): T | undefined => (row === undefined ? undefined : (JSON.parse(row.record) as T));

  /**
   * The META record at the expected version, its version item (new) and the audit entry (new), or
   * nothing: what DynamoDB's transaction for one document does. Throws VersionConflictError.
   */
  function writeDocument({ record, expectedVersion, changeNote, audit }: PutDocumentEntry): void {
    const current = statements.getDocument.get(record.id);
    const conflict = () => new VersionConflictError(`Document ${record.id}`, expectedVersion);
    if (expectedVersion === 0 ? current !== undefined : current?.version !== expectedVersion) throw conflict();
    // The same version again refreshes META in place (a re-render); a new version adds its item.
    const refresh = expectedVersion > 0 && record.version === expectedVersion;
    statements.putDocument.run(record.id, record.kind, record.date, record.version, JSON.stringify(record));
    if (!refresh) {
      const version = { ...record, ...(changeNote !== undefined && { changeNote }) };
      if (statements.insertVersion.run(record.id, record.version, JSON.stringify(version)).changes === 0) throw conflict();
    }
    if (audit !== undefined && statements.insertAudit.run(audit.id, audit.version, audit.event, audit.at, JSON.stringify(audit)).changes === 0)
      throw conflict();
  }

  function checkVersion({ record, expectedVersion }: PutDocumentEntry): void {
    if (record.version !== expectedVersion && record.version !== expectedVersion + 1) {
      throw new Error(`Document ${record.id}: record version ${record.version} must be expectedVersion (${expectedVersion}) or one more.`);
    }
  }

  async function* pages(kind: DocumentKind | undefined): AsyncGenerator<DocumentRecord> {
    let last: { date: string; id: string } | undefined;
    for (;;) {
      const rows = read(`list ${kind ?? 'all'} documents`, () =>
        kind === undefined
          ? last === undefined
            ? statements.firstPage.all(LIST_PAGE)
            : statements.nextPage.all(last.date, last.id, LIST_PAGE)
          : last === undefined
            ? statements.firstKindPage.all(kind, LIST_PAGE)
            : statements.nextKindPage.all(kind, last.date, last.id, LIST_PAGE),
      );
      for (const row of rows) yield JSON.parse(row.record) as DocumentRecord;
      if (rows.length < LIST_PAGE) return;
      last = rows.at(-1);
    }
  }

  return {
    async getDocument(id) {
      return parse<DocumentRecord>(read(`get document ${id}`, () => statements.getDocument.get(id)));
    },

    async putDocument(record, expectedVersion, changeNote) {
      const entry = { record, expectedVersion, ...(changeNote !== undefined && { changeNote }) };
      checkVersion(entry);
      write(`put document ${record.id}`, () => writeDocument(entry));
    },

    async putDocuments(entries) {
      for (const entry of entries) checkVersion(entry);
      const failures: { id: string; error: Error }[] = [];
      // One transaction for the batch (one commit); each document in a savepoint of its own, so
      // exactly the conflicting ones are left out and the rest are written.
      write(`put ${entries.length} documents`, () => {
        for (const entry of entries) {
          try {
            database.transaction(() => writeDocument(entry))();
          } catch (error) {
            if (!(error instanceof VersionConflictError)) throw error;
            failures.push({ id: entry.record.id, error });
          }
        }
      });
      if (failures.length > 0) throw new PutDocumentsError(failures.sort((a, b) => (a.id < b.id ? -1 : 1)));
    },

    async getDocumentVersion(id, version) {
      return parse<DocumentVersionRecord>(read(`get version ${version} of document ${id}`, () => statements.getVersion.get(id, version)));
    },

    async listDocumentVersions(id) {
      return read(`list versions of document ${id}`, () => statements.listVersions.all(id)).map((row) => JSON.parse(row.record) as DocumentVersionRecord);
    },

    async getDocumentVersions(wanted) {
      const unique = new Map(wanted.map(({ id, version }) => [`${id}\u0000${version}`, { id, version }]));
      return read(`read ${unique.size} document versions`, () =>
        [...unique.values()].flatMap(({ id, version }) => parse<DocumentVersionRecord>(statements.getVersion.get(id, version)) ?? []),
      );
    },

    listDocuments: (kind) => pages(kind),

    async getIssue(year, number) {
      return parse<IssueRecord>(read(`get issue ${year}-${number}`, () => statements.getIssue.get(year, number)));
    },

    async putIssue(record, expectedVersion) {
      write(`put issue ${record.year}-${record.number}`, () => {
        const current = statements.getIssue.get(record.year, record.number);
        if (expectedVersion === 0 ? current !== undefined : current?.version !== expectedVersion) {
          throw new VersionConflictError(`Issue ${record.year}-${String(record.number).padStart(2, '0')}`, expectedVersion);
        }
        statements.putIssue.run(record.year, record.number, record.version, JSON.stringify(record));
      });
    },

    async listIssues() {
      return read('list issues', () => statements.listIssues.all()).map((row) => JSON.parse(row.record) as IssueRecord);
    },

    async putScheduled(record) {
      write(`stage scheduled document ${record.id}`, () => statements.putScheduled.run(record.id, `${record.publishAt}#${record.id}`, JSON.stringify(record)));
    },

    async listScheduled() {
      return read('list scheduled documents', () => statements.listScheduled.all()).map((row) => JSON.parse(row.record) as ScheduledRecord);
    },

    async deleteScheduled(id) {
      write(`delete scheduled document ${id}`, () => statements.deleteScheduled.run(id));
    },

    async putAudit(entry) {
      // Already recorded by an earlier attempt of the same step: the trail keeps the first.
      write(`record ${entry.event} of ${entry.id}`, () => statements.insertAudit.run(entry.id, entry.version, entry.event, entry.at, JSON.stringify(entry)));
    },

    async listAudit(id) {
      return read(`list the audit trail of ${id}`, () => statements.listAudit.all(id)).map((row) => JSON.parse(row.record) as AuditEntry);
    },

    async getBuildLease() {
      return parse<BuildLease>(read('read the build lease', () => statements.getLease.get()));
    },

    async claimBuildLease(seen, next) {
      return write('take the build lease', () => {
        const current = parse<BuildLease>(statements.getLease.get());
        // Like DynamoDB's condition: only the token and the active flag are compared.
        const unchanged = seen === undefined ? current === undefined : current !== undefined && current.token === seen.token && current.active === seen.active;
        if (unchanged) statements.putLease.run(JSON.stringify(next));
        return unchanged;
      });
    },

    async renewBuildLease(fence, since) {
      return write('renew the build lease', () => {
        const current = parse<BuildLease>(statements.getLease.get());
        if (current?.fence !== fence || current.active !== true) return false;
        statements.putLease.run(JSON.stringify({ ...current, since }));
        return true;
      });
    },

    async finishBuildLease(fence) {
      return write('finish the build lease', () => {
        const current = parse<BuildLease>(statements.getLease.get());
        if (current?.fence !== fence || current.active !== true) return 'lost';
        statements.putLease.run(JSON.stringify({ ...current, active: false }));
        return current.token === fence ? 'kept' : 'spoiled';
      });
    },

    async markPendingBuild(mark) {
      write(`mark build ${mark.buildId} pending`, () => {
        const current = statements.getPending.get(mark.buildId);
        // Like DynamoDB's condition: `until` only moves later; the first mark's time stays.
        if (current !== undefined && current.until >= mark.until) return;
        const since = current === undefined ? mark.since : (JSON.parse(current.record) as PendingBuild).since;
        statements.putPending.run(mark.buildId, mark.until, JSON.stringify({ ...mark, since }));
      });
    },

    async listPendingBuilds() {
      return read('list the pending builds', () => statements.listPending.all()).map((row) => JSON.parse(row.record) as PendingBuild);
    },

    async clearPendingBuild(buildId, until) {
      const deleted = write(`clear the pending mark of build ${buildId}`, () =>
        until === undefined ? statements.deletePending.run(buildId) : statements.deletePendingAt.run(buildId, until),
      );
      return deleted.changes > 0;
    },

    async allocateSerials(departmentCode, year, count) {
      if (!Number.isInteger(count) || count < 1) throw new Error(`allocateSerials: count must be a positive integer, got ${count}.`);
      const { last } = write(
        `allocate ${count} serials for ${departmentCode}/${year}`,
        () => statements.allocate.get(departmentCode, year, count) as { last: number },
      );
      return last - count + 1;
    },
  };
}
