// Every AWS call each bundled function makes (S3, DynamoDB, SQS, CloudFront, Scheduler, Secrets
// Manager), held to the IAM policy the stack gives its role (test/functions/policy.ts). The functions
// run with the environment the stack sets them, as in the other bundle tests, but their endpoints are
// recording proxies that refuse what the role does not allow, as AWS would: first publish, a
// correction, a withdrawal, an embargo and its release, a release fanned out, a full rebuild
// fanned out to render jobs and finalize, a deploy whose listings render hands to finalize, the
// feeds function on the table changes each of these makes, and notify delivering to a partner.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../infra/functions.ts';
import { DEPLOY_REBUILD_EVENT } from '../../src/aws/deployRebuild.ts';
import { parseSigningKey } from '../../src/manifest/signing.ts';
import { RENDER_CODE_FILE, type RenderCodeParts } from '../../src/publish/renderCode.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../aws/fakeSecretsManager.ts';
import { type Receiver, startReceiver } from '../delivery/receiver.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles, siteYaml, writeSite } from '../publish/site.ts';
import {
  bundled,
  bundleInto,
  type FakeScheduler,
  type FakeSqs,
  type Invocation,
  invokeBundle,
  type InvokeOptions,
  s3Notification,
  sqsRecord,
  startFakeScheduler,
  startFakeSqs,
} from './harness.ts';
import { describeCalls, type PolicyProxy, type RecordedCall, type StackPolicies, startPolicyProxy, synthesizePolicies } from './policy.ts';
import { NEEDED_WITHOUT_SCENARIO, unusedGrants } from './unusedGrants.ts';
import { type FakeCloudFront, startFakeCloudFront } from './fakeCloudFront.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

/** The functions exercised here; every function the stack deploys must be (see the last test). */
const exercised: FunctionName[] = ['render', 'release', 'feeds', 'notify', 'renderJob', 'finalize'];
const secret = `whsec_${randomBytes(24).toString('base64')}`;

let work: string;
let stores: EmulatorStores;
let source: SourceBucket;
let scheduler: FakeScheduler;
let sqs: FakeSqs;
let receiver: Receiver;
let cloudfront: FakeCloudFront;
let secretsManager: FakeSecretsManager;
/** The partner's signing secret, as the stack creates it (context gazette:partnerSecrets). */
const SECRET_NAME = 'gazette/partners/hnnews';
let secretArn: string;
let signingKeyPem: string;
const entries = {} as Record<FunctionName, string>;
/** How far the functions' clocks run ahead of the real one: past the embargo, once it is released. */
let clockOffsetMs = 0;
const proxies = {} as Record<FunctionName, PolicyProxy>;
let policies: StackPolicies;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-iam-'));
  let entryFiles: string[];
  [entryFiles, stores, source, scheduler, sqs, receiver, cloudfront, secretsManager] = await Promise.all([
    Promise.all(exercised.map((name) => bundled(name))),
    createEmulatorStores(),
    createSourceBucket(),
    startFakeScheduler(),
    startFakeSqs(),
    startReceiver(secret),
    startFakeCloudFront(),
    startFakeSecretsManager(),
  ]);
  for (const [i, name] of exercised.entries()) entries[name] = entryFiles[i] as string;
  // Each function's own role and environment, naming this test's buckets and table.
  policies = await synthesizePolicies(
    { SiteBucket: stores.bucket, SourceBucket: source.bucket, Table: stores.table, PartnerSecret0: SECRET_NAME, SigningKey: 'gazette/signing-key' },
    { context: { 'gazette:partnerSecrets': [SECRET_NAME] } },
  );
  // The ARN the stack outputs for partners.yaml.
  secretArn = policies.notify.statements.find((statement) => statement.sid === 'PartnerSecrets')?.resources[0] as string;
  secretsManager.put(secretArn, secret, new Date(Date.now() - 86_400_000)); // eslint-disable-line no-restricted-syntax
  // The manifest's signing key, as an operator puts it into the secret the stack creates.
  signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  secretsManager.put(policies.render.environment['SIGNING_KEY_SECRET_ARN'] as string, signingKeyPem, new Date(Date.now() - 86_400_000)); // eslint-disable-line no-restricted-syntax
  const targets = {
    s3: stores.s3Endpoint,
    dynamodb: stores.dynamodbEndpoint,
    sqs: sqs.url,
    cloudfront: cloudfront.url,
    scheduler: scheduler.url,
    secretsmanager: secretsManager.url,
  };
  for (const name of exercised) proxies[name] = await startPolicyProxy(policies[name], targets);
  // Bundling every function, synthesizing the stack and starting DynamoDB Local take about a
  // minute on two cores while the other test files run; one run beside a large build took over
  // two. The limit guards against a hang, not a slow machine.
}, 300_000);

