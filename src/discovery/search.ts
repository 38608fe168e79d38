// The search page and its static index, as a derived output: the page `/search/`, the manifest,
// the shards and one JSON file per document (see searchIndex.ts for the format). Any change of a
// public document rebuilds the whole index in memory; the build then writes only files whose
// bytes changed.

import { artifact, type Artifact } from '../outputs.ts';
import { pageArtifact } from '../render/html/page.ts';
import { searchPage } from '../../templates/search.tsx';
import type { DerivedInput, DerivedOutput } from './outputs.ts';
import { buildSearchIndex, searchDocuments, shardName, type SearchIndexFiles } from './searchIndex.ts';

export const SEARCH_PATH = '/search/';
/** Where the index lives, relative to the site root. */
export const SEARCH_DATA = 'search/';

type SearchPage = { kind: 'page' } | { kind: 'manifest' } | { kind: 'shard'; shard: number } | { kind: 'document'; n: number };

const built = new WeakMap<DerivedInput, SearchIndexFiles>();

/** The index of this build's public documents, computed once per build. */
export function searchIndexOf(input: DerivedInput): SearchIndexFiles {
  let files = built.get(input);
  if (files === undefined) {
    const docs = searchDocuments(input.documents, input.content.documents);
    const numbered = input.documents.filter((record) => record.status === 'published' || record.status === 'withdrawn').length;
    files = buildSearchIndex(docs, numbered);
    built.set(input, files);
  }
  return files;
}

/** Key of a shard. The count only grows while records stay, and names are unpadded, so a resized
 * index overwrites every shard that held data (none is left with a withdrawn document's terms). */
export function shardKey(shard: number): string {
  return `${SEARCH_DATA}shards/${shardName(shard)}.bin`;
}

export function documentKey(n: number): string {
  return `${SEARCH_DATA}docs/${n}.json`;
}

function allPages(input: DerivedInput): SearchPage[] {
  const files = searchIndexOf(input);
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
  // After the pages its alternatives link to (the catalogue and 文号 lookup).
  wave: 9,
  all: allPages,
  // Any change of a public document may change any shard: rebuild, write what differs.
  affected: (input, changes) => (changes.length > 0 ? allPages(input) : []),
  id: (page) => (page.kind === 'shard' ? `shard:${page.shard}` : page.kind === 'document' ? `doc:${page.n}` : page.kind),
  render(input, page): Artifact[] {
    const files = searchIndexOf(input);
    switch (page.kind) {
      case 'page':
        return [pageArtifact(SEARCH_PATH, searchPage(input.ctx))];
      case 'manifest':
        return [artifact('json', `${SEARCH_DATA}index.json`, `${JSON.stringify({ ...files.manifest, shardPath: `/${SEARCH_DATA}shards/`, docPath: `/${SEARCH_DATA}docs/` })}\n`)];
      case 'shard':
        return [artifact('data', shardKey(page.shard), files.shards[page.shard] as Uint8Array)];
      case 'document':
        return [artifact('json', documentKey(page.n), files.documents.get(page.n) as string)];
    }
  },
};

/** For the registry in outputs.ts (no runtime import back, so either module may load first). */
export const searchOutput = output as unknown as DerivedOutput<unknown>;
