// `gazette build --jobs N`: the build's document jobs run in N worker processes, each with its
// own connections to the same stores (the embedded files and SQLite database, or the AWS
// emulators' endpoints), then the build's own process finalizes.
// The same protocol as the AWS fan-out (jobs in chunks, records committed by the workers), so a
// normal test run exercises the split.

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DocumentRecord } from '../store/ports.ts';
import type { BuildSummary, JobContext, JobRunInput, JobRunner } from './build.ts';
import type { JobSettings, JobsResult } from './documentJobs.ts';
import { chunkJobs, type DocumentJob } from './planJobs.ts';
import type { WriteCounts } from './writes.ts';

/**
 * Where a worker finds the stores: the embedded object folder and SQLite database file, or the
 * AWS region, endpoints (none on AWS itself) and names.
 */
export type StoreAddress =
  | { kind: 'embedded'; objectsRoot: string; databaseFile: string }
  | { kind: 'aws'; region: string; s3Endpoint?: string; dynamodbEndpoint?: string; bucket: string; table: string };

export type ToWorker =
  { type: 'setup'; address: StoreAddress; context: JobContext; settings: JobSettings } | { type: 'chunk'; id: number; jobs: DocumentJob[] } | { type: 'stop' };

export type ToParent =
  | { type: 'ready' }
  | { type: 'progress' }
  | { type: 'chunk'; id: number; records: DocumentRecord[]; counts: WriteCounts }
  | { type: 'failed'; id: number; error: { name: string; message: string; stack?: string } };

/** Documents per chunk: small enough to spread a build evenly, large enough to keep workers busy between messages. */
const MAX_CHUNK = 25;

export function processJobRunner(options: { workers: number; address: StoreAddress }): JobRunner {
  return {
    async run(jobs: DocumentJob[], input: JobRunInput): Promise<JobsResult> {
      const counts: WriteCounts = { objectsWritten: 0, objectsUnchanged: 0 };
      if (jobs.length === 0) return { records: [], counts, entries: [] };
      const workers = Math.max(1, Math.min(options.workers, jobs.length));
      const size = Math.max(1, Math.min(MAX_CHUNK, Math.ceil(jobs.length / (workers * 2))));
      const chunks = chunkJobs(jobs, size);
      const records: DocumentRecord[][] = [];
      const children = await Promise.all(Array.from({ length: workers }, () => startWorker()));
      try {
        let next = 0;
        await Promise.all(
          children.map(async (child) => {
            child.send({ type: 'setup', address: options.address, context: input.context, settings: input.settings } satisfies ToWorker);
            while (next < chunks.length) {
              const id = next++;
              records[id] = await runChunk(child, id, chunks[id] as DocumentJob[], counts, input.onJobDone);
            }
          }),
        );
      } finally {
        await Promise.all(children.map((child) => stopWorker(child)));
      }
      return { records: records.flat(), counts, entries: [] };
    },
  };
}

/** A build summary's counts plus a chunk's. */
export function addWriteCounts(into: WriteCounts | BuildSummary, counts: WriteCounts): void {
  into.objectsWritten += counts.objectsWritten;
  into.objectsUnchanged += counts.objectsUnchanged;
}

async function startWorker(): Promise<ChildProcess> {
  const entry = fileURLToPath(new URL('./tsProcess.mjs', import.meta.url));
  const child = fork(entry, [new URL('./jobProcess.ts', import.meta.url).href], {
    serialization: 'advanced',
    execArgv: ['--max-semi-space-size=64'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: ToParent) => {
      if (message.type !== 'ready') return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`A build worker process exited with code ${code} before it was ready.`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  return child;
}

function runChunk(child: ChildProcess, id: number, jobs: DocumentJob[], counts: WriteCounts, onJobDone: () => void): Promise<DocumentRecord[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ToParent) => {
      if (message.type === 'progress') {
        onJobDone();
        return;
      }
      if (message.type === 'ready' || message.id !== id) return;
      done();
      if (message.type === 'failed') {
        reject(Object.assign(new Error(message.error.message), message.error));
      } else {
        addWriteCounts(counts, message.counts);
        resolve(message.records);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`A build worker process exited (code ${code}) while rendering ${jobs.length} documents, from ${jobs[0]?.page.doc.file}.`));
    };
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'chunk', id, jobs } satisfies ToWorker);
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.connected) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'stop' } satisfies ToWorker);
  await exited;
}
