// The synthesized template: what an operator relies on without reading the CDK code. Synthesized
// once in-process (with placeholder bundles: the code itself is tested in test/functions), plus
// one run of the real `npx cdk synth` the way a fresh clone runs it.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGazetteApp } from '../../infra/app.ts';
import { functionNames, functionSpecs, repoRoot } from '../../infra/functions.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };

let workDir: string;
let app: ReturnType<typeof createGazetteApp>['app'];
let template: Template;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const json = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'gazette-infra-'));
  for (const name of functionNames) {
    await mkdir(join(workDir, 'bundles', name), { recursive: true });
    await writeFile(join(workDir, 'bundles', name, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  ({ app } = createGazetteApp({ bundlesDir: join(workDir, 'bundles'), outdir: join(workDir, 'out') }));
  const stack = app.node.findChild('Gazette') as import('aws-cdk-lib').Stack;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AWS Solutions or Serverless finding', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(app);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });

  it('gives every acknowledgement a written reason', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    const visit = (construct: import('constructs').IConstruct) => {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
          acknowledged.push({ path: construct.node.path, id, reason: typeof reason === 'string' ? reason : json(reason) });
        }
      }
      construct.node.children.forEach(visit);
    };
    visit(app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
  });
});

describe('buckets', () => {
  it('are encrypted, block all public access, enforce owner and refuse plain HTTP', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBe(3);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties['BucketEncryption'], id).toBeDefined();
      expect(bucket.Properties['PublicAccessBlockConfiguration'], id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => json(p.Properties['Bucket']) === json({ Ref: id }));
      expect(json(policy?.[1].Properties['PolicyDocument']), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('let only the distribution read the site bucket, through Origin Access Control, at /site', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0] ?? [];
    const origins = (distribution?.Properties['DistributionConfig'] as { Origins: Record<string, unknown>[] }).Origins;
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({ OriginPath: '/site', OriginAccessControlId: expect.anything() });
    const sitePolicy = ofType('AWS::S3::BucketPolicy').find(([, p]) => json(p.Properties).includes('cloudfront.amazonaws.com'));
    const allows = (
      sitePolicy?.[1].Properties['PolicyDocument'] as { Statement: { Effect: string; Principal: unknown; Action: unknown; Condition?: unknown }[] }
    ).Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(json(allows[0]?.Condition)).toContain('distribution/');
    // Everything outside site/ (embargoed renders, build state) is refused to CloudFront by the bucket itself.
    const denies = (
      sitePolicy?.[1].Properties['PolicyDocument'] as { Statement: { Effect: string; Principal: unknown; Action: unknown; NotResource?: unknown }[] }
    ).Statement.filter((s) => s.Effect === 'Deny' && s.NotResource !== undefined);
    expect(denies).toHaveLength(1);
    expect(denies[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(json(denies[0]?.NotResource)).toContain('/site/*');
  });
});

describe('CloudFront', () => {
  it('adds HSTS, CSP, nosniff and frame options to every response', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: Match.anyValue(), Override: true }),
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'") }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        },
      },
    });
    const config = ofType('AWS::CloudFront::Distribution')[0]?.[1].Properties['DistributionConfig'] as Record<
      string,
      { ResponseHeadersPolicyId?: unknown }[] & { ResponseHeadersPolicyId?: unknown }
    >;
    const behaviors = [config['DefaultCacheBehavior'], ...(config['CacheBehaviors'] as unknown as { ResponseHeadersPolicyId?: unknown }[])];
    for (const behavior of behaviors) expect(behavior?.ResponseHeadersPolicyId).toBeDefined();
  });

  it('caches hashed assets for a year, pages and feeds for minutes, errors for under a minute', () => {
    const config = ofType('AWS::CloudFront::Distribution')[0]?.[1].Properties['DistributionConfig'] as {
      DefaultCacheBehavior: { CachePolicyId: { Ref: string } };
      CacheBehaviors: { PathPattern: string; CachePolicyId: { Ref: string } }[];
      CustomErrorResponses: { ErrorCode: number; ErrorCachingMinTTL: number; ResponsePagePath: string }[];
    };
    const ttl = (ref: { Ref: string }) => resources[ref.Ref]?.Properties['CachePolicyConfig'] as { DefaultTTL: number; MaxTTL: number };
    const byPattern = Object.fromEntries(config.CacheBehaviors.map((b) => [b.PathPattern, b.CachePolicyId]));
    expect(ttl(byPattern['assets/*'] as { Ref: string }).DefaultTTL).toBeGreaterThanOrEqual(365 * 24 * 3600);
    for (const ref of [config.DefaultCacheBehavior.CachePolicyId, byPattern['feeds/*'] as { Ref: string }]) {
      expect(ttl(ref).MaxTTL).toBeLessThanOrEqual(600);
    }
    expect(config.CustomErrorResponses.map((e) => e.ErrorCode).sort()).toEqual([403, 404]);
    for (const error of config.CustomErrorResponses) {
      expect(error.ErrorCachingMinTTL).toBeLessThanOrEqual(60);
      expect(error.ResponsePagePath).toBe('/404.html');
    }
  });

  it('serves a folder address from its index.html, and leaves files alone', () => {
    const [, fn] = ofType('AWS::CloudFront::Function')[0] ?? [];
    const code = String(fn?.Properties['FunctionCode']);
    // CloudFront runs the code on its own, as a script that declares `handler`: so does a fresh context.
    const handler = runInNewContext(`${code}; handler`) as (event: { request: { uri: string } }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/gazette/2010/05/')).toBe('/gazette/2010/05/index.html');
    expect(rewrite('/press/2010/hotline')).toBe('/press/2010/hotline/index.html');
    expect(rewrite('/gazette/2010/05/gazette-2010-05.pdf')).toBe('/gazette/2010/05/gazette-2010-05.pdf');
    expect(rewrite('/404.html')).toBe('/404.html');
  });
});

