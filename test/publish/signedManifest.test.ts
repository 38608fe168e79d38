// The signed manifest a build publishes under /.well-known/: after every kind of build (first,
// unchanged, a correction, a withdrawal, a template change, one after a build that died before
// its manifest) it lists exactly the public objects the bucket holds, with their SHA-256 and the
// document or issue they belong to; its signature verifies with the published keys; a rotation
// keeps the old key listed; and unchanged content rewrites nothing.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { KEYS_PATH, type Manifest, manifestBytes, MANIFEST_PATH, parseManifest, SIGNATURE_PATH } from '../../src/manifest/manifest.ts';
import { parseKeySet, type SigningKey, verifyDetached } from '../../src/manifest/signing.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { MANIFEST_STATE_KEY } from '../../src/publish/signedManifest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { newSigningKey } from '../helpers/signingKey.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

async function build(root: string, stores: { objects: ObjectStore; records: RecordStore }, now: Date, key: SigningKey | undefined): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  if (content === undefined) throw new Error(messages.map((m) => `${m.file}:${m.line} ${m.message}`).join('\n'));
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now, manifest: { key: async () => key } });
  } finally {
    await renderer.close();
  }
}

async function text(objects: ObjectStore, key: string): Promise<string | undefined> {
  const stored = await objects.get(key);
  return stored === undefined ? undefined : Buffer.from(stored.body).toString('utf8');
}

async function manifestOf(objects: ObjectStore): Promise<{ manifest: Manifest; bytes: Buffer }> {
  const bytes = Buffer.from((await text(objects, SITE_PREFIX + MANIFEST_PATH)) ?? '', 'utf8');
  return { manifest: parseManifest(bytes, MANIFEST_PATH), bytes };
}

