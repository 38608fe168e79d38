// rebuildFeeds: the use case the build calls after the pages are written. It appends what
// changed to the feed log, writes newly full archive documents (once, and again only when a version
// they show is rendered again in place), then the subscription documents that changed. Bytes
// depend only on content, so an unchanged rebuild writes nothing.

import { gunzipSync, gzipSync } from 'node:zlib';
import type { SiteConfig } from '../content/model.ts';
import { siteTagDate, siteUtcOffset } from '../content/siteSettings.ts';
import type { Partner } from '../delivery/partners.ts';
import { type OutputKind, outputFormats } from '../outputs.ts';
import { mapLimit } from '../concurrency.ts';
import { entryKey, feedArchiveKey, FEED_LOG_KEY, FEED_SHOWN_KEY, FEED_STATE_KEY, feedHeadCacheKey, feedHeadKey } from '../content/keys.ts';
import { digestOf, sha256 } from './digest.ts';
import { parsedBodies } from './bucketMemory.ts';
import { type DocumentRecord, type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { atomChunks } from '../feeds/atom.ts';
import { later } from '../feeds/dates.ts';
import { defaultFeedSettings, type FeedColumn, type FeedDefinition, feedDefinitions, type FeedSettings, formatUrls, tagPrefix } from '../feeds/definitions.ts';
import { type EntryOptions, entryId, feedEntry, type FeedEntrySource } from '../feeds/entries.ts';
import { jsonFeedChunks } from '../feeds/jsonFeed.ts';
import { decodeLog, encodeLog, type FeedLogItem, latestPerId, type StoredLog, unloggedItems } from '../feeds/log.ts';
import { type Feed, type FeedEntry, type FeedFormat, feedFormats, type FormatUrls } from '../feeds/model.ts';
import { gazetteNamespace } from '../feeds/namespaces.ts';
import { rssChunks } from '../feeds/rss.ts';

// A feed's head cache (feedHeadCacheKey) holds the entry sources its subscription document shows,
// so the next increment reads one object, not N fragments.

/**
 * A head cache is rewritten only once this many of the sources its feed shows are missing from it:
 * in between, the few newest are read from their fragments (one small read each, shared by every
 * feed that shows them), so an increment does not rewrite ~200 KiB of cache per feed it touches.
 */
const HEAD_CACHE_SLACK = 8;

/**
 * The feed log (FEED_LOG_KEY) up to some point, gzipped JSON. The state takes its first `logBase` items and keeps
 * only the later ones itself, so an increment rewrites kilobytes, not the history; the snapshot is
 * rewritten once that tail reaches `LOG_TAIL_LIMIT` items. The log only grows, so a snapshot longer
 * than the state expects (a crash between the two writes) still starts with the items it needs.
 * Both keys are fixed, so they are read at once.
 */
const LOG_TAIL_LIMIT = 500;

/** Bump when serializers change their output, so every subscription document is re-rendered (a build's `codeVersion` also counts every change of the feeds' code). */
const SERIALIZER_VERSION = 1;

interface FeedState {
  fingerprint: string;
  /** The feeds' code when the feeds were last written (RebuildFeedsInput.codeVersion). */
  code?: string;
  log: FeedLogItem[];
  /** Items of the log stored in the snapshot at `FEED_LOG_KEY` (0 for a state that holds its whole log). */
  logBase: number;
  /** Archive pages written, per feed name. */
  archived: Record<string, number>;
  /** `selects` of each feed when its archive pages were written. */
  selects?: Record<string, string>;
  /** sha256 of each subscription document as last written, by object key. */
  heads: Record<string, string>;
}

export interface RebuildFeedsInput {
  objects: ObjectStore;
  site: SiteConfig;
  partners: readonly Partner[];
  /** Special columns (专栏): one feed each. */
  columns?: readonly FeedColumn[];
  /**
   * The version of the feeds' code (feedsCodeVersion in renderCode.ts): when it is not the one the
   * feeds were last written with, every feed document is written again, archive pages too, as for
   * a feed whose selection changed. Without it, only SERIALIZER_VERSION stands for the code.
   */
  codeVersion?: string;
  /** Every document record as published now (after the build's commit point). */
  documents: Iterable<DocumentRecord>;
  settings?: Partial<FeedSettings>;
  /** Re-render every subscription document and check every archive page exists in the store. */
  full?: boolean;
  /** Object reads and writes in flight at once. */
  concurrency?: number;
  /**
   * Called with the records of the versions new to the feed log, before anything is written.
   * The outbox hook: recording delivery jobs here (idempotently) makes them converge with the
   * records even when a previous run crashed between the commit point and the feeds.
   */
  beforeWrite?: (changed: DocumentRecord[]) => Promise<void>;
}

export interface ChangedFeed {
  name: string;
  urls: FormatUrls;
  hubUrl?: string;
}

export interface RebuildFeedsResult {
  /** Object keys written (archive pages were written before subscription documents), sorted. */
  written: string[];
  /** Subscription feeds whose bytes changed: what WebSub hubs must hear about. */
  changedFeeds: ChangedFeed[];
  /** Versions added to the feed log by this run. */
  appended: FeedLogItem[];
}

const outputKind: Record<FeedFormat, OutputKind> = { rss: 'rss', atom: 'atom', json: 'jsonFeed' };
/** Each serializer hands back UTF-8 chunks (items encoded once per entry); a document is their concatenation. */
const serializers: Record<FeedFormat, (feed: Feed) => Uint8Array[]> = { rss: rssChunks, atom: atomChunks, json: jsonFeedChunks };
const render = (format: FeedFormat, feed: Feed): Buffer => Buffer.concat(serializers[format](feed));

interface PlannedDocument {
  def: FeedDefinition;
  items: FeedLogItem[];
  /** Archive page number, or undefined for the subscription document. */
  page?: number;
  /** Newest archive page older than this document. */
  prevPage?: number;
}

export async function rebuildFeeds(input: RebuildFeedsInput): Promise<RebuildFeedsResult> {
  const { objects, site } = input;
  const settings: FeedSettings = { ...defaultFeedSettings, ...siteFeedSettings(site), ...input.settings };
  const concurrency = input.concurrency ?? 16;
  const records = new Map<string, DocumentRecord>();
  for (const record of input.documents) records.set(record.id, record);
  const [saved, shownBefore] = await Promise.all([readState(objects, (id) => records.get(id)?.tags), readShown(objects)]);
  const columns = (input.columns ?? []).map(({ id, title, summary, rule, urlPath }) => ({ id, title, summary, rule, urlPath }));
  // Columns count only when there are some, so a site without columns keeps its fingerprint.
  // `archiveFullText` shapes only archive pages, which `selects` tracks per feed: it leaves the subscription documents alone.
  const { archiveFullText: _archives, ...headSettings } = settings;
  const code = input.codeVersion;
  const fingerprint = digestOf({
    SERIALIZER_VERSION,
    ...(code === undefined ? {} : { code }),
    site,
    partners: input.partners,
    settings: headSettings,
    ...(columns.length === 0 ? {} : { columns }),
  });
  const state: FeedState = saved ?? { fingerprint, log: [], logBase: 0, archived: {}, heads: {} };
  // New feed code may select, title or serialize differently: every feed's history is written again.
  const newCode = code !== undefined && saved !== undefined && saved.code !== code;
  if (code !== undefined) state.code = code;

  const appended = unloggedItems(state.log, records.values());
  if (input.beforeWrite !== undefined && appended.length > 0) await input.beforeWrite(appended.map((item) => records.get(item.id) as DocumentRecord));
  state.log.push(...appended);
  const everything = input.full === true || saved === undefined || saved.fingerprint !== fingerprint;
  state.fingerprint = fingerprint;
  const definitions = feedDefinitions(site, input.partners, settings, input.columns);
  // Versions the feeds show that were rendered again in place since (their records' render digest
  // is not the one the feeds last showed): their fragments are new.
  const shown = new Map(shownBefore);
  const again = renderedAgain(records.values(), appended, shown);
  const againItems = again.size === 0 ? [] : latestPerId(state.log).filter((item) => again.has(versionKey(item)));

  // A feed whose selection changed (e.g. a partner's profile) has a different history: its pages are rewritten.
  state.selects ??= {};
  const reselected = new Set<string>();
  for (const def of definitions) {
    if (state.selects[def.name] !== undefined && (newCode || state.selects[def.name] !== def.selects)) {
      state.archived[def.name] = 0;
      reselected.add(def.name);
    }
    state.selects[def.name] = def.selects;
  }
  const affected = everything
    ? definitions
    : definitions.filter((def) => reselected.has(def.name) || appended.some((item) => def.takes(item)) || againItems.some((item) => def.takes(item)));
  const existing = input.full === true ? await existingKeys(objects) : undefined;
  const planned: PlannedDocument[] = [];
  for (const def of affected) {
    const items = state.log.filter((item) => def.takes(item));
    if (items.length === 0) continue;
    const size = settings.archivePageSize;
    const fullPages = Math.floor(items.length / size);
    const firstNew = existing === undefined ? (state.archived[def.name] ?? 0) + 1 : 1;
    // Archive pages already written that show a version rendered again: written again.
    const rewritten = new Set<number>();
    const archivedBefore = Math.min(state.archived[def.name] ?? 0, fullPages);
    if (again.size > 0) items.forEach((item, i) => i < archivedBefore * size && again.has(versionKey(item)) && rewritten.add(Math.floor(i / size) + 1));
    for (const page of [...rewritten].sort((a, b) => a - b)) {
      planned.push({ def, items: items.slice((page - 1) * size, page * size), page, ...(page > 1 ? { prevPage: page - 1 } : {}) });
    }
    for (let page = firstNew; page <= fullPages; page++) {
      if (rewritten.has(page)) continue;
      if (
        existing !== undefined &&
        !reselected.has(def.name) &&
        feedFormats.every((format) => existing.has(SITE_PREFIX + feedArchiveKey(def.name, page, format)))
      )
        continue;
      planned.push({ def, items: items.slice((page - 1) * size, page * size), page, ...(page > 1 ? { prevPage: page - 1 } : {}) });
    }
    const start = Math.max(0, Math.min(items.length - settings.headSize, fullPages * size));
    planned.push({ def, items: items.slice(start), ...(fullPages > 0 ? { prevPage: fullPages } : {}) });
  }

  const heads = planned.filter((doc) => doc.page === undefined);
  // Sources change only when their version is rendered again in place (`again`, left out of the
  // caches below), so the caches are valid even when the state is not trusted (--full).
  const cached = new Map<string, FeedEntrySource>();
  /** Per feed, the sources its stored head cache holds. */
  const inCache = new Map<string, Set<string>>();
  /** Feeds whose stored head cache holds a version rendered again since. */
  const staleCaches = new Set<string>();
  // The new versions are in no cache: their fragments are read while the caches are.
  const fresh = latestPerId(appended).filter((item) => !item.withdrawn);
  const prefetch = mapLimit(fresh, concurrency, async (item) => void cached.set(versionKey(item), await loadSource(objects, item, records)));
  const caches = mapLimit(heads, concurrency, async (doc) => {
    const stored = await objects.get(feedHeadCacheKey(doc.def.name));
    if (stored === undefined) return;
    const keys = new Set<string>();
    for (const source of headCaches.get(stored.body, (body) => JSON.parse(Buffer.from(body).toString('utf8')) as FeedEntrySource[])) {
      const cacheKey = versionKey(source);
      // A version rendered again is read from its new fragment, and the cache that held it is written again.
      if (again.has(cacheKey)) {
        staleCaches.add(doc.def.name);
        continue;
      }
      cached.set(cacheKey, source);
      keys.add(cacheKey);
    }
    inCache.set(doc.def.name, keys);
  });
  await Promise.all([prefetch, caches]);
  const entries = await loadEntries(objects, planned, records, concurrency, cached);
  cached.clear(); // what the planned documents show is in `entries`
  const options = (fullText: boolean): EntryOptions => ({
    baseUrl: site.baseUrl,
    utcOffset: settings.utcOffset,
    tagPrefix: tagPrefix(site, settings),
    fullText,
  });
  const entryCache = new Map<string, FeedEntry>();
  const entryOf = (item: FeedLogItem, fullText: boolean): FeedEntry => {
    const cacheKey = entryCacheKey(item, fullText);
    let entry = entryCache.get(cacheKey);
    if (entry === undefined) {
      entry = item.withdrawn ? tombstone(item, options(false)) : feedEntry(entries.get(versionKey(item)) as FeedEntrySource, options(fullText));
      entryCache.set(cacheKey, entry);
    }
    return entry;
  };
  // How many planned documents not yet written show each entry and each source: at none, both are
  // let go of (and the bytes the serializers keep per entry with them), so a full rebuild holds the
  // entries of the documents in flight and of the pages each feed has begun, not the whole log's.
  const entryUses = new Map<string, number>();
  const sourceUses = new Map<string, number>();
  const use = (uses: Map<string, number>, key: string, by: number): number => {
    const left = (uses.get(key) ?? 0) + by;
    if (left > 0) uses.set(key, left);
    else uses.delete(key);
    return left;
  };
  const count = (doc: PlannedDocument, by: 1 | -1) => {
    const fullText = doc.page === undefined ? doc.def.fullText : doc.def.archiveFullText;
    for (const item of latestPerId(doc.items)) {
      const entry = entryCacheKey(item, fullText);
      if (use(entryUses, entry, by) === 0) entryCache.delete(entry);
      if (!item.withdrawn && use(sourceUses, versionKey(item), by) === 0) entries.delete(versionKey(item));
    }
  };
  for (const doc of planned) count(doc, 1);
  const done = (doc: PlannedDocument) => count(doc, -1);

  const written: string[] = [];
  const changedFeeds: ChangedFeed[] = [];
  // Oldest pages first across all feeds (by their newest item): an entry is let go of once the
  // last page showing it is written, and every feed's page showing it ends near it in the log.
  const position = new Map(state.log.map((item, i) => [item, i] as const));
  const ends = (doc: PlannedDocument) => position.get(doc.items[doc.items.length - 1] as FeedLogItem) ?? 0;
  const archives = planned.filter((doc) => doc.page !== undefined).sort((a, b) => ends(a) - ends(b));
  await mapLimit(archives, concurrency, async (doc) => {
    const model = feedModel(doc);
    await Promise.all(
      feedFormats.map(async (format) => {
        const key = SITE_PREFIX + feedArchiveKey(doc.def.name, doc.page as number, format);
        await writeFeed(objects, key, format, render(format, model));
        written.push(key);
      }),
    );
    done(doc);
  });
  for (const doc of archives) state.archived[doc.def.name] = Math.max(state.archived[doc.def.name] ?? 0, doc.page as number);
  await mapLimit(heads, concurrency, async (doc) => {
    // Let the writes of the documents rendered so far reach the store while this one renders.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const model = feedModel(doc);
    const documents = await Promise.all(
      feedFormats.map(async (format) => {
        const key = SITE_PREFIX + feedHeadKey(doc.def.name, format);
        const body = render(format, model);
        const digest = sha256(body);
        const known = input.full === true ? (await objects.head(key))?.sha256 : state.heads[key];
        return { format, key, body, digest, changed: known !== digest };
      }),
    );
    const changed = documents.filter((document) => document.changed);
    if (changed.length > 0) {
      // The cache holds the sources as this run read them (id@version), so it may be written beside the documents.
      const writes: Promise<unknown>[] = changed.map((document) => writeFeed(objects, document.key, document.format, document.body));
      const shown = latestPerId(doc.items)
        .filter((item) => !item.withdrawn)
        .map(versionKey);
      const stored = inCache.get(doc.def.name);
      if (stored === undefined || staleCaches.has(doc.def.name) || shown.filter((cacheKey) => !stored.has(cacheKey)).length >= HEAD_CACHE_SLACK) {
        const sources = shown.map((cacheKey) => entries.get(cacheKey));
        writes.push(
          objects.put({ key: feedHeadCacheKey(doc.def.name), body: Buffer.from(JSON.stringify(sources), 'utf8'), contentType: outputFormats.json.mediaType }),
        );
      }
      await Promise.all(writes);
      for (const document of changed) {
        state.heads[document.key] = document.digest;
        written.push(document.key);
      }
      changedFeeds.push({
        name: doc.def.name,
        urls: formatUrls(site.baseUrl, (format) => feedHeadKey(doc.def.name, format)),
        ...(doc.def.hubUrl === undefined ? {} : { hubUrl: doc.def.hubUrl }),
      });
    }
    done(doc);
  });
  if (saved === undefined || written.length > 0 || appended.length > 0 || saved.fingerprint !== fingerprint) {
    await writeState(objects, state);
  }
  // After the documents that show them: a run that stops before this renders them again next time.
  if (!sameEntries(shown, shownBefore)) await writeShown(objects, shown);
  written.sort();
  changedFeeds.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { written, changedFeeds, appended };

  function feedModel(doc: PlannedDocument): Feed {
    const { def } = doc;
    const shown = latestPerId(doc.items).reverse();
    const updated = shown.reduce((max, item) => later(max, item.at), shown[0]?.at ?? '1970-01-01T00:00:00Z');
    const head = formatUrls(site.baseUrl, (format) => feedHeadKey(def.name, format));
    const self = doc.page === undefined ? head : formatUrls(site.baseUrl, (format) => feedArchiveKey(def.name, doc.page as number, format));
    return {
      id: `${tagPrefix(site, settings)}feed:${def.name}`,
      title: def.title,
      description: def.description,
      lang: def.lang,
      homeUrl: new URL(def.homePath, site.baseUrl).href,
      self,
      ...(def.hubUrl === undefined ? {} : { hubUrl: def.hubUrl }),
      ...(doc.page === undefined ? {} : { current: head }),
      ...(doc.prevPage === undefined ? {} : { prevArchive: formatUrls(site.baseUrl, (format) => feedArchiveKey(def.name, doc.prevPage as number, format)) }),
      archive: doc.page !== undefined,
      updated,
      publisher: site.publisher,
      namespace: gazetteNamespace(site.baseUrl),
      entries: shown.map((item) => entryOf(item, doc.page === undefined ? def.fullText : def.archiveFullText)),
    };
  }
}

/**
 * The versions (`id@version`) rendered again in place since the feeds last showed them: published,
 * already in the log at that version, and with a render digest other than the one `shown` holds
 * for the document (or none: feeds written before `shown` existed are read again once). `shown` is
 * brought up to date (a version new to the log is shown as it is now; a withdrawn document is no
 * longer shown).
 */
function renderedAgain(records: Iterable<DocumentRecord>, appended: readonly FeedLogItem[], shown: Map<string, string>): Set<string> {
  const fresh = new Set(appended.map(versionKey));
  const keys = new Set<string>();
  for (const record of records) {
    if (record.status !== 'published') {
      if (record.status === 'withdrawn') shown.delete(record.id);
      continue;
    }
    const digest = shownDigest(record);
    const before = shown.get(record.id);
    if (before === digest) continue;
    shown.set(record.id, digest);
    // Not known to the map (feeds written before it existed): read again too, once.
    if (!fresh.has(versionKey(record))) keys.add(versionKey(record));
  }
  return keys;
}

/** What `shown` keeps of a record's render digest: 64 bits tell a new render from the last. */
function shownDigest(record: DocumentRecord): string {
  return record.digest.slice(0, 16);
}

/** Key of one version in the caches of sources: `id@version`. */
function versionKey(item: { id: string; version: number }): string {
  return `${item.id}@${item.version}`;
}

/** Key of one version's entry as a feed shows it, with or without its full text. */
function entryCacheKey(item: FeedLogItem, fullText: boolean): string {
  return `${versionKey(item)}@${fullText}`;
}

/** A withdrawn version: just enough for a tombstone. */
function tombstone(item: FeedLogItem, options: EntryOptions): FeedEntry {
  return {
    id: entryId(options.tagPrefix, item.id),
    url: new URL(item.urlPath, options.baseUrl).href,
    title: item.id,
    lang: item.lang,
    published: item.at,
    updated: item.at,
    categories: [],
    author: { name: item.department },
    attachments: [],
    disclosure: { kind: item.kind, indexNumber: '', date: item.date, department: { name: item.department, code: '' }, version: item.version },
    withdrawn: { when: item.at },
  };
}

/** Read the entry fragment of every live version some planned document shows. */
async function loadEntries(
  objects: ObjectStore,
  planned: PlannedDocument[],
  records: Map<string, DocumentRecord>,
  concurrency: number,
  cached: Map<string, FeedEntrySource>,
): Promise<Map<string, FeedEntrySource>> {
  const needed = new Map<string, FeedLogItem>();
  for (const doc of planned) {
    for (const item of latestPerId(doc.items)) if (!item.withdrawn) needed.set(versionKey(item), item);
  }
  const sources = new Map<string, FeedEntrySource>();
  for (const [cacheKey, source] of cached) if (needed.has(cacheKey)) sources.set(cacheKey, source);
  const missing = [...needed.entries()].filter(([cacheKey]) => !sources.has(cacheKey));
  await mapLimit(missing, concurrency, async ([cacheKey, item]) => void sources.set(cacheKey, await loadSource(objects, item, records)));
  return sources;
}

/** The entry fragment of one version, or for a version published before fragments existed, its record's facts. */
async function loadSource(objects: ObjectStore, item: FeedLogItem, records: Map<string, DocumentRecord>): Promise<FeedEntrySource> {
  const stored = await objects.get(entryKey(item.id, item.version));
  if (stored !== undefined) return JSON.parse(Buffer.from(stored.body).toString('utf8')) as FeedEntrySource;
  const record = records.get(item.id);
  if (record?.version !== item.version) {
    throw new Error(`The feed entry ${entryKey(item.id, item.version)} is missing and the record has moved on; rebuild the document to restore it.`);
  }
  return sourceFromRecord(record);
}

/** Fallback for a version published before entry fragments existed: no body, record facts only. */
function sourceFromRecord(record: DocumentRecord): FeedEntrySource {
  return {
    id: record.id,
    version: record.version,
    kind: record.kind,
    lang: record.lang,
    title: record.title,
    urlPath: record.urlPath,
    date: record.date,
    updatedAt: record.updatedAt,
    html: '',
    ...(record.publishAt === undefined ? {} : { publishAt: record.publishAt }),
    ...(record.summary === undefined ? {} : { summary: record.summary }),
    department: { id: '', name: record.department, code: record.departmentCode },
    topic: { id: record.category, name: record.category },
    indexNumber: record.indexNumber,
    ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
    ...(record.signedDate === undefined ? {} : { signedDate: record.signedDate }),
    ...(record.validity === undefined ? {} : { validity: record.validity }),
    ...(record.issue === undefined ? {} : { issue: record.issue }),
    files: [],
  };
}

async function existingKeys(objects: ObjectStore): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const summary of objects.listKeys(`${SITE_PREFIX}feeds/`)) keys.add(summary.key);
  return keys;
}

