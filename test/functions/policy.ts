// Each function's IAM policy, from the synthesized stack, held against what its bundle really does.
//
//   synthesizePolicies(bindings)  the stack synthesized with placeholder bundles (the run's, shared by
//                                 the test files: test/helpers/synth.ts); finds each function's
//                                 role and every policy attached to it, and resolves the statements'
//                                 resources and the function's environment (Ref, Fn::GetAtt, Fn::Join,
//                                 Fn::Sub, Fn::Select/Split, pseudo parameters) to the test's own names.
//   evaluate(policy, action, arn) IAM's decision for one call: an explicit Deny wins, then any Allow;
//                                 `*` and `?` wildcards; DynamoDB index and S3 object ARNs.
//   startPolicyProxy(policy, …)   a recording HTTP proxy per service: the bundle's AWS_ENDPOINT_URL_<SERVICE>
//                                 points at it; each request is mapped to the IAM calls AWS authorizes,
//                                 recorded, and either forwarded unchanged (headers with Host, and body:
//                                 the signature still verifies) or answered with AWS's AccessDenied error.
//                                 S3 specifics: a missing key is 404 only with s3:ListBucket (else 403),
//                                 and DeleteObjects is authorized key by key.
//
// Adding a function to test/functions/iam.test.ts:
//   1. Give it a role the usual way (GazetteFunction + `allow(...)` in infra/gazetteStack.ts); its
//      description starts `Gazette <name>:`, which is how `policies[name]` finds it.
//   2. If its statements or environment name a resource the test has not bound, bind it: `bindings`
//      maps construct paths of the stack (`SiteBucket`, `Table`, `NotifyQueue/Queue`, …) to the names the
//      test uses. Unbound resources are named by their logical id, so they never match a test bucket.
//   3. In iam.test.ts: add the name to `exercised` and a scenario that invokes it with `run(name, events,
//      env)`: the bundle gets its stack environment (`policies[name].environment`), your `env`, and the
//      proxies' endpoints; `run` fails on any call the role refused, printing each one.
// Services: S3, DynamoDB, SQS, CloudFront, EventBridge Scheduler, Secrets Manager. Adding one (Step
// Functions, …) is one entry in `services` below: its endpoint variable, how a request maps to IAM
// calls, how AWS answers a refused call. A resource type `resourceTypes` does not know is one entry
// there. Anything this module cannot map or resolve fails loudly, naming what to add.

import { randomBytes } from 'node:crypto';
import { Agent, createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { type FunctionName, functionNames } from '../../infra/functions.ts';
import { createS3Client } from '../../src/store/clients.ts';
import { synthesized } from '../helpers/synth.ts';

// Policies --------------------------------------------------------------------------------------

/** The account the ARNs are written for: the harness's region and the placeholder account AWS documents use. */
export interface AccountEnv {
  partition: string;
  region: string;
  account: string;
  stackName: string;
}

export const TEST_ACCOUNT: AccountEnv = { partition: 'aws', region: 'us-east-1', account: '123456789012', stackName: 'Gazette' };

export interface PolicyStatement {
  /** Sid, or `<policy logical id>#<n>` when the statement has none. */
  sid: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  /** Set when the statement has a Condition: it is not evaluated, so it never decides a call. */
  condition?: unknown;
}

export interface FunctionPolicy {
  functionName: string;
  /** The ARN AWS names the caller by in an AccessDenied message (the role's session). */
  principal: string;
  statements: PolicyStatement[];
  /** The function's environment variables as the stack sets them, resolved like the statements. */
  environment: Record<string, string>;
  env: AccountEnv;
}

type CfnResource = { Type: string; Properties?: Record<string, unknown> };

/** How a resource's Ref and attributes derive from its physical name: one entry per CloudFormation type. */
const resourceTypes: Record<string, (name: string, env: AccountEnv) => Record<string, string>> = {
  'AWS::S3::Bucket': (name, { partition }) => ({ Ref: name, Arn: `arn:${partition}:s3:::${name}` }),
  'AWS::DynamoDB::Table': (name, { partition, region, account }) => {
    const arn = `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
    return { Ref: name, Arn: arn, StreamArn: `${arn}/stream/2010-06-25T00:00:00.000` };
  },
  'AWS::SQS::Queue': (name, { partition, region, account }) => {
    const url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
    return { Ref: url, QueueUrl: url, QueueName: name, Arn: `arn:${partition}:sqs:${region}:${account}:${name}` };
  },
  'AWS::SNS::Topic': (name, { partition, region, account }) => {
    const arn = `arn:${partition}:sns:${region}:${account}:${name}`;
    return { Ref: arn, TopicArn: arn, TopicName: name };
  },
  'AWS::Logs::LogGroup': (name, { partition, region, account }) => ({ Ref: name, Arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}:*` }),
  'AWS::Lambda::Function': (name, { partition, region, account }) => ({ Ref: name, Arn: `arn:${partition}:lambda:${region}:${account}:function:${name}` }),
  'AWS::IAM::Role': (name, { partition, account }) => ({ Ref: name, Arn: `arn:${partition}:iam::${account}:role/${name}`, RoleId: `AROA${name}` }),
  'AWS::SecretsManager::Secret': (name, { partition, region, account }) => {
    const arn = `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
    return { Ref: arn, Id: arn };
  },
  'AWS::Scheduler::ScheduleGroup': (name, { partition, region, account }) => ({
    Ref: name,
    Arn: `arn:${partition}:scheduler:${region}:${account}:schedule-group/${name}`,
  }),
  'AWS::CloudFront::Distribution': (name) => ({ Ref: name, Id: name, DomainName: `${name.toLowerCase()}.cloudfront.net` }),
  'AWS::StepFunctions::StateMachine': (name, { partition, region, account }) => {
    const arn = `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
    return { Ref: arn, Arn: arn, Name: name };
  },
};

