// The run's shared resources, each started on the first request for it, so that a run of files
// that never ask (`npx vitest run test/content`) pays for none. Test files ask a small loopback
// server here:
// - GET /emulators: s3rver and DynamoDB Local (DynamoDB Local's JVM costs seconds of CPU to start),
//   for the AWS path only: the adapters' conformance suites, the bundled functions and tests that
//   read S3 or DynamoDB themselves (test/helpers/emulators.ts); other tests use the embedded stores.
// - POST /synth: the stack synthesized for the posted context by one process for the whole run
//   (test/helpers/synth.ts), each context once while infra/ and src/ stay as they are.
// Every temporary folder of the run goes in one folder removed at the end.

import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type EmbeddedServers, startEmbeddedServers } from '../src/local/servers.ts';
import type { SynthRequest, SynthResponse } from './helpers/synth.ts';

const repoRoot = resolve(import.meta.dirname, '..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The test processes start after this and inherit TMPDIR.
  const runDir = await mkdtemp(join(tmpdir(), 'gazette-test-run-'));
  const previousTmpdir = process.env['TMPDIR'];
  process.env['TMPDIR'] = runDir;

  let servers: Promise<EmbeddedServers> | undefined;
  const start = async (): Promise<EmbeddedServers> => {
    const dataDir = await mkdtemp(join(runDir, 'gazette-emulators-'));
    // A first start on a busy two-core machine, beside test files, can take longer than the CLI's minute.
    return startEmbeddedServers({ dataDir, quiet: true, dynamodbInMemory: true, startTimeoutMs: 180_000 });
  };
  const synthesizer = createSynthesizer(runDir);
  const control = createServer((request, response) => {
    if (request.url === '/synth' && request.method === 'POST') {
      synthesizer.synth(request).then(
        (json) => response.writeHead(200, { 'content-type': 'application/json' }).end(json),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(error.message),
      );
      return;
    }
    if (request.url !== '/emulators') {
      response.writeHead(404).end();
      return;
    }
    servers ??= start();
    servers.then(
      ({ s3Endpoint, dynamodbEndpoint }) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ s3Endpoint, dynamodbEndpoint })),
      // A failed start is reported to every file that asks (Java missing says what to install).
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(error.message),
    );
  });
  // Test files may wait minutes for a start; Node's default request timeout would cut them off.
  control.requestTimeout = 0;
  await new Promise<void>((done) => control.listen(0, '127.0.0.1', done));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  project.provide('emulatorsUrl', `${controlUrl}/emulators`);
  project.provide('synthUrl', `${controlUrl}/synth`);

  return async () => {
    await new Promise<void>((done) => control.close(() => done()));
    synthesizer.stop();
    const started = await servers?.catch(() => undefined);
    await started?.stop();
    if (previousTmpdir === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previousTmpdir;
    await rm(runDir, { recursive: true, force: true });
  };
}

/**
 * One synthesizing process (test/helpers/synthProcess.ts) and the templates it made, by context.
 * Both are thrown away when a file the synth reads may have changed: those of infra/ and src/ (a
 * hash of each one's path, size and modification time) and the installed packages' lock.
 */
function createSynthesizer(runDir: string) {
  interface Synthesizer {
    process: ChildProcess;
    waiting: Map<number, { resolve: (json: string) => void; reject: (error: Error) => void }>;
    retired: boolean;
  }
  let current: Promise<Synthesizer> | undefined;
  let inputs = '';
  let made = new Map<string, Promise<string>>();
  let nextId = 0;
  const all = new Set<Synthesizer>();

  const startSynthesizer = async (): Promise<Synthesizer> => {
    const workDir = await mkdtemp(join(runDir, 'gazette-synth-'));
    const child = fork(join(repoRoot, 'test/helpers/synthProcess.ts'), [workDir], {
      execArgv: ['--import', 'tsx'],
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const synthesizer: Synthesizer = { process: child, waiting: new Map(), retired: false };
    all.add(synthesizer);
    child.on('message', (message: SynthResponse | { ready: true }) => {
      if (!('id' in message)) return;
      const waiter = synthesizer.waiting.get(message.id);
      synthesizer.waiting.delete(message.id);
      if ('error' in message) waiter?.reject(new Error(message.error));
      else waiter?.resolve(JSON.stringify(message.result));
      if (synthesizer.retired && synthesizer.waiting.size === 0) child.kill();
    });
    child.on('exit', (code, signal) => {
      all.delete(synthesizer);
      for (const waiter of synthesizer.waiting.values())
        waiter.reject(new Error(`The synthesizing process (test/helpers/synthProcess.ts) exited (${signal ?? code}) before answering.`));
      synthesizer.waiting.clear();
    });
    return synthesizer;
  };

  const send = async (context: Record<string, unknown>): Promise<string> => {
    current ??= startSynthesizer();
    const synthesizer = await current;
    const id = ++nextId;
    return new Promise<string>((resolveJson, reject) => {
      synthesizer.waiting.set(id, { resolve: resolveJson, reject });
      synthesizer.process.send({ id, context } satisfies SynthRequest);
    });
  };

  return {
    async synth(request: IncomingMessage): Promise<string> {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      const context = JSON.parse(body || '{}') as Record<string, unknown>;
      const now = await inputsHash();
      if (now !== inputs) {
        // A changed source: a new process, so that no module of the old one is used; the old one
        // ends once it has answered what it was asked.
        inputs = now;
        made = new Map();
        const old = current;
        current = undefined;
        void old?.then((synthesizer) => {
          synthesizer.retired = true;
          if (synthesizer.waiting.size === 0) synthesizer.process.kill();
        });
      }
      const key = JSON.stringify(context);
      let json = made.get(key);
      if (json === undefined) {
        json = send(context);
        made.set(key, json);
        const failed = json;
        // A failure is not kept: the next request tries again.
        failed.catch(() => made.get(key) === failed && made.delete(key));
      }
      return json;
    },
    stop(): void {
      for (const synthesizer of all) synthesizer.process.kill();
    },
  };
}

async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of ['infra', 'src']) {
    const entries = await readdir(join(repoRoot, folder), { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) {
      const info = await stat(file).catch(() => undefined);
      hash.update(`${file} ${info?.size} ${info?.mtimeMs}\n`);
    }
  }
  const lock = await stat(join(repoRoot, 'package-lock.json')).catch(() => undefined);
  hash.update(`package-lock.json ${lock?.size} ${lock?.mtimeMs}\n`);
  return hash.digest('hex');
}
