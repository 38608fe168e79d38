// A small fixed pool of worker threads running TypeScript modules (through tsx). Used for
// CPU-bound rendering in large builds.
//
// Jobs travel in batches: the jobs handed to one worker in a turn of the event loop go in one
// message, and the worker answers a message with one message of its results. Each message costs
// the main thread tens of microseconds besides copying its data (measured: 45 µs a job one by
// one, 13 µs in batches of eight), and in a rebuild whose bodies come from the body cache the
// main thread, not the workers, sets the pace.

import { Worker } from 'node:worker_threads';

export interface WorkerPool<Job, Result> {
  run(job: Job): Promise<Result>;
  close(): Promise<void>;
}

/** What a worker module receives: a batch of jobs, each answered in the batch of replies it posts back. */
export type JobBatch<Job> = { id: number; job: Job }[];
export type ReplyBatch<Result> = { id: number; result?: Result; error?: { name: string; message: string; stack?: string } }[];

interface Pending<Result> {
  resolve(result: Result): void;
  reject(error: Error): void;
}

export async function createWorkerPool<Job, Result>(module: URL, size: number, workerData: unknown): Promise<WorkerPool<Job, Result>> {
  const entry = new URL('./tsWorker.mjs', import.meta.url);
  const data = { module: module.href, ...(workerData as object) };
  const workers = Array.from({ length: size }, () => new Worker(entry, { workerData: data }));
  const pending = new Map<number, Pending<Result>>();
  const load = new Map<Worker, number>(workers.map((worker) => [worker, 0]));
  const owner = new Map<number, Worker>();
  let nextId = 0;
  let failure: Error | undefined;

  for (const worker of workers) {
    worker.on('message', (replies: ReplyBatch<Result>) => {
      for (const message of replies) {
        const job = pending.get(message.id);
        pending.delete(message.id);
        owner.delete(message.id);
        load.set(worker, (load.get(worker) ?? 1) - 1);
        if (message.error !== undefined) job?.reject(Object.assign(new Error(message.error.message), message.error));
        else job?.resolve(message.result as Result);
      }
    });
    worker.on('error', (error) => {
      failure = error;
      for (const [id, job] of pending) {
        if (owner.get(id) === worker) {
          pending.delete(id);
          job.reject(error);
        }
      }
    });
  }
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('online', resolve))));

  const outboxes = new Map<Worker, JobBatch<Job>>();
  const send = () => {
    for (const [worker, batch] of outboxes) worker.postMessage(batch);
    outboxes.clear();
  };

  return {
    run(job) {
      if (failure !== undefined) return Promise.reject(failure);
      // Least-loaded worker; ties go to the first, so work spreads evenly.
      let chosen = workers[0] as Worker;
      for (const worker of workers) if ((load.get(worker) ?? 0) < (load.get(chosen) ?? 0)) chosen = worker;
      const id = nextId++;
      load.set(chosen, (load.get(chosen) ?? 0) + 1);
      owner.set(id, chosen);
      return new Promise<Result>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const outbox = outboxes.get(chosen);
        if (outbox !== undefined) outbox.push({ id, job });
        else {
          if (outboxes.size === 0) setImmediate(send);
          outboxes.set(chosen, [{ id, job }]);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