/** What the manifest should list: every public object but the feeds and the manifest's own files, with the hash of its bytes. */
async function bucketFiles(objects: ObjectStore): Promise<{ path: string; sha256: string; size: number }[]> {
  const files = [];
  for await (const head of objects.listKeys(SITE_PREFIX)) {
    const path = head.key.slice(SITE_PREFIX.length);
    if (path.startsWith('feeds/') || path.startsWith('.well-known/gazette-')) continue;
    const stored = await objects.get(head.key);
    files.push({ path, sha256: sha256(stored?.body ?? new Uint8Array()), size: head.size });
  }
  return files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

async function expectManifestMatchesBucket(objects: ObjectStore): Promise<Manifest> {
  const { manifest } = await manifestOf(objects);
  expect(manifest.files.map(({ path, sha256: digest, size }) => ({ path, sha256: digest, size }))).toEqual(await bucketFiles(objects));
  return manifest;
}

type FeedJson = { items: { url: string; _gazette: { files?: { url: string; sha256: string; size: number }[] } }[] };

/** Every file every JSON feed document (subscription and archive) lists, checked as a partner would: against the manifest. */
async function feedFilesAgainstManifest(objects: ObjectStore): Promise<{ files: number; stale: string[] }> {
  const { manifest } = await manifestOf(objects);
  const listed = new Map(manifest.files.map((file) => [file.path, file.sha256]));
  let files = 0;
  const stale: string[] = [];
  for await (const head of objects.listKeys(`${SITE_PREFIX}feeds/`)) {
    if (!head.key.endsWith('.json')) continue;
    const feed = JSON.parse((await text(objects, head.key)) ?? '{}') as FeedJson;
    for (const file of feed.items.flatMap((item) => item._gazette.files ?? [])) {
      files++;
      const path = new URL(file.url).pathname.slice(1);
      if (listed.get(path) !== file.sha256) stale.push(`${head.key}: ${path}`);
    }
  }
  return { files, stale };
}

const edit = async (root: string, file: string, change: (text: string) => string) => {
  const path = join(root, file);
  await writeFile(path, change(await readFile(path, 'utf8')));
};

describe('the signed manifest of a build', () => {
  it('lists every public file after each build, signed, and is rewritten only when files change', async () => {
    const root = await writeSite(sampleFiles());
    const stores = await createTestStores();
    const key = newSigningKey();

    const first = await build(root, stores, new Date('2010-06-25T08:00:00+08:00'), key);
    expect(first.manifest).toMatchObject({ sequence: 1, keyId: key.kid, written: true });
    let manifest = await expectManifestMatchesBucket(stores.objects);
    expect(manifest).toMatchObject({ sequence: 1, builtAt: '2010-06-25T00:00:00.000Z', keyId: key.kid, site: 'https://www.huainan.gov.cn/' });
    // A document's files carry its id and version; an issue's its number.
    const page = manifest.files.find((file) => file.path === 'gazette/2010/05/huaifu-2010-69/index.html');
    expect(page).toMatchObject({ id: 'huaifu-2010-69', version: 1 });
    expect(manifest.files.find((file) => file.path === 'gazette/2010/05/index.html')).toMatchObject({ issue: '2010-05', version: 1 });
    expect(manifest.files.some((file) => file.path.startsWith('feeds/'))).toBe(false);

    // The signature verifies with the published key set, over exactly the manifest's bytes.
    const { bytes } = await manifestOf(stores.objects);
    const keys = parseKeySet((await text(stores.objects, SITE_PREFIX + KEYS_PATH)) ?? '');
    const jws = (await text(stores.objects, SITE_PREFIX + SIGNATURE_PATH)) ?? '';
    expect(keys?.keys.map((k) => k.kid)).toEqual([key.kid]);
    expect(verifyDetached(jws, bytes, keys ?? { keys: [] })).toEqual({ ok: true, kid: key.kid });
    const changed = Buffer.from(bytes);
    const at = changed.indexOf('"size":') + 7;
    changed.writeUInt8(changed.readUInt8(at) ^ 1, at);
    expect(verifyDetached(jws, changed, keys ?? { keys: [] })).toMatchObject({ ok: false, reason: 'bad-signature' });

    // Nothing changed, later: same manifest, same bytes, same sequence and time.
    const again = await build(root, stores, new Date('2010-06-26T08:00:00+08:00'), key);
    expect(again.manifest).toMatchObject({ sequence: 1, written: false });
    expect((await manifestOf(stores.objects)).bytes.equals(bytes)).toBe(true);

    // A correction (incremental: the version's archived page, the listings, the new page).
    await edit(root, 'gazette/2010/05/huaifu-2010-69.md', (t) =>
      t.replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 更正措辞。\nchangeDate: 2010-06-27\n').replace('做到工作有计划', '确保工作有计划'),
    );
    const corrected = await build(root, stores, new Date('2010-06-27T08:00:00+08:00'), key);
    expect(corrected.updated).toBe(1);
    manifest = await expectManifestMatchesBucket(stores.objects);
    expect(manifest).toMatchObject({ sequence: 2, builtAt: '2010-06-27T00:00:00.000Z' });
    expect(manifest.files.find((file) => file.path === 'gazette/2010/05/huaifu-2010-69/index.html')).toMatchObject({ id: 'huaifu-2010-69', version: 2 });
    expect(manifest.files.some((file) => file.path === 'gazette/2010/05/huaifu-2010-69/v1/index.html')).toBe(true);

    // A withdrawal: its files are taken down and leave the manifest.
    await edit(root, 'press/2010/hotline.md', (t) =>
      t.replace('category: 综合政务\n', 'category: 综合政务\nstatus: withdrawn\nwithdrawnReason: 信息有误。\nwithdrawnDate: 2010-06-28\n'),
    );
    await build(root, stores, new Date('2010-06-28T08:00:00+08:00'), key);
    manifest = await expectManifestMatchesBucket(stores.objects);
    expect(manifest.sequence).toBe(3);

    // A new key: the manifest is signed again with it, and the old key stays listed for old copies.
    const next = newSigningKey();
    const rotated = await build(root, stores, new Date('2010-06-29T08:00:00+08:00'), next);
    expect(rotated.manifest).toMatchObject({ sequence: 4, keyId: next.kid, written: true });
    const rotatedKeys = parseKeySet((await text(stores.objects, SITE_PREFIX + KEYS_PATH)) ?? '');
    expect(rotatedKeys?.keys.map((k) => k.kid)).toEqual([next.kid, key.kid]);
    const latest = await manifestOf(stores.objects);
    expect(verifyDetached((await text(stores.objects, SITE_PREFIX + SIGNATURE_PATH)) ?? '', latest.bytes, rotatedKeys ?? { keys: [] })).toEqual({
      ok: true,
      kid: next.kid,
    });
  }, 120_000);

  it('lists the bucket again after a build that died between its first write and its manifest', async () => {
    const root = await writeSite(sampleFiles());
    const stores = await createTestStores();
    const key = newSigningKey();
    await build(root, stores, new Date('2010-06-25T08:00:00+08:00'), key);
    // A build that wrote a page and died before its manifest: the pending mark stays set.
    await stores.objects.put({
      key: `${SITE_PREFIX}gazette/2010/05/stray.html`,
      body: Buffer.from('<p>written, then the build died</p>'),
      contentType: 'text/html; charset=utf-8',
    });
    await stores.objects.put({ key: MANIFEST_STATE_KEY, body: Buffer.from(JSON.stringify({ sequence: 1, pending: true })), contentType: 'application/json' });
    const retried = await build(root, stores, new Date('2010-06-26T08:00:00+08:00'), key);
    expect(retried.manifest).toMatchObject({ sequence: 2, written: true });
    const manifest = await expectManifestMatchesBucket(stores.objects);
    expect(manifest.files.some((file) => file.path === 'gazette/2010/05/stray.html')).toBe(true);
    // The state keeps the SHA-256 of the bytes written: the next build reads their lines back unchecked.
    const bytes = (await stores.objects.get(SITE_PREFIX + MANIFEST_PATH))?.body ?? new Uint8Array();
    expect(JSON.parse((await text(stores.objects, MANIFEST_STATE_KEY)) ?? '')).toEqual({ sequence: 2, pending: false, sha256: sha256(bytes) });
  }, 120_000);

  it.each([
    ['which its state no longer names', false],
    ['with no state left (a state written before it kept the SHA-256, or lost)', true],
  ])(
    'writes its one form again over a manifest changed by hand since the build, %s',
    async (_case, dropState) => {
      const root = await writeSite(sampleFiles());
      const stores = await createTestStores();
      const key = newSigningKey();
      await build(root, stores, new Date('2010-06-25T08:00:00+08:00'), key);
      const { bytes } = await manifestOf(stores.objects);
      // The same files, one line with its keys in another order: lines that add up, not the form written.
      const lines = bytes.toString('utf8').split('\n');
      const line = JSON.parse((lines[1] as string).replace(/,$/, '')) as Record<string, unknown>;
      lines[1] = `${JSON.stringify({ sha256: line['sha256'], ...line })},`;
      const edited = Buffer.from(lines.join('\n'), 'utf8');
      expect(edited.equals(bytes)).toBe(false);
      await stores.objects.put({ key: SITE_PREFIX + MANIFEST_PATH, body: edited, contentType: 'application/json; charset=utf-8' });
      if (dropState) await stores.objects.delete([MANIFEST_STATE_KEY]);
      await build(root, stores, new Date('2010-06-26T08:00:00+08:00'), key);
      const after = await manifestOf(stores.objects);
      expect(after.bytes.equals(manifestBytes(after.manifest))).toBe(true);
      await expectManifestMatchesBucket(stores.objects);
    },
    120_000,
  );

  it("gives each feed item the SHA-256 of its document's files, as the manifest lists them, after a site.yaml change too", async () => {
    const root = await writeSite(sampleFiles());
    const stores = await createTestStores();
    const now = new Date('2010-06-25T08:00:00+08:00');
    const buildWithFeeds = async () => {
      const { content } = await loadContent(root, { now });
      if (content === undefined) throw new Error('invalid sample content');
      const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
      try {
        return await buildSite({
          content,
          objects: stores.objects,
          records: stores.records,
          renderer,
          now,
          feeds: { partners: [], deliveries: stores.deliveries },
          manifest: { key: async () => newSigningKey() },
        });
      } finally {
        await renderer.close();
      }
    };
    await buildWithFeeds();
    const { manifest } = await manifestOf(stores.objects);
    const page = manifest.files.find((file) => file.path === 'gazette/2010/05/huaifu-2010-69/index.html');
    const feed = JSON.parse((await text(stores.objects, `${SITE_PREFIX}feeds/all/feed.json`)) ?? '{}') as FeedJson;
    const item = feed.items.find((candidate) => candidate.url === 'https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/');
    expect(item?._gazette.files).toContainEqual({
      url: 'https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/index.html',
      sha256: page?.sha256,
      size: page?.size,
    });
    expect(await text(stores.objects, `${SITE_PREFIX}feeds/all/atom.xml`)).toContain(
      `<gazette:file href="https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/index.html" sha256="${page?.sha256}" length="${page?.size}"/>`,
    );
    expect(await feedFilesAgainstManifest(stores.objects)).toMatchObject({ stale: [] });

    // A new site name is on every page: each is rendered again, and the feeds follow (docs/partners.md: "the item's hashes against the manifest").
    await edit(root, 'site.yaml', (t) => {
      if (!t.includes('name: 淮南市人民政府\n')) throw new Error('the sample site.yaml changed: update this test');
      return t.replace('name: 淮南市人民政府\n', 'name: 淮南市人民政府门户网站\n');
    });
    expect((await buildWithFeeds()).refreshed).toBeGreaterThan(0);
    const after = await manifestOf(stores.objects);
    expect(after.manifest.files.find((file) => file.path === 'gazette/2010/05/huaifu-2010-69/index.html')?.sha256).not.toBe(page?.sha256);
    const checked = await feedFilesAgainstManifest(stores.objects);
    expect(checked.stale).toEqual([]);
    expect(checked.files).toBeGreaterThan(20);
  }, 120_000);

  it('is written unsigned, with no signature or keys, when the build has no key', async () => {
    const root = await writeSite(sampleFiles());
    const stores = await createTestStores();
    const summary = await build(root, stores, new Date('2010-06-25T08:00:00+08:00'), undefined);
    expect(summary.manifest).toMatchObject({ sequence: 1, written: true });
    expect(summary.manifest?.keyId).toBeUndefined();
    const manifest = await expectManifestMatchesBucket(stores.objects);
    expect(manifest.keyId).toBeUndefined();
    expect(await stores.objects.head(SITE_PREFIX + SIGNATURE_PATH)).toBeUndefined();
    expect(await stores.objects.head(SITE_PREFIX + KEYS_PATH)).toBeUndefined();
  }, 120_000);
});
