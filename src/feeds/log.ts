// The feed log: every published version and withdrawal, in the order they became visible.
// It only grows, so each feed's filtered view only grows too, and a full RFC 5005 archive page
// (a fixed slice of that view) is rewritten only when a version it shows is rendered again in
// place (rebuildFeeds.ts: its entry then lists the files' new SHA-256).

import type { DocumentKind, Lang } from '../content/model.ts';
import type { DocumentRecord } from '../content/records.ts';

export interface FeedLogItem {
  id: string;
  version: number;
  kind: DocumentKind;
  lang: Lang;
  department: string;
  category: string;
  urlPath: string;
  date: string;
  /** `updatedAt` of the version (from the injected clock at publish). */
  at: string;
  withdrawn?: true;
  /** Tags (标签) of the version, for column feeds; absent when it has none. */
  tags?: string[];
}

function logItem(record: DocumentRecord): FeedLogItem {
  return {
    id: record.id,
    version: record.version,
    kind: record.kind,
    lang: record.lang,
    department: record.department,
    category: record.category,
    urlPath: record.urlPath,
    date: record.date,
    at: record.updatedAt,
    ...(record.status === 'withdrawn' ? { withdrawn: true as const } : {}),
    ...(record.tags === undefined || record.tags.length === 0 ? {} : { tags: [...record.tags] }),
  };
}

/**
 * The items to append so the log reflects every record: versions not logged yet, ordered by
 * the time they were made visible, then date, then id (a stable order for one build's batch).
 */
export function unloggedItems(log: readonly FeedLogItem[], records: Iterable<DocumentRecord>): FeedLogItem[] {
  const latest = new Map<string, number>();
  for (const item of log) latest.set(item.id, item.version);
  const fresh: FeedLogItem[] = [];
  for (const record of records) {
    if (record.status === 'scheduled') continue;
    if (latest.get(record.id) === record.version) continue;
    fresh.push(logItem(record));
  }
  return fresh.sort((a, b) => compare(a.at, b.at) || compare(a.date, b.date) || compare(a.id, b.id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keep the last occurrence of each id (a newer version supersedes the older), in log order. */
export function latestPerId(items: readonly FeedLogItem[]): FeedLogItem[] {
  const last = new Map<string, number>();
  items.forEach((item, i) => last.set(item.id, i));
  return items.filter((item, i) => last.get(item.id) === i);
}

/**
 * The log as stored: one tuple per item, repeated strings interned, about half the JSON of objects.
 * `tags` (interned) was added later: a log written before has 10-element tuples, whose tags are unknown.
 */
export interface StoredLog {
  strings: string[];
  items: [
    id: string,
    version: number,
    kind: number,
    lang: number,
    department: number,
    category: number,
    urlPath: string,
    date: string,
    at: string,
    withdrawn: 0 | 1,
    tags?: number[],
  ][];
}

export function encodeLog(log: readonly FeedLogItem[]): StoredLog {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (value: string): number => {
    let i = index.get(value);
    if (i === undefined) {
      i = strings.push(value) - 1;
      index.set(value, i);
    }
    return i;
  };
  const items = log.map((item): StoredLog['items'][number] => [
    item.id,
    item.version,
    intern(item.kind),
    intern(item.lang),
    intern(item.department),
    intern(item.category),
    item.urlPath,
    item.date,
    item.at,
    item.withdrawn ? 1 : 0,
    (item.tags ?? []).map(intern),
  ]);
  return { strings, items };
}

/**
 * The log from its stored form. Items logged before tags were (no tags element) take theirs from
 * `legacyTags` (the document's current tags), so a tag column's feed still finds older documents.
 */
export function decodeLog(stored: StoredLog, legacyTags?: (id: string) => readonly string[] | undefined): FeedLogItem[] {
  const at = (i: number) => stored.strings[i] as string;
  return stored.items.map(([id, version, kind, lang, department, category, urlPath, date, time, withdrawn, tagIndexes]) => {
    const tags = tagIndexes === undefined ? [...(legacyTags?.(id) ?? [])] : tagIndexes.map(at);
    return {
      id,
      version,
      kind: at(kind) as DocumentKind,
      lang: at(lang) as Lang,
      department: at(department),
      category: at(category),
      urlPath,
      date,
      at: time,
      ...(withdrawn === 1 ? { withdrawn: true as const } : {}),
      ...(tags.length === 0 ? {} : { tags }),
    };
  });
}
