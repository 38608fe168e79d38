// The bundled render function, in a fresh Node process, on S3 notifications delivered through SQS.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../infra/functions.ts';
import { SITE_CONFIG_KEY } from '../../src/content/keys.ts';
import { claimOf } from '../../src/publish/lease.ts';
import type { BuildLease } from '../../src/store/ports.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { bundled, type FakeScheduler, invokeBundle, s3Notification, sqsRecord, startFakeScheduler } from './harness.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

let work: string;
let entry: string;
let stores: EmulatorStores;
let source: SourceBucket;
let scheduler: FakeScheduler;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-render-'));
  [entry, stores, source, scheduler] = await Promise.all([bundled('render'), createEmulatorStores(), createSourceBucket(), startFakeScheduler()]);
}, 60_000);

afterAll(async () => {
  await scheduler.close();
  await rm(work, { recursive: true, force: true });
});

/** What the stack sets, with the embedded servers' endpoints. */
function renderEnv(contentDir: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    SOURCE_BUCKET: source.bucket,
    SITE_BUCKET: stores.bucket,
    TABLE_NAME: stores.table,
    DISTRIBUTION_ID: 'E2GAZETTE0TEST',
    SCHEDULE_GROUP: 'Gazette-embargo',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/Gazette-SchedulerRole',
    RELEASE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:Gazette-Release',
    RELEASE_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:123456789012:Gazette-ReleaseFailures',
    CONTENT_DIR: join(work, contentDir, 'content'),
    ...overrides,
  };
}

const text = async (key: string) => {
  const stored = await stores.objects.get(key);
  return stored === undefined ? undefined : Buffer.from(stored.body).toString('utf8');
};

