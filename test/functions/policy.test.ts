// The policy module: IAM matching, the stack's statements resolved to the test's names, each S3 and
// DynamoDB request kind the functions send mapped to its IAM calls, and the proxy answering as AWS
// does in front of the real embedded servers.

import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient, createS3Client } from '../../src/store/clients.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import {
  describeCalls,
  dynamodbCallsOf,
  evaluate,
  type FunctionPolicy,
  type PolicyProxy,
  type PolicyStatement,
  type ProxiedRequest,
  cloudfrontCallsOf,
  s3CallsOf,
  schedulerCallsOf,
  secretsManagerCallsOf,
  sqsCallsOf,
  startPolicyProxy,
  synthesizePolicies,
  TEST_ACCOUNT,
} from './policy.ts';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/records';
const policyOf = (statements: PolicyStatement[]): FunctionPolicy => ({
  functionName: 'test',
  principal: 'arn:aws:sts::123456789012:assumed-role/TestRole/test',
  statements,
  environment: {},
  env: TEST_ACCOUNT,
});
const allow = (sid: string, actions: string[], resources: string[]): PolicyStatement => ({ sid, effect: 'Allow', actions, resources });

describe('evaluate', () => {
  const policy = policyOf([
    allow('Read', ['s3:GetObject'], ['arn:aws:s3:::site/site/feeds/*', 'arn:aws:s3:::site/private/state/build-?.json']),
    allow('List', ['s3:ListBucket'], ['arn:aws:s3:::site']),
    allow('Records', ['dynamodb:GetItem', 'dynamodb:Query'], [TABLE, `${TABLE}/index/GSI1`]),
    allow('AnyIndex', ['dynamodb:Scan'], [`${TABLE}/index/*`]),
    { sid: 'NoSecrets', effect: 'Deny', actions: ['s3:*'], resources: ['arn:aws:s3:::site/site/feeds/secret/*'] },
    { ...allow('Conditional', ['s3:DeleteObject'], ['*']), condition: { Bool: { 'aws:SecureTransport': 'true' } } },
  ]);

  it('allows a named action on a matching resource, naming the statement', () => {
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site/site/feeds/press/atom.xml')).toEqual({ allowed: true, statement: 'Read' });
    expect(evaluate(policy, 's3:ListBucket', 'arn:aws:s3:::site')).toEqual({ allowed: true, statement: 'List' });
  });

  it('denies what no statement allows: another action, prefix, bucket or the bucket for its objects', () => {
    expect(evaluate(policy, 's3:PutObject', 'arn:aws:s3:::site/site/feeds/press/atom.xml').allowed).toBe(false);
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site/private/entries/a.json').allowed).toBe(false);
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::other/site/feeds/a.xml').allowed).toBe(false);
    expect(evaluate(policy, 's3:ListBucket', 'arn:aws:s3:::site/site/feeds/a.xml').allowed).toBe(false);
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site').allowed).toBe(false);
  });

  it('matches `*` across slashes and `?` as one character; actions without regard to case', () => {
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site/site/feeds/a/b/c.xml').allowed).toBe(true);
    expect(evaluate(policy, 's3:getobject', 'arn:aws:s3:::site/private/state/build-1.json').allowed).toBe(true);
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site/private/state/build-12.json').allowed).toBe(false);
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site/private/state/build.json').allowed).toBe(false);
  });

  it('holds an index to its own ARN: the table ARN does not cover its indexes', () => {
    expect(evaluate(policy, 'dynamodb:Query', `${TABLE}/index/GSI1`).allowed).toBe(true);
    expect(evaluate(policy, 'dynamodb:Query', `${TABLE}/index/GSI2`).allowed).toBe(false);
    expect(evaluate(policy, 'dynamodb:Scan', `${TABLE}/index/GSI2`).allowed).toBe(true);
    expect(evaluate(policy, 'dynamodb:Scan', TABLE).allowed).toBe(false);
    expect(evaluate(policy, 'dynamodb:GetItem', `${TABLE}-archive`).allowed).toBe(false);
  });

  it('lets an explicit deny win, and never decides by a statement with a condition', () => {
    expect(evaluate(policy, 's3:GetObject', 'arn:aws:s3:::site/site/feeds/secret/key')).toEqual({ allowed: false, statement: 'NoSecrets', explicitDeny: true });
    expect(evaluate(policy, 's3:DeleteObject', 'arn:aws:s3:::site/site/feeds/a.xml').allowed).toBe(false);
  });
});