async function writeFeed(objects: ObjectStore, key: string, format: FeedFormat, body: Uint8Array): Promise<void> {
  const kind = outputFormats[outputKind[format]];
  await objects.put({ key, body, contentType: kind.mediaType, cacheControl: kind.cacheControl });
}

/**
 * The state as stored. Earlier releases kept the whole log in it (`log`); now it takes the first
 * `logBase` items from the log snapshot and keeps the rest (`logTail`). An old state is read as it
 * is and written in the new form the next time anything changes.
 */
type StoredState = Omit<FeedState, 'log' | 'logBase'> & ({ log: StoredLog } | { logBase: number; logTail: StoredLog });

async function readState(objects: ObjectStore, legacyTags: (id: string) => readonly string[] | undefined): Promise<FeedState | undefined> {
  const [stored, snapshot] = await Promise.all([objects.get(FEED_STATE_KEY), objects.get(FEED_LOG_KEY)]);
  if (stored === undefined) return undefined;
  const state = JSON.parse(Buffer.from(stored.body).toString('utf8')) as StoredState;
  if ('log' in state) {
    const { log, ...rest } = state;
    return { ...rest, log: decodeLog(log, legacyTags), logBase: 0 };
  }
  const { logBase, logTail, ...rest } = state;
  let base: FeedLogItem[] = [];
  if (logBase > 0) {
    if (snapshot === undefined) throw new Error(`The feed log ${FEED_LOG_KEY} named by ${FEED_STATE_KEY} is missing.`);
    const snapshotItems = logSnapshots.get(snapshot.body, (body) => {
      const items = JSON.parse(gunzipSync(body).toString('utf8')) as StoredLog;
      // Items logged before tags were take their tags from the records of the day: not kept.
      return { items, decoded: items.items.every((item) => item[10] !== undefined) ? decodeLog(items) : undefined };
    });
    const { items, decoded } = snapshotItems;
    if (items.items.length < logBase) throw new Error(`The feed log ${FEED_LOG_KEY} holds ${items.items.length} items; ${FEED_STATE_KEY} expects ${logBase}.`);
    base = decoded?.slice(0, logBase) ?? decodeLog({ strings: items.strings, items: items.items.slice(0, logBase) }, legacyTags);
  }
  return { ...rest, log: [...base, ...decodeLog(logTail, legacyTags)], logBase };
}

