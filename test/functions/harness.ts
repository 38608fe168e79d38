// Run a *bundled* function the way Lambda does: a fresh Node process imports dist-style
// `<name>/index.mjs` and calls `handler(event)`. Events are invoked in order in that one process,
// so the second one is a warm invocation. Endpoints come from the same environment variables the
// SDK honours on AWS (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`).

import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleFunction } from '../../infra/bundle.ts';
import { type FunctionName, functionSpecs, repoRoot } from '../../infra/functions.ts';

export interface Invocation {
  results: unknown[];
  /** JSON log lines the function printed. */
  logs: Record<string, unknown>[];
  stderr: string;
  code: number | null;
  /** Peak resident memory of the process, MiB (what Lambda's memory size must cover). */
  maxRssMb?: number;
  /** How long each handler call took, ms. */
  durationsMs: number[];
}

export interface InvokeOptions {
  /** Pass each call a context whose getRemainingTimeInMillis() starts at this (Lambda's remaining time); default: no context. */
  remainingTimeMs?: number;
  /**
   * Run the process's clock this far ahead of the real one (`Date` and `Date.now()`), so a test
   * reaches a time, such as an embargo's, without waiting for it.
   */
  clockOffsetMs?: number;
}

/**
 * A fresh bundle of the function in `<dir>/<name>/`, for a test that changes the bundle's files
 * (copied from the run's shared bundle: see `bundled`).
 */
export async function bundleInto(dir: string, name: FunctionName): Promise<string> {
  const shared = await bundled(name);
  await mkdir(dir, { recursive: true });
  await cp(join(shared, '..'), join(dir, name), { recursive: true });
  return join(dir, name, 'index.mjs');
}

// Bundling a function costs seconds of CPU and every bundle test needs one, so the bundles are
// shared by all test files of the run: each is built once into the run's temporary folder under a
// hash of its inputs (the sources esbuild read, and the assets), and built again when one changed.
const bundles = new Map<FunctionName, Promise<string>>();

/** The run's shared bundle of a function: its `index.mjs`. Never change its files (see `bundleInto`). */
export function bundled(name: FunctionName): Promise<string> {
  let entry = bundles.get(name);
  if (entry === undefined) {
    entry = sharedBundle(name);
    entry.catch(() => bundles.delete(name));
    bundles.set(name, entry);
  }
  return entry;
}

interface BundleInputs {
  /** The files and folders the last build read (absolute paths). */
  inputs: string[];
}