describe('synthesizePolicies', () => {
  let policies: Awaited<ReturnType<typeof synthesizePolicies>>;
  beforeAll(async () => {
    policies = await synthesizePolicies({ SiteBucket: 'site-bucket', SourceBucket: 'source-bucket', Table: 'records' });
  }, 60_000);

  it('resolves each function\u2019s statements to the bound bucket and table', () => {
    const feeds = policies.feeds;
    expect(feeds.statements.find((s) => s.sid === 'ListSite')?.resources).toEqual(['arn:aws:s3:::site-bucket']);
    expect(evaluate(feeds, 's3:PutObject', 'arn:aws:s3:::site-bucket/site/feeds/press/atom.xml').allowed).toBe(true);
    expect(evaluate(feeds, 's3:GetObject', 'arn:aws:s3:::site-bucket/private/feeds/state.json').allowed).toBe(true);
    expect(evaluate(feeds, 'dynamodb:Query', `${TABLE}/index/GSI1`).allowed).toBe(true);
    expect(evaluate(policies.render, 's3:GetObject', 'arn:aws:s3:::source-bucket/content/site.yaml').allowed).toBe(true);
    expect(evaluate(policies.notify, 's3:PutObject', 'arn:aws:s3:::site-bucket/site/index.html').allowed).toBe(false);
    // Resolved from Fn::Join with the partition, region and account pseudo parameters.
    expect(policies.render.statements.find((s) => s.sid === 'ScheduleReleases')?.resources).toEqual([
      'arn:aws:scheduler:us-east-1:123456789012:schedule/Gazette-embargo/release-*',
    ]);
    expect(policies.render.principal).toMatch(/^arn:aws:sts::123456789012:assumed-role\/RenderRole\w+\/RenderFunction\w+$/);
  });

  it('resolves each function\u2019s environment as the stack sets it', () => {
    expect(policies.feeds.environment).toMatchObject({
      SITE_BUCKET: 'site-bucket',
      TABLE_NAME: 'records',
      NOTIFY_QUEUE_URL: expect.stringMatching(/^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/NotifyQueue\w+$/),
    });
    expect(policies.render.environment).toMatchObject({
      SOURCE_BUCKET: 'source-bucket',
      SCHEDULE_GROUP: 'Gazette-embargo',
      SCHEDULER_ROLE_ARN: expect.stringMatching(/^arn:aws:iam::123456789012:role\/SchedulerRole\w+$/),
    });
    expect(policies.deployed).toEqual(expect.arrayContaining(['render', 'release', 'feeds', 'notify']));
  });

  it('names an unbound resource by its logical id, so it never matches a test bucket', async () => {
    const unbound = await synthesizePolicies({ Table: 'records' });
    const list = unbound.feeds.statements.find((s) => s.sid === 'ListSite')?.resources[0];
    expect(list).toMatch(/^arn:aws:s3:::SiteBucket[0-9A-F]{8}$/);
  }, 60_000);

  it('refuses a binding to a construct the stack does not have', async () => {
    await expect(synthesizePolicies({ SiteBuckett: 'x' })).rejects.toThrow('Binding "SiteBuckett": the stack has no resource at that construct path');
  }, 60_000);
});

const request = (method: string, url: string, headers: Record<string, string> = {}, body = ''): ProxiedRequest => ({
  method,
  url,
  headers,
  body: Buffer.from(body, 'utf8'),
});
const dynamo = (operation: string, input: object) => request('POST', '/', { 'x-amz-target': `DynamoDB_20120810.${operation}` }, JSON.stringify(input));

