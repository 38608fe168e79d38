// What an operator relies on once the stack runs: every alarm reaches someone, each function's
// failures and the signals only the functions know raise an alarm, /tmp holds what the publishing
// functions mirror, and the versioned buckets do not keep old versions forever. Synthesized with
// placeholder bundles; the log phrases the metric filters match are checked against what the real
// bundled functions print, wrapped the way Lambda's JSON log format wraps it.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGazetteApp } from '../../infra/app.ts';
import { functionNames, functionSpecs } from '../../infra/functions.ts';
import { MAX_ATTACHMENT_BYTES } from '../../src/content/analyze.ts';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import { readSiteConfig } from '../../src/aws/siteConfig.ts';
import { PLACEHOLDER_FIELD } from '../../src/aws/signingKey.ts';
import { startReceiver } from '../delivery/receiver.ts';
import { bundled, invokeBundle, type Invocation, s3Notification, sqsRecord, startFakeScheduler, startFakeSqs } from '../functions/harness.ts';
import { publishedSite } from '../functions/published.ts';
import { createSourceBucket } from '../functions/sources.ts';
import { startFakeSecretsManager } from '../aws/fakeSecretsManager.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';
import { synthesized } from '../helpers/synth.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Synth = { template: Template; resources: Record<string, Resource>; warnings: string[] };

let workDir: string;

// The contexts the tests read, synthesized before them (by the run's synthesizer: a synth with
// cdk-nag takes tens of seconds on a busy machine, more than a test's timeout).
const contexts: Record<string, unknown>[] = [
  {},
  { 'gazette:alarmEmail': 'ops@huainan.gov.cn, duty@huainan.gov.cn' },
  { 'gazette:alarmEmail': 'ops@huainan.gov.cn' },
  { 'gazette:noncurrentVersionDays': '30' },
];
const synthesizedFor = new Map<string, Synth>();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'gazette-operations-'));
  for (const context of contexts) {
    const { template, resources, warnings } = await synthesized(context);
    synthesizedFor.set(JSON.stringify(context), { template, resources: resources, warnings: warnings.map((data) => json(data)) });
  }
}, 180_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** The template for these context values (as `-c key=value` passes them: strings): one of `contexts`. */
function synth(context: Record<string, unknown> = {}): Synth {
  const found = synthesizedFor.get(JSON.stringify(context));
  if (found === undefined) throw new Error(`add ${JSON.stringify(context)} to the contexts synthesized before the tests`);
  return found;
}

const json = (value: unknown) => JSON.stringify(value);
const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const topicId = (resources: Record<string, Resource>) => {
  const topics = ofType(resources, 'AWS::SNS::Topic');
  expect(topics).toHaveLength(1);
  return topics[0]?.[0] as string;
};
const fnId = (resources: Record<string, Resource>, prefix: string) =>
  ofType(resources, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0] as string;
const logGroupOf = (resources: Record<string, Resource>, functionId: string) =>
  (resources[functionId]?.Properties['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
const alarms = (resources: Record<string, Resource>) => ofType(resources, 'AWS::CloudWatch::Alarm');
/**
 * The environment the stack gives a function: literal values as synthesized, references to other
 * resources from `values` (the embedded servers' names) or a placeholder, so a variable the
 * function requires and the stack forgot makes it refuse to start.
 */
function environmentOf(resources: Record<string, Resource>, functionPrefix: string, values: Record<string, string>): Record<string, string> {
  const variables = (resources[fnId(resources, functionPrefix)]?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, values[name] ?? (typeof value === 'string' ? value : `placeholder-${name}`)]),
  );
}
const onFunction = (alarm: Resource, functionId: string) =>
  json(alarm.Properties['Dimensions']) === json([{ Name: 'FunctionName', Value: { Ref: functionId } }]);

