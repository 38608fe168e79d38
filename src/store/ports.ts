// Narrow ports the use cases depend on. Adapters (S3, DynamoDB) implement them and translate
// their SDK's errors into the errors below: no SDK error type leaks past an adapter.

import type { DocumentKind } from '../content/model.ts';
import type {
  ArtifactRef,
  AuditEntry,
  AuditEvent,
  DocumentRecord,
  DocumentStatus,
  DocumentVersionRecord,
  ErratumRef,
  IssueRecord,
  ScheduledRecord,
} from '../content/records.ts';

// The bucket's two prefixes belong to the key layout, with every other key.
export { PRIVATE_PREFIX, SITE_PREFIX } from '../content/keys.ts';

export interface StoredObject {
  key: string;
  body: Uint8Array;
  contentType: string;
  cacheControl?: string;
  /** sha256 hex of body, as stored in object metadata `sha256`. */
  sha256?: string;
  etag?: string;
}

export interface ObjectHead {
  key: string;
  size: number;
  contentType: string;
  cacheControl?: string;
  etag: string;
  sha256?: string;
}

export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
}

export interface PutObjectInput {
  key: string;
  body: Uint8Array;
  contentType: string;
  cacheControl?: string;
  /** Hex SHA-256 of `body`, when the caller has it already (the store need not hash it again). */
  sha256?: string;
}

export interface ObjectStore {
  /**
   * Write an object; its sha256 is stored as metadata. Resolves `'unchanged'` when the store
   * found the object already holding these very bytes and metadata and wrote nothing (only a
   * store that says `putSkipsUnchanged` does).
   */
  put(input: PutObjectInput): Promise<void | 'unchanged'>;
  /**
   * `put` compares with what is there, at no more cost than a `head`, and writes nothing when it
   * is the same (the file store): a caller that writes only what changed need not ask first.
   */
  readonly putSkipsUnchanged?: boolean;
  /** undefined when the key does not exist. */
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectHead | undefined>;
  /** Every object under a prefix, in key order (one HEAD per object: prefer listKeys for counting). */
  list(prefix: string): AsyncIterable<ObjectHead>;
  /** Keys, sizes and etags under a prefix, in key order; one request per 1000 keys. */
  listKeys(prefix: string): AsyncIterable<ObjectSummary>;
  delete(keys: string[]): Promise<void>;
  /**
   * Copy the object at `from` to `to` inside the store, bytes and metadata (content type,
   * cache-control, sha256) as they are, without the bytes passing through this process. False
   * when `from` does not exist (nothing is written).
   */
  copy(from: string, to: string): Promise<boolean>;
}

// The domain records live with the content model; the ports store them, and re-export them for
// the use cases and adapters.
export type { ArtifactRef, AuditEntry, AuditEvent, DocumentRecord, DocumentStatus, DocumentVersionRecord, ErratumRef, IssueRecord, ScheduledRecord };

export interface PutDocumentEntry {
  record: DocumentRecord;
  expectedVersion: number;
  changeNote?: string;
  /** The state change this write is, recorded in the same transaction. */
  audit?: AuditEntry;
}

/**
 * Who built last, and which build holds the table's one lease: the lease makes the finalize step
 * (listings, derived outputs, feeds) one writer at a time, and lets a machine trust its own
 * snapshot of the records instead of reading them all (see src/publish/lease.ts and snapshot.ts).
 */
export interface BuildLease {
  /** Names the snapshot the last finished build left; a build that ran beside changes it ("spoils" it). */
  token: string;
  active: boolean;
  /** ISO time the lease was taken or last renewed (a lease left unrenewed by a crash expires). */
  since: string;
  /** The holder's own id, changed only by a claim: the fencing token its writes are checked against. */
  fence?: string;
  /** The process holding it (random per process), to recognise a holder that died in this process. */
  holder?: string;
  /** Host name and process id of the holder, for a local build to take over from a killed one. */
  host?: string;
  pid?: number;
}

/**
 * A build that may have committed document records its listings do not show yet: marked before
 * its first commit, cleared by the finalize step that lists them (its own, or a later build's
 * once this one is dead). See src/publish/buildState.ts.
 */
export interface PendingBuild {
  buildId: string;
  /** ISO time: the build commits nothing after it unless it moves it later first (a mark past it belongs to a dead build). */
  until: string;
  /** ISO time the build was marked. */
  since: string;
  /** The marking process (random per process), its host and process id: as in BuildLease. */
  holder?: string;
  host?: string;
  pid?: number;
}