describe('s3CallsOf (path-style, as src/store/clients.ts addresses buckets)', () => {
  it('maps object reads, writes and copies', () => {
    expect(s3CallsOf(request('GET', '/site/site/press/2010/%E6%8A%98%E6%89%A3.pdf?x-id=GetObject'))).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::site/site/press/2010/折扣.pdf' },
    ]);
    expect(s3CallsOf(request('HEAD', '/site/site/index.html'))).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::site/site/index.html' }]);
    expect(s3CallsOf(request('GET', '/site/a.txt?versionId=3'))).toEqual([{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::site/a.txt' }]);
    expect(s3CallsOf(request('PUT', '/site/site/index.html?x-id=PutObject'))).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::site/site/index.html' },
    ]);
    expect(s3CallsOf(request('PUT', '/site/site/b.pdf?x-id=CopyObject', { 'x-amz-copy-source': 'site/site/a%20b.pdf' }))).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::site/site/b.pdf' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::site/site/a b.pdf' },
    ]);
    expect(s3CallsOf(request('POST', '/site/big.pdf?uploads'))).toEqual([{ action: 's3:PutObject', resource: 'arn:aws:s3:::site/big.pdf' }]);
  });

  it('maps DeleteObject, and DeleteObjects to one DeleteObject per key in its body', () => {
    expect(s3CallsOf(request('DELETE', '/site/private/scheduled/a.html?x-id=DeleteObject'))).toEqual([
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::site/private/scheduled/a.html' },
    ]);
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>site/a&amp;b.pdf</Key></Object><Object><Key>site/v1/index.html</Key><VersionId>7</VersionId></Object><Quiet>true</Quiet></Delete>';
    expect(s3CallsOf(request('POST', '/site?delete', {}, body))).toEqual([
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::site/site/a&b.pdf' },
      { action: 's3:DeleteObjectVersion', resource: 'arn:aws:s3:::site/site/v1/index.html' },
    ]);
  });

  it('maps listings and HeadBucket to ListBucket on the bucket ARN', () => {
    expect(s3CallsOf(request('GET', '/site?list-type=2&prefix=site%2F&max-keys=1000'))).toEqual([{ action: 's3:ListBucket', resource: 'arn:aws:s3:::site' }]);
    expect(s3CallsOf(request('GET', '/site/?list-type=2'))).toEqual([{ action: 's3:ListBucket', resource: 'arn:aws:s3:::site' }]);
    expect(s3CallsOf(request('HEAD', '/site'))).toEqual([{ action: 's3:ListBucket', resource: 'arn:aws:s3:::site' }]);
    expect(s3CallsOf(request('PUT', '/site'))).toEqual([{ action: 's3:CreateBucket', resource: 'arn:aws:s3:::site' }]);
  });

  it('refuses to guess a request it has no rule for', () => {
    expect(() => s3CallsOf(request('GET', '/site?policy'))).toThrow('add a rule to s3Rules');
  });
});