describe('alarm notifications', () => {
  it('every alarm in the stack notifies the one operations topic when it fires and when it recovers', () => {
    const { resources } = synth();
    const topic = { Ref: topicId(resources) };
    expect(alarms(resources).length).toBeGreaterThanOrEqual(10);
    for (const [id, alarm] of alarms(resources)) {
      expect(json(alarm.Properties['AlarmActions']), `${id} notifies no one`).toBe(json([topic]));
      expect(json(alarm.Properties['OKActions']), `${id} does not say when it recovers`).toBe(json([topic]));
      expect(json(alarm.Properties['AlarmDescription'] ?? '').length, `${id} tells the operator nothing`).toBeGreaterThan(80);
    }
  });

  it('the topic is encrypted with a rotating key that CloudWatch may use, and refuses plain HTTP', () => {
    const { resources } = synth();
    const topic = resources[topicId(resources)] as Resource;
    const keyId = (topic.Properties['KmsMasterKeyId'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resources[keyId] as Resource;
    expect(key.Properties['EnableKeyRotation']).toBe(true);
    const keyStatements = (key.Properties['KeyPolicy'] as { Statement: { Principal?: { Service?: string }; Action: string[]; Condition?: unknown }[] })
      .Statement;
    const forAlarms = keyStatements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(forAlarms?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(json(forAlarms?.Condition)).toContain(':alarm:*');
    const [, policy] = ofType(resources, 'AWS::SNS::TopicPolicy')[0] ?? [];
    const statements = (policy?.Properties['PolicyDocument'] as { Statement: { Effect: string; Principal?: unknown; Action: unknown; Condition?: unknown }[] })
      .Statement;
    expect(json(statements.find((s) => s.Effect === 'Deny')?.Condition)).toContain('"aws:SecureTransport":"false"');
    const cloudwatch = statements.find((s) => json(s.Principal).includes('cloudwatch.amazonaws.com'));
    expect(cloudwatch).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
    expect(json(cloudwatch?.Condition)).toContain(':alarm:*');
  });

  it('e-mails the addresses of gazette:alarmEmail, keeping undeliverable notifications in an alarmed queue', () => {
    const { resources } = synth({ 'gazette:alarmEmail': 'ops@huainan.gov.cn, duty@huainan.gov.cn' });
    const subscriptions = ofType(resources, 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions.map((s) => [s['Protocol'], s['Endpoint']])).toEqual([
      ['email', 'ops@huainan.gov.cn'],
      ['email', 'duty@huainan.gov.cn'],
    ]);
    for (const subscription of subscriptions) {
      expect(json(subscription['TopicArn'])).toBe(json({ Ref: topicId(resources) }));
      const deadLetters = (subscription['RedrivePolicy'] as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } }).deadLetterTargetArn['Fn::GetAtt'][0];
      expect(alarms(resources).some(([, alarm]) => json(alarm.Properties['Dimensions']).includes(deadLetters))).toBe(true);
    }
  }, 120_000);

  it('without gazette:alarmEmail, warns at synth that no one is told', () => {
    const { resources, warnings } = synth();
    expect(ofType(resources, 'AWS::SNS::Subscription')).toEqual([]);
    expect(warnings.join('\n')).toContain('gazette:alarmEmail');
    expect(synth({ 'gazette:alarmEmail': 'ops@huainan.gov.cn' }).warnings.join('\n')).not.toContain('gazette:alarmEmail');
  }, 120_000);

  it('refuses an alarm e-mail that is not an address, naming it', () => {
    expect(() => createGazetteApp({ bundlesDir: join(workDir, 'bundles'), context: { 'gazette:alarmEmail': 'ops@huainan.gov.cn,operations team' } })).toThrow(
      /gazette:alarmEmail: operations team is not an e-mail address/,
    );
  });

  it('refuses context values of the wrong kind, naming the key and what to give', () => {
    const app = (context: Record<string, unknown>) => () => createGazetteApp({ bundlesDir: join(workDir, 'bundles'), context });
    // `-c` passes text: a secret list given that way is one string, not a list.
    expect(app({ 'gazette:partnerSecrets': 'gazette/partners/hnnews' })).toThrow(
      /gazette:partnerSecrets is "gazette\/partners\/hnnews": give a list of secret names in cdk.json/,
    );
    expect(app({ 'gazette:stackName': ['Gazette'] })).toThrow(/gazette:stackName is \["Gazette"\]: give it as text/);
    expect(app({ 'gazette:alarmEmail': ['ops@huainan.gov.cn', 7] })).toThrow(/gazette:alarmEmail: 7 is not an e-mail address/);
  });
});

describe('alarms', () => {
  it('each function has an errors alarm (any in 5 minutes) and a throttles alarm (15 minutes running)', () => {
    const { resources } = synth();
    for (const name of ['Render', 'Feeds', 'Notify', 'Release']) {
      const id = fnId(resources, `${name}Function`);
      const mine = alarms(resources)
        .filter(([, alarm]) => onFunction(alarm, id))
        .map(([, alarm]) => alarm.Properties);
      expect(
        mine.find((a) => a['MetricName'] === 'Errors'),
        name,
      ).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1 });
      expect(
        mine.find((a) => a['MetricName'] === 'Throttles'),
        name,
      ).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    }
    // A function added later gets them too: they come with GazetteFunction.
    const ours = ofType(resources, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties['Runtime'] === 'nodejs24.x');
    for (const [id] of ours) expect(alarms(resources).filter(([, alarm]) => onFunction(alarm, id)).length, id).toBeGreaterThanOrEqual(2);
  });

  it('fires when the feeds function falls more than ten minutes behind the table stream', () => {
    const { resources } = synth();
    const feeds = fnId(resources, 'FeedsFunction');
    const [, alarm] = alarms(resources).find(([, a]) => a.Properties['MetricName'] === 'IteratorAge') ?? [];
    expect(alarm?.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', Threshold: 600_000, ComparisonOperator: 'GreaterThanThreshold' });
    expect(onFunction(alarm as Resource, feeds)).toBe(true);
  });

  /** The metric filter on `functionPrefix`'s log group whose metric `metricName` an alarm watches; its pattern. */
  function alarmedLogPattern(resources: Record<string, Resource>, functionPrefix: string, metricName: string): string {
    const filters = ofType(resources, 'AWS::Logs::MetricFilter').filter(
      ([, f]) => json(f.Properties['LogGroupName']) === json({ Ref: logGroupOf(resources, fnId(resources, functionPrefix)) }),
    );
    const filter = filters.find(([, f]) => (f.Properties['MetricTransformations'] as { MetricName: string }[])[0]?.MetricName === metricName)?.[1];
    expect(filter, `${metricName} filter on ${functionPrefix}`).toBeDefined();
    const transform = (filter?.Properties['MetricTransformations'] as { MetricName: string; MetricNamespace: string; MetricValue: string }[])[0];
    const [, alarm] =
      alarms(resources).find(([, a]) => a.Properties['MetricName'] === metricName && a.Properties['Namespace'] === transform?.MetricNamespace) ?? [];
    expect(alarm?.Properties, `${metricName} alarm`).toMatchObject({
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(transform?.MetricValue).toBe('1');
    return String(filter?.Properties['FilterPattern']);
  }

  /**
   * Whether a CloudWatch Logs filter pattern matches the event Lambda stores for `line`, in JSON
   * log format (the stack's) and in text format. Only the exact-phrase form is implemented: a
   * pattern of another form fails here rather than being guessed at.
   */
  function matchesAsLambdaStoresIt(pattern: string, line: Record<string, unknown>): boolean {
    const phrase = /^"([^"\\]+)"$/.exec(pattern)?.[1];
    if (phrase === undefined) throw new Error(`Filter pattern ${pattern} is not an exact phrase; extend this evaluator.`);
    const printed = JSON.stringify(line);
    const level = line['level'] === 'error' ? 'ERROR' : 'INFO';
    const jsonFormat = JSON.stringify({ timestamp: '2010-06-25T00:00:00.000Z', level, requestId: 'c793869b', message: printed });
    const textFormat = ['2010-06-25T00:00:00.000Z', 'c793869b', level, printed].join('\t');
    return jsonFormat.includes(phrase) && textFormat.includes(phrase);
  }
  const matching = (pattern: string, run: Invocation) => run.logs.filter((line) => matchesAsLambdaStoresIt(pattern, line));

  it('fires on content the render function refused, matching the line the bundled function prints', async () => {
    const { resources } = synth();
    const pattern = alarmedLogPattern(resources, 'RenderFunction', 'InvalidContent');
    const [entry, stores, source, scheduler, secretsManager] = await Promise.all([
      bundled('render'),
      createEmulatorStores(),
      createSourceBucket(),
      startFakeScheduler(),
      startFakeSecretsManager(),
    ]);
    const files = sampleFiles();
    await source.publish(
      await writeSite({ ...files, 'press/2010/broken.md': '---\ntitle: [unclosed\n---\n正文。\n' }),
      'c0ffee1234',
      '李编辑 <li@huainan.gov.cn>',
    );
    const env: Record<string, string> = {
      ...environmentOf(resources, 'RenderFunction', { SOURCE_BUCKET: source.bucket, SITE_BUCKET: stores.bucket, TABLE_NAME: stores.table }),
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      CONTENT_DIR: join(workDir, 'render-tmp', 'content'),
    };
    // A freshly deployed stack: the manifest's signing key secret still holds its placeholder.
    const signingKeyArn = env['SIGNING_KEY_SECRET_ARN'];
    expect(signingKeyArn, 'the stack gives the render function its signing key secret').toEqual(expect.any(String));
    secretsManager.put(String(signingKeyArn), JSON.stringify({ [PLACEHOLDER_FIELD]: 'fresh-stack' }), new Date(0));
    const refused = await invokeBundle(entry, [{ Records: [sqsRecord(s3Notification(source.bucket, 'content/press/2010/broken.md'))] }], env);
    expect(refused.results, refused.stderr.slice(-1500)).toEqual([{ batchItemFailures: [] }]);
    expect(matching(pattern, refused)).toHaveLength(1);
    expect(json(matching(pattern, refused)[0])).toContain('press/2010/broken.md');

    // Fixed content publishes, and nothing it prints counts as invalid.
    await source.store.delete(['content/press/2010/broken.md']);
    const published = await invokeBundle(
      entry,
      [{ Records: [sqsRecord(s3Notification(source.bucket, 'content/press/2010/broken.md', 'ObjectRemoved:Delete'))] }],
      env,
    );
    expect(published.logs.some((line) => line['message'] === 'Published.')).toBe(true);
    expect(matching(pattern, published)).toEqual([]);
    await Promise.all([scheduler.close(), secretsManager.close()]);
  }, 120_000);

  it('fires when partner deliveries go dead, matching the line the bundled notify function prints', async () => {
    const { resources } = synth();
    const pattern = alarmedLogPattern(resources, 'NotifyFunction', 'DeadDeliveries');
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    // The partner's endpoint is gone: the first delivery disables it and the others are buried with it.
    const [entry, receiver, sqs] = await Promise.all([bundled('notify'), startReceiver(secret, [{ status: 410 }]), startFakeSqs()]);
    try {
      const site = await publishedSite(`partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: ${receiver.url}, secret: { env: GAZETTE_SECRET_HNNEWS } }
`);
      const { site: config, partners } = await readSiteConfig(site.stores.objects);
      const store = createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table });
      await recordDeliveries({ store, site: config, partners, changes: site.documents.map((after) => ({ after })) });
      const env = {
        ...environmentOf(resources, 'NotifyFunction', {
          SITE_BUCKET: site.stores.bucket,
          TABLE_NAME: site.stores.table,
          NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
        }),
        AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
        AWS_ENDPOINT_URL_SQS: sqs.url,
        GAZETTE_NETWORK_MODE: 'local',
        GAZETTE_SECRET_HNNEWS: secret,
      };
      const run = await invokeBundle(entry, [{ Records: [sqsRecord({ partnerId: 'hnnews' })] }, { Records: [sqsRecord({ partnerId: 'hnnews' })] }], env);
      const dead = await store.listJobs('hnnews', 'dead');
      expect(dead.length).toBeGreaterThanOrEqual(1);
      // Once per pass that left deliveries dead, naming the partner; the second pass finds nothing due.
      expect(matching(pattern, run)).toEqual([expect.objectContaining({ partnerId: 'hnnews', dead: dead.length })]);
    } finally {
      await Promise.all([receiver.close(), sqs.close()]);
    }
  }, 120_000);
});

