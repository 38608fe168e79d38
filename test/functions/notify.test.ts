// The bundled notify function, in a fresh Node process, on SQS messages naming a partner with
// pending deliveries; the partner's receiver verifies every signature with the standardwebhooks library.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import { readSiteConfig } from '../../src/aws/siteConfig.ts';
import { type Receiver, startReceiver } from '../delivery/receiver.ts';
import { bundled, type FakeSqs, invokeBundle, sqsRecord, startFakeSqs } from './harness.ts';
import { type PublishedSite, publishedSite } from './published.ts';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

let work: string;
let entry: string;
let receiver: Receiver;
let sqs: FakeSqs;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-notify-'));
  // The second request is refused once, to see the retry queued.
  [entry, receiver, sqs] = await Promise.all([bundled('notify'), startReceiver(secret, [{ status: 200 }, { status: 503 }]), startFakeSqs()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([receiver.close(), sqs.close()]);
  await rm(work, { recursive: true, force: true });
});

async function siteWithJobs(): Promise<PublishedSite> {
  const site = await publishedSite(`partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: ${receiver.url}, secret: { env: GAZETTE_SECRET_HNNEWS } }
`);
  const { site: config, partners } = await readSiteConfig(site.stores.objects);
  const store = createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table });
  await recordDeliveries({ store, site: config, partners, changes: site.documents.map((after) => ({ after })) });
  return site;
}

describe('notify bundle', () => {
  it('delivers signed webhooks and queues the partner again for a retry', async () => {
    const site = await siteWithJobs();
    const store = createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table });
    const jobs = await store.listJobs('hnnews');
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const result = await invokeBundle(entry, [{ Records: [sqsRecord({ partnerId: 'hnnews' }, 'm1')] }], {
      AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      SITE_BUCKET: site.stores.bucket,
      TABLE_NAME: site.stores.table,
      NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
      GAZETTE_NETWORK_MODE: 'local',
      GAZETTE_SECRET_HNNEWS: secret,
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.results).toEqual([{ batchItemFailures: [] }]);
    expect(receiver.requests.length).toBe(jobs.length);
    expect(receiver.requests.every((request) => request.verified)).toBe(true);
    const after = await store.listJobs('hnnews');
    expect(after.filter((job) => job.status === 'delivered')).toHaveLength(jobs.length - 1);
    expect(after.filter((job) => job.status === 'pending')).toHaveLength(1);
    expect(sqs.messages.map((body) => JSON.parse(body))).toEqual([{ partnerId: 'hnnews' }]);
  }, 60_000);

  it('retries only the message it could not handle', async () => {
    const site = await siteWithJobs();
    const result = await invokeBundle(entry, [{ Records: [sqsRecord({ partner: 'typo' }, 'bad'), sqsRecord({ partnerId: 'nobody' }, 'good')] }], {
      AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      SITE_BUCKET: site.stores.bucket,
      TABLE_NAME: site.stores.table,
      NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
    });
    expect(result.results).toEqual([{ batchItemFailures: [{ itemIdentifier: 'bad' }] }]);
  }, 60_000);

  it('cuts a partner that never answers off at the deadline and queues it again, while the other partner of the batch is delivered', async () => {
    // The hanging partner's first request gets no answer; later ones are answered.
    const [hanging, steady, queue] = await Promise.all([startReceiver(secret, [{ status: 200, delayMs: 120_000 }]), startReceiver(secret), startFakeSqs()]);
    try {
      const site = await publishedSite(`partners:
  - id: slow
    name: 慢速合作网站
    takes: { kinds: [release], fullText: true }
    webhook: { url: ${hanging.url}, secret: { env: GAZETTE_SECRET_SLOW } }
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: ${steady.url}, secret: { env: GAZETTE_SECRET_HNNEWS } }
`);
      const { site: config, partners } = await readSiteConfig(site.stores.objects);
      const store = createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table });
      const jobs = await recordDeliveries({ store, site: config, partners, changes: site.documents.map((after) => ({ after })) });
      const count = jobs.filter((job) => job.partnerId === 'slow').length;
      expect(count).toBeGreaterThanOrEqual(2);
      const env = {
        AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
        AWS_ENDPOINT_URL_SQS: queue.url,
        SITE_BUCKET: site.stores.bucket,
        TABLE_NAME: site.stores.table,
        NOTIFY_QUEUE_URL: `${queue.url}/123456789012/Gazette-NotifyQueue`,
        GAZETTE_NETWORK_MODE: 'local',
        GAZETTE_SECRET_SLOW: secret,
        GAZETTE_SECRET_HNNEWS: secret,
      };
      // 8 s left: Lambda would stop the function then; the first request would wait 15 s.
      const first = await invokeBundle(entry, [{ Records: [sqsRecord({ partnerId: 'slow' }, 's1'), sqsRecord({ partnerId: 'hnnews' }, 'h1')] }], env, {
        remainingTimeMs: 8000,
      });
      expect(first.stderr).not.toMatch(/Error/);
      expect(first.results).toEqual([{ batchItemFailures: [] }]);
      expect(first.durationsMs[0]).toBeLessThan(8000);
      expect(hanging.requests).toHaveLength(1);
      expect(steady.processed.size).toBe(count);
      const waiting = await store.listJobs('slow');
      expect(waiting.map((job) => [job.status, job.attempts])).toEqual(waiting.map(() => ['pending', 0]));
      expect(queue.messages.map((body) => JSON.parse(body))).toEqual([{ partnerId: 'slow' }]);

      // The message it queued: now the partner answers, and everything goes out.
      const second = await invokeBundle(entry, [{ Records: [sqsRecord({ partnerId: 'slow' }, 's2')] }], env, { remainingTimeMs: 8000 });
      expect(second.results).toEqual([{ batchItemFailures: [] }]);
      expect(hanging.processed.size).toBe(count);
      expect((await store.listJobs('slow')).map((job) => job.status)).toEqual(waiting.map(() => 'delivered'));
      expect(queue.messages).toHaveLength(1);
    } finally {
      await Promise.all([hanging.close(), steady.close(), queue.close()]);
    }
  }, 90_000);
});