/** Parsed head caches and log snapshots (bucketMemory.ts): log items and entry sources are only read, the arrays holding them copied. */
const headCaches = parsedBodies<FeedEntrySource[]>();
const logSnapshots = parsedBodies<{ items: StoredLog; decoded: FeedLogItem[] | undefined }>();

/** Write the log snapshot when the tail has grown long, then the state that names it. */
async function writeState(objects: ObjectStore, state: FeedState): Promise<void> {
  if (state.log.length - state.logBase >= LOG_TAIL_LIMIT) {
    const body = gzipSync(Buffer.from(JSON.stringify(encodeLog(state.log)), 'utf8'));
    await objects.put({ key: FEED_LOG_KEY, body, contentType: 'application/gzip' });
    state.logBase = state.log.length;
  }
  const { log, logBase, ...rest } = state;
  // Keys in order: documents are written concurrently, and the same feeds must give the same bytes.
  const sorted = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const stored: StoredState = {
    ...rest,
    archived: sorted(rest.archived),
    ...(rest.selects === undefined ? {} : { selects: sorted(rest.selects) }),
    heads: sorted(rest.heads),
    logBase,
    logTail: encodeLog(log.slice(logBase)),
  };
  await objects.put({ key: FEED_STATE_KEY, body: Buffer.from(JSON.stringify(stored), 'utf8'), contentType: outputFormats.json.mediaType });
}