/** Each function the stack deploys, by name; reading one the stack does not deploy, or cannot be resolved, throws why. */
export type StackPolicies = Readonly<Record<FunctionName, FunctionPolicy>> & { readonly deployed: readonly FunctionName[] };

/**
 * Synthesize the stack (placeholder bundles, as test/infra/stack.test.ts does) and return every
 * function's policy. `bindings`: construct path in the stack → physical name used by the test,
 * e.g. `{ SiteBucket: stores.bucket, SourceBucket: source.bucket, Table: stores.table }`.
 */
export async function synthesizePolicies(
  bindings: Record<string, string>,
  { env = TEST_ACCOUNT, context = {} }: { env?: AccountEnv; context?: Record<string, unknown> } = {},
): Promise<StackPolicies> {
  // The run's template for the context (test/helpers/synth.ts): one synth shared by the test files.
  const { resources, logicalIds, stackName } = await synthesized(context);
  const names = new Map(Object.entries(bindings).map(([path, name]) => [logicalIdOf(logicalIds, path), name]));
  const resolve = resolver(resources, names, { ...env, stackName });
  // Resolved when read: a function still being added to the stack fails only the tests that use it.
  const policies = { deployed: functionNames.filter((name) => functionsNamed(resources as Record<string, CfnResource>, name).length > 0) };
  for (const name of functionNames) {
    let policy: FunctionPolicy | undefined;
    Object.defineProperty(policies, name, {
      enumerable: true,
      get: () => (policy ??= functionPolicy(name, resources as Record<string, CfnResource>, resolve, env)),
    });
  }
  return policies as unknown as StackPolicies;
}

function logicalIdOf(logicalIds: Record<string, string>, path: string): string {
  const id = logicalIds[path];
  if (id === undefined) {
    throw new Error(`Binding "${path}": the stack has no resource at that construct path. Bind a path like "SiteBucket", "Table" or "NotifyQueue/Queue".`);
  }
  return id;
}

/** GazetteFunction describes each function `Gazette <name>: <summary>`. */
function functionsNamed(resources: Record<string, CfnResource>, name: string): [string, CfnResource][] {
  const describes = (description: unknown) => typeof description === 'string' && description.startsWith(`Gazette ${name}:`);
  return Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && describes(r.Properties?.['Description']));
}

function functionPolicy(name: string, resources: Record<string, CfnResource>, resolve: (value: unknown) => string, env: AccountEnv): FunctionPolicy {
  const functions = functionsNamed(resources, name);
  if (functions.length !== 1) {
    throw new Error(
      `Function "${name}": expected one AWS::Lambda::Function described "Gazette ${name}: …" in the stack, found ${functions.length}. Make it with GazetteFunction (infra/gazetteFunction.ts).`,
    );
  }
  const [functionId, fn] = functions[0] as [string, CfnResource];
  const roleRef = fn.Properties?.['Role'] as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = roleRef?.['Fn::GetAtt']?.[0];
  const role = roleId === undefined ? undefined : resources[roleId];
  if (roleId === undefined || role?.Type !== 'AWS::IAM::Role')
    throw new Error(`Function "${name}" (${functionId}): its Role is not a role of this stack (${JSON.stringify(roleRef)}).`);
  if (role.Properties?.['ManagedPolicyArns'] !== undefined) {
    throw new Error(`Role ${roleId} of "${name}" has managed policies, which policy.ts does not read; grant with GazetteFunction.allow instead.`);
  }
  const documents: [string, unknown][] = ((role.Properties?.['Policies'] as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []).map((p) => [
    `${roleId}.${p.PolicyName}`,
    p.PolicyDocument,
  ]);
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (resource.Properties?.['Roles'] as unknown[] | undefined) ?? [];
    if (roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId }))) documents.push([id, resource.Properties?.['PolicyDocument']]);
  }
  const statements = documents.flatMap(([id, document]) => statementsOf(id, document, resolve));
  const roleName = resolve({ Ref: roleId });
  const variables = (fn.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const environment = Object.fromEntries(
    Object.entries(variables).map(([variable, value]) => {
      try {
        return [variable, resolve(value)];
      } catch (error) {
        throw new Error(`Function "${name}", environment variable ${variable}: ${(error as Error).message}`, { cause: error });
      }
    }),
  );
  return {
    functionName: name,
    principal: `arn:${env.partition}:sts::${env.account}:assumed-role/${roleName}/${resolve({ Ref: functionId })}`,
    statements,
    environment,
    env,
  };
}

