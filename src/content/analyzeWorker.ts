// Worker thread that analyzes content files (analyze.ts), for a load that finds thousands of
// files missing from the content cache (a first build, a build in a fresh CI checkout): the
// analysis is CPU work, file by file, that otherwise runs on the main thread alone while the
// render threads wait. Its input comes as workerData; its one message back is the analyses, in
// the order of the files, document bodies left out (as the cache keeps them: read again only
// for pages being rendered).

import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type AnalyzedSource, analyzeSource, MAX_MARKDOWN_BYTES } from './analyze.ts';
import type { FileRole } from './layout.ts';
import type { HintExamples } from './schemas.ts';
import { tooLarge } from './sourceFiles.ts';

export interface AnalyzeWork {
  files: { role: FileRole; abs: string; size: number }[];
  examples: HintExamples;
}

const port = parentPort;
if (port === null) throw new Error('analyzeWorker.ts must run as a worker thread.');
const { files, examples } = workerData as AnalyzeWork;
const analyzed: AnalyzedSource[] = files.map(({ role, abs, size }) => {
  const source = size > MAX_MARKDOWN_BYTES ? tooLarge(size, MAX_MARKDOWN_BYTES) : analyzeSource(role, readFileSync(abs), examples);
  return role.role === 'article' || role.role === 'release' ? { ...source, body: undefined } : source;
});
port.postMessage(analyzed);
