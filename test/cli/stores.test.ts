// The two local store sets give the same site: the example content/ built once into the embedded
// default (files and SQLite) and once with `--stores aws-local` (s3rver and DynamoDB Local, the
// whole build through the AWS adapters), at the same --now, publishes the same public objects,
// byte for byte, with the same content type, cache policy and sha256.

import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStores, startLocalStores } from '../../src/cli/localStores.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';

const bin = new URL('../../bin/gazette.js', import.meta.url).pathname;
const exampleContent = new URL('../../content', import.meta.url).pathname;
const now = '2011-01-05T09:00:00+08:00';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** Every public object of a store set: key → bytes and the metadata a reader's browser sees. */
async function publicObjects(stores: LocalStores): Promise<Map<string, { body: Buffer; contentType: string; cacheControl?: string; sha256?: string }>> {
  const objects = new Map<string, { body: Buffer; contentType: string; cacheControl?: string; sha256?: string }>();
  for await (const { key } of stores.objects.listKeys(SITE_PREFIX)) {
    const stored = await stores.objects.get(key);
    if (stored === undefined) throw new Error(`${key} was listed but cannot be read`);
    objects.set(key, {
      body: Buffer.from(stored.body),
      contentType: stored.contentType,
      ...(stored.cacheControl === undefined ? {} : { cacheControl: stored.cacheControl }),
      ...(stored.sha256 === undefined ? {} : { sha256: stored.sha256 }),
    });
  }
  return objects;
}

describe('gazette build with either store set', () => {
  let work: string;
  let content: string;
  let embedded: Awaited<ReturnType<typeof run>>;
  let awsLocal: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gazette-stores-'));
    // A copy, so that nobody editing the example content meanwhile makes the two builds differ.
    content = join(work, 'content');
    await cp(exampleContent, content, { recursive: true });
    embedded = await run(['build', '--content', content, '--data', join(work, 'embedded'), '--out', join(work, 'out-embedded'), '--now', now]);
    awsLocal = await run([
      'build',
      '--stores',
      'aws-local',
      '--content',
      content,
      '--data',
      join(work, 'aws-local'),
      '--out',
      join(work, 'out-aws-local'),
      '--now',
      now,
    ]);
  }, 600_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('builds the example content into files and SQLite by default, and into the emulators with --stores aws-local', async () => {
    expect(embedded.stderr).toBe('');
    expect(embedded.code).toBe(0);
    expect(awsLocal.stderr).toBe('');
    expect(awsLocal.code).toBe(0);
    const published = /Published (\d+) new and 0 changed documents/;
    expect(Number(published.exec(embedded.stdout)?.[1])).toBeGreaterThan(20);
    expect(published.exec(awsLocal.stdout)?.[1]).toBe(published.exec(embedded.stdout)?.[1]);
    // Each set keeps to its own folders under --data: the embedded one starts no server.
    expect((await readdir(join(work, 'embedded'))).sort()).toEqual(['cache', 'gazette.sqlite', 'objects', 'published.json']);
    expect((await stat(join(work, 'embedded/objects/site/index.html'))).isFile()).toBe(true);
    const awsFolders = await readdir(join(work, 'aws-local'));
    expect(awsFolders).toEqual(expect.arrayContaining(['s3', 'dynamodb']));
    expect(awsFolders).not.toContain('objects');
    expect(awsFolders).not.toContain('gazette.sqlite');
  });

  it('publishes the same public bytes, with the same type, cache policy and sha256, from both', async () => {
    const files = await filesUnder(join(work, 'out-embedded'));
    expect(files.length).toBeGreaterThan(100);
    expect(await filesUnder(join(work, 'out-aws-local'))).toEqual(files);
    const differing: string[] = [];
    for (const file of files) {
      const [a, b] = await Promise.all([readFile(join(work, 'out-embedded', file)), readFile(join(work, 'out-aws-local', file))]);
      if (!a.equals(b)) differing.push(file);
    }
    expect(differing).toEqual([]);

    // The stores themselves, as preview serves them: every site/ key with its metadata.
    const [fromFiles, fromEmulators] = [
      await startLocalStores(join(work, 'embedded')),
      await startLocalStores(join(work, 'aws-local'), { stores: 'aws-local' }),
    ];
    try {
      const [a, b] = [await publicObjects(fromFiles), await publicObjects(fromEmulators)];
      // Sorted: s3rver lists a folder's keys in its own order, not S3's byte order.
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      expect(a.size).toBe(files.length);
      // The bodies by Buffer.equals: toEqual walks a Buffer byte by byte (seconds per megabyte, a
      // minute for the PDFs here); the metadata with toEqual, for a readable difference.
      for (const [key, { body, ...metadata }] of a) {
        const other = b.get(key);
        if (other === undefined) expect.fail(`${key} is not in the emulators' bucket`);
        const { body: otherBody, ...otherMetadata } = other;
        expect(otherMetadata, key).toEqual(metadata);
        expect(otherBody.equals(body), `${key}: the bodies differ (${otherBody.length} and ${body.length} bytes)`).toBe(true);
      }
    } finally {
      await Promise.all([fromFiles.stop(), fromEmulators.stop()]);
    }
  }, 300_000);
});
