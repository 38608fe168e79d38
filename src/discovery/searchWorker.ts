// Worker thread that builds the whole search index (searchIndex.ts) of a full build, so that the
// main thread renders the catalogue, statistics, columns and API meanwhile (search.ts starts it).
// Its input (the documents with their Markdown bodies, searchIndex.ts `searchSources`) comes as workerData, its one message back is the index, the shards' bytes transferred.

import { parentPort, workerData } from 'node:worker_threads';
import { buildSearchIndex, releasingSearchDocuments, type SearchSource } from './searchIndex.ts';

const port = parentPort;
if (port === null) throw new Error('searchWorker.ts must run as a worker thread.');
const input = workerData as { sources: (SearchSource | undefined)[] | undefined; numbered: number };
const sources = input.sources ?? [];
input.sources = undefined;

const files = buildSearchIndex(releasingSearchDocuments(sources), input.numbered);
port.postMessage(
  files,
  files.shards.map((shard) => shard.buffer as ArrayBuffer),
);