describe('table', () => {
  it('is on demand, with point-in-time recovery, encryption, a stream and the store\u2019s indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'GSI1' }), Match.objectLike({ IndexName: 'GSI2' })],
    });
  });
});

describe('queues', () => {
  const queues = () => ofType('AWS::SQS::Queue');
  const deadLetterArns = () =>
    new Set(
      queues().flatMap(([, q]) => {
        const target = (q.Properties['RedrivePolicy'] as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn;
        return target === undefined ? [] : [json(target)];
      }),
    );

  it('each have a dead-letter queue, or are one, and are encrypted', () => {
    const destinations = new Set([
      ...deadLetterArns(),
      ...ofType('AWS::Lambda::EventSourceMapping').flatMap(([, m]) => {
        const target = (m.Properties['DestinationConfig'] as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
        return target === undefined ? [] : [json(target)];
      }),
      ...ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) =>
        json((c.Properties['DestinationConfig'] as { OnFailure: { Destination: unknown } }).OnFailure.Destination),
      ),
      // Events a rule could not deliver to its target (the rebuild after a deploy).
      ...ofType('AWS::Events::Rule').flatMap(([, rule]) =>
        ((rule.Properties['Targets'] as { DeadLetterConfig?: { Arn?: unknown } }[] | undefined) ?? []).flatMap((target) =>
          target.DeadLetterConfig?.Arn === undefined ? [] : [json(target.DeadLetterConfig.Arn)],
        ),
      ),
      // Notifications SNS could not deliver (the alarm e-mails, when configured).
      ...ofType('AWS::SNS::Subscription').flatMap(([, s]) => {
        const target = (s.Properties['RedrivePolicy'] as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn;
        return target === undefined ? [] : [json(target)];
      }),
    ]);
    for (const [id, queue] of queues()) {
      expect(queue.Properties['SqsManagedSseEnabled'], id).toBe(true);
      const isDeadLetter = destinations.has(json({ 'Fn::GetAtt': [id, 'Arn'] }));
      expect(isDeadLetter || queue.Properties['RedrivePolicy'] !== undefined, `${id} has no dead-letter queue and is none`).toBe(true);
    }
  });

  it('each have an alarm', () => {
    const alarmed = new Set(
      ofType('AWS::CloudWatch::Alarm').flatMap(([, alarm]) =>
        ((alarm.Properties['Dimensions'] as { Value: { 'Fn::GetAtt'?: [string, string] } }[]) ?? []).flatMap((d) => d.Value['Fn::GetAtt']?.[0] ?? []),
      ),
    );
    for (const [id] of queues()) expect(alarmed.has(id), `${id} has no alarm`).toBe(true);
  });

  it('keep messages invisible for at least six times their consumer\u2019s timeout', () => {
    for (const [, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
      const source = json(mapping.Properties['EventSourceArn']);
      const queueId = queues().find(([id]) => source === json({ 'Fn::GetAtt': [id, 'Arn'] }))?.[0];
      if (queueId === undefined) continue; // the table stream
      const fn = resources[(mapping.Properties['FunctionName'] as { Ref: string }).Ref];
      expect(Number(resources[queueId]?.Properties['VisibilityTimeout'])).toBeGreaterThanOrEqual(6 * Number(fn?.Properties['Timeout']));
      expect(mapping.Properties['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
    }
  });
});

describe('functions', () => {
  const ours = () => ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties['Runtime'] === 'nodejs24.x');

  it('run Node 24 on arm64 with sized memory, a timeout, tracing and a log group with retention', () => {
    expect(ours().length).toBe(functionNames.length);
    const memories = ours().map(([, fn]) => fn.Properties['MemorySize'] as number);
    expect(Math.max(...memories)).toBeGreaterThanOrEqual(1024); // PDF rendering
    expect(Math.max(...memories)).toBe(Math.max(...functionNames.map((name) => functionSpecs[name].memoryMb)));
    for (const [id, fn] of ours()) {
      expect(fn.Properties['Architectures'], id).toEqual(['arm64']);
      expect(fn.Properties['TracingConfig'], id).toEqual({ Mode: 'Active' });
      const group = (fn.Properties['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[group]?.Properties['RetentionInDays'], id).toBeGreaterThan(0);
    }
  });

  it('each have their own role, and no policy grants a wildcard action', () => {
    const roles = ours().map(([, fn]) => json(fn.Properties['Role']));
    expect(new Set(roles).size).toBe(roles.length);
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const statement of (policy.Properties['PolicyDocument'] as { Statement: { Action: string | string[] }[] }).Statement) {
        const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        expect(
          actions.filter((action) => action.includes('*')),
          id,
        ).toEqual([]);
      }
    }
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      if (id.startsWith('BucketNotificationsHandler')) continue; // aws-cdk-lib's own custom resource
      expect(role.Properties['ManagedPolicyArns'], id).toBeUndefined();
    }
  });
});

describe('event wiring', () => {
  const fnId = (prefix: string) => ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0] as string;

  it('S3 uploads under content/ → render queue → render', () => {
    const [, notifications] = ofType('Custom::S3BucketNotifications')[0] ?? [];
    const configs = (
      notifications?.Properties['NotificationConfiguration'] as { QueueConfigurations: { Events: string[]; QueueArn: unknown; Filter: unknown }[] }
    ).QueueConfigurations;
    expect(configs.flatMap((c) => c.Events).sort()).toEqual(['s3:ObjectCreated:*', 's3:ObjectRemoved:*']);
    for (const config of configs) expect(json(config.Filter)).toContain('"Value":"content/"');
    const renderMapping = ofType('AWS::Lambda::EventSourceMapping').find(
      ([, m]) => json(m.Properties['FunctionName']) === json({ Ref: fnId('RenderFunction') }),
    );
    expect(json(renderMapping?.[1].Properties['EventSourceArn'])).toBe(json(configs[0]?.QueueArn));
  });

  it('table stream (documents\u2019 META records) → feeds; notify queue → notify', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('FeedsFunction') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'StreamArn'] },
      FilterCriteria: { Filters: Match.arrayWith([{ Pattern: Match.stringLikeRegexp('META') }]) },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('NotifyFunction') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyQueue'), 'Arn'] },
    });
  });

  it('Scheduler may invoke only the release function, from its own schedule group', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    const [schedulerRoleId] =
      ofType('AWS::IAM::Role').find(([, role]) => json(role.Properties['AssumeRolePolicyDocument']).includes('scheduler.amazonaws.com')) ?? [];
    const policy = ofType('AWS::IAM::Policy').find(([, p]) => json(p.Properties['Roles']).includes(schedulerRoleId as string));
    const invoke = (policy?.[1].Properties['PolicyDocument'] as { Statement: { Action: string; Resource: unknown }[] }).Statement.find(
      (s) => s.Action === 'lambda:InvokeFunction',
    );
    expect(json(invoke?.Resource)).toBe(json({ 'Fn::GetAtt': [fnId('ReleaseFunction'), 'Arn'] }));
  });
});

