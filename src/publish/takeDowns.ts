// Take-downs: the public files of withdrawn documents, removed from what the records say.
// The withdrawn record is the commit point; this step, the last of every build, deletes what
// each withdrawal leaves public, asks the CDN to forget those paths, and only then marks the
// withdrawal done (in private state). A build that failed in between is finished by the next
// one, whatever the content says: nothing here depends on the document having changed.

import { createHash } from 'node:crypto';
import { mapLimit } from '../concurrency.ts';
import { pageKey, TAKE_DOWNS_KEY } from '../content/keys.ts';
import { type DocumentRecord, type ObjectStore, type RecordStore, SITE_PREFIX } from '../store/ports.ts';
import type { PublishedState } from './plan.ts';

/** The CDN in front of the site: told which cached paths are gone. */
export interface CdnInvalidator {
  /**
   * Drop cached copies of `paths` (as `cdnPath` makes them). `reference` names the request: the
   * same reference again is the same request, never a second invalidation.
   */
  invalidate(paths: readonly string[], reference: string): Promise<void>;
}

/** HEAD requests in flight while finding which of a withdrawal's files are still there. */
const HEAD_CONCURRENCY = 16;

/** Withdrawals whose take-down finished (under TAKE_DOWNS_KEY): document id → the withdrawn version. */
interface TakeDownState {
  done: Record<string, number>;
}

export interface TakeDownResult {
  /** Withdrawn documents whose take-down this call finished, as `id@version`. */
  documents: string[];
  /** Site keys (relative to the site prefix) that were there and are gone now. */
  removed: string[];
}

export interface TakeDownInput {
  objects: ObjectStore;
  records: RecordStore;
  /** Every document record after the build. */
  state: PublishedState;
  cdn?: CdnInvalidator;
}

/**
 * Finish every withdrawal not marked done: delete the files its earlier versions published
 * (page copies at `<path>v<n>/`, PDF, attachments, errata aside), keeping the withdrawal notice
 * and anything another document publishes; invalidate what was there; then mark it done.
 */
export async function finishTakeDowns({ objects, records, state, cdn }: TakeDownInput): Promise<TakeDownResult> {
  const withdrawn = [...state.documents.values()].filter((record) => record.status === 'withdrawn');
  if (withdrawn.length === 0) return { documents: [], removed: [] };
  const stored = await objects.get(TAKE_DOWNS_KEY);
  const done: TakeDownState['done'] = stored === undefined ? {} : (JSON.parse(Buffer.from(stored.body).toString('utf8')) as TakeDownState).done;
  const pending = withdrawn.filter((record) => done[record.id] !== record.version).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (pending.length === 0) return { documents: [], removed: [] };

  const published = new Set<string>();
  for (const record of state.documents.values()) for (const ref of record.artifacts) published.add(ref.key);
  const keys = new Set<string>();
  for (const record of pending) for (const key of await leftPublic(objects, records, record, published)) keys.add(key);
  // Deleted only where there (in a versioned bucket, deleting a missing key still leaves a marker).
  const sorted = [...keys].sort();
  const there = await mapLimit(sorted, HEAD_CONCURRENCY, async (key) => (await objects.head(SITE_PREFIX + key)) !== undefined);
  const present = sorted.filter((_, i) => there[i]);
  if (present.length > 0) await objects.delete(present.map((key) => SITE_PREFIX + key));

  // Every key named was public once (a version's artifact, or a page copy still listed): all are
  // invalidated, so a retry after the delete sends the request the first try sent.
  const documents = pending.map((record) => `${record.id}@${record.version}`);
  const paths = sorted.map(cdnPath).sort();
  if (cdn !== undefined && paths.length > 0) await cdn.invalidate(paths, takeDownReference(documents));
  const next: TakeDownState = { done: { ...done } };
  for (const record of pending) next.done[record.id] = record.version;
  const byId = Object.fromEntries(Object.entries(next.done).sort(([a], [b]) => (a < b ? -1 : 1)));
  await objects.put({ key: TAKE_DOWNS_KEY, body: Buffer.from(JSON.stringify({ done: byId }), 'utf8'), contentType: 'application/json' });
  return { documents, removed: present };
}

/**
 * Keys (relative to the site prefix) a withdrawal must not leave public: every version's
 * artifacts and archived page copies, less the withdrawal's own, its errata (listed in issues),
 * and what any other record publishes.
 */
async function leftPublic(objects: ObjectStore, records: RecordStore, record: DocumentRecord, published: Set<string>): Promise<string[]> {
  const errata = new Set((record.errata ?? []).map((erratum) => pageKey(erratum.urlPath)));
  const keys = new Set<string>();
  for (const version of await records.listDocumentVersions(record.id)) for (const ref of version.artifacts) keys.add(ref.key);
  const copies = `${SITE_PREFIX}${record.urlPath.slice(1)}v`;
  for await (const head of objects.listKeys(copies)) {
    if (/^\d+\/index\.html$/.test(head.key.slice(copies.length))) keys.add(head.key.slice(SITE_PREFIX.length));
  }
  return [...keys].filter((key) => !published.has(key) && !errata.has(key));
}

/**
 * A site key as CloudFront's invalidation API wants its path: `/` + the key, with non-ASCII (as
 * UTF-8) and RFC 1738's unsafe characters percent-encoded, `?` too (it would start a query), and
 * nothing else: CloudFront does not match a path with other characters encoded.
 */
export function cdnPath(key: string): string {
  let path = '/';
  for (const char of key) {
    path +=
      char.charCodeAt(0) > 0x7e || char <= ' ' || UNSAFE.includes(char)
        ? [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
        : char;
  }
  return path;
}

const UNSAFE = '<>"#%{}|\\^~[]`?';

/** Names an invalidation by the withdrawals it finishes: a retry of the same ones is the same request. */
function takeDownReference(documents: string[]): string {
  return `gazette-take-down-${createHash('sha256').update(documents.join('\n')).digest('hex').slice(0, 32)}`;
}
