// `gazette verify` on real builds: a folder copy, a mirror with a tampered byte, a missing and an
// extra file, a manifest signed with a key the origin does not list, an old manifest replayed
// after the site moved on, the preview server over HTTP, and one file passed on by itself.

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer } from '../../src/cli/preview.ts';
import { main } from '../../src/cli/main.ts';
import { loadContent } from '../../src/content/load.ts';
import { MANIFEST_PATH, manifestBytes, parseManifest, SIGNATURE_PATH } from '../../src/manifest/manifest.ts';
import { keySetBytes, signDetached, type SigningKey } from '../../src/manifest/signing.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { newSigningKey } from '../helpers/signingKey.ts';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (text: string) => void) =>
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        add(chunk.toString());
        done();
      },
    });
  const code = await main(['verify', ...args], {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    cwd: process.cwd(),
    now: () => new Date('2010-07-01T00:00:00Z'),
  });
  return { code, stdout, stderr };
}

async function build(root: string, stores: TestStores, now: Date, key: SigningKey): Promise<void> {
  const { content } = await loadContent(root, { now });
  if (content === undefined) throw new Error('invalid sample content');
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  try {
    await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now, manifest: { key: async () => key } });
  } finally {
    await renderer.close();
  }
}

const page = 'gazette/2010/05/huaifu-2010-69/index.html';

describe('gazette verify', () => {
  let work: string;
  let stores: TestStores;
  let origin: string;
  let old: string;
  let key: SigningKey;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gazette-verify-'));
    const root = await writeSite(sampleFiles());
    stores = await createTestStores();
    key = newSigningKey();
    await build(root, stores, new Date('2010-06-25T08:00:00+08:00'), key);
    // What a mirror copied after the first build: manifest #1 and its files.
    old = join(work, 'old');
    await cp(join(stores.objectsRoot, 'site'), old, { recursive: true });
    const file = join(root, 'gazette/2010/05/huaifu-2010-69.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 更正措辞。\nchangeDate: 2010-06-27\n')
        .replace('做到工作有计划', '确保工作有计划'),
    );
    await build(root, stores, new Date('2010-06-27T08:00:00+08:00'), key);
    origin = join(stores.objectsRoot, 'site');
  }, 120_000);

  const mirror = async (name: string) => {
    const dir = join(work, name);
    await rm(dir, { recursive: true, force: true });
    await cp(origin, dir, { recursive: true });
    return dir;
  };

  it('passes a faithful copy, and names every tampered, missing and extra file of a changed one', async () => {
    const copy = await mirror('faithful');
    const clean = await run([copy, '--origin', origin]);
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toMatch(/Manifest #2 of 2010-06-27T00:00:00.000Z for https:\/\/www.huainan.gov.cn\/: \d+ files, signed with key /);
    expect(clean.stdout).toMatch(/All \d+ files match\./);
    expect(clean.code).toBe(0);

    const bytes = await readFile(join(copy, page));
    const at = bytes.indexOf('政务公开');
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at); // one byte
    await writeFile(join(copy, page), bytes);
    await rm(join(copy, 'robots.txt'));
    await writeFile(join(copy, 'gazette/2010/05/notice.html'), '<p>not published by the government</p>');
    const changed = await run([copy, '--origin', origin]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`tampered      ${page} (document huaifu-2010-69, version 2) differs from the manifest`);
    expect(changed.stdout).toContain('missing       robots.txt is listed in the manifest but is not in');
    expect(changed.stdout).toContain('extra         gazette/2010/05/notice.html is in');
    expect(changed.stdout).toContain('3 problems (1 tampered, 1 extra, 1 missing)');
  });

  it('refuses a manifest signed with a key the origin does not list, and a changed manifest', async () => {
    // The mirror changes a page and signs a manifest to match with a key of its own.
    const copy = await mirror('forged');
    await writeFile(join(copy, page), '<p>forged</p>');
    const manifest = parseManifest(await readFile(join(copy, MANIFEST_PATH)), 'copy');
    const forged = {
      ...manifest,
      files: manifest.files.map((file) =>
        file.path === page ? { ...file, sha256: '4c0ba5b1a7dc1e0dd08cf09b05bd1a3ea4ad4a6bd7e7f1fcb8b01ef6fa3d1b0b', size: 13 } : file,
      ),
    };
    const bytes = manifestBytes(forged);
    const theirs = newSigningKey();
    await writeFile(join(copy, MANIFEST_PATH), bytes);
    await writeFile(join(copy, SIGNATURE_PATH), signDetached(bytes, theirs));
    const wrongKey = await run([copy, '--origin', origin]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain(`unknown-key   The manifest is signed with key ${theirs.kid}, which is not among the trusted keys (${key.kid})`);

    // The same with --keys, the key set a partner saved when it first trusted the site.
    const trusted = join(work, 'trusted-keys.json');
    await writeFile(trusted, keySetBytes({ keys: [key.publicJwk] }));
    expect((await run([copy, '--keys', trusted])).stdout).toContain('unknown-key');

    // A manifest changed after signing (its signature left as it was).
    const altered = await mirror('altered');
    const text = await readFile(join(altered, MANIFEST_PATH), 'utf8');
    await writeFile(join(altered, MANIFEST_PATH), text.replace('"sequence":2', '"sequence":9'));
    const result = await run([altered, '--keys', trusted]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('bad-signature The signature does not match the manifest');
  });

  it('calls an old manifest replayed after the site moved on stale, though it is validly signed', async () => {
    // On its own the old copy is consistent: files and signature match manifest #1.
    const alone = await run([old]);
    expect(alone.code).toBe(0);
    const replayed = await run([old, '--origin', origin]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain(`stale         ${old} serves manifest #1 of 2010-06-25T00:00:00.000Z, but ${origin} has #2 of 2010-06-27T00:00:00.000Z`);
    expect((await run([old, '--min-sequence', '2'])).stdout).toContain('stale');
  });

  it('checks the preview server over HTTP', async () => {
    const server = createSiteServer(stores.objects).listen(0, '127.0.0.1');
    await new Promise((ready) => server.once('listening', ready));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const clean = await run([url, '--origin', origin]);
      expect(clean.stdout).toMatch(/All \d+ files match\./);
      expect(clean.stdout).toContain('cannot be listed, so files the manifest does not list were not looked for');
      expect(clean.code).toBe(0);
      // The served bytes change under the manifest.
      const stored = await stores.objects.get(SITE_PREFIX + page);
      await stores.objects.put({
        key: SITE_PREFIX + page,
        body: Buffer.concat([Buffer.from(stored?.body ?? []), Buffer.from('<!-- -->')]),
        contentType: stored?.contentType ?? 'text/html',
      });
      const served = await run([url, '--origin', origin]);
      expect(served.code).toBe(1);
      expect(served.stdout).toContain(`tampered      ${page}`);
      await stores.objects.put({ key: SITE_PREFIX + page, body: stored?.body ?? new Uint8Array(), contentType: stored?.contentType ?? 'text/html' });
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it("finds one file in the origin's manifest by its SHA-256, or says it is none of them", async () => {
    const file = join(work, 'index.html');
    await cp(join(origin, page), file);
    const found = await run([file, '--origin', origin]);
    expect(found.stdout).toContain(`is /${page}, document huaifu-2010-69 version 2 of manifest #2`);
    expect(found.code).toBe(0);
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.from(' ')]));
    const changed = await run([file, '--origin', origin]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`the listed files of that name:`);
    expect((await run([file])).stderr).toContain('add --origin');
  });
});