describe('embargo schedules', () => {
  it('only the render function may create them, only in the embargo group, passing only the scheduler role', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.map((s) => ({
        roles: json(p.Properties['Roles']),
        ...s,
      })),
    );
    const schedulers = statements.filter((s) => json(s.Action).includes('scheduler:'));
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]?.roles).toContain('RenderRole');
    expect(json(schedulers[0]?.Resource)).toContain(':schedule/Gazette-embargo/release-*');
    const passRole = statements.filter((s) => json(s.Action).includes('iam:PassRole'));
    expect(passRole.map((s) => json(s.Resource))).toEqual([
      json({
        'Fn::GetAtt': [
          ofType('AWS::IAM::Role').find(([, r]) => json(r.Properties['AssumeRolePolicyDocument']).includes('scheduler.amazonaws.com'))?.[0],
          'Arn',
        ],
      }),
    ]);
  });
});

describe('npx cdk synth', () => {
  it('synthesizes from a fresh checkout with no credentials and no network', async () => {
    const out = join(workDir, 'cli-out');
    const env = {
      ...process.env,
      CDK_DISABLE_VERSION_CHECK: '1',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '-o', out], { cwd: repoRoot, env, timeout: 90_000 });
    const synthesized = JSON.parse(await readFile(join(out, 'Gazette.template.json'), 'utf8')) as { Resources: Record<string, Resource> };
    const functions = Object.values(synthesized.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties['Runtime'] === 'nodejs24.x');
    expect(functions).toHaveLength(functionNames.length);
  }, 120_000);
});