function statementsOf(policyId: string, document: unknown, resolve: (value: unknown) => string): PolicyStatement[] {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = (Array.isArray(raw) ? raw : [raw]) as Record<string, unknown>[];
  return list.map((statement, i) => {
    const sid = typeof statement['Sid'] === 'string' ? statement['Sid'] : `${policyId}#${i}`;
    for (const field of ['NotAction', 'NotResource', 'NotPrincipal']) {
      if (field in statement) throw new Error(`Statement ${sid} in ${policyId} uses ${field}, which policy.ts does not evaluate.`);
    }
    const effect = statement['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') throw new Error(`Statement ${sid} in ${policyId} has Effect ${JSON.stringify(effect)}.`);
    const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
    return {
      sid,
      effect,
      actions: asList(statement['Action']).map((action) => resolve(action)),
      resources: asList(statement['Resource']).map((resource) => {
        try {
          return resolve(resource);
        } catch (error) {
          throw new Error(`Statement ${sid} in ${policyId}: ${(error as Error).message}`, { cause: error });
        }
      }),
      ...(statement['Condition'] === undefined ? {} : { condition: statement['Condition'] }),
    };
  });
}

const PSEUDO_PARAMETERS: Record<string, (env: AccountEnv) => string> = {
  'AWS::Partition': (env) => env.partition,
  'AWS::Region': (env) => env.region,
  'AWS::AccountId': (env) => env.account,
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (env) => env.stackName,
};

/** Resolve CloudFormation values to strings; anything of another shape throws, naming it. */
function resolver(resources: Record<string, CfnResource>, names: Map<string, string>, env: AccountEnv): (value: unknown) => string {
  const attributes = (logicalId: string): Record<string, string> => {
    const resource = resources[logicalId];
    if (resource === undefined) throw new Error(`no resource ${logicalId} in the template`);
    const type = resourceTypes[resource.Type];
    if (type === undefined) throw new Error(`${logicalId} is a ${resource.Type}, which policy.ts cannot name: add the type to resourceTypes`);
    return type(names.get(logicalId) ?? logicalId, env);
  };
  const attribute = (logicalId: string, name: string): string => {
    const value = attributes(logicalId)[name];
    if (value === undefined) throw new Error(`cannot resolve ${logicalId}.${name}: add the attribute to resourceTypes`);
    return value;
  };
  const ref = (name: string): string => PSEUDO_PARAMETERS[name]?.(env) ?? attribute(name, 'Ref');
  const list = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.map(resolve);
    const split = (value as { 'Fn::Split'?: [string, unknown] } | undefined)?.['Fn::Split'];
    if (split !== undefined) return resolve(split[1]).split(split[0]);
    throw new Error(`cannot resolve ${JSON.stringify(value)} to a list`);
  };
  function resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    const entries = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    const [fn, args] = entries.length === 1 ? (entries[0] as [string, unknown]) : ['', undefined];
    switch (fn) {
      case 'Ref':
        return ref(String(args));
      case 'Fn::GetAtt': {
        const [id, name] = Array.isArray(args) ? (args as string[]) : String(args).split(/\.(.*)/);
        return attribute(String(id), String(name));
      }
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown];
        return list(parts).join(separator);
      }
      case 'Fn::Select': {
        const [index, from] = args as [number | string, unknown];
        const chosen = list(from)[Number(index)];
        if (chosen === undefined) throw new Error(`Fn::Select index ${index} is out of range in ${JSON.stringify(value)}`);
        return chosen;
      }
      case 'Fn::Sub': {
        const [template, variables = {}] = typeof args === 'string' ? [args, {}] : (args as [string, Record<string, unknown>]);
        return template.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          if (name in variables) return resolve(variables[name]);
          const [id, attr] = name.split(/\.(.*)/);
          return attr === undefined ? ref(name) : attribute(id as string, attr);
        });
      }
      default:
        throw new Error(`cannot resolve ${JSON.stringify(value)}: policy.ts resolves strings, Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split`);
    }
  }
  return resolve;
}

// Evaluation ------------------------------------------------------------------------------------

export interface Decision {
  allowed: boolean;
  /** The deciding statement's Sid; absent for an implicit deny. */
  statement?: string;
  explicitDeny?: boolean;
}