describe('render bundle', () => {
  it('publishes an upload, then only what changed on a warm invocation', async () => {
    const files = sampleFiles();
    await source.publish(await writeSite(files), 'c0ffee1234', '李编辑 <li@huainan.gov.cn>');
    const first = sqsRecord(s3Notification(source.bucket, 'content/gazette/2010/05/huaifu-2010-69.md'));
    const second = sqsRecord(s3Notification(source.bucket, 'content/press/2010/hotline.md'));
    const env = renderEnv('tmp');

    // First cold invocation: everything is new.
    const cold = await invokeBundle(entry, [{ Records: [first] }], env);
    expect(cold.stderr).not.toMatch(/Error/);
    expect(cold.results).toEqual([{ batchItemFailures: [] }]);
    // Fonts parsed and PDFs typeset: the function's memory size must leave room above this.
    expect(cold.maxRssMb).toBeLessThan(functionSpecs.render.memoryMb * 0.8);
    expect(await text('site/gazette/2010/05/huaifu-2010-69/index.html')).toContain('淮府〔2010〕69号');
    expect(await text('site/index.html')).toContain('淮南市人民政府');
    expect(await text('site/404.html')).toBeDefined();
    // A new container's mirror: every Markdown and YAML file from the source pack `gazette publish`
    // wrote (one GET), the photo by itself.
    expect(cold.logs.find((log) => log['message'] === 'Published.')?.['sync']).toEqual({
      downloaded: Object.keys(files).length,
      fromPack: Object.keys(files).length - 1,
      deleted: 0,
      unchanged: 0,
    });
    const article = await stores.records.getDocument('huaifu-2010-69');
    expect(article?.version).toBe(1);
    // The PDF is typeset inside the bundle: embedded fonts and pdfkit's PDF/A colour profile found at run time.
    const pdfKey = article?.artifacts.find((ref) => ref.contentType === 'application/pdf')?.key;
    expect(pdfKey).toBeDefined();
    const pdf = Buffer.from((await stores.objects.get(`site/${pdfKey}`))?.body ?? []);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/OutputIntents');
    expect(JSON.parse((await text(SITE_CONFIG_KEY)) ?? '{}')).toMatchObject({ site: { baseUrl: 'https://www.huainan.gov.cn/' }, partners: [] });
    const hotline = await stores.records.getDocument('press-2010-hotline');
    expect(hotline?.version).toBe(1);
    // The audit log says who published it: the commit and author `gazette publish` tagged the upload with.
    expect(await stores.records.listAudit('huaifu-2010-69')).toEqual([
      expect.objectContaining({ event: 'published', version: 1, commit: 'c0ffee1234', author: '李编辑 <li@huainan.gov.cn>' }),
    ]);

    // A change to a published document without a change note is the editors' to fix: logged, not retried.
    const hotlineSource = String(files['press/2010/hotline.md']);
    await source.upload({ 'press/2010/hotline.md': hotlineSource.replace('稳步上升', '再创新高') });
    const refused = await invokeBundle(entry, [{ Records: [second] }], env);
    expect(refused.results).toEqual([{ batchItemFailures: [] }]);
    expect(JSON.stringify(refused.logs)).toContain('missing-change-note');
    expect((await stores.records.getDocument('press-2010-hotline'))?.version).toBe(1);

    // With its note, it publishes; invoked twice in one process, the second (warm) call downloads nothing.
    const corrected = hotlineSource
      .replace('稳步上升', '再创新高')
      .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 更正标题中的受理量表述。\nchangeDate: 2010-06-09\n');
    await source.upload({ 'press/2010/hotline.md': corrected });
    const warm = await invokeBundle(entry, [{ Records: [second] }, { Records: [second] }], env);
    expect(warm.logs.filter((log) => log['level'] === 'error')).toEqual([]);
    expect(warm.results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const syncs = warm.logs.filter((log) => log['message'] === 'Published.').map((log) => log['sync']);
    expect(syncs).toEqual([
      { downloaded: 1, fromPack: 0, deleted: 0, unchanged: Object.keys(files).length - 1 },
      { downloaded: 0, fromPack: 0, deleted: 0, unchanged: Object.keys(files).length },
    ]);
    expect((await stores.records.getDocument('press-2010-hotline'))?.version).toBe(2);
    expect(await text('site/press/2010/hotline/index.html')).toContain('再创新高');
    // Each line carries the build's counts and how many records there are, not the records: at
    // 10,000 documents those are megabytes, and CloudWatch Logs cuts an event at 256 KB.
    let records = 0;
    for await (const _ of stores.records.listDocuments()) records++;
    for (const log of warm.logs.filter((line) => line['message'] === 'Published.')) {
      expect(log['summary']).toMatchObject({ updated: expect.any(Number), objectsWritten: expect.any(Number), published: records });
      expect(JSON.stringify(log).length).toBeLessThan(4096);
    }
    expect((await stores.records.getDocument('huaifu-2010-69'))?.version).toBe(1);
  }, 60_000);

  it('sends a message that is not an S3 notification towards the dead-letter queue, and publishes the rest', async () => {
    const bad = sqsRecord('{"hello":"world"}', 'not-s3');
    const good = sqsRecord(s3Notification(source.bucket, 'content/site.yaml'));
    const test = sqsRecord({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: source.bucket });
    const result = await invokeBundle(entry, [{ Records: [bad, good, test] }], renderEnv('tmp2'));
    expect(result.results).toEqual([{ batchItemFailures: [{ itemIdentifier: 'not-s3' }] }]);
    expect(result.logs.some((log) => log['message'] === 'Published.')).toBe(true);
  }, 60_000);

  it('builds nothing for the source pack alone: `gazette publish` writes it after the files whose events start the build', async () => {
    const pack = sqsRecord(s3Notification(source.bucket, 'content/.gazette/sources.zip'));
    const result = await invokeBundle(entry, [{ Records: [pack] }], renderEnv('tmp-pack'));
    expect(result.results).toEqual([{ batchItemFailures: [] }]);
    expect(result.logs).toEqual([]);
  }, 60_000);

  it('retries the whole batch when the table cannot be reached', async () => {
    const record = sqsRecord(s3Notification(source.bucket, 'content/site.yaml'), 'retry-me');
    // Nothing listens on the discard port.
    const result = await invokeBundle(entry, [{ Records: [record] }], renderEnv('tmp3', { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' }));
    expect(result.results).toEqual([{ batchItemFailures: [{ itemIdentifier: 'retry-me' }] }]);
    expect(JSON.stringify(result.logs)).toContain('StoreUnavailableError');
  }, 60_000);

  it('gives up waiting for a lease another build holds while there is time left, so the batch is retried', async () => {
    // Another build's finalize holds the lease, renewed just now (as a long fan-out finalize would).
    const seen = await stores.records.getBuildLease();
    expect(await stores.records.claimBuildLease(seen, claimOf('another-build', new Date()))).toBe(true); // eslint-disable-line no-restricted-syntax -- leases expire in real time
    try {
      const record = sqsRecord(s3Notification(source.bucket, 'content/site.yaml'), 'wait-for-lease');
      // 66 s left: the function may wait 3 s (half, less 30 s), not the 15 minutes a CLI build waits.
      const result = await invokeBundle(entry, [{ Records: [record] }], renderEnv('tmp-lease'), { remainingTimeMs: 66_000 });
      expect(result.results).toEqual([{ batchItemFailures: [{ itemIdentifier: 'wait-for-lease' }] }]);
      expect(JSON.stringify(result.logs)).toContain('LeaseBusyError');
      expect(result.durationsMs[0]).toBeLessThan(66_000 - 30_000);
    } finally {
      const held = await stores.records.getBuildLease();
      await stores.records.claimBuildLease(held, { ...(held as BuildLease), active: false });
    }
  }, 90_000);

  it('refuses to start without its environment, naming every missing variable', async () => {
    const result = await invokeBundle(entry, [{ Records: [] }], { SITE_BUCKET: stores.bucket });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('SOURCE_BUCKET, TABLE_NAME, SCHEDULE_GROUP');
  });

  it('gives an embargoed document a one-time release schedule, and moves it when the embargo moves', async () => {
    const embargoed = (publishAt: string) => `---
id: press-2099-embargoed
title: 关于2099年政务公开工作的新闻发布稿
date: 2099-01-01
publishAt: ${publishAt}
department: 淮南市人民政府新闻办公室
category: 政务公开
---
禁发时间之前不得发布。
`;
    const env = renderEnv('tmp4');
    await source.upload({ 'press/2099/embargoed.md': embargoed('2099-01-01T09:00:00+08:00') });
    const event = { Records: [sqsRecord(s3Notification(source.bucket, 'content/press/2099/embargoed.md'))] };
    expect((await invokeBundle(entry, [event], env)).results).toEqual([{ batchItemFailures: [] }]);
    expect(await stores.records.getDocument('press-2099-embargoed')).toBeUndefined();
    const created = scheduler.schedules.get('release-press-2099-embargoed');
    expect(created?.method).toBe('POST');
    expect(created?.body).toMatchObject({
      GroupName: 'Gazette-embargo',
      ScheduleExpression: 'at(2099-01-01T01:00:00)',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: env['RELEASE_FUNCTION_ARN'], RoleArn: env['SCHEDULER_ROLE_ARN'], DeadLetterConfig: { Arn: env['RELEASE_DEAD_LETTER_ARN'] } },
    });
    expect(JSON.parse(String((created?.body['Target'] as { Input: string }).Input))).toEqual({
      publishAt: '2099-01-01T09:00:00+08:00',
      documentId: 'press-2099-embargoed',
    });

    await source.upload({ 'press/2099/embargoed.md': embargoed('2099-01-02T09:00:00+08:00') });
    expect((await invokeBundle(entry, [event], env)).results).toEqual([{ batchItemFailures: [] }]);
    const moved = scheduler.schedules.get('release-press-2099-embargoed');
    expect(moved?.method).toBe('PUT');
    expect(moved?.body['ScheduleExpression']).toBe('at(2099-01-02T01:00:00)');
    await source.store.delete(['content/press/2099/embargoed.md']);
  }, 60_000);
});
