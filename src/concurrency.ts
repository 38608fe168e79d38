// Run async work over a list with at most `limit` tasks in flight, keeping result order; the
// first failure rejects. Shared by the adapters, the build and the feeds. And one piece of work on
// a worker thread of its own (the content analysis, the search index of a full build).

import { Worker } from 'node:worker_threads';

export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Run `module` (an entry of the source bundle) on a worker thread of its own, through
 * publish/tsWorker.mjs, with `data` as its workerData; resolve with the one message it posts, and
 * end the thread. `what` names the thread in the error when it stops without posting.
 */
export function oneMessageFromWorker<T>(module: URL, data: object, what: string): Promise<T> {
  const worker = new Worker(new URL('./publish/tsWorker.mjs', import.meta.url), { workerData: { module: module.href, ...data } });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (message: T) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${what} stopped (exit code ${code}) before it sent its result.`)));
  });
}
