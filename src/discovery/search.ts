// The search page and its static index, as a derived output: the page `/search/`, the manifest,
// the shards and one JSON file per document (see searchIndex.ts for the format). A full build
// builds the whole index in memory and writes the files whose bytes changed. An incremental
// build updates the stored index: it reads the changed documents' previous files and only the
// shards of the terms whose postings differ, and writes those back — the same bytes a full build
// would give (a test holds the two equal). It falls back to the full index whenever the stored
// one does not match the previous records (numbering moved, shard count grew, format changed).

import { mapLimit, oneMessageFromWorker } from '../concurrency.ts';
import { artifact, type Artifact } from '../outputs.ts';
import { pageArtifact } from '../render/html/page.ts';
import { type DocumentRecord, type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { searchPage } from '../../templates/search.tsx';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';
import {
  buildSearchIndex,
  decodeShard,
  describeDocument,
  describedDocument,
  documentPostings,
  encodeShard,
  SEARCH_FORMAT,
  searchDocument,
  releasingSearchDocuments,
  searchOrder,
  searchSources,
  type SearchSource,
  shardCountFor,
  shardName,
  termHash,
  type SearchIndexFiles,
} from './searchIndex.ts';

export const SEARCH_PATH = '/search/';
/** Where the index lives, relative to the site root. */
export const SEARCH_DATA = 'search/';

type SearchPage =
  { kind: 'page' } | { kind: 'manifest' } | { kind: 'shard'; shard: number } | { kind: 'document'; n: number } | { kind: 'update'; changes: readonly Change[] };

const built = new WeakMap<DerivedInput, SearchIndexFiles>();
const building = new WeakMap<DerivedInput, Promise<SearchIndexFiles>>();

/**
 * From this many public documents a full build that may use worker threads builds the index on
 * one (about 0.5 ms of CPU a document) while the main thread renders the earlier waves; below it,
 * starting the thread and copying the documents to it would cost more than it saves.
 */
export const SEARCH_WORKER_MIN_DOCUMENTS = 2000;

const isPublic = (record: DocumentRecord) => record.status === 'published' || record.status === 'withdrawn';

/** The index of this build's public documents, computed once per build (on this thread unless it was started on a worker). */
export function searchIndexOf(input: DerivedInput): SearchIndexFiles {
  let files = built.get(input);
  if (files === undefined) {
    const sources = searchSources(input.documents, input.content.documents);
    files = buildSearchIndex(releasingSearchDocuments(sources), input.documents.filter(isPublic).length);
    built.set(input, files);
  }
  return files;
}

/** The index, from the worker thread `startSearchIndex` started when it did, else built here. */
async function indexFiles(input: DerivedInput): Promise<SearchIndexFiles> {
  const pending = building.get(input);
  if (pending === undefined) return searchIndexOf(input);
  const files = await pending;
  built.set(input, files);
  building.delete(input);
  return files;
}

/** Start building the whole index on a worker thread, when the build allows threads and it is large enough. */
function startSearchIndex(input: DerivedInput): void {
  if (input.workerThreads !== true || built.has(input) || building.has(input)) return;
  const numbered = input.documents.filter(isPublic).length;
  if (numbered < SEARCH_WORKER_MIN_DOCUMENTS) return;
  const pending = buildSearchIndexOnWorker(searchSources(input.documents, input.content.documents), numbered);
  pending.catch(() => undefined); // awaited by the search pages; a build that fails before them never asks
  building.set(input, pending);
}

/** `buildSearchIndex(releasingSearchDocuments(sources), numbered)` on a worker thread of its own. */
export function buildSearchIndexOnWorker(sources: SearchSource[], numbered: number): Promise<SearchIndexFiles> {
  return oneMessageFromWorker<SearchIndexFiles>(new URL('./searchWorker.ts', import.meta.url), { sources, numbered }, 'The search index thread');
}

/** Key of a shard. The count only grows while records stay, and names are unpadded, so a resized
 * index overwrites every shard that held data (none is left with a withdrawn document's terms). */
export function shardKey(shard: number): string {
  return `${SEARCH_DATA}shards/${shardName(shard)}.bin`;
}

export function documentKey(n: number): string {
  return `${SEARCH_DATA}docs/${n}.json`;
}

async function allPages(input: DerivedInput): Promise<SearchPage[]> {
  const files = await indexFiles(input);
  return [
    ...files.shards.map((_, shard): SearchPage => ({ kind: 'shard', shard })),
    ...[...files.documents.keys()].map((n): SearchPage => ({ kind: 'document', n })),
    // The manifest names the shards: written after them, the page last.
    { kind: 'manifest' },
    { kind: 'page' },
  ];
}

const output: DerivedOutput<SearchPage> = {
  name: 'search',
  // After the pages its alternatives link to (the catalogue and 文号 lookup), before the sitemaps
  // that list it. Last of the pages also keeps its many shard writes clear of the feeds' writes,
  // which an incremental build makes at the start of this phase.
  wave: 89,
  prepare: startSearchIndex,
  all: allPages,
  // Any change of a public document may change any shard: update the stored index when there is one.
  affected: (input, changes) => (changes.length === 0 ? [] : input.objects === undefined ? allPages(input) : [{ kind: 'update', changes }]),
  id: (page) => (page.kind === 'shard' ? `shard:${page.shard}` : page.kind === 'document' ? `doc:${page.n}` : page.kind),
  render(input, page): Artifact[] | Promise<Artifact[]> {
    if (page.kind === 'update') return updateIndex(input, page.changes);
    if (page.kind === 'page') return [pageArtifact(SEARCH_PATH, searchPage(input.ctx))];
    const files = searchIndexOf(input);
    switch (page.kind) {
      case 'manifest':
        return [manifestArtifact(files.manifest)];
      case 'shard':
        return [artifact('data', shardKey(page.shard), files.shards[page.shard] as Uint8Array)];
      case 'document':
        return [artifact('json', documentKey(page.n), files.documents.get(page.n) as Uint8Array)];
    }
  },
};

const MANIFEST_KEY = `${SEARCH_DATA}index.json`;

function manifestArtifact(manifest: SearchIndexFiles['manifest']): Artifact {
  return artifact('json', MANIFEST_KEY, `${JSON.stringify({ ...manifest, shardPath: `/${SEARCH_DATA}shards/`, docPath: `/${SEARCH_DATA}docs/` })}\n`);
}

/**
 * Read the stored index's manifest and every shard through `objects`: a process that keeps what
 * it reads (watch mode, between builds) then updates the index without asking the bucket.
 * Returns the number of objects read.
 */
export async function readSearchIndex(objects: ObjectStore, concurrency = 16): Promise<number> {
  const stored = await objects.get(`${SITE_PREFIX}${MANIFEST_KEY}`);
  if (stored === undefined) return 0;
  const manifest = JSON.parse(Buffer.from(stored.body).toString('utf8')) as Partial<SearchIndexFiles['manifest']>;
  if (manifest.format !== SEARCH_FORMAT || typeof manifest.shards !== 'number') return 1;
  await mapLimit(
    Array.from({ length: manifest.shards }, (_, shard) => shard),
    concurrency,
    (shard) => objects.get(`${SITE_PREFIX}${shardKey(shard)}`),
  );
  return 1 + manifest.shards;
}

async function renderAll(input: DerivedInput): Promise<Artifact[]> {
  const artifacts: Artifact[] = [];
  for (const page of await allPages(input)) artifacts.push(...(await output.render(input, page)));
  return artifacts;
}

async function storedText(input: DerivedInput, key: string): Promise<Uint8Array | undefined> {
  return (await input.objects?.get(`${SITE_PREFIX}${key}`))?.body;
}

/** The public records as they were before `changes`: the ones the stored index was built from. */
function previousRecords(input: DerivedInput, changes: readonly Change[]): DocumentRecord[] {
  const changed = new Set(changes.flatMap(({ before, after }) => [before?.id, after?.id]).filter((id) => id !== undefined));
  const records = input.documents.filter((record) => !changed.has(record.id));
  for (const { before } of changes) if (before !== undefined && before.status !== 'scheduled') records.push(before);
  return records;
}

/** The changed files of the stored index after `changes`, or every file when it cannot be updated. */
async function updateIndex(input: DerivedInput, changes: readonly Change[]): Promise<Artifact[]> {
  const order = searchOrder(input.documents);
  const previous = searchOrder(previousRecords(input, changes));
  const shards = shardCountFor(order.length);
  const stored = await storedText(input, MANIFEST_KEY);
  const manifest = stored === undefined ? undefined : (JSON.parse(Buffer.from(stored).toString('utf8')) as SearchIndexFiles['manifest']);
  const numbersKept = previous.every((record, n) => order[n]?.id === record.id);
  if (manifest?.format !== SEARCH_FORMAT || manifest.documents !== previous.length || manifest.shards !== shards || !numbersKept) {
    return renderAll(input);
  }
  const changedIds = new Set(changes.flatMap(({ after }) => (after === undefined ? [] : [after.id])));
  const sources = new Map(input.content.documents.map((doc) => [doc.id, doc]));
  const artifacts: Artifact[] = [];
  // term → the changed documents' postings bytes, and the shards whose postings differ.
  const updates = new Map<number, Map<string, number>>();
  const touched = new Set<number>();
  for (const [n, record] of order.entries()) {
    if (!changedIds.has(record.id)) continue;
    let before = new Map<string, number>();
    if (n < previous.length) {
      const file = await storedText(input, documentKey(n));
      if (file === undefined) return renderAll(input);
      const old = describedDocument(n, Buffer.from(file).toString('utf8'));
      if (old !== undefined) before = documentPostings(old);
    }
    const doc = searchDocument(record, n, sources.get(record.id));
    const after = doc === undefined ? new Map<string, number>() : documentPostings(doc);
    for (const term of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(term) !== after.get(term)) touched.add(termHash(term) % shards);
    }
    updates.set(n, after);
    artifacts.push(artifact('json', documentKey(n), doc === undefined ? '{}' : describeDocument(doc)));
  }
  const changed = new Set(updates.keys());
  const rewritten = await mapLimit(
    [...touched].sort((a, b) => a - b),
    16,
    async (shard) => {
      const bytes = await storedText(input, shardKey(shard));
      if (bytes === undefined) return undefined;
      const postings = decodeShard(bytes);
      for (const [term, list] of postings) {
        const kept: number[] = [];
        for (let i = 0; i < list.length; i += 2) if (!changed.has(list[i] as number)) kept.push(list[i] as number, list[i + 1] as number);
        postings.set(term, kept);
      }
      for (const [n, terms] of updates) {
        for (const [term, value] of terms) {
          if (termHash(term) % shards !== shard) continue;
          const list = postings.get(term) ?? [];
          let at = list.length;
          while (at > 0 && (list[at - 2] as number) > n) at -= 2;
          list.splice(at, 0, n, value);
          postings.set(term, list);
        }
      }
      return artifact('data', shardKey(shard), encodeShard(postings));
    },
  );
  if (rewritten.some((item) => item === undefined)) return renderAll(input);
  // Shards and document files first, the manifest that names them last.
  return [...(rewritten as Artifact[]), ...artifacts, manifestArtifact({ format: SEARCH_FORMAT, shards, documents: order.length })];
}

/** For the registry in outputs.ts (no runtime import back, so either module may load first). */
export const searchOutput = output as unknown as DerivedOutput<unknown>;
