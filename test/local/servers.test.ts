import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { JavaMissingError, startEmbeddedServers } from '../../src/local/servers.ts';
import { createAwsClients } from '../../src/store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../../src/store/dynamodb.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';
import { documentRecord } from '../helpers/records.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-servers-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** True while something accepts connections at the endpoint. */
function answers(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopsAnswering(endpoint: string, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    if (!(await answers(endpoint))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function storesAt(endpoints: { s3Endpoint: string; dynamodbEndpoint: string }) {
  const clients = createAwsClients({ region: 'us-east-1', ...endpoints });
  return {
    clients,
    objects: createS3ObjectStore({ client: clients.s3, bucket: 'gazette-site' }),
    records: createDynamoRecordStore({ client: clients.dynamodb, table: 'gazette' }),
  };
}

describe('startEmbeddedServers', () => {
  test('without Java it says what to install and starts nothing', async () => {
    const dataDir = await tempDir();
    const emptyPath = await tempDir();
    const starting = startEmbeddedServers({ dataDir, quiet: true, searchPath: emptyPath });
    await expect(starting).rejects.toBeInstanceOf(JavaMissingError);
    await expect(starting).rejects.toThrow(/Java 17 or newer is needed to run DynamoDB Local/);
    await expect(starting).rejects.toThrow('apt-get install -y openjdk-17-jre-headless');
    await expect(starting).rejects.toThrow('`npm test` and `npm run bench` install it automatically when run as root');
    await expect(starting).rejects.toThrow('the embedded default (`npm start`, `--stores embedded`) needs no Java');
    expect(await readdir(dataDir)).toEqual([]);
  });

  test('data survives a restart, and killing the owning process leaves no server running', async () => {
    const dataDir = await tempDir();
    const record = documentRecord();
    const page = new TextEncoder().encode('<p>淮南市推进政务公开</p>');

    const first = await startEmbeddedServers({ dataDir, quiet: true });
    expect(first.startupMs.total).toBeGreaterThan(0);
    const before = storesAt(first);
    await Promise.all([ensureBucket(before.clients.s3, 'gazette-site'), ensureTable(before.clients.dynamodb, 'gazette')]);
    await before.objects.put({ key: 'site/index.html', body: page, contentType: 'text/html; charset=utf-8' });
    await before.records.putDocument(record, 0);
    before.clients.destroy();
    await first.stop();
    expect(await answers(first.s3Endpoint)).toBe(false);
    expect(await answers(first.dynamodbEndpoint)).toBe(false);

    // Start again, this time in a process we then kill with SIGKILL (no exit hooks run).
    const fixture = fileURLToPath(new URL('./fixtures/holdServers.ts', import.meta.url));
    const holder = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: holder.stdout }), 'line')) as [string];
      const second = JSON.parse(line) as { s3Endpoint: string; dynamodbEndpoint: string };
      const after = storesAt(second);
      expect(Buffer.from((await after.objects.get('site/index.html'))?.body ?? []).toString()).toBe('<p>淮南市推进政务公开</p>');
      expect(await after.records.getDocument(record.id)).toEqual(record);
      after.clients.destroy();

      holder.kill('SIGKILL');
      expect(await stopsAnswering(second.s3Endpoint, 5000)).toBe(true);
      expect(await stopsAnswering(second.dynamodbEndpoint, 5000)).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 90_000);

  test('after a server was killed mid-write, the next start removes the half-written objects, keeps the rest, and the bucket answers', async () => {
    const dataDir = await tempDir();
    const fixture = fileURLToPath(new URL('./fixtures/holdServers.ts', import.meta.url));
    const holder = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const html = 'text/html; charset=utf-8';
    try {
      const [line] = (await once(createInterface({ input: holder.stdout }), 'line')) as [string];
      const killed = storesAt(JSON.parse(line) as { s3Endpoint: string; dynamodbEndpoint: string });
      await ensureBucket(killed.clients.s3, 'gazette-site');
      for (const name of ['kept', 'cut', 'torn']) {
        await killed.objects.put({ key: `site/${name}.html`, body: new TextEncoder().encode(`<p>${name}</p>`), contentType: html });
      }
      killed.clients.destroy();
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    } finally {
      holder.kill('SIGKILL');
    }
    // What the kill could have left: metadata cut short, and bytes that are not the ones described.
    const bucket = join(dataDir, 's3', 'gazette-site', 'site');
    await truncate(join(bucket, 'cut.html._S3rver_metadata.json'), 10);
    await writeFile(join(bucket, 'torn.html._S3rver_object'), '<p>to');
    expect(JSON.parse(await readFile(join(bucket, 'kept.html._S3rver_metadata.json'), 'utf8'))).toHaveProperty('content-type', html);

    const next = await startEmbeddedServers({ dataDir, quiet: true });
    const after = storesAt(next);
    try {
      await ensureBucket(after.clients.s3, 'gazette-site'); // s3rver lists objects for HEAD bucket
      expect(Buffer.from((await after.objects.get('site/kept.html'))?.body ?? []).toString()).toBe('<p>kept</p>');
      expect(await after.objects.get('site/cut.html')).toBeUndefined();
      expect(await after.objects.get('site/torn.html')).toBeUndefined();
      const keys: string[] = [];
      for await (const head of after.objects.listKeys('site/')) keys.push(head.key);
      expect(keys).toEqual(['site/kept.html']);
    } finally {
      after.clients.destroy();
      await next.stop();
    }
  }, 90_000);
});