/** IAM wildcards: `*` any run of characters (including `/`), `?` one character. */
function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`, flags);
}

/** Whether an IAM action pattern (case-insensitive) matches an action. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcard(pattern, 'i').test(action);
}

/** Whether an IAM resource pattern (case-sensitive) matches an ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  return wildcard(pattern).test(arn);
}

/** IAM's decision for one identity-based policy: an explicit Deny wins, then any Allow, else an implicit deny. */
export function evaluate(policy: Pick<FunctionPolicy, 'statements'>, action: string, resource: string): Decision {
  const matching = policy.statements.filter(
    (s) => s.condition === undefined && s.actions.some((p) => actionMatches(p, action)) && s.resources.some((p) => resourceMatches(p, resource)),
  );
  const deny = matching.find((s) => s.effect === 'Deny');
  if (deny !== undefined) return { allowed: false, statement: deny.sid, explicitDeny: true };
  const allow = matching.find((s) => s.effect === 'Allow');
  return allow === undefined ? { allowed: false } : { allowed: true, statement: allow.sid };
}

// Requests → IAM calls --------------------------------------------------------------------------

export interface ProxiedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface IamCall {
  action: string;
  resource: string;
}

export class UnmappedRequestError extends Error {
  override name = 'UnmappedRequestError';
}

interface S3Request {
  method: string;
  bucket: string;
  /** Absent for a bucket-level request. */
  key?: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const objectArn = (env: AccountEnv, bucket: string, key: string) => `arn:${env.partition}:s3:::${bucket}/${key}`;
const bucketArn = (env: AccountEnv, bucket: string) => `arn:${env.partition}:s3:::${bucket}`;

/** Path-style addressing, as src/store/clients.ts sets it up (`forcePathStyle`): `/<bucket>/<key>?<query>`. */
function s3RequestOf(request: ProxiedRequest): S3Request | undefined {
  const url = new URL(request.url, 'http://s3.local');
  const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
  if (bucket === '') return undefined;
  const key = rest.length === 0 || (rest.length === 1 && rest[0] === '') ? undefined : decodeURIComponent(rest.join('/'));
  return {
    method: request.method,
    bucket: decodeURIComponent(bucket),
    ...(key === undefined ? {} : { key }),
    query: url.searchParams,
    headers: request.headers,
    body: request.body,
  };
}

const xmlText = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? '';
  });

/** The keys (and version ids) of a DeleteObjects body. */
export function deleteObjectsKeys(body: Buffer): { key: string; versionId?: string }[] {
  return [...body.toString('utf8').matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, inner = '']) => {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1];
    if (key === undefined) throw new UnmappedRequestError(`A DeleteObjects <Object> without <Key>: ${inner.slice(0, 200)}`);
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(inner)?.[1];
    return { key: xmlText(key), ...(versionId === undefined ? {} : { versionId: xmlText(versionId) }) };
  });
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
function copySourceOf(header: string): { bucket: string; key: string; versionId?: string } {
  const [path = '', query = ''] = header.replace(/^\//, '').split('?');
  const [bucket = '', ...key] = path.split('/');
  const versionId = new URLSearchParams(query).get('versionId');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(key.join('/')), ...(versionId === null ? {} : { versionId }) };
}

/** S3 REST requests as IAM authorizes them, first matching rule wins (object-level, then bucket-level). */
const s3Rules: { when: (r: S3Request) => boolean; calls: (r: S3Request, env: AccountEnv) => IamCall[] }[] = [
  // Objects
  {
    when: (r) => r.key !== undefined && (r.method === 'GET' || r.method === 'HEAD'),
    calls: (r, env) => {
      const has = (name: string) => r.query.has(name);
      const action = has('uploadId')
        ? 's3:ListMultipartUploadParts'
        : has('tagging')
          ? has('versionId')
            ? 's3:GetObjectVersionTagging'
            : 's3:GetObjectTagging'
          : has('acl')
            ? has('versionId')
              ? 's3:GetObjectVersionAcl'
              : 's3:GetObjectAcl'
            : has('attributes')
              ? has('versionId')
                ? 's3:GetObjectVersionAttributes'
                : 's3:GetObjectAttributes'
              : has('versionId')
                ? 's3:GetObjectVersion'
                : 's3:GetObject';
      return [{ action, resource: objectArn(env, r.bucket, r.key as string) }];
    },
  },
  {
    when: (r) => r.key !== undefined && r.method === 'PUT',
    calls: (r, env) => {
      const target = objectArn(env, r.bucket, r.key as string);
      const copy = r.headers['x-amz-copy-source'];
      if (typeof copy === 'string') {
        // CopyObject and UploadPartCopy: write the target, read the source.
        const source = copySourceOf(copy);
        return [
          { action: 's3:PutObject', resource: target },
          { action: source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', resource: objectArn(env, source.bucket, source.key) },
        ];
      }
      if (r.query.has('tagging')) return [{ action: r.query.has('versionId') ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging', resource: target }];
      if (r.query.has('acl')) return [{ action: 's3:PutObjectAcl', resource: target }];
      if (r.query.has('retention')) return [{ action: 's3:PutObjectRetention', resource: target }];
      if (r.query.has('legal-hold')) return [{ action: 's3:PutObjectLegalHold', resource: target }];
      return [{ action: 's3:PutObject', resource: target }]; // PutObject and UploadPart
    },
  },
  // CreateMultipartUpload (?uploads) and CompleteMultipartUpload (?uploadId) are authorized as PutObject.
  {
    when: (r) => r.key !== undefined && r.method === 'POST' && (r.query.has('uploads') || r.query.has('uploadId')),
    calls: (r, env) => [{ action: 's3:PutObject', resource: objectArn(env, r.bucket, r.key as string) }],
  },
  {
    when: (r) => r.key !== undefined && r.method === 'DELETE',
    calls: (r, env) => {
      const action = r.query.has('uploadId')
        ? 's3:AbortMultipartUpload'
        : r.query.has('tagging')
          ? 's3:DeleteObjectTagging'
          : r.query.has('versionId')
            ? 's3:DeleteObjectVersion'
            : 's3:DeleteObject';
      return [{ action, resource: objectArn(env, r.bucket, r.key as string) }];
    },
  },
  // Buckets
  {
    when: (r) => r.key === undefined && r.method === 'POST' && r.query.has('delete'),
    calls: (r, env) =>
      deleteObjectsKeys(r.body).map(({ key, versionId }) => ({
        action: versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
        resource: objectArn(env, r.bucket, key),
      })),
  },
  {
    when: (r) => r.key === undefined && r.method === 'GET' && r.query.has('versions'),
    calls: (r, env) => [{ action: 's3:ListBucketVersions', resource: bucketArn(env, r.bucket) }],
  },
  {
    when: (r) => r.key === undefined && r.method === 'GET' && r.query.has('uploads'),
    calls: (r, env) => [{ action: 's3:ListBucketMultipartUploads', resource: bucketArn(env, r.bucket) }],
  },
  {
    when: (r) => r.key === undefined && r.method === 'GET' && r.query.has('location'),
    calls: (r, env) => [{ action: 's3:GetBucketLocation', resource: bucketArn(env, r.bucket) }],
  },
  // ListObjects, ListObjectsV2 (any query that names no other subresource), and HeadBucket.
  {
    when: (r) => r.key === undefined && (r.method === 'GET' || r.method === 'HEAD') && [...r.query.keys()].every((name) => LIST_PARAMETERS.has(name)),
    calls: (r, env) => [{ action: 's3:ListBucket', resource: bucketArn(env, r.bucket) }],
  },
  {
    when: (r) => r.key === undefined && r.method === 'PUT' && [...r.query.keys()].length === 0,
    calls: (r, env) => [{ action: 's3:CreateBucket', resource: bucketArn(env, r.bucket) }],
  },
  {
    when: (r) => r.key === undefined && r.method === 'DELETE' && [...r.query.keys()].length === 0,
    calls: (r, env) => [{ action: 's3:DeleteBucket', resource: bucketArn(env, r.bucket) }],
  },
];

const LIST_PARAMETERS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'continuation-token',
  'start-after',
  'max-keys',
  'marker',
  'encoding-type',
  'fetch-owner',
  'x-id',
]);

/** The IAM calls one S3 REST request needs. */
export function s3CallsOf(request: ProxiedRequest, env: AccountEnv = TEST_ACCOUNT): IamCall[] {
  const s3 = s3RequestOf(request);
  if (s3 === undefined) {
    if (request.method === 'GET') return [{ action: 's3:ListAllMyBuckets', resource: '*' }];
    throw new UnmappedRequestError(`policy.ts cannot map S3 ${request.method} ${request.url} to IAM actions: add a rule to s3Rules.`);
  }
  const rule = s3Rules.find((candidate) => candidate.when(s3));
  if (rule === undefined) throw new UnmappedRequestError(`policy.ts cannot map S3 ${request.method} ${request.url} to IAM actions: add a rule to s3Rules.`);
  return rule.calls(s3, env);
}

/** TransactWriteItems and TransactGetItems are authorized per item, as the underlying single-item action. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};
/** PartiQL's actions depend on the statement; nothing here uses it. */
const UNMAPPED_DYNAMODB = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/** The IAM calls one DynamoDB JSON request (`X-Amz-Target: DynamoDB_20120810.<Operation>`) needs. */
export function dynamodbCallsOf(request: ProxiedRequest, env: AccountEnv = TEST_ACCOUNT): IamCall[] {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = /^DynamoDB_\d+\.(\w+)$/.exec(target)?.[1];
  if (operation === undefined || UNMAPPED_DYNAMODB.has(operation)) {
    throw new UnmappedRequestError(`policy.ts cannot map DynamoDB request "${target}" to IAM actions: add it to dynamodbCallsOf.`);
  }
  const input = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
  const tableArn = (name: string) => (name.startsWith('arn:') ? name : `arn:${env.partition}:dynamodb:${env.region}:${env.account}:table/${name}`);
  const calls: IamCall[] = [];
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    for (const table of Object.keys((input['RequestItems'] as object | undefined) ?? {}))
      calls.push({ action: `dynamodb:${operation}`, resource: tableArn(table) });
  } else if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    for (const item of (input['TransactItems'] as Record<string, { TableName: string }>[] | undefined) ?? []) {
      const [kind, spec] = Object.entries(item)[0] ?? [];
      const action = TRANSACT_ACTIONS[kind ?? ''];
      if (action === undefined || spec === undefined)
        throw new UnmappedRequestError(`policy.ts cannot map the ${operation} item ${JSON.stringify(item).slice(0, 200)}.`);
      calls.push({ action: `dynamodb:${action}`, resource: tableArn(spec.TableName) });
    }
  } else if (operation === 'ListTables') {
    calls.push({ action: 'dynamodb:ListTables', resource: '*' });
  } else if (typeof input['TableName'] === 'string') {
    const index = typeof input['IndexName'] === 'string' ? `/index/${input['IndexName']}` : '';
    calls.push({ action: `dynamodb:${operation}`, resource: tableArn(input['TableName']) + index });
  } else {
    throw new UnmappedRequestError(`policy.ts cannot map DynamoDB ${operation} (no TableName) to IAM actions: add it to dynamodbCallsOf.`);
  }
  const seen = new Set<string>();
  return calls.filter((call) => !seen.has(`${call.action} ${call.resource}`) && seen.add(`${call.action} ${call.resource}`));
}

/** SQS (AWS JSON 1.0): SendMessageBatch is authorized as SendMessage; the queue ARN derives from the QueueUrl's `/<account>/<name>`. */
export function sqsCallsOf(request: ProxiedRequest, env: AccountEnv = TEST_ACCOUNT): IamCall[] {
  const operation = /^AmazonSQS\.(\w+)$/.exec(String(request.headers['x-amz-target'] ?? ''))?.[1];
  const input = JSON.parse(request.body.toString('utf8') || '{}') as { QueueUrl?: string };
  const [account, name] = new URL(input.QueueUrl ?? 'http://x/').pathname.split('/').slice(1);
  if (operation === undefined || account === undefined || name === undefined || name === '') {
    throw new UnmappedRequestError(`policy.ts cannot map SQS request "${String(request.headers['x-amz-target'])}" to IAM actions: add it to sqsCallsOf.`);
  }
  const action = operation === 'SendMessageBatch' ? 'SendMessage' : operation === 'DeleteMessageBatch' ? 'DeleteMessage' : operation;
  return [{ action: `sqs:${action}`, resource: `arn:${env.partition}:sqs:${env.region}:${account}:${name}` }];
}

/** Secrets Manager (AWS JSON 1.1): GetSecretValue and DescribeSecret on the secret the SecretId names (an ARN, as partners.yaml gives it). */
export function secretsManagerCallsOf(request: ProxiedRequest, env: AccountEnv = TEST_ACCOUNT): IamCall[] {
  const operation = /^secretsmanager\.(\w+)$/.exec(String(request.headers['x-amz-target'] ?? ''))?.[1];
  const { SecretId } = JSON.parse(request.body.toString('utf8') || '{}') as { SecretId?: string };
  if (operation === undefined || SecretId === undefined) {
    throw new UnmappedRequestError(
      `policy.ts cannot map Secrets Manager request "${String(request.headers['x-amz-target'])}" to IAM actions: add it to secretsManagerCallsOf.`,
    );
  }
  // By name, IAM still matches the full ARN (with its random suffix), which only the stack knows.
  const resource = SecretId.startsWith('arn:') ? SecretId : `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${SecretId}`;
  return [{ action: `secretsmanager:${operation}`, resource }];
}

/** CloudFront (REST-XML): CreateInvalidation, POST /2020-05-31/distribution/{Id}/invalidation. */
export function cloudfrontCallsOf(request: ProxiedRequest, env: AccountEnv = TEST_ACCOUNT): IamCall[] {
  const id = /^\/\d{4}-\d{2}-\d{2}\/distribution\/([^/?]+)\/invalidation$/.exec(request.url.split('?')[0] ?? '')?.[1];
  if (request.method !== 'POST' || id === undefined)
    throw new UnmappedRequestError(`policy.ts cannot map CloudFront ${request.method} ${request.url} to IAM actions: add it to cloudfrontCallsOf.`);
  return [{ action: 'cloudfront:CreateInvalidation', resource: `arn:${env.partition}:cloudfront::${env.account}:distribution/${decodeURIComponent(id)}` }];
}

/** EventBridge Scheduler (REST-JSON): Create (POST) and Update (PUT) /schedules/{Name}; both pass the target's role. */
export function schedulerCallsOf(request: ProxiedRequest, env: AccountEnv = TEST_ACCOUNT): IamCall[] {
  const name = /^\/schedules\/([^/?]+)$/.exec(request.url.split('?')[0] ?? '')?.[1];
  const action = request.method === 'POST' ? 'CreateSchedule' : request.method === 'PUT' ? 'UpdateSchedule' : undefined;
  if (name === undefined || action === undefined)
    throw new UnmappedRequestError(`policy.ts cannot map Scheduler ${request.method} ${request.url} to IAM actions: add it to schedulerCallsOf.`);
  const input = JSON.parse(request.body.toString('utf8') || '{}') as { GroupName?: string; Target?: { RoleArn?: string } };
  const schedule = `arn:${env.partition}:scheduler:${env.region}:${env.account}:schedule/${input.GroupName ?? 'default'}/${decodeURIComponent(name)}`;
  return [
    { action: `scheduler:${action}`, resource: schedule },
    ...(input.Target?.RoleArn === undefined ? [] : [{ action: 'iam:PassRole', resource: input.Target.RoleArn }]),
  ];
}

// Services --------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders | Record<string, string>;
  body: Buffer;
}

interface CallContext {
  request: ProxiedRequest;
  policy: FunctionPolicy;
  /** The server behind the proxy. */
  target: string;
  /** Decide one call and record it. */
  decide(call: IamCall, note?: string): boolean;
  /** AWS's answer refusing this call (decided before). */
  deny(call: IamCall): Answer;
}

interface Service {
  /** The SDK's endpoint variable: the bundle's clients honour it. */
  endpointVariable: string;
  callsOf(request: ProxiedRequest, env: AccountEnv): IamCall[];
  /** AWS's answer to a call the policy does not allow. */
  denied(request: ProxiedRequest, message: string): Answer;
  /** Where AWS authorizes otherwise than "all calls allowed: do it; else refuse the first refused". */
  authorize?(context: CallContext, calls: IamCall[]): Promise<Answer | 'forward' | undefined>;
  /** The upstream's answer as AWS would give it to this caller. */
  review?(context: CallContext, answer: Answer): Answer;
}

const requestId = () => randomBytes(8).toString('hex').toUpperCase();
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const s3Xml = (inner: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${inner}`, 'utf8');

