// Worker thread that builds the whole search index (searchIndex.ts) of a full build, so that the
// main thread renders the catalogue, statistics, columns and API meanwhile (search.ts starts it).
// Its input (the documents with their Markdown bodies, searchIndex.ts `searchSources`) comes as workerData, its one message back is the index, the shards' bytes transferred.

import { parentPort, workerData } from 'node:worker_threads';
import { buildSearchIndex, searchDocumentFrom, type SearchSource } from './searchIndex.ts';

const port = parentPort;
if (port === null) throw new Error('searchWorker.ts must run as a worker thread.');
const { sources, numbered } = workerData as { sources: SearchSource[]; numbered: number };
const files = buildSearchIndex(sources.map(searchDocumentFrom), numbered);
port.postMessage(
  files,
  files.shards.map((shard) => shard.buffer as ArrayBuffer),
);