afterAll(async () => {
  await Promise.all([
    ...Object.values(proxies).map((proxy) => proxy.close()),
    scheduler.close(),
    sqs.close(),
    receiver.close(),
    cloudfront.close(),
    secretsManager.close(),
  ]);
  await rm(work, { recursive: true, force: true });
});

/** Every call each function made, over all scenarios: what its grants are held against in the last test. */
const used = Object.fromEntries(exercised.map((name) => [name, [] as RecordedCall[]])) as Record<FunctionName, RecordedCall[]>;

/**
 * Run a function with the environment the stack gives it plus `env`, through its proxies; the calls
 * its role refused are the first thing checked.
 */
async function run(name: FunctionName, events: unknown[], env: Record<string, string>, options: InvokeOptions = {}): Promise<Invocation> {
  const proxy = proxies[name];
  proxy.clear();
  // The SQS client sends to a queue URL's own host, whatever its endpoint: queue URLs name the proxy.
  const stackEnv = Object.fromEntries(
    Object.entries(policies[name].environment).map(([variable, value]) => [
      variable,
      value.replace(/^https:\/\/sqs\.[\w-]+\.amazonaws\.com(?=\/\d{12}\/)/, proxy.env['AWS_ENDPOINT_URL_SQS'] as string),
    ]),
  );
  const invocation = await invokeBundle(entries[name], events, { ...stackEnv, ...env, ...proxy.env }, { clockOffsetMs, ...options });
  used[name].push(...proxy.calls);
  expect(describeCalls(proxy.denied), `${name}: calls its role does not allow`).toEqual([]);
  expect(proxy.calls.length, `${name} made no S3 or DynamoDB call through its proxy: ${invocation.stderr.slice(-1500)}`).toBeGreaterThan(0);
  expect(
    invocation.logs.filter((log) => log['level'] === 'error'),
    `${name} logged errors`,
  ).toEqual([]);
  return invocation;
}

/** Render and release: besides the stack's environment, where the sources are mirrored. */
const publishEnv = (contentDir: string) => ({ CONTENT_DIR: join(work, contentDir, 'content') });

/** Feeds and notify: the partner's webhook is on loopback. */
const deliveryEnv = () => ({ GAZETTE_NETWORK_MODE: 'local' });

async function render(...changedFiles: string[]): Promise<Invocation> {
  const event = { Records: changedFiles.map((rel) => sqsRecord(s3Notification(source.bucket, `content/${rel}`))) };
  const invocation = await run('render', [event], publishEnv('render'));
  expect(invocation.results).toEqual([{ batchItemFailures: [] }]);
  expect(invocation.logs.some((log) => log['message'] === 'Published.')).toBe(true);
  return invocation;
}

