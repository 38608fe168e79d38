// The bundled release function, in a fresh Node process, on the payload an EventBridge Scheduler
// one-time schedule sends at an embargo time.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { sampleFiles } from '../publish/site.ts';
import { bundleInto, invokeBundle } from './harness.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

let work: string;
let entry: string;
let stores: TestStores;
let source: SourceBucket;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-release-'));
  [entry, stores, source] = await Promise.all([bundleInto(join(work, 'bundles'), 'release'), createTestStores(), createSourceBucket()]);
  await source.upload(sampleFiles());
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('release bundle', () => {
  it('publishes an embargoed release at its embargo time, not before', async () => {
    const embargo = '2010-06-30T10:00:00+08:00';
    const env = {
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      SOURCE_BUCKET: source.bucket,
      SITE_BUCKET: stores.bucket,
      TABLE_NAME: stores.table,
      CONTENT_DIR: join(work, 'tmp', 'content'),
    };
    // An earlier schedule (another document's) runs first: the embargoed release stays private.
    const early = { publishAt: '2010-06-25T08:00:00+08:00', documentId: 'press-2010-hotline' };
    const due = { publishAt: embargo, documentId: 'press-2010-embargoed' };
    const result = await invokeBundle(entry, [early, due], env);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.results).toEqual([
      { publishAt: early.publishAt, summary: expect.objectContaining({ scheduled: 1 }) },
      { publishAt: embargo, summary: expect.objectContaining({ scheduled: 0 }) },
    ]);
    const record = await stores.records.getDocument('press-2010-embargoed');
    expect(record).toMatchObject({ status: 'published', version: 1, firstPublishedAt: new Date(embargo).toISOString() });
    expect(await stores.objects.head('site/press/2010/embargoed/index.html')).toBeDefined();
  }, 60_000);

  it('fails loudly on a payload without a time, so the schedule retries and then dead-letters it', async () => {
    const result = await invokeBundle(entry, [{ documentId: 'press-2010-embargoed' }], {
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      SOURCE_BUCKET: source.bucket,
      SITE_BUCKET: stores.bucket,
      TABLE_NAME: stores.table,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('"publishAt" as an ISO 8601 time');
  });
});
