// The job runner a publishing function (render, release) builds from the environment the stack
// gives it: none without the render-jobs queue, and a clear error when the finalize queue is missing.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingEnvironmentError } from '../../src/aws/env.ts';
import { jobRunnerFromEnv } from '../../src/aws/fanOut.ts';
import { createAwsClients } from '../../src/store/clients.ts';
import { createFileObjectStore } from '../../src/store/fileObjects.ts';
import type { ObjectStore } from '../../src/store/ports.ts';

let work: string;
let objects: ObjectStore;
// No request is made: the clients only need to exist.
const { dynamodb } = createAwsClients({ region: 'us-east-1', dynamodbEndpoint: 'http://127.0.0.1:9' });
const queue = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-runner-env-'));
  objects = createFileObjectStore({ root: work });
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('jobRunnerFromEnv', () => {
  it('gives no runner without RENDER_JOBS_QUEUE_URL: the function renders everything itself', () => {
    expect(jobRunnerFromEnv({ objects, dynamodb }, { TABLE_NAME: 'Gazette' })).toBeUndefined();
  });

  it('refuses a render-jobs queue without the finalize queue, naming the variable', () => {
    const env = { TABLE_NAME: 'Gazette', RENDER_JOBS_QUEUE_URL: queue('RenderJobs') };
    expect(() => jobRunnerFromEnv({ objects, dynamodb }, env)).toThrow(MissingEnvironmentError);
    expect(() => jobRunnerFromEnv({ objects, dynamodb }, env)).toThrow(/FINALIZE_QUEUE_URL/);
  });

  it('takes its thresholds from the environment, with the stack defaults otherwise', () => {
    const env = { TABLE_NAME: 'Gazette', RENDER_JOBS_QUEUE_URL: queue('RenderJobs'), FINALIZE_QUEUE_URL: queue('Finalize') };
    expect(jobRunnerFromEnv({ objects, dynamodb }, env)).toMatchObject({ minJobs: 200, minDocumentsForWholeListings: 2000 });
    expect(jobRunnerFromEnv({ objects, dynamodb }, { ...env, FANOUT_THRESHOLD: '1', FANOUT_WHOLE_LISTINGS_AT: '50' })).toMatchObject({
      minJobs: 1,
      minDocumentsForWholeListings: 50,
    });
  });
});
