// The render threads' pool (src/publish/workerPool.ts): each job gets its own result or its own
// failure, whichever worker ran it, and the jobs handed out in one turn of the event loop travel
// to a worker in one message.

import { describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../src/publish/workerPool.ts';

const echoWorker = new URL('./fixtures/echoWorker.ts', import.meta.url);

describe('worker pool', () => {
  it('answers every job with its own result, sending the jobs of one turn together', async () => {
    const pool = await createWorkerPool<string, { job: string; batchSize: number; label: unknown }>(echoWorker, 2, { label: '公报' });
    try {
      const jobs = Array.from({ length: 20 }, (_, i) => `第${i + 1}件`);
      const results = await Promise.all(jobs.map((job) => pool.run(job)));
      expect(results.map((result) => result.job)).toEqual(jobs);
      expect(results.every((result) => result.label === '公报')).toBe(true);
      // Twenty jobs in one turn, two workers: ten to each, in one message each.
      expect(results.map((result) => result.batchSize)).toEqual(jobs.map(() => 10));
      // Jobs handed out in later turns travel in messages of their own.
      expect((await pool.run('后来的')).batchSize).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('fails only the job that failed, with its message', async () => {
    const pool = await createWorkerPool<string, { job: string }>(echoWorker, 2, { label: 'x' });
    try {
      const outcomes = await Promise.allSettled(['甲', 'fail', '乙'].map((job) => pool.run(job)));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'job fail failed on purpose' });
      expect((outcomes[2] as PromiseFulfilledResult<{ job: string }>).value.job).toBe('乙');
    } finally {
      await pool.close();
    }
  });
});