// The table stream, as the feeds function's event source delivers it: documents' META items and
// staged embargoes (SCHEDULED) as the stack's filters pass them, with old and new images, read from
// the table after each change.
const seen = new Map<string, Record<string, unknown>>();
let sequence = 0;
async function streamChanges() {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stores.dynamodb.send(
      new ScanCommand({
        TableName: stores.table,
        ExclusiveStartKey: start,
        FilterExpression: 'begins_with(pk, :doc) AND sk IN (:meta, :scheduled)',
        ExpressionAttributeValues: { ':doc': 'DOC#', ':meta': 'META', ':scheduled': 'SCHEDULED' },
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  const records = [];
  for (const item of items) {
    const keys = { pk: String(item['pk']), sk: String(item['sk']) };
    const before = seen.get(`${keys.pk} ${keys.sk}`);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(item)) continue;
    seen.set(`${keys.pk} ${keys.sk}`, item);
    const SequenceNumber = String(++sequence).padStart(21, '0');
    records.push({
      eventID: `event-${SequenceNumber}`,
      eventName: before === undefined ? 'INSERT' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000), // eslint-disable-line no-restricted-syntax
        Keys: marshall(keys),
        NewImage: marshall(item, { removeUndefinedValues: true }),
        ...(before === undefined ? {} : { OldImage: marshall(before, { removeUndefinedValues: true }) }),
        SequenceNumber,
        SizeBytes: 1024,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: `arn:aws:dynamodb:us-east-1:123456789012:table/${stores.table}/stream/2010-06-25T00:00:00.000`,
    });
  }
  return records;
}

/** The feeds function on the stream records the last publish produced. */
async function feeds(): Promise<Invocation> {
  const Records = await streamChanges();
  expect(Records.length, 'the publish changed no document record').toBeGreaterThan(0);
  const invocation = await run('feeds', [{ Records }], deliveryEnv());
  expect(invocation.results).toEqual([{ batchItemFailures: [] }]);
  return invocation;
}

const text = async (key: string) => {
  const stored = await stores.objects.get(key);
  return stored === undefined ? undefined : Buffer.from(stored.body).toString('utf8');
};

const partnersYaml = () => `partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: ${receiver.url}, secret: { awsSecret: "${secretArn}" } }
    embargoAccess: true
`;

/** Beijing time, as editors write `publishAt`. */
function beijing(instant: Date): string {
  return `${new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** A press release under embargo until `publishAt`. */
function embargoedRelease(id: string, title: string, publishAt: string): string {
  return `---
id: ${id}
title: ${title}
date: ${publishAt.slice(0, 10)}
publishAt: ${publishAt}
department: 淮南市人民政府新闻办公室
category: 政务公开
---
禁发时间之前不得发布。
`;
}

describe('each function, through its own role', () => {
  const files = sampleFiles();
  const hotline = String(files['press/2010/hotline.md']);
  const article = String(files['gazette/2010/05/huaifu-2010-69.md']);

  it('first publish: render writes the site and records; feeds writes the feeds and the outbox', async () => {
    await source.publish(await writeSite({ ...files, 'partners.yaml': partnersYaml() }), 'c0ffee1234', '李编辑 <li@huainan.gov.cn>');
    await render('press/2010/hotline.md');
    expect(await text('site/press/2010/hotline/index.html')).toContain('12345市长公开电话');
    // The manifest, signed with the key from Secrets Manager.
    const { kid } = parseSigningKey(signingKeyPem, 'the test key');
    expect(JSON.parse((await text('site/.well-known/gazette-keys.json')) ?? '{}')).toMatchObject({ keys: [{ kid }] });
    expect(await text('site/.well-known/gazette-manifest.json')).toContain(`"keyId":"${kid}"`);
    await feeds();
    expect(await text('site/feeds/press/atom.xml')).toContain('12345市长公开电话受理量稳步上升');
    expect(sqs.messages.map((body) => JSON.parse(body))).toContainEqual({ partnerId: 'hnnews' });
  }, 180_000);

  it('a deploy: render publishes with the deployed code, and feeds writes the feeds with it', async () => {
    const rendered = await run('render', [DEPLOY_REBUILD_EVENT], publishEnv('render'));
    expect(rendered.logs.map((log) => log['message'])).toContain('Published after a deploy.');
    const written = await run('feeds', [DEPLOY_REBUILD_EVENT], deliveryEnv());
    expect(written.results).toEqual([{ batchItemFailures: [] }]);
    expect(written.logs.map((log) => log['message'])).toContain('Feeds after a deploy.');
  }, 180_000);

  it('notify: delivers the partner\u2019s pending webhooks, signed with its secret from Secrets Manager', async () => {
    const invocation = await run('notify', [{ Records: [sqsRecord({ partnerId: 'hnnews' })] }], deliveryEnv());
    expect(invocation.results).toEqual([{ batchItemFailures: [] }]);
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((request) => request.verified)).toBe(true);
    expect(secretsManager.requests.map((request) => request.SecretId)).toContain(secretArn);
  }, 120_000);

  it('a correction: a new version with its change note, the earlier one kept at v1/', async () => {
    const corrected = hotline
      .replace('稳步上升', '再创新高')
      .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 更正标题中的受理量表述。\nchangeDate: 2010-06-09\n');
    await source.upload({ 'press/2010/hotline.md': corrected });
    await render('press/2010/hotline.md');
    expect((await stores.records.getDocument('press-2010-hotline'))?.version).toBe(2);
    expect(await text('site/press/2010/hotline/index.html')).toContain('再创新高');
    await feeds();
    expect(await text('site/feeds/press/atom.xml')).toContain('再创新高');
  }, 180_000);

  it('a withdrawal: the notice replaces the page, and the document\u2019s PDF is taken down', async () => {
    const before = await stores.records.getDocument('huaifu-2010-69');
    const pdf = before?.artifacts.find((ref) => ref.contentType === 'application/pdf')?.key;
    expect(pdf).toBeDefined();
    expect(await stores.objects.head(`site/${pdf}`)).toBeDefined();
    const withdrawn = article.replace(
      'category: 政务公开\n',
      'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 文件已废止，以新文件为准。\nwithdrawnDate: 2010-06-10\n',
    );
    await source.upload({ 'gazette/2010/05/huaifu-2010-69.md': withdrawn });
    await render('gazette/2010/05/huaifu-2010-69.md');
    expect((await stores.records.getDocument('huaifu-2010-69'))?.status).toBe('withdrawn');
    expect(await text('site/gazette/2010/05/huaifu-2010-69/index.html')).toContain('已撤回');
    expect(await stores.objects.head(`site/${pdf}`)).toBeUndefined();
    await feeds();
  }, 180_000);

  it('an embargo: render keeps the document private and schedules it; release publishes it when due', async () => {
    // Due a minute from now: render stages it on the real clock; release runs with its clock past it.
    const publishAt = beijing(new Date(Math.ceil((Date.now() + 60_000) / 1000) * 1000)); // eslint-disable-line no-restricted-syntax
    await source.upload({ 'press/2010/embargo-iam.md': embargoedRelease('press-embargo-iam', '关于政务公开工作的禁发新闻稿', publishAt) });
    await render('press/2010/embargo-iam.md');
    expect(await stores.records.getDocument('press-embargo-iam')).toBeUndefined();
    expect([...scheduler.schedules.values()].map((schedule) => schedule.body['GroupName'])).toContain(policies.render.environment['SCHEDULE_GROUP']);
    const staged: string[] = [];
    for await (const object of stores.objects.listKeys('private/scheduled/')) staged.push(object.key);
    expect(staged.length).toBeGreaterThan(0);
    expect(await stores.objects.head('site/press/2010/embargo-iam/index.html')).toBeUndefined();

    // From the release on, the functions' clocks are a second past the embargo (release holds the
    // payload's time to its clock), as if the test had waited for it.
    clockOffsetMs = Date.parse(publishAt) + 1000 - Date.now(); // eslint-disable-line no-restricted-syntax
    const released = await run('release', [{ publishAt, documentId: 'press-embargo-iam' }], publishEnv('release'));
    expect(released.code).toBe(0);
    expect(await stores.records.getDocument('press-embargo-iam')).toMatchObject({ status: 'published' });
    expect(await stores.objects.head('site/press/2010/embargo-iam/index.html')).toBeDefined();
    for (const key of staged) expect(await stores.objects.head(key), key).toBeUndefined();
    await feeds();
    expect(await text('site/feeds/press/atom.xml')).toContain('关于政务公开工作的禁发新闻稿');
  }, 240_000);

  it('a release with many documents to render: release hands them to renderJob, and finalize publishes them', async () => {
    // Due a minute after the last release, on the functions' clock; a threshold of one makes this
    // one document "many", as a release beside new templates or many embargoes at once would be.
    const publishAt = beijing(new Date(Math.ceil((Date.now() + clockOffsetMs + 60_000) / 1000) * 1000)); // eslint-disable-line no-restricted-syntax
    // A bundle with an attachment: the render job copies the staged file (CopyObject reads it).
    const bundle = embargoedRelease('press-embargo-iam-2', '关于政务公开第二批禁发新闻稿', publishAt).replace(
      'category: 政务公开\n',
      'category: 政务公开\nattachments:\n  - { file: mingdan.csv, title: 第二批公开事项清单 }\n',
    );
    await source.upload({ 'press/2010/embargo-iam-2/index.md': bundle, 'press/2010/embargo-iam-2/mingdan.csv': '事项,责任单位\n政务公开,市政府办公室\n' });
    await render('press/2010/embargo-iam-2/index.md');
    expect(await stores.records.getDocument('press-embargo-iam-2')).toBeUndefined();
    const staged: string[] = [];
    for await (const object of stores.objects.listKeys('private/scheduled/press-embargo-iam-2/')) staged.push(object.key);
    expect(staged.some((key) => key.endsWith('/mingdan.csv'))).toBe(true);
    clockOffsetMs = Date.parse(publishAt) + 1000 - Date.now(); // eslint-disable-line no-restricted-syntax

    const before = sqs.messages.length;
    const sent = (type: string) => sqs.messages.slice(before).filter((body) => (JSON.parse(body) as { type?: string }).type === type);
    const released = await run('release', [{ publishAt, documentId: 'press-embargo-iam-2' }], { ...publishEnv('release'), FANOUT_THRESHOLD: '1' });
    expect(released.code).toBe(0);
    const chunks = sent('chunk');
    expect(chunks).toHaveLength(1);
    // Handed on, not published by the release itself, and its log says so.
    expect(await stores.records.getDocument('press-embargo-iam-2')).toBeUndefined();
    expect(released.logs.map((log) => log['message'])).toContain('Release handed to render jobs.');

    const jobs = await run('renderJob', [{ Records: [sqsRecord(chunks[0])] }], publishEnv('jobs'));
    expect(jobs.results).toEqual([{ batchItemFailures: [] }]);
    const finalizing = sent('finalize');
    expect(finalizing).toHaveLength(1);
    const finalized = await run('finalize', [{ Records: [sqsRecord(finalizing[0])] }], publishEnv('finalize'));
    expect(finalized.results).toEqual([{ batchItemFailures: [] }]);
    expect(await stores.records.getDocument('press-embargo-iam-2')).toMatchObject({ status: 'published' });
    expect(await text('site/press/2010/embargo-iam-2/index.html')).toContain('关于政务公开第二批禁发新闻稿');
    expect(await text('site/press/index.html')).toContain('关于政务公开第二批禁发新闻稿');
    expect(await text('site/press/2010/embargo-iam-2/mingdan.csv')).toContain('政务公开,市政府办公室');
    // The staging is gone: its files and its scheduled record.
    for (const key of staged) expect(await stores.objects.head(key), key).toBeUndefined();
    expect((await stores.records.listScheduled()).map((item) => item.id)).not.toContain('press-embargo-iam-2');
    await feeds();
  }, 300_000);

  it('a full rebuild fanned out: render hands out chunks, renderJob renders them, finalize writes the listings', async () => {
    const before = sqs.messages.length;
    const sent = (type: string) => sqs.messages.slice(before).filter((body) => (JSON.parse(body) as { type?: string }).type === type);
    // A site-wide change re-renders every document; a threshold of one sends any rebuild through the fan-out.
    await source.upload({ 'site.yaml': siteYaml.replace('publisher: 淮南市人民政府办公室', 'publisher: 淮南市人民政府办公室（政务公开）') });
    const event = { Records: [sqsRecord(s3Notification(source.bucket, 'content/site.yaml'))] };
    const planned = await run('render', [event], { ...publishEnv('render'), FANOUT_THRESHOLD: '1', FANOUT_CHUNK_SIZE: '3' });
    expect(planned.results).toEqual([{ batchItemFailures: [] }]);
    const chunks = sent('chunk');
    expect(chunks.length).toBeGreaterThan(1);

    // The first chunk delivered twice: the second run finds its records committed (read back) and its count taken.
    const deliveries = [chunks[0] as string, ...chunks];
    const jobs = await run(
      'renderJob',
      deliveries.map((body) => ({ Records: [sqsRecord(body)] })),
      publishEnv('jobs'),
    );
    expect(jobs.results).toEqual(deliveries.map(() => ({ batchItemFailures: [] })));
    expect(await text('site/press/2010/hotline/index.html')).toContain('主办：淮南市人民政府办公室（政务公开）');
    const finalizing = sent('finalize');
    expect(finalizing).toHaveLength(1);

    const finalized = await run('finalize', [{ Records: [sqsRecord(finalizing[0])] }], publishEnv('finalize'));
    expect(finalized.results).toEqual([{ batchItemFailures: [] }]);
    expect(await text('site/index.html')).toContain('主办：淮南市人民政府办公室（政务公开）');
    await feeds();
  }, 300_000);

  it('a deploy of new listing code on a large site: render hands every listing to finalize, and finalize runs it', async () => {
    // The deploy's bundles carry a new release of the sitemaps' code (infra/bundle.ts writes the
    // parts): every listing and derived page is rendered again, and on a site of
    // FANOUT_WHOLE_LISTINGS_AT documents or more render hands them to finalize with no chunk.
    const dir = join(work, 'listings-deploy');
    const bundles = { render: await bundleInto(dir, 'render'), finalize: await bundleInto(dir, 'finalize') };
    const carried = JSON.parse(await readFile(join(dirname(bundles.render), RENDER_CODE_FILE), 'utf8')) as RenderCodeParts;
    const parts: RenderCodeParts = {
      ...carried,
      all: carried.all.map((part) => (part.startsWith('src/discovery/sitemaps.ts\0') ? 'src/discovery/sitemaps.ts\0a new release\0' : part)),
    };
    await Promise.all(Object.values(bundles).map((bundle) => writeFile(join(dirname(bundle), RENDER_CODE_FILE), JSON.stringify(parts))));
    const shared = { render: entries.render, finalize: entries.finalize };
    Object.assign(entries, bundles);
    try {
      const before = sqs.messages.length;
      const rendered = await run('render', [DEPLOY_REBUILD_EVENT], { ...publishEnv('render'), FANOUT_WHOLE_LISTINGS_AT: '1' });
      expect(rendered.logs.map((log) => log['message'])).toContain('Published after a deploy.');
      const sent = sqs.messages.slice(before);
      expect(sent.map((body) => (JSON.parse(body) as { type?: string }).type)).toEqual(['finalize']);
      const finalized = await run('finalize', [{ Records: [sqsRecord(sent[0])] }], publishEnv('finalize'));
      expect(finalized.results).toEqual([{ batchItemFailures: [] }]);
      expect(finalized.logs.map((log) => log['message'])).toContain('Finalize: finalized.');
    } finally {
      Object.assign(entries, shared);
    }
  }, 300_000);

  it('notify: delivers what the later changes queued', async () => {
    const delivered = receiver.requests.length;
    const invocation = await run('notify', [{ Records: [sqsRecord({ partnerId: 'hnnews' })] }], deliveryEnv());
    expect(invocation.results).toEqual([{ batchItemFailures: [] }]);
    expect(receiver.requests.length).toBeGreaterThan(delivered);
  }, 120_000);

  it('grants each function no S3 or DynamoDB action on a resource that no scenario used', () => {
    const unused = exercised
      .flatMap((name) => unusedGrants(policies[name], used[name], ['s3:', 'dynamodb:']).map((grant) => `${name}: ${grant}`))
      .filter((grant) => NEEDED_WITHOUT_SCENARIO[grant.replace(/ on \S+$/, '')] === undefined);
    expect(unused, 'remove the grant from infra/gazetteStack.ts, or add the scenario that needs it').toEqual([]);
  });

  it('covers every function the stack deploys', () => {
    expect([...exercised].sort(), 'add a scenario for the new function here (see the top of test/functions/policy.ts)').toEqual([...policies.deployed].sort());
  });
});