describe('ephemeral storage', () => {
  it('gives the publishing functions /tmp for the mirrored content tree, at least a hundred 50 MiB attachments', () => {
    const { resources } = synth();
    for (const name of functionNames) {
      const [, fn] = ofType(resources, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${name[0]?.toUpperCase()}${name.slice(1)}Function`)) ?? [];
      expect((fn?.Properties['EphemeralStorage'] as { Size: number }).Size, name).toBe(functionSpecs[name].ephemeralStorageMb);
    }
    for (const name of ['render', 'release'] as const) {
      expect(functionSpecs[name].ephemeralStorageMb * 1024 * 1024).toBeGreaterThanOrEqual(100 * MAX_ATTACHMENT_BYTES);
    }
  });
});

describe('bucket housekeeping', () => {
  type Rule = {
    Status: string;
    NoncurrentVersionExpiration?: { NoncurrentDays: number };
    AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
    ExpiredObjectDeleteMarker?: boolean;
  };
  const buckets = (resources: Record<string, Resource>) =>
    ofType(resources, 'AWS::S3::Bucket').map(([id, b]) => ({
      id,
      versioned: json(b.Properties['VersioningConfiguration']) === json({ Status: 'Enabled' }),
      rules: ((b.Properties['LifecycleConfiguration'] as { Rules: Rule[] } | undefined)?.Rules ?? []).filter((r) => r.Status === 'Enabled'),
    }));

  it('expire old versions after 90 days by default, remove leftover delete markers, and abort abandoned uploads everywhere', () => {
    const all = buckets(synth().resources);
    expect(
      all
        .filter((b) => b.versioned)
        .map((b) => b.id)
        .sort(),
    ).toEqual([expect.stringMatching(/^SiteBucket/), expect.stringMatching(/^SourceBucket/)]);
    for (const bucket of all) {
      expect(
        bucket.rules.some((r) => (r.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? Infinity) <= 7),
        bucket.id,
      ).toBe(true);
      if (!bucket.versioned) continue;
      expect(
        bucket.rules.map((r) => r.NoncurrentVersionExpiration?.NoncurrentDays).filter((d) => d !== undefined),
        bucket.id,
      ).toEqual([90]);
      expect(
        bucket.rules.some((r) => r.ExpiredObjectDeleteMarker === true),
        bucket.id,
      ).toBe(true);
    }
  });

  it('keep old versions for gazette:noncurrentVersionDays, as -c passes it', () => {
    for (const bucket of buckets(synth({ 'gazette:noncurrentVersionDays': '30' }).resources).filter((b) => b.versioned)) {
      expect(
        bucket.rules.map((r) => r.NoncurrentVersionExpiration?.NoncurrentDays).filter((d) => d !== undefined),
        bucket.id,
      ).toEqual([30]);
    }
  }, 120_000);

  it('refuse a number of days that is not a whole positive number', () => {
    for (const days of ['0', '2.5', 'ninety']) {
      expect(() => createGazetteApp({ bundlesDir: join(workDir, 'bundles'), context: { 'gazette:noncurrentVersionDays': days } })).toThrow(
        /gazette:noncurrentVersionDays is .*whole number of days/,
      );
    }
  });
});
