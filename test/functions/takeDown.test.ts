// The bundled render function on a withdrawal: the document's files leave the bucket and CloudFront
// is asked to forget exactly those paths, once, however often the publish is retried.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { type FakeCloudFront, startFakeCloudFront } from './fakeCloudFront.ts';
import { bundled, type FakeScheduler, invokeBundle, s3Notification, sqsRecord, startFakeScheduler } from './harness.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

let work: string;
let entry: string;
let stores: EmulatorStores;
let source: SourceBucket;
let scheduler: FakeScheduler;
let cloudfront: FakeCloudFront;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-take-down-'));
  [entry, stores, source, scheduler, cloudfront] = await Promise.all([
    bundled('render'),
    createEmulatorStores(),
    createSourceBucket(),
    startFakeScheduler(),
    startFakeCloudFront(),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([scheduler.close(), cloudfront.close()]);
  await rm(work, { recursive: true, force: true });
});

const briefing = String(sampleFiles()['press/2010/briefing/index.md']).replace(
  'category: 政务公开\n',
  'category: 政务公开\nattachments:\n  - { file: 发布会材料 一.pdf, title: 发布会材料 }\n',
);

async function briefingKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const head of stores.objects.listKeys(`${SITE_PREFIX}press/2010/briefing/`)) keys.push(head.key);
  return keys;
}

describe('render bundle, withdrawal', () => {
  it('deletes the withdrawn document’s files and invalidates exactly those paths on CloudFront', async () => {
    const env = {
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.url,
      SOURCE_BUCKET: source.bucket,
      SITE_BUCKET: stores.bucket,
      TABLE_NAME: stores.table,
      DISTRIBUTION_ID: 'E2GAZETTE0TEST',
      SCHEDULE_GROUP: 'Gazette-embargo',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/Gazette-SchedulerRole',
      RELEASE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:Gazette-Release',
      RELEASE_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:123456789012:Gazette-ReleaseFailures',
      CONTENT_DIR: join(work, 'tmp', 'content'),
    };
    const files = { ...sampleFiles(), 'press/2010/briefing/index.md': briefing, 'press/2010/briefing/发布会材料 一.pdf': Buffer.from('%PDF-1.4\n% 材料\n') };
    await source.publish(await writeSite(files), 'c0ffee1234', '李编辑 <li@huainan.gov.cn>');
    const event = { Records: [sqsRecord(s3Notification(source.bucket, 'content/press/2010/briefing/index.md'))] };
    const first = await invokeBundle(entry, [event], env);
    expect(first.results).toEqual([{ batchItemFailures: [] }]);
    const published = await briefingKeys();
    expect(published).toEqual(expect.arrayContaining(['site/press/2010/briefing/photo.png', 'site/press/2010/briefing/发布会材料 一.pdf']));
    expect(cloudfront.invalidations).toEqual([]);

    await source.upload({
      'press/2010/briefing/index.md': briefing.replace(
        'category: 政务公开\n',
        'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 发布会材料有误。\nwithdrawnDate: 2010-06-27\n',
      ),
    });
    // Delivered twice, as SQS may: the second publish finds nothing left to do.
    const withdrawal = await invokeBundle(entry, [event, event], env);
    expect(withdrawal.logs.filter((log) => log['level'] === 'error')).toEqual([]);
    expect(withdrawal.results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await briefingKeys()).toEqual(['site/press/2010/briefing/index.html']);
    const gone = published.filter((key) => key !== 'site/press/2010/briefing/index.html');
    for (const key of gone) expect(await stores.objects.get(key)).toBeUndefined();
    expect(cloudfront.invalidations).toEqual([
      {
        distributionId: 'E2GAZETTE0TEST',
        callerReference: expect.stringMatching(/^gazette-take-down-[0-9a-f]{32}$/),
        paths: gone
          .map((key) => `/${key.slice(SITE_PREFIX.length)}`.replace('发布会材料 一', '%E5%8F%91%E5%B8%83%E4%BC%9A%E6%9D%90%E6%96%99%20%E4%B8%80'))
          .sort(),
      },
    ]);
  }, 120_000);
});