/** The services the proxy fronts, by name: how a request maps to IAM calls and how AWS refuses one. */
export const services = {
  s3: {
    endpointVariable: 'AWS_ENDPOINT_URL_S3',
    callsOf: s3CallsOf,
    denied: (request, message) => {
      const id = requestId();
      // A HEAD answer has no body: the SDK sees only the status (403 Forbidden).
      const body =
        request.method === 'HEAD'
          ? Buffer.alloc(0)
          : s3Xml(`<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>${id}</RequestId><HostId>${id}</HostId></Error>`);
      return { status: 403, headers: { 'content-type': 'application/xml', 'x-amz-request-id': id, 'x-amz-id-2': id }, body };
    },
    async authorize(context, calls) {
      const s3 = s3RequestOf(context.request);
      if (s3 === undefined || s3.key !== undefined || s3.method !== 'POST' || !s3.query.has('delete')) return undefined;
      return deleteObjects(context, s3, calls);
    },
    review(context, answer) {
      const s3 = s3RequestOf(context.request);
      if (answer.status !== 404 || s3?.key === undefined || (s3.method !== 'GET' && s3.method !== 'HEAD')) return answer;
      // S3 tells a caller that a key is missing only if it may list the bucket; anyone else gets 403.
      const list = { action: 's3:ListBucket', resource: bucketArn(context.policy.env, s3.bucket) };
      return context.decide(list, `S3 answers 404 for missing "${s3.key}" only with ListBucket, else 403`) ? answer : context.deny(list);
    },
  },
  dynamodb: {
    endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
    callsOf: dynamodbCallsOf,
    denied: (_request, message) => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId() },
      body: Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: message }), 'utf8'),
    }),
  },
  sqs: {
    endpointVariable: 'AWS_ENDPOINT_URL_SQS',
    callsOf: sqsCallsOf,
    denied: (_request, message) => ({
      status: 403,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId(), 'x-amzn-query-error': 'AccessDenied;Sender' },
      body: Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }), 'utf8'),
    }),
  },
  cloudfront: {
    endpointVariable: 'AWS_ENDPOINT_URL_CLOUDFRONT',
    callsOf: cloudfrontCallsOf,
    denied: (_request, message) => {
      const id = requestId();
      return {
        status: 403,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
        body: s3Xml(
          `<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
        ),
      };
    },
  },
  secretsmanager: {
    endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    callsOf: secretsManagerCallsOf,
    denied: (_request, message) => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() },
      body: Buffer.from(JSON.stringify({ __type: 'AccessDeniedException', Message: message }), 'utf8'),
    }),
  },
  scheduler: {
    endpointVariable: 'AWS_ENDPOINT_URL_SCHEDULER',
    callsOf: schedulerCallsOf,
    denied: (_request, message) => ({
      status: 403,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException', 'x-amzn-requestid': requestId() },
      body: Buffer.from(JSON.stringify({ Message: message }), 'utf8'),
    }),
  },
} satisfies Record<string, Service>;

export type ServiceName = keyof typeof services;

/** DeleteObjects is authorized key by key: refused keys come back as errors in a 200 answer; the others are deleted. */
async function deleteObjects(context: CallContext, s3: S3Request, calls: IamCall[]): Promise<Answer | 'forward'> {
  const keys = deleteObjectsKeys(s3.body);
  const allowed = calls.map((call) => context.decide(call));
  if (allowed.every(Boolean)) return 'forward';
  const permitted = keys.filter((_, i) => allowed[i]);
  if (permitted.length > 0) {
    // The request's signature covers its body, so the permitted part goes as a request of our own.
    const client = createS3Client({ region: context.policy.env.region, s3Endpoint: context.target, maxAttempts: 1 });
    try {
      const Objects = permitted.map(({ key, versionId }) => ({ Key: key, ...(versionId === undefined ? {} : { VersionId: versionId }) }));
      await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects, Quiet: true } }));
    } finally {
      client.destroy();
    }
  }
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(s3.body.toString('utf8'));
  const deleted = quiet ? '' : permitted.map(({ key }) => `<Deleted><Key>${escapeXml(key)}</Key></Deleted>`).join('');
  const errors = keys
    .filter((_, i) => !allowed[i])
    .map(({ key }) => `<Error><Key>${escapeXml(key)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
    .join('');
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId() },
    body: s3Xml(`<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${deleted}${errors}</DeleteResult>`),
  };
}

// The proxy -------------------------------------------------------------------------------------

export interface RecordedCall extends IamCall {
  allowed: boolean;
  /** The deciding statement's Sid. */
  statement?: string;
  service: ServiceName;
  /** Method and path of the request that made the call. */
  request: string;
  note?: string;
}

export interface PolicyProxy {
  /** Endpoint variables for the bundle's environment, e.g. AWS_ENDPOINT_URL_S3. */
  env: Record<string, string>;
  /** Every call, in order. */
  readonly calls: RecordedCall[];
  /** The calls the policy refused (and requests this module could not map). */
  readonly denied: RecordedCall[];
  /** Forget what was recorded (between scenarios). */
  clear(): void;
  close(): Promise<void>;
}

/** One recording proxy per service in `targets` (service → the local server's endpoint), holding calls to `policy`. */
export async function startPolicyProxy(policy: FunctionPolicy, targets: Partial<Record<ServiceName, string>>): Promise<PolicyProxy> {
  const calls: RecordedCall[] = [];
  const servers: Server[] = [];
  const env: Record<string, string> = {};
  for (const [name, target] of Object.entries(targets) as [ServiceName, string][]) {
    const service: Service = services[name];
    const agent = new Agent({ keepAlive: true });
    const server = createServer((incoming, response) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of incoming) chunks.push(chunk as Buffer);
        const request: ProxiedRequest = { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body: Buffer.concat(chunks) };
        const operation = request.headers['x-amz-target'];
        const label = `${request.method} ${request.url.split('?')[0]}${typeof operation === 'string' ? ` ${operation}` : ''}`;
        const context: CallContext = {
          request,
          policy,
          target,
          decide(call, note) {
            const decision = evaluate(policy, call.action, call.resource);
            calls.push({
              ...call,
              allowed: decision.allowed,
              ...(decision.statement === undefined ? {} : { statement: decision.statement }),
              service: name,
              request: label,
              ...(note === undefined ? {} : { note }),
            });
            return decision.allowed;
          },
          deny(call) {
            const decision = evaluate(policy, call.action, call.resource);
            const resource = name === 's3' ? `"${call.resource}"` : call.resource;
            const why =
              decision.explicitDeny === true
                ? 'with an explicit deny in an identity-based policy'
                : `because no identity-based policy allows the ${call.action} action`;
            return service.denied(request, `User: ${policy.principal} is not authorized to perform: ${call.action} on resource: ${resource} ${why}`);
          },
        };
        let answer: Answer;
        try {
          const needed = service.callsOf(request, policy.env);
          const early = await service.authorize?.(context, needed);
          if (early !== undefined && early !== 'forward') {
            answer = early;
          } else {
            const refused = early === 'forward' ? undefined : needed.find((call) => !context.decide(call));
            answer = refused !== undefined ? context.deny(refused) : await forward(target, request, agent, name === 's3');
            if (refused === undefined && service.review !== undefined) answer = service.review(context, answer);
          }
        } catch (error) {
          const message = error instanceof UnmappedRequestError ? error.message : `policy.ts failed on ${label}: ${String(error)}`;
          calls.push({ action: '(unmapped)', resource: label, allowed: false, service: name, request: label, note: message });
          answer = { status: 501, headers: { 'content-type': 'text/plain' }, body: Buffer.from(message, 'utf8') };
        }
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      })();
    });
    server.on('close', () => agent.destroy());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    servers.push(server);
    env[service.endpointVariable] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    env,
    calls,
    get denied() {
      return calls.filter((call) => !call.allowed);
    },
    clear: () => void calls.splice(0),
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

