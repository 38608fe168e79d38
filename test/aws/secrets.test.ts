// Partner signing secrets on AWS, against a fake Secrets Manager endpoint (AWS JSON 1.1) with
// versions and stages as Secrets Manager keeps them, and the delivery store on DynamoDB Local.

import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsSecrets } from '../../src/aws/secrets.ts';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import type { Partner } from '../../src/delivery/partners.ts';
import { sendPendingDeliveries } from '../../src/delivery/send.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { fastClock, type Receiver, startReceiver } from '../delivery/receiver.ts';
import { site } from '../feeds/site.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from './fakeSecretsManager.ts';

const oldSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const newSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
// What the stack's `generateSecretString: { passwordLength: 48, excludePunctuation: true }` makes.
const placeholder = 'Kx7QmZ2vR9tLpW4nY8bH3cJ6fD1gS5aE0uV2iO7kT9rM4qXz';
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;

let fake: FakeSecretsManager;
let client: SecretsManagerClient;
let store: DeliveryStore;
let counter = 0;
const receivers: Receiver[] = [];

beforeAll(async () => {
  fake = await startFakeSecretsManager();
  client = new SecretsManagerClient({ region: 'ap-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const { dynamodb, table } = await createEmulatorStores();
  store = createDynamoDeliveryStore({ client: dynamodb, table });
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

afterAll(async () => {
  client.destroy();
  await fake.close();
});

const secretArn = () => `arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/p${++counter}-AbCdEf`;

/** A settable clock for the resolver, starting at a fixed time. */
function manualClock() {
  const clock = { at: Date.parse('2010-12-08T02:00:00Z'), now: () => clock.at };
  return clock;
}

describe('environment secrets on AWS', () => {
  const env = {
    AWS_SECRET_ACCESS_KEY: 'function-credential',
    GAZETTE_SECRET_NEWS: newSecret,
    GAZETTE_SECRET_ROTATING: newSecret,
    GAZETTE_SECRET_ROTATING_PREVIOUS: oldSecret,
  };
  // Environment references never reach Secrets Manager, so no client is needed here.
  const secrets = awsSecrets({} as SecretsManagerClient, { env });

  it('reads GAZETTE_SECRET_ variables from the environment, and NAME_PREVIOUS during a rotation', async () => {
    await expect(secrets({ env: 'GAZETTE_SECRET_NEWS' })).resolves.toEqual({ current: newSecret });
    await expect(secrets({ env: 'GAZETTE_SECRET_ROTATING' })).resolves.toEqual({ current: newSecret, previous: oldSecret });
  });

  it('refuses any other variable, so partners.yaml cannot make a function credential a signing key', async () => {
    await expect(secrets({ env: 'AWS_SECRET_ACCESS_KEY' })).rejects.toThrow(/GAZETTE_SECRET_/);
  });
});

describe('Secrets Manager secrets', () => {
  it('reads a value again after five minutes, so a new value is in use within minutes', async () => {
    const arn = secretArn();
    const clock = manualClock();
    fake.put(arn, oldSecret, new Date(clock.at - hours(24 * 30)));
    const secrets = awsSecrets(client, { env: {}, now: clock.now });
    const reads = () => fake.requests.filter((request) => request.SecretId === arn).length;

    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: oldSecret });
    expect(reads()).toBe(1); // a month-old current version: its previous one is not even read
    clock.at += minutes(4);
    fake.put(arn, newSecret, new Date(clock.at));
    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: oldSecret });
    expect(reads()).toBe(1);
    clock.at += minutes(1);
    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: newSecret, previous: oldSecret });
    expect(fake.requests.filter((request) => request.SecretId === arn).map((request) => request.VersionStage)).toEqual([
      'AWSCURRENT',
      'AWSCURRENT',
      'AWSPREVIOUS',
    ]);
  });

  it('signs with the previous version too while the current one is younger than the window (24 hours, or SECRET_ROTATION_WINDOW_HOURS)', async () => {
    const arn = secretArn();
    const clock = manualClock();
    fake.put(arn, oldSecret, new Date(clock.at - hours(24 * 30)));
    fake.put(arn, newSecret, new Date(clock.at));
    const secrets = awsSecrets(client, { env: {}, now: clock.now });
    const short = awsSecrets(client, { env: { SECRET_ROTATION_WINDOW_HOURS: '2' }, now: clock.now });
    clock.at += hours(1);
    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: newSecret, previous: oldSecret });
    await expect(short({ awsSecret: arn })).resolves.toEqual({ current: newSecret, previous: oldSecret });
    clock.at += hours(2);
    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: newSecret, previous: oldSecret });
    await expect(short({ awsSecret: arn })).resolves.toEqual({ current: newSecret });
    clock.at += hours(22);
    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: newSecret });
  });

  it('during a rotation, a receiver holding only the old secret and one holding only the new one both verify', async () => {
    const arn = secretArn();
    const clock = manualClock();
    fake.put(arn, oldSecret, new Date(clock.at - hours(24 * 30)));
    fake.put(arn, newSecret, new Date(clock.at - hours(2)));
    const secrets = awsSecrets(client, { env: {}, now: clock.now });
    const stillOld = await partnerWithJob(oldSecret, arn);
    const movedOn = await partnerWithJob(newSecret, arn);
    const summary = await sendPendingDeliveries({ store, partners: [stillOld.partner, movedOn.partner], secrets, clock: fastClock(), mode: 'local' });
    expect(summary).toMatchObject({ delivered: 2, dead: 0, pending: 0 });
    for (const { receiver } of [stillOld, movedOn]) {
      expect(receiver.requests.map((request) => request.verified)).toEqual([true]);
      expect(String(receiver.requests[0]?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    }
  });

  it('refuses the placeholder the stack created: nothing is sent, and the error names the secret and the command that fixes it', async () => {
    const arn = secretArn();
    const clock = manualClock();
    fake.put(arn, placeholder, new Date(clock.at - hours(1)));
    const secrets = awsSecrets(client, { env: {}, now: clock.now });
    const { receiver, partner } = await partnerWithJob(newSecret, arn);
    const summary = await sendPendingDeliveries({ store, partners: [partner], secrets, clock: fastClock(), mode: 'local' });
    expect(summary.delivered).toBe(0);
    expect(receiver.requests).toEqual([]);
    const [job] = await store.listJobs(partner.id);
    expect(job?.status).not.toBe('delivered');
    expect(job?.lastError).toContain(`The secret ${arn} in Secrets Manager does not hold a webhook signing secret`);
    expect(job?.lastError).toContain(`aws secretsmanager put-secret-value --secret-id ${arn} --region ap-east-1 --secret-string 'whsec_…'`);

    // Once the agreed value is put, it alone signs: the placeholder, now the previous version, cannot.
    fake.put(arn, newSecret, new Date(clock.at));
    clock.at += minutes(5);
    await expect(secrets({ awsSecret: arn })).resolves.toEqual({ current: newSecret });
  });
});

/** A partner whose receiver holds `secret`, its signing secret referenced as `arn`, with one job. */
async function partnerWithJob(secret: string, arn: string) {
  const receiver = await startReceiver(secret);
  receivers.push(receiver);
  const partner: Partner = { id: `p${++counter}`, name: '测试合作网站', takes: { fullText: true }, webhook: { url: receiver.url, secret: { awsSecret: arn } } };
  const record: DocumentRecord = {
    id: 'press-2010-hotline',
    kind: 'release',
    title: '市长公开电话12345全天候受理',
    lang: 'zh-CN',
    file: 'press/2010/hotline.md',
    urlPath: '/press/2010/hotline/',
    status: 'published',
    version: 1,
    digest: 'd-hotline-1',
    indexNumber: '003210003/2010-00007',
    department: '淮南市人民政府新闻办公室',
    departmentCode: '003210003',
    category: '政务公开',
    date: '2010-12-08',
    artifacts: [],
    firstPublishedAt: '2010-12-08T02:00:00.000Z',
    updatedAt: '2010-12-08T02:00:00.000Z',
  };
  await recordDeliveries({ store, site, partners: [partner], changes: [{ after: record }] });
  return { receiver, partner };
}