/**
 * The render digest (its first 16 hex digits) of each document's current version as the feeds
 * show it, one `id<TAB>digest` line each, sorted, at FEED_SHOWN_KEY: a record whose digest differs
 * was rendered again in place (a new template, site.yaml, a link that appeared) after the feeds
 * were written, and the feeds read its new fragment. Kept from the records alone, so a run that
 * never learned of the new render (a build that stopped, a stream batch given up on) is caught up
 * by the next run. Plain text: about 400 KB at 10,000 documents, rewritten when a digest changes.
 */
async function readShown(objects: ObjectStore): Promise<ReadonlyMap<string, string>> {
  const stored = await objects.get(FEED_SHOWN_KEY);
  if (stored === undefined) return new Map();
  return shownMaps.get(stored.body, (body) => {
    const shown = new Map<string, string>();
    for (const line of Buffer.from(body).toString('utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) shown.set(line.slice(0, tab), line.slice(tab + 1));
    }
    return shown;
  });
}

async function writeShown(objects: ObjectStore, shown: ReadonlyMap<string, string>): Promise<void> {
  const lines = [...shown].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, digest]) => `${id}\t${digest}\n`);
  const body = Buffer.from(lines.join(''), 'utf8');
  await objects.put({ key: FEED_SHOWN_KEY, body, contentType: 'text/tab-separated-values; charset=utf-8' });
  shownMaps.remember(body, shown);
}

const shownMaps = parsedBodies<ReadonlyMap<string, string>>();

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** What `site.yaml` sets of the feeds (`feeds: { entries, archiveFullText, hub, tagDate }`, `utcOffset`). */
export function siteFeedSettings(site: SiteConfig): Partial<FeedSettings> {
  const feeds = site.feeds ?? {};
  return {
    utcOffset: siteUtcOffset(site),
    tagDate: siteTagDate(site),
    ...(feeds.entries === undefined ? {} : { headSize: feeds.entries }),
    ...(feeds.archiveFullText === undefined ? {} : { archiveFullText: feeds.archiveFullText }),
    ...(feeds.hub === undefined ? {} : { hubUrl: feeds.hub }),
  };
}