async function sharedBundle(name: FunctionName): Promise<string> {
  const home = join(tmpdir(), 'gazette-bundles', name);
  await mkdir(home, { recursive: true });
  const lock = join(home, 'building');
  for (const started = performance.now(); ; await sleep(200)) {
    const cached = await cachedBundle(home);
    if (cached !== undefined) return cached;
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another test file is building it; after two minutes assume it died and build anyway.
      if (performance.now() - started > 120_000) break;
    }
  }
  try {
    const cached = await cachedBundle(home);
    if (cached !== undefined) return cached;
    const staging = join(home, `staging-${randomUUID()}`);
    const result = await bundleFunction(name, { outDir: staging });
    // esbuild names its inputs relative to the working folder; the assets are the repository's.
    const sources = Object.keys(result.metafile.inputs)
      .filter((input) => !input.includes(':'))
      .map((input) => resolve(input));
    // The lock file too: the render-code.json of a function that renders names the packages' versions.
    const inputs = [...sources, ...functionSpecs[name].assets.map((asset) => join(repoRoot, asset)), join(repoRoot, 'package-lock.json')].sort();
    const dir = join(home, await inputsHash(inputs));
    await rename(result.dir, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
    await rm(staging, { recursive: true, force: true });
    const list = join(home, `inputs-${randomUUID()}.json`);
    await writeFile(list, JSON.stringify({ inputs } satisfies BundleInputs));
    await rename(list, join(home, 'inputs.json'));
    return join(dir, 'index.mjs');
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The bundle built from the inputs as they are now, if there is one. */
async function cachedBundle(home: string): Promise<string | undefined> {
  const list = await readFile(join(home, 'inputs.json'), 'utf8').catch(() => undefined);
  if (list === undefined) return undefined;
  const hash = await inputsHash((JSON.parse(list) as BundleInputs).inputs).catch(() => undefined);
  if (hash === undefined) return undefined;
  const dir = join(home, hash);
  return (await stat(join(dir, 'index.mjs')).catch(() => undefined)) === undefined ? undefined : join(dir, 'index.mjs');
}

/** A hash of what the inputs are now: each file's path, size and modification time (folders: their files'). */
async function inputsHash(inputs: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of inputs) {
    const info = await stat(path);
    if (info.isDirectory()) {
      const files = (await readdir(path, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
        .sort();
      for (const file of files) {
        const fileInfo = await stat(file);
        hash.update(`${file} ${fileInfo.size} ${fileInfo.mtimeMs}\n`);
      }
    } else {
      hash.update(`${path} ${info.size} ${info.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const RESULT = '@@result ';
const RSS = '@@maxrss ';
const DURATION = '@@duration ';

// With a remaining time, each invocation gets a Lambda-like context whose clock starts at the call.
// A failed init or invocation is printed as Lambda's runtime logs it, the error itself: Node's own
// report starts with the source line, hundreds of kilobytes in a minified bundle, and a report
// that long to a pipe lost its end, the message.
const runner = `
process.on('uncaughtException', (error) => {
  process.stderr.write(String(error?.stack ?? error) + '\\n');
  process.exit(1);
});
const [entry, eventsJson, remainingJson, offsetJson] = process.argv.slice(1);
const offset = JSON.parse(offsetJson ?? '0');
if (offset !== 0) {
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  };
}
const { handler } = await import(entry);
const remainingMs = JSON.parse(remainingJson ?? 'null');
let invocation = 0;
for (const event of JSON.parse(eventsJson)) {
  const started = performance.now();
  const end = started + (remainingMs ?? 0);
  const context = { functionName: 'gazette-test', awsRequestId: 'request-' + ++invocation, getRemainingTimeInMillis: () => Math.max(0, Math.round(end - performance.now())) };
  const result = remainingMs === null ? await handler(event) : await handler(event, context);
  process.stdout.write(${JSON.stringify(DURATION)} + String(performance.now() - started) + '\\n');
  process.stdout.write(${JSON.stringify(RESULT)} + JSON.stringify(result ?? null) + '\\n');
}
process.stdout.write(${JSON.stringify(RSS)} + String(process.resourceUsage().maxRSS / 1024) + '\\n');
`;

/** Invoke `events` one after another in one fresh process; environment is exactly `env` plus PATH. */
export function invokeBundle(entry: string, events: unknown[], env: Record<string, string>, options: InvokeOptions = {}): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        runner,
        entry,
        JSON.stringify(events),
        JSON.stringify(options.remainingTimeMs ?? null),
        JSON.stringify(options.clockOffsetMs ?? 0),
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_REGION: 'us-east-1',
          // SQS and Secrets Manager clients sign requests; any key is fine against the local servers.
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const results: unknown[] = [];
      const logs: Record<string, unknown>[] = [];
      const durationsMs: number[] = [];
      let maxRssMb: number | undefined;
      for (const line of stdout.split('\n')) {
        if (line.startsWith(RESULT)) results.push(JSON.parse(line.slice(RESULT.length)));
        else if (line.startsWith(DURATION)) durationsMs.push(Number(line.slice(DURATION.length)));
        else if (line.startsWith(RSS)) maxRssMb = Number(line.slice(RSS.length));
        else if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      for (const line of stderr.split('\n')) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
      resolve({ results, logs, stderr, code, durationsMs, ...(maxRssMb === undefined ? {} : { maxRssMb }) });
    });
  });
}

/** An SQS message as Lambda delivers it. */
export function sqsRecord(body: unknown, messageId: string = randomUUID()) {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1277863200000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1277863200000' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:Gazette-RenderQueue',
    awsRegion: 'us-east-1',
  };
}

/** The body S3 sends to SQS for one created object (keys URL-encoded, as S3 does). */
export function s3Notification(bucket: string, key: string, eventName = 'ObjectCreated:Put') {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2010-06-25T00:00:00.000Z',
        eventName,
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'render',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+'), size: 1, eTag: 'etag', sequencer: '0' },
        },
      },
    ],
  };
}

export interface FakeSqs {
  url: string;
  /** Message bodies received, in order. */
  messages: string[];
  close(): Promise<void>;
}

/**
 * Nothing local speaks SQS, so this answers SendMessage and SendMessageBatch (AWS JSON 1.0, with
 * the MD5 digests the SDK checks) and records the bodies.
 */
export async function startFakeSqs(): Promise<FakeSqs> {
  const messages: string[] = [];
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const target = String(request.headers['x-amz-target'] ?? '');
    const input = JSON.parse(raw) as { MessageBody?: string; Entries?: { Id: string; MessageBody: string }[] };
    let output: unknown;
    if (target.endsWith('.SendMessageBatch')) {
      output = {
        Successful: (input.Entries ?? []).map((entry) => {
          messages.push(entry.MessageBody);
          return { Id: entry.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(entry.MessageBody) };
        }),
        Failed: [],
      };
    } else if (target.endsWith('.SendMessage')) {
      messages.push(input.MessageBody ?? '');
      output = { MessageId: randomUUID(), MD5OfMessageBody: md5(input.MessageBody ?? '') };
    } else {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'UnsupportedOperation', message: target }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(output));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

export interface FakeScheduler {
  url: string;
  /** Schedules by name, as last created or updated. */
  schedules: Map<string, { method: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Nothing local speaks EventBridge Scheduler: this answers CreateSchedule (POST /schedules/{name},
 * 409 ConflictException when it exists, as Scheduler does) and UpdateSchedule (PUT).
 */
export async function startFakeScheduler(): Promise<FakeScheduler> {
  const schedules = new Map<string, { method: string; body: Record<string, unknown> }>();
  const server: Server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const name = decodeURIComponent(/^\/schedules\/([^?]+)/.exec(request.url ?? '')?.[1] ?? '');
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    if (request.method === 'POST' && schedules.has(name)) {
      response
        .writeHead(409, { 'content-type': 'application/json', 'x-amzn-errortype': 'ConflictException' })
        .end(JSON.stringify({ Message: `Schedule ${name} already exists.` }));
      return;
    }
    schedules.set(name, { method: request.method ?? '', body });
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ScheduleArn: `arn:aws:scheduler:us-east-1:123456789012:schedule/${String(body['GroupName'])}/${name}` }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, schedules, close: () => new Promise((done) => server.close(() => done())) };
}
