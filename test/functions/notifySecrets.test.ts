// The bundled notify function with partner secrets in Secrets Manager (a fake endpoint, found
// through AWS_ENDPOINT_URL_SECRETS_MANAGER as on any SDK client): a rotation in progress signs with
// both versions, and the placeholder the stack creates sends nothing and says how to fix it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSiteConfig } from '../../src/aws/siteConfig.ts';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../aws/fakeSecretsManager.ts';
import { type Receiver, startReceiver } from '../delivery/receiver.ts';
import { bundled, type FakeSqs, invokeBundle, sqsRecord, startFakeSqs } from './harness.ts';
import { type PublishedSite, publishedSite } from './published.ts';

const oldSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const newSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const placeholder = 'Kx7QmZ2vR9tLpW4nY8bH3cJ6fD1gS5aE0uV2iO7kT9rM4qXz';
const realNow = () => performance.timeOrigin + performance.now();

let work: string;
let entry: string;
let sqs: FakeSqs;
let secretsManager: FakeSecretsManager;
const receivers: Receiver[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-notify-secrets-'));
  [entry, sqs, secretsManager] = await Promise.all([bundled('notify'), startFakeSqs(), startFakeSecretsManager()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([sqs.close(), secretsManager.close(), ...receivers.map((receiver) => receiver.close())]);
  await rm(work, { recursive: true, force: true });
});

/** The sample site published, partner hnnews (receiver holding `receiverSecret`) signing with `arn`, its jobs recorded. */
async function siteWithJobs(receiverSecret: string, arn: string): Promise<{ site: PublishedSite; store: DeliveryStore; receiver: Receiver }> {
  const receiver = await startReceiver(receiverSecret);
  receivers.push(receiver);
  const site = await publishedSite(`partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: ${receiver.url}, secret: { awsSecret: "${arn}" } }
`);
  const { site: config, partners } = await readSiteConfig(site.stores.objects);
  const store = createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table });
  await recordDeliveries({ store, site: config, partners, changes: site.documents.map((after) => ({ after })) });
  return { site, store, receiver };
}

function notify(site: PublishedSite) {
  return invokeBundle(entry, [{ Records: [sqsRecord({ partnerId: 'hnnews' })] }], {
    AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    SITE_BUCKET: site.stores.bucket,
    TABLE_NAME: site.stores.table,
    NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
    GAZETTE_NETWORK_MODE: 'local',
  });
}

describe('notify bundle with Secrets Manager', () => {
  it('signs with the current and the previous version an hour after a rotation, so a partner still on the old secret verifies', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gazette/partners/rotating-AbCdEf';
    secretsManager.put(arn, oldSecret, new Date(realNow() - 30 * 86_400_000));
    secretsManager.put(arn, newSecret, new Date(realNow() - 3_600_000));
    const { site, store, receiver } = await siteWithJobs(oldSecret, arn);
    const jobs = await store.listJobs('hnnews');
    const result = await notify(site);
    expect(result.stderr).not.toMatch(/Error/);
    expect(receiver.requests.length).toBe(jobs.length);
    expect(receiver.requests.every((request) => request.verified && String(request.headers['webhook-signature']).split(' ').length === 2)).toBe(true);
    expect((await store.listJobs('hnnews')).every((job) => job.status === 'delivered')).toBe(true);
    // One read of each stage for the whole batch: the value is kept for the next deliveries.
    expect(secretsManager.requests.filter((request) => request.SecretId === arn).map((request) => request.VersionStage)).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  }, 60_000);

  it('sends nothing while the secret is the placeholder the stack created, and logs which secret and how to set it', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gazette/partners/new-AbCdEf';
    secretsManager.put(arn, placeholder, new Date(realNow() - 60_000));
    const { site, store, receiver } = await siteWithJobs(newSecret, arn);
    const result = await notify(site);
    expect(receiver.requests).toEqual([]);
    const command = `aws secretsmanager put-secret-value --secret-id ${arn} --region us-east-1 --secret-string 'whsec_…'`;
    const logged = result.logs.find((log) => log['level'] === 'error' && String(log['error']).includes(arn));
    expect(String(logged?.['error'])).toContain(command);
    const jobs = await store.listJobs('hnnews');
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job.status).not.toBe('delivered');
      expect(job.lastError).toContain(command);
    }
  }, 60_000);
});