/** How giving up a lease went: `kept` the snapshot token was still ours; `spoiled` a build ran beside; `lost` someone else holds it now. */
export type LeaseRelease = 'kept' | 'spoiled' | 'lost';

export interface RecordStore {
  getDocument(id: string): Promise<DocumentRecord | undefined>;
  /**
   * Write the META record and its version item in one transaction, on condition that the
   * current version is `expectedVersion` (0: the document must not exist yet).
   * Throws VersionConflictError when another writer got there first.
   */
  putDocument(record: DocumentRecord, expectedVersion: number, changeNote?: string): Promise<void>;
  /**
   * Many putDocument calls at once, for builds: bounded parallel transactions, each with its own
   * condition. Every entry is attempted; if any failed, throws a PutDocumentsError listing them
   * (the others are written).
   */
  putDocuments(entries: PutDocumentEntry[]): Promise<void>;
  getDocumentVersion(id: string, version: number): Promise<DocumentVersionRecord | undefined>;
  listDocumentVersions(id: string): Promise<DocumentVersionRecord[]>;
  /** Many version items at once, by id and version (batched reads); missing ones are left out, in no particular order. */
  getDocumentVersions(keys: readonly { id: string; version: number }[]): Promise<DocumentVersionRecord[]>;
  /** Every document's META record, ordered by date then id (a GSI query). */
  listDocuments(kind?: DocumentKind): AsyncIterable<DocumentRecord>;
  getIssue(year: number, number: number): Promise<IssueRecord | undefined>;
  putIssue(record: IssueRecord, expectedVersion: number): Promise<void>;
  listIssues(): Promise<IssueRecord[]>;
  /** Stage a scheduled document (overwrites the previous staging of the same id). */
  putScheduled(record: ScheduledRecord): Promise<void>;
  /** Every staged document, by publishAt then id. */
  listScheduled(): Promise<ScheduledRecord[]>;
  deleteScheduled(id: string): Promise<void>;
  /** Record a state change; writing the same (id, version, event) again changes nothing. */
  putAudit(entry: AuditEntry): Promise<void>;
  /** A document's audit trail, oldest first. */
  listAudit(id: string): Promise<AuditEntry[]>;
  getBuildLease(): Promise<BuildLease | undefined>;
  /**
   * Take the lease for a build, on condition that it is still `seen` (undefined: there was none).
   * False when another build changed it first.
   */
  claimBuildLease(seen: BuildLease | undefined, next: BuildLease): Promise<boolean>;
  /** Extend the lease held under `fence` (set `since`); false when it is not held under that fence any more. */
  renewBuildLease(fence: string, since: string): Promise<boolean>;
  /** Give up the lease held under `fence`: see LeaseRelease. */
  finishBuildLease(fence: string): Promise<LeaseRelease>;
  /**
   * Mark a build pending, or extend its mark. `until` only moves later: a mark that already says
   * later is kept as it is.
   */
  markPendingBuild(mark: PendingBuild): Promise<void>;
  /** Every pending build's mark, by build id. */
  listPendingBuilds(): Promise<PendingBuild[]>;
  /**
   * Remove a build's mark. With `until`, only while the mark still says that time (a build that
   * extended it since may have committed more); false when the mark was kept or was not there.
   */
  clearPendingBuild(buildId: string, until?: string): Promise<boolean>;
  /**
   * Reserve `count` consecutive serial numbers for 索引号 of one department and year.
   * Returns the first; the counter is atomic, so concurrent builds never share a number.
   */
  allocateSerials(departmentCode: string, year: number, count: number): Promise<number>;
}

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  constructor(
    readonly entity: string,
    readonly expectedVersion: number,
  ) {
    super(`${entity} was changed by another writer (expected version ${expectedVersion}); reload and retry.`);
  }
}

/** A storage request failed for a reason other than the ones below; `cause` holds the SDK error. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** The store could not be reached (connection refused, reset, timed out); the message names the endpoint. */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
}

/** Some entries of a putDocuments batch were not written; the rest were. */
export class PutDocumentsError extends StoreError {
  override name = 'PutDocumentsError';
  constructor(readonly failures: { id: string; error: Error }[]) {
    super(
      `${failures.length} document record(s) were not written; the others were:\n` + failures.map(({ id, error }) => `  ${id}: ${error.message}`).join('\n'),
    );
  }
}
