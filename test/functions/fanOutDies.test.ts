// A fanned-out build whose chunks commit and whose finalize step never runs (its message lost to
// the dead-letter queue, the account out of concurrency): its documents have pages but no listing
// entries. Its pending mark, extended by each chunk to the end of that chunk's invocation, tells
// the next finalizer once that time has passed; before it, the build may still finalize itself.
// (In-process use cases over s3rver and DynamoDB Local: the bundles read the wall clock.)

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createFanOutStore, fanOutRunner, runFanOutChunk } from '../../src/aws/fanOut.ts';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite } from '../../src/publish/build.ts';
import type { JobRunner } from '../../src/publish/build.ts';
import type { RecordStore } from '../../src/store/ports.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { createDynamoRecordStore, ensureTable } from '../../src/store/dynamodb.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';
import { testClients, uniqueName } from '../helpers/emulators.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { startFakeSqs } from './harness.ts';

const now = new Date('2010-06-25T08:00:00+08:00');
const release = (id: string, title: string, date: string) =>
  `---\nid: ${id}\ntitle: ${title}\ndate: ${date}\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n${title}的正文。\n`;

const sqsServer = await startFakeSqs();
afterAll(() => sqsServer.close());

describe('a fanned-out build that never finalizes', () => {
  it('is listed by the first finalizer after its last chunk\u2019s invocation could have ended', async () => {
    const { s3, dynamodb } = testClients();
    const bucket = uniqueName();
    const table = uniqueName();
    await Promise.all([ensureBucket(s3, bucket), ensureTable(dynamodb, table)]);
    const objects = createS3ObjectStore({ client: s3, bucket });
    const records = createDynamoRecordStore({ client: dynamodb, table });
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: sqsServer.url, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const store = createFanOutStore({ client: dynamodb, table });
    let wall = Date.now(); // eslint-disable-line no-restricted-syntax
    const clock = { now: () => new Date(wall) };
    const build = async (files: Record<string, string | Buffer>, jobRunner?: JobRunner, buildRecords: RecordStore = records) => {
      const { content } = await loadContent(await writeSite(files));
      const renderer = await createSiteRenderer(content as ContentSet, { workers: 0, pdf: false });
      try {
        return await buildSite({
          content: content as ContentSet,
          objects,
          records: buildRecords,
          renderer,
          now,
          leasing: { clock },
          ...(jobRunner === undefined ? {} : { jobRunner }),
        });
      } finally {
        await renderer.close();
      }
    };
    const page = async (key: string) => Buffer.from((await objects.get(SITE_PREFIX + key))?.body ?? []).toString('utf8');

    const base = sampleFiles();
    await build(base);
    // Build B begins first (it reads the build state before A begins) and waits at the lease until A's chunk has run.
    const beta = { 'press/2010/beta.md': release('press-2010-beta', '乙类重点项目建设情况通报', '2010-06-22') };
    let bAtLease!: () => void;
    let openB!: () => void;
    const bWaiting = new Promise<void>((done) => (bAtLease = done));
    const bMayGo = new Promise<void>((done) => (openB = done));
    const waitingB: RecordStore = {
      ...records,
      async getBuildLease() {
        bAtLease();
        await bMayGo;
        return records.getBuildLease();
      },
    };
    const b = build({ ...base, ...beta }, undefined, waitingB);
    await bWaiting;
    const alpha = { 'press/2010/alpha.md': release('press-2010-alpha', '甲类民生工程进展情况通报', '2010-04-21') };
    const runner = fanOutRunner({
      objects,
      store,
      sqs,
      renderJobsQueueUrl: `${sqsServer.url}/123456789012/RenderJobs`,
      finalizeQueueUrl: `${sqsServer.url}/123456789012/Finalize`,
      chunkSize: 25,
      threshold: 1,
    });
    const planned = await build({ ...base, ...beta, ...alpha }, runner);
    const buildId = planned.fannedOut?.buildId as string;
    // Its one chunk runs in an invocation with a minute left, commits, and sends the finalize message, which is lost.
    const chunk = await runFanOutChunk(
      { buildId, chunk: 0 },
      {
        objects,
        source: objects,
        records,
        store,
        sqs,
        finalizeQueueUrl: `${sqsServer.url}/123456789012/Finalize`,
        contentDir: await mkdtemp(join(tmpdir(), 'gazette-chunk-')),
        clock,
        remainingMs: () => 60_000,
      },
    );
    expect(chunk).toEqual({ jobs: 1, complete: true });
    expect((await records.getDocument('press-2010-alpha'))?.version).toBe(1);

    // While that invocation may still run, B lists only its own change (A may yet finalize): the mark stays.
    openB();
    expect((await b).created).toBe(1);
    expect(await page('press/archive/2010-04/index.html')).not.toContain('甲类民生工程进展情况通报');
    expect((await records.listPendingBuilds()).map((mark) => mark.buildId)).toEqual([buildId]);

    // Past it (the render function's own mark, 2 minutes from its hand-off, is the later one here;
    // plus the clock skew allowed), the next build, with nothing of its own to publish, lists everything.
    wall += 3 * 60_000;
    expect((await build({ ...base, ...alpha, ...beta })).created).toBe(0);
    // (Feeds are the table stream's on AWS, from the records: the feeds function lists it there.)
    let search = '';
    for await (const head of objects.listKeys(`${SITE_PREFIX}search/docs/`)) search += await page(head.key.slice(SITE_PREFIX.length));
    for (const [name, text] of [
      ['home', await page('index.html')],
      ['month', await page('press/archive/2010-04/index.html')],
      ['search', search],
    ]) {
      expect(text, name).toContain('甲类民生工程进展情况通报');
    }
    expect(await records.listPendingBuilds()).toEqual([]);
  }, 120_000);
});
