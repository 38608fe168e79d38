// The bundled release function, in a fresh Node process, on the payload an EventBridge Scheduler
// one-time schedule sends at an embargo time.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFromSource } from '../../src/aws/publishFromSource.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles } from '../publish/site.ts';
import { bundled, invokeBundle } from './harness.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

// Real times, since the function reads the real clock: an embargo that passed an hour ago (its
// schedule fires late) and one tomorrow, both scheduled by a publish two hours ago. Read as the
// function reads it (`new Date()`): `performance.timeOrigin + performance.now()` once fell 2.5 s
// behind it late in a CI run (a clock stepped by the machine), and this test failed.
const realNow = () => Date.now(); // eslint-disable-line no-restricted-syntax
const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const passed = second(realNow() - 3_600_000);
const tomorrow = second(realNow() + 86_400_000);

let work: string;
let entry: string;
let stores: EmulatorStores;
let source: SourceBucket;
let env: Record<string, string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-release-'));
  [entry, stores, source] = await Promise.all([bundled('release'), createEmulatorStores(), createSourceBucket()]);
  await source.upload({
    ...sampleFiles(),
    'press/2010/embargoed.md': embargoed('press-2010-embargoed', passed),
    'press/2010/tomorrow.md': embargoed('press-2010-tomorrow', tomorrow),
  });
  const earlier = await publishFromSource({
    source: source.store,
    objects: stores.objects,
    records: stores.records,
    contentDir: join(work, 'render', 'content'),
    now: new Date(realNow() - 7_200_000),
  });
  expect(earlier).toMatchObject({ status: 'published', summary: { scheduled: 2 } });
  env = {
    AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
    SOURCE_BUCKET: source.bucket,
    SITE_BUCKET: stores.bucket,
    TABLE_NAME: stores.table,
    DISTRIBUTION_ID: 'E2GAZETTE0TEST',
    CONTENT_DIR: join(work, 'tmp', 'content'),
  };
}, 90_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('release bundle', () => {
  it('refuses a payload whose time is still ahead of its clock (an early or forged event): nothing is published', async () => {
    const early = await invokeBundle(entry, [{ publishAt: tomorrow, documentId: 'press-2010-tomorrow' }], env);
    // Failing makes the asynchronous invocation retry, then go to ReleaseFailures, whose alarm fires.
    expect(early.code).not.toBe(0);
    expect(early.stderr).toContain(`The release event is for ${tomorrow} (press-2010-tomorrow), later than the function's clock`);
    expect(await stores.records.getDocument('press-2010-tomorrow')).toBeUndefined();
    expect(await stores.records.getDocument('press-2010-embargoed')).toBeUndefined();
    expect(await stores.objects.head('site/press/2010/tomorrow/index.html')).toBeUndefined();
    expect(await stores.objects.head('site/press/2010/embargoed/index.html')).toBeUndefined();
  }, 60_000);

  it('publishes with its own clock: a late schedule releases what is due now and nothing still embargoed', async () => {
    const before = realNow();
    const late = await invokeBundle(entry, [{ publishAt: passed, documentId: 'press-2010-embargoed' }], env);
    const after = realNow();
    expect(late.stderr).not.toMatch(/Error/);
    expect(late.results).toEqual([{ publishAt: passed, releasedAt: expect.any(String), summary: expect.objectContaining({ scheduled: 1 }) }]);
    const released = await stores.records.getDocument('press-2010-embargoed');
    expect(released?.status).toBe('published');
    // The record says when the document really became public, not the time the payload gave.
    expect(Date.parse(released?.firstPublishedAt ?? '')).toBeGreaterThanOrEqual(before);
    expect(Date.parse(released?.firstPublishedAt ?? '')).toBeLessThanOrEqual(after);
    expect(await stores.objects.head('site/press/2010/embargoed/index.html')).toBeDefined();
    expect(await stores.records.getDocument('press-2010-tomorrow')).toBeUndefined();
    expect(await stores.objects.head('site/press/2010/tomorrow/index.html')).toBeUndefined();
  }, 60_000);

  it('fails loudly on a payload without a time, so the schedule retries and then dead-letters it', async () => {
    const result = await invokeBundle(entry, [{ documentId: 'press-2010-embargoed' }], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('"publishAt" as an ISO 8601 time');
  });
});

function embargoed(id: string, publishAt: string): string {
  return `---
id: ${id}
title: 禁发期内的新闻稿 ${id}
date: 2010-06-30
department: 淮南市人民政府新闻办公室
category: 综合政务
publishAt: ${publishAt}
---
禁发期内正文。
`;
}