/**
 * Send the request on unchanged: same method, path, headers (Host included, so the signature still verifies) and body.
 * A kept-alive socket the server closed while it sat idle fails with ECONNRESET ("socket hang up") as soon as it is
 * reused; Node's docs advise sending such a request again on a fresh socket, once (the request never reached the server).
 */
async function forward(target: string, request: ProxiedRequest, agent: Agent, idempotent: boolean): Promise<Answer> {
  try {
    return await forwardOnce(target, request, agent, idempotent);
  } catch (error) {
    if (!(error instanceof StaleSocketError)) throw error;
    // After a pause longer than the emulator's keep-alive (a loaded machine), every pooled
    // connection may be closed: the second try takes a new one (a run of npm test on two cores
    // failed with "socket hang up" here).
    return forwardOnce(target, request, false, idempotent);
  }
}

class StaleSocketError extends Error {}

function forwardOnce(target: string, request: ProxiedRequest, agent: Agent | false, idempotent: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The proxy has read the body already; `expect` is never signed (SigV4 leaves it out).
    const { expect: _expect, ...headers } = request.headers;
    const upstream = httpRequest(new URL(request.url, target), { method: request.method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // A kept connection the emulator closed as the request went out; for S3 (whose requests here
      // are all idempotent), also a connection it dropped under load.
      const again = error.code === 'ECONNRESET' && (upstream.reusedSocket || idempotent);
      reject(again ? new StaleSocketError(error.message, { cause: error }) : error);
    });
    upstream.end(request.body);
  });
}

/** One line per call, for assertion messages: `DENIED s3:GetObject arn:aws:s3:::b/k  (GET /b/k)`. */
export function describeCalls(calls: readonly RecordedCall[]): string[] {
  return calls.map(
    (call) => `${call.allowed ? 'allowed' : 'DENIED'} ${call.action} ${call.resource}  (${call.request}${call.note === undefined ? '' : `; ${call.note}`})`,
  );
}
