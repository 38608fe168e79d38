// Worker thread that builds the whole search index (searchIndex.ts) of a full build, so that the
// main thread renders the catalogue, statistics, columns and API meanwhile (search.ts starts it).
// Its input (the documents with their Markdown bodies, or for a body not read yet its file and
// offset, which this thread reads: searchIndex.ts `searchSources`) comes as workerData, its one
// message back is the index, its bytes transferred.

import { parentPort, workerData } from 'node:worker_threads';
import { buildSearchIndex, releasingSearchDocuments, type SearchSource } from './searchIndex.ts';

const port = parentPort;
if (port === null) throw new Error('searchWorker.ts must run as a worker thread.');
const input = workerData as { sources: (SearchSource | undefined)[] | undefined; numbered: number };
const sources = input.sources ?? [];
input.sources = undefined;

const files = buildSearchIndex(releasingSearchDocuments(sources), input.numbered);
// Handed over, not copied: the shards' and the document files' memory moves to the main thread
// (a structured clone of 10,000 documents' text briefly held it twice, near 100 MB).
const transfer = new Set<ArrayBuffer>();
for (const bytes of [...files.shards, ...files.documents.values()]) {
  if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) transfer.add(bytes.buffer);
}
port.postMessage(files, [...transfer]);