describe('dynamodbCallsOf', () => {
  it('maps single-table operations to the table ARN, or the index ARN with IndexName', () => {
    expect(dynamodbCallsOf(dynamo('GetItem', { TableName: 'records', Key: {} }))).toEqual([{ action: 'dynamodb:GetItem', resource: TABLE }]);
    expect(dynamodbCallsOf(dynamo('Query', { TableName: 'records', IndexName: 'GSI1' }))).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}/index/GSI1` },
    ]);
    expect(dynamodbCallsOf(dynamo('Query', { TableName: 'records' }))).toEqual([{ action: 'dynamodb:Query', resource: TABLE }]);
    expect(dynamodbCallsOf(dynamo('DeleteItem', { TableName: TABLE }))).toEqual([{ action: 'dynamodb:DeleteItem', resource: TABLE }]);
  });

  it('maps a transaction to each item\u2019s own action, once per action and table', () => {
    const put = { Put: { TableName: 'records', Item: {} } };
    expect(
      dynamodbCallsOf(
        dynamo('TransactWriteItems', {
          TransactItems: [put, put, { Update: { TableName: 'records' } }, { ConditionCheck: { TableName: 'other' } }, { Delete: { TableName: 'records' } }],
        }),
      ),
    ).toEqual([
      { action: 'dynamodb:PutItem', resource: TABLE },
      { action: 'dynamodb:UpdateItem', resource: TABLE },
      { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/other' },
      { action: 'dynamodb:DeleteItem', resource: TABLE },
    ]);
  });

  it('maps batches to the batch action on every table they name', () => {
    expect(dynamodbCallsOf(dynamo('BatchGetItem', { RequestItems: { records: {}, other: {} } }))).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: TABLE },
      { action: 'dynamodb:BatchGetItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/other' },
    ]);
    expect(dynamodbCallsOf(dynamo('BatchWriteItem', { RequestItems: { records: [] } }))).toEqual([{ action: 'dynamodb:BatchWriteItem', resource: TABLE }]);
  });

  it('refuses PartiQL and unknown targets', () => {
    expect(() => dynamodbCallsOf(dynamo('ExecuteStatement', { Statement: 'SELECT' }))).toThrow('cannot map');
    expect(() => dynamodbCallsOf(request('POST', '/', { 'x-amz-target': 'AmazonSQS.SendMessage' }, '{}'))).toThrow('cannot map');
  });
});

describe('the other services\u2019 requests', () => {
  it('maps SQS sends (batches too) to SendMessage on the queue the URL names', () => {
    const send = (operation: string) =>
      request(
        'POST',
        '/',
        { 'x-amz-target': `AmazonSQS.${operation}` },
        JSON.stringify({ QueueUrl: 'http://127.0.0.1:9/123456789012/Gazette-NotifyQueue', Entries: [] }),
      );
    for (const operation of ['SendMessage', 'SendMessageBatch']) {
      expect(sqsCallsOf(send(operation))).toEqual([{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:Gazette-NotifyQueue' }]);
    }
  });

  it('maps reading a partner secret to the secret the ARN names', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gazette/partners/hnnews-AbCdEf';
    expect(
      secretsManagerCallsOf(
        request('POST', '/', { 'x-amz-target': 'secretsmanager.GetSecretValue' }, JSON.stringify({ SecretId: arn, VersionStage: 'AWSPREVIOUS' })),
      ),
    ).toEqual([{ action: 'secretsmanager:GetSecretValue', resource: arn }]);
  });

  it('maps a CloudFront invalidation to its distribution ARN', () => {
    expect(cloudfrontCallsOf(request('POST', '/2020-05-31/distribution/E2GAZETTE0TEST/invalidation', {}, '<InvalidationBatch/>'))).toEqual([
      { action: 'cloudfront:CreateInvalidation', resource: 'arn:aws:cloudfront::123456789012:distribution/E2GAZETTE0TEST' },
    ]);
    expect(() => cloudfrontCallsOf(request('GET', '/2020-05-31/distribution/E2GAZETTE0TEST'))).toThrow('cannot map');
  });

  it('maps creating and moving a schedule to the schedule in its group, passing the target\u2019s role', () => {
    const body = JSON.stringify({ GroupName: 'Gazette-embargo', Target: { RoleArn: 'arn:aws:iam::123456789012:role/SchedulerRole' } });
    expect(schedulerCallsOf(request('POST', '/schedules/release-press-2099-a', {}, body))).toEqual([
      { action: 'scheduler:CreateSchedule', resource: 'arn:aws:scheduler:us-east-1:123456789012:schedule/Gazette-embargo/release-press-2099-a' },
      { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/SchedulerRole' },
    ]);
    expect(schedulerCallsOf(request('PUT', '/schedules/release-press-2099-a', {}, body))[0]?.action).toBe('scheduler:UpdateSchedule');
  });
});

describe('startPolicyProxy in front of s3rver and DynamoDB Local', () => {
  let stores: EmulatorStores;
  let proxy: PolicyProxy;
  let lister: PolicyProxy;
  let s3: S3Client;
  let s3Lister: S3Client;

  beforeAll(async () => {
    stores = await createEmulatorStores();
    const bucket = `arn:aws:s3:::${stores.bucket}`;
    const table = `arn:aws:dynamodb:us-east-1:123456789012:table/${stores.table}`;
    const statements = [
      allow('Objects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [`${bucket}/open/*`]),
      allow('Records', ['dynamodb:GetItem', 'dynamodb:PutItem'], [table]),
    ];
    const targets = { s3: stores.s3Endpoint, dynamodb: stores.dynamodbEndpoint };
    [proxy, lister] = await Promise.all([
      startPolicyProxy(policyOf(statements), targets),
      startPolicyProxy(policyOf([...statements, allow('List', ['s3:ListBucket'], [bucket])]), targets),
    ]);
    s3 = createS3Client({ region: 'us-east-1', s3Endpoint: proxy.env['AWS_ENDPOINT_URL_S3'], maxAttempts: 1 });
    s3Lister = createS3Client({ region: 'us-east-1', s3Endpoint: lister.env['AWS_ENDPOINT_URL_S3'], maxAttempts: 1 });
    await stores.objects.put({ key: 'closed/a.txt', body: Buffer.from('closed'), contentType: 'text/plain' });
  });

  afterAll(async () => {
    s3.destroy();
    s3Lister.destroy();
    await Promise.all([proxy.close(), lister.close()]);
  });

  const failure = async (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: { name: string; $metadata?: { httpStatusCode?: number }; message: string }) => ({
        name: error.name,
        status: error.$metadata?.httpStatusCode,
        message: error.message,
      }),
    );

  it('forwards an allowed, signed request unchanged: s3rver still authenticates it', async () => {
    proxy.clear();
    await s3.send(new PutObjectCommand({ Bucket: stores.bucket, Key: 'open/a.txt', Body: 'open' }));
    expect(Buffer.from((await stores.objects.get('open/a.txt'))?.body ?? []).toString('utf8')).toBe('open');
    expect(describeCalls(proxy.calls)).toEqual([expect.stringMatching(/^allowed s3:PutObject arn:aws:s3:::test-[\w-]+\/open\/a\.txt {2}\(PUT /)]);
    // s3rver 3.7 checks the access key of a SigV4 request but does not recompute its signature
    // (lib/middleware/authentication.js): through the proxy, an unknown key is still refused by s3rver.
    const stranger = new S3Client({
      region: 'us-east-1',
      endpoint: proxy.env['AWS_ENDPOINT_URL_S3'],
      forcePathStyle: true,
      credentials: { accessKeyId: 'STRANGER', secretAccessKey: 'S3RVER' },
      maxAttempts: 1,
    });
    expect(await failure(stranger.send(new PutObjectCommand({ Bucket: stores.bucket, Key: 'open/b.txt', Body: 'stranger' })))).toMatchObject({
      name: 'InvalidAccessKeyId',
      status: 403,
    });
    stranger.destroy();
  });

  it('forwards the request as signed: a SigV4 check behind the proxy accepts it (s3rver makes none)', async () => {
    const verifier = await startSigV4Verifier('S3RVER');
    const through = await startPolicyProxy(policyOf([allow('All', ['s3:PutObject', 's3:GetObject', 'dynamodb:GetItem'], ['*'])]), {
      s3: verifier.url,
      dynamodb: verifier.url,
    });
    const client = createS3Client({ region: 'us-east-1', s3Endpoint: through.env['AWS_ENDPOINT_URL_S3'], maxAttempts: 1 });
    await client.send(
      new PutObjectCommand({ Bucket: 'site', Key: 'site/press/2010/50%折扣.pdf', Body: 'PDF', ContentType: 'application/pdf', Metadata: { sha256: 'x' } }),
    );
    await client.send(new GetObjectCommand({ Bucket: 'site', Key: 'site/a b.txt' }));
    const dynamodb = createDynamoDbDocumentClient({
      region: 'us-east-1',
      dynamodbEndpoint: through.env['AWS_ENDPOINT_URL_DYNAMODB'],
      maxAttempts: 1,
    });
    await dynamodb.send(new GetCommand({ TableName: 'records', Key: { pk: 'DOC#a', sk: 'META' } }));
    expect(verifier.results).toEqual(['valid', 'valid', 'valid']);
    // The check itself refuses a request signed with another secret.
    const forged = new S3Client({
      region: 'us-east-1',
      endpoint: verifier.url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'forged' },
      maxAttempts: 1,
    });
    expect(await failure(forged.send(new PutObjectCommand({ Bucket: 'site', Key: 'a.txt', Body: 'x' })))).toMatchObject({ status: 403 });
    expect(verifier.results.at(-1)).toBe('signature does not match');
    for (const c of [client, forged, dynamodb]) c.destroy();
    await Promise.all([through.close(), verifier.close()]);
  });

  it('answers a refused call with S3\u2019s AccessDenied, naming the role, the action and the object', async () => {
    proxy.clear();
    const refused = await failure(s3.send(new GetObjectCommand({ Bucket: stores.bucket, Key: 'closed/a.txt' })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused?.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/TestRole/test is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${stores.bucket}/closed/a.txt" because no identity-based policy allows the s3:GetObject action`,
    );
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: stores.bucket, Key: 'closed/a.txt' })))).toMatchObject({ status: 403 });
    // A copy needs read access to its source as well.
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: stores.bucket, Key: 'open/copy.txt', CopySource: `${stores.bucket}/closed/a.txt` }))),
    ).toMatchObject({ name: 'AccessDenied' });
    expect(await stores.objects.head('open/copy.txt')).toBeUndefined();
    expect(proxy.denied.map((call) => call.action)).toEqual(['s3:GetObject', 's3:GetObject', 's3:GetObject']);
  });

  it('says 404 for a missing key only to a caller that may list the bucket, as S3 does', async () => {
    proxy.clear();
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: stores.bucket, Key: 'open/missing.txt' })))).toMatchObject({ status: 403 });
    expect(describeCalls(proxy.denied)).toEqual([
      expect.stringContaining(`DENIED s3:ListBucket arn:aws:s3:::${stores.bucket}  (HEAD /${stores.bucket}/open/missing.txt; S3 answers 404`),
    ]);
    expect(await failure(s3Lister.send(new GetObjectCommand({ Bucket: stores.bucket, Key: 'open/missing.txt' })))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('deletes the permitted keys of a DeleteObjects and reports the refused ones as AccessDenied errors', async () => {
    await stores.objects.put({ key: 'open/gone.txt', body: Buffer.from('x'), contentType: 'text/plain' });
    proxy.clear();
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: stores.bucket, Delete: { Objects: [{ Key: 'open/gone.txt' }, { Key: 'closed/a.txt' }], Quiet: true } }),
    );
    expect(result.Errors).toEqual([{ Key: 'closed/a.txt', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(await stores.objects.head('open/gone.txt')).toBeUndefined();
    expect(await stores.objects.head('closed/a.txt')).toBeDefined();
    expect(proxy.calls.map((call) => [call.action, call.allowed])).toEqual([
      ['s3:DeleteObject', true],
      ['s3:DeleteObject', false],
    ]);
  });

  it('answers a refused DynamoDB call with AccessDeniedException, index and transaction items included', async () => {
    proxy.clear();
    const dynamodb = createDynamoDbDocumentClient({ region: 'us-east-1', dynamodbEndpoint: proxy.env['AWS_ENDPOINT_URL_DYNAMODB'], maxAttempts: 1 });
    await dynamodb.send(new PutCommand({ TableName: stores.table, Item: { pk: 'DOC#a', sk: 'META', title: '标题' } }));
    expect((await dynamodb.send(new GetCommand({ TableName: stores.table, Key: { pk: 'DOC#a', sk: 'META' } }))).Item).toMatchObject({ title: '标题' });
    const query = await failure(
      dynamodb.send(
        new QueryCommand({
          TableName: stores.table,
          IndexName: 'GSI1',
          KeyConditionExpression: 'gsi1pk = :k',
          ExpressionAttributeValues: { ':k': 'KIND#release' },
        }),
      ),
    );
    expect(query).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(query?.message).toContain(`dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:123456789012:table/${stores.table}/index/GSI1 because`);
    const transaction = await failure(
      dynamodb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: stores.table, Item: { pk: 'DOC#b', sk: 'META' } } },
            {
              Update: {
                TableName: stores.table,
                Key: { pk: 'DOC#a', sk: 'META' },
                UpdateExpression: 'SET title = :t',
                ExpressionAttributeValues: { ':t': '新' },
              },
            },
          ],
        }),
      ),
    );
    expect(transaction).toMatchObject({ name: 'AccessDeniedException' });
    expect(await stores.records.getDocument('b')).toBeUndefined();
    dynamodb.destroy();
    expect(proxy.denied.map((call) => call.action)).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(proxy.calls.filter((call) => call.allowed).map((call) => call.action)).toEqual(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
  });
});

/**
 * A server that checks each request's SigV4 signature (AWS's algorithm, S3's single URI encoding)
 * and that the body hashes to what was signed, then answers 200: what s3rver does not check.
 */
describe('startPolicyProxy when the server closes a kept-alive connection', () => {
  it('sends the request again on a fresh socket, so an idle-timeout race is not reported as a denied call', async () => {
    // Each connection answers its first request and keeps the socket; a second request on the same socket is
    // met by closing it, as a server whose keep-alive timer fires as the request arrives does.
    const served: string[] = [];
    const server = createNetServer((socket) => {
      let answered = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        if (!buffered.includes('\r\n\r\n')) return;
        const line = buffered.split('\r\n')[0] ?? '';
        buffered = '';
        if (answered++ > 0) {
          socket.destroy();
          return;
        }
        served.push(line);
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const through = await startPolicyProxy(policyOf([allow('All', ['s3:GetObject'], ['*'])]), { s3: upstream });
    const get = async (key: string) => (await fetch(`${through.env['AWS_ENDPOINT_URL_S3']}/site/${key}`)).status;
    try {
      expect(await get('a.txt')).toBe(200);
      expect(await get('b.txt')).toBe(200);
      expect(served).toEqual(['GET /site/a.txt HTTP/1.1', 'GET /site/b.txt HTTP/1.1']);
      expect(describeCalls(through.denied)).toEqual([]);
    } finally {
      await through.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});

async function startSigV4Verifier(secret: string): Promise<{ url: string; results: string[]; close(): Promise<void> }> {
  const results: string[] = [];
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const check = (request: IncomingMessage, body: Buffer): string => {
    const auth = /^AWS4-HMAC-SHA256 Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+), Signature=(\w+)$/.exec(String(request.headers['authorization']));
    if (auth === null) return 'no SigV4 authorization';
    const [, scope = '', signedHeaders = '', signature] = auth;
    const [path = '', query = ''] = (request.url ?? '').split('?');
    const canonicalQuery =
      query === ''
        ? ''
        : query
            .split('&')
            .map((pair) => {
              const [key = '', value = ''] = pair.split(/=(.*)/);
              return `${encode(decodeURIComponent(key))}=${encode(decodeURIComponent(value))}`;
            })
            .sort()
            .join('&');
    const headerLines = signedHeaders
      .split(';')
      .map(
        (name) =>
          `${name}:${String(request.headers[name] ?? '')
            .trim()
            .replace(/\s+/g, ' ')}\n`,
      )
      .join('');
    const payloadHash = String(request.headers['x-amz-content-sha256'] ?? sha256(body));
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return 'body does not match its signed hash';
    const canonical = [request.method, path, canonicalQuery, headerLines, signedHeaders, payloadHash].join('\n');
    const [date = '', region = '', service = ''] = scope.split('/');
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    const expected = createHmac('sha256', key)
      .update(['AWS4-HMAC-SHA256', String(request.headers['x-amz-date']), scope, sha256(canonical)].join('\n'))
      .digest('hex');
    return expected === signature ? 'valid' : 'signature does not match';
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const result = check(request, Buffer.concat(chunks));
    results.push(result);
    if (result !== 'valid')
      response.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>SignatureDoesNotMatch</Code><Message>Signature</Message></Error>');
    else if (request.headers['x-amz-target'] !== undefined) response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    else response.writeHead(200, { etag: '"0"' }).end(request.method === 'GET' ? 'body' : '');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    results,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
