// Starts the emulators (s3rver and DynamoDB Local) once per test run and hands their endpoints to
// every test file through `provide`. Only the AWS path uses them: the adapters' conformance suites,
// the bundled functions and tests that read S3 or DynamoDB themselves, each in its own bucket and
// table (createEmulatorStores in test/helpers/stores.ts); other tests use the embedded stores.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServers } from '../src/local/servers.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Every temporary folder of the run (content trees, data folders, the servers') goes in one
  // folder removed at the end: the test processes start after this and inherit TMPDIR.
  const runDir = await mkdtemp(join(tmpdir(), 'gazette-test-run-'));
  const previousTmpdir = process.env['TMPDIR'];
  process.env['TMPDIR'] = runDir;
  const dataDir = await mkdtemp(join(runDir, 'gazette-test-'));
  const servers = await startEmbeddedServers({ dataDir, quiet: true, dynamodbInMemory: true });
  project.provide('s3Endpoint', servers.s3Endpoint);
  project.provide('dynamodbEndpoint', servers.dynamodbEndpoint);
  return async () => {
    await servers.stop();
    if (previousTmpdir === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previousTmpdir;
    await rm(runDir, { recursive: true, force: true });
  };
}
