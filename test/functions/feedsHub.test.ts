// The bundled feeds function when a partner's WebSub hub never answers: the feeds are written, the
// outbox recorded, and the stream batch succeeds within the invocation's time; the missed pings
// are logged, not retried (the hub catches up at the next change or by polling).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { type SilentServer, startSilentServer } from '../delivery/receiver.ts';
import { bundled, type FakeSqs, invokeBundle, startFakeSqs } from './harness.ts';
import { publishedSite } from './published.ts';

let work: string;
let entry: string;
let sqs: FakeSqs;
let hub: SilentServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-feeds-hub-'));
  [entry, sqs, hub] = await Promise.all([bundled('feeds'), startFakeSqs(), startSilentServer('/')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([sqs.close(), hub.close()]);
  await rm(work, { recursive: true, force: true });
});

describe('feeds bundle with a hub that never answers', () => {
  it('still returns success within its deadline, with the feeds written and the failed pings logged', async () => {
    const site = await publishedSite(`partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: "https://news.huainan.gov.cn/hooks/gazette", secret: { env: GAZETTE_SECRET_HNNEWS } }
    websubHub: "${hub.url}"
`);
    const release = site.documents.find((doc) => doc.kind === 'release') as DocumentRecord;
    const keys = { pk: `DOC#${release.id}`, sk: 'META' };
    const record = {
      eventID: 'event-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: marshall(keys),
        NewImage: marshall({ ...keys, ...release }, { removeUndefinedValues: true }),
        SequenceNumber: '000000000000000000101',
        SizeBytes: 512,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Gazette/stream/2010-06-25T00:00:00.000',
    };
    // 12 s left: without a deadline each ping would wait 15 s per attempt, three times.
    const result = await invokeBundle(
      entry,
      [{ Records: [record] }],
      {
        AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
        AWS_ENDPOINT_URL_SQS: sqs.url,
        SITE_BUCKET: site.stores.bucket,
        TABLE_NAME: site.stores.table,
        NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
        GAZETTE_NETWORK_MODE: 'local',
      },
      { remainingTimeMs: 12_000 },
    );
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.results).toEqual([{ batchItemFailures: [] }]);
    expect(result.durationsMs[0]).toBeLessThan(12_000);
    expect(hub.requests).toBe(3);
    const atom = await site.stores.objects.get('site/feeds/partners/hnnews/atom.xml');
    expect(Buffer.from(atom?.body ?? []).toString('utf8')).toContain(release.title);
    expect(
      (await createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table }).listJobs('hnnews')).map((job) => job.documentId),
    ).toEqual([release.id]);
    const warning = result.logs.find((line) => line['level'] === 'warn') as { message: string; failedPings: { hub: string; error: string }[] } | undefined;
    expect(warning?.message).toMatch(/^WebSub pings failed; not retried/);
    expect(warning?.failedPings.map((ping) => [ping.hub, ping.error.split(':')[0]])).toEqual([
      [hub.url, 'aborted'],
      [hub.url, 'aborted'],
      [hub.url, 'aborted'],
    ]);
  }, 90_000);
});
