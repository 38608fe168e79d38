// `gazette deliveries redrive --target aws`: after alarm OperationsDeadDeliveries, the operator's
// command for the deployed table. It re-enables the endpoint, closes its circuit and puts the dead
// jobs back in the table, then asks the notify function to send them (a message on the notify
// queue): the CLI holds no partner secret on AWS, the function reads them from Secrets Manager.

import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDeliveries } from '../../src/cli/deliveries.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import { loadPartners } from '../../src/delivery/partners.ts';
import { ensureTable } from '../../src/store/dynamodb.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { site } from '../feeds/site.ts';
import { startFakeSqs } from '../functions/harness.ts';
import { testClients, uniqueName } from '../helpers/emulators.ts';
import { fastClock, startReceiver } from './receiver.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function capture(cwd: string) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const io: CliIo = { stdout: out, stderr: err, cwd, now: () => new Date(performance.timeOrigin + performance.now()) };
  return { io, text: () => ({ stdout, stderr }) };
}

const receiver = await startReceiver(secret, [{ status: 410 }]);
const sqs = await startFakeSqs();
afterAll(async () => {
  await receiver.close();
  await sqs.close();
});

describe('gazette deliveries --target aws', () => {
  it('redrives the dead jobs in the deployed table and queues the partner for the notify function', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gazette-redrive-'));
    await copyFile('content/site.yaml', join(dir, 'site.yaml'));
    await writeFile(
      join(dir, 'partners.yaml'),
      `partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { fullText: true }
    webhook: { url: "${receiver.url}", secret: { env: HNNEWS_SECRET } }
`,
    );
    const { dynamodb, dynamodbEndpoint } = testClients();
    const table = uniqueName();
    await ensureTable(dynamodb, table);
    const store = createDynamoDeliveryStore({ client: dynamodb, table });
    const { partners = [] } = await loadPartners(dir, site);
    const after = {
      id: 'press-2010-hotline',
      kind: 'release',
      title: '12345',
      lang: 'zh-CN',
      urlPath: '/press/2010/hotline/',
      status: 'published',
      version: 1,
      digest: 'd',
      department: '淮南市人民政府新闻办公室',
      category: '政务公开',
      artifacts: [],
      updatedAt: '2010-12-08T02:00:00.000Z',
    } as unknown as DocumentRecord;
    await recordDeliveries({ store, site, partners, changes: [{ after }] });
    // The endpoint answers 410 Gone: the job is dead, the endpoint disabled (as the notify function leaves them).
    const local = { env: { HNNEWS_SECRET: secret }, clock: fastClock(), openStore: async () => ({ store, close: async () => {} }) };
    const sent = capture(dir);
    expect(await runDeliveries(['send', '--content', dir], sent.io, local)).toBe(2);
    expect((await store.listJobs('hnnews')).map((job) => job.status)).toEqual(['dead']);
    expect((await store.getPartnerState('hnnews')).disabled).toBe(true);
    const requestsBefore = receiver.requests.length;

    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
    const queueUrl = `${sqs.url}/123456789012/Gazette-NotifyQueue`;
    const redrive = capture(dir);
    expect(await runDeliveries(['redrive', '--target', 'aws', '--table', table, '--notify-queue', queueUrl, '--content', dir], redrive.io, { env })).toBe(0);
    expect(redrive.text().stderr).toBe('');
    expect(redrive.text().stdout).toContain('Re-queued 1 dead job(s)');
    const [job] = await store.listJobs('hnnews');
    expect([job?.status, job?.attempts]).toEqual(['pending', 0]);
    expect((await store.getPartnerState('hnnews')).disabled).toBe(false);
    expect(sqs.messages.map((body) => JSON.parse(body))).toEqual([{ partnerId: 'hnnews' }]);
    // Sending is the notify function's: the command itself calls no partner.
    expect(receiver.requests.length).toBe(requestsBefore);

    // The stack outputs name the table and queue; without them the command says where to find them.
    const missing = capture(dir);
    expect(await runDeliveries(['redrive', '--target', 'aws', '--content', dir], missing.io, { env: {} })).toBe(1);
    expect(missing.text().stderr).toContain('TableName');
    // On AWS the notify function sends: `send` is refused with what to run instead.
    const send = capture(dir);
    expect(await runDeliveries(['send', '--target', 'aws', '--table', table, '--notify-queue', queueUrl, '--content', dir], send.io, { env })).toBe(1);
    expect(send.text().stderr).toContain('redrive --target aws');
  }, 60_000);
});
