// What only the file system object store has: a plain folder of files, one index instead of side
// files, keys that can never leave the root, and writes a killed process cannot tear. The
// ObjectStore port's cases run against it in objects.conformance.test.ts.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createFileObjectStore, InvalidObjectKeyError } from '../../src/store/fileObjects.ts';
import { StoreError } from '../../src/store/ports.ts';

const html = (text: string): Uint8Array => new TextEncoder().encode(`<!doctype html><html lang="zh-CN"><p>${text}</p></html>`);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function storeFolder(): Promise<{ parent: string; root: string }> {
  const parent = await mkdtemp(join(tmpdir(), 'gazette-files-'));
  return { parent, root: join(parent, 'store') };
}

/** Every file under `folder`, as paths relative to it with "/". */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

describe('file system object store', () => {
  test('objects are plain files under the root, with no side file per object', async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    const page = html('淮南市人民政府公报 2010年第7期');
    await objects.put({ key: 'site/gazette/2010/07/index.html', body: page, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' });
    await objects.put({ key: 'site/files/政府信息公开目录 2010版.pdf', body: html('目录'), contentType: 'application/pdf' });
    await objects.put({ key: 'private/state/build.json', body: new TextEncoder().encode('{}'), contentType: 'application/json' });

    expect(Buffer.from(await readFile(join(root, 'site/gazette/2010/07/index.html'))).equals(Buffer.from(page))).toBe(true);
    const files = await filesUnder(root);
    const own = files.filter((file) => file.startsWith('.index.sqlite'));
    expect(files.filter((file) => !own.includes(file))).toEqual([
      'private/state/build.json',
      'site/files/政府信息公开目录 2010版.pdf',
      'site/gazette/2010/07/index.html',
    ]);
    expect(own).toContain('.index.sqlite');
    expect(await readdir(join(root, '.partial'))).toEqual([]);

    // Closed, the index is one file again, and a store opened later finds the metadata in it.
    objects.close();
    expect((await filesUnder(root)).filter((file) => file.startsWith('.'))).toEqual(['.index.sqlite']);
    expect(await createFileObjectStore({ root }).head('site/gazette/2010/07/index.html')).toMatchObject({
      cacheControl: 'public, max-age=300',
      sha256: sha256(page),
    });
  });

  test('putting an object again with the same bytes and metadata leaves its file alone; other metadata or bytes replace it', async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    const key = 'site/press/2010/release-1/index.html';
    const path = join(root, key);
    const page = html('市政府召开新闻发布会');
    await objects.put({ key, body: page, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' });
    const first = await stat(path, { bigint: true });
    expect(objects.putSkipsUnchanged).toBe(true);
    expect(await objects.put({ key, body: page, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' })).toBe('unchanged');
    const again = await stat(path, { bigint: true });
    expect([again.ino, again.mtimeNs]).toEqual([first.ino, first.mtimeNs]);

    await objects.put({ key, body: page, contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect((await stat(path, { bigint: true })).ino).not.toBe(first.ino);
    expect(await objects.head(key)).toMatchObject({ cacheControl: 'no-cache', sha256: sha256(page) });
    const changed = html('市政府召开新闻发布会（更正）');
    await objects.put({ key, body: changed, contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(changed))).toBe(true);

    // A file replaced behind the store's back no longer matches its row: the same put writes again.
    await writeFile(path, 'edited by hand');
    expect(await objects.put({ key, body: changed, contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' })).toBeUndefined();
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(changed))).toBe(true);
    expect(await objects.head(key)).toMatchObject({ sha256: sha256(changed) });
  });

  test('a store that has read every row at once still finds its own writes unchanged, and writes again what another store replaced or deleted since', async () => {
    const { root } = await storeFolder();
    // Every row is read at the third put compared; `other` stands for another process writing the same folder.
    const objects = createFileObjectStore({ root, rowsAtOnceAfter: 2 });
    const other = createFileObjectStore({ root });
    const type = 'text/html; charset=utf-8';
    const keys = ['site/press/2010/a/index.html', 'site/press/2010/b/index.html', 'site/press/2010/c/index.html'];
    const original = keys.map((key) => html(`原文 ${key}`));
    for (const [i, key] of keys.entries()) await objects.put({ key, body: original[i] as Uint8Array, contentType: type });
    for (const [i, key] of keys.entries()) expect(await objects.put({ key, body: original[i] as Uint8Array, contentType: type })).toBe('unchanged');

    // Its own writes after the rows were read: a new version is written, then found unchanged.
    const [a, b, c] = keys as [string, string, string];
    const corrected = html('更正稿');
    expect(await objects.put({ key: c, body: corrected, contentType: type })).toBeUndefined();
    expect(await objects.put({ key: c, body: corrected, contentType: type })).toBe('unchanged');

    // A copy it makes is one of its own writes too.
    expect(await objects.copy(c, 'site/press/2010/c-copy/index.html')).toBe(true);
    expect(await objects.put({ key: 'site/press/2010/c-copy/index.html', body: corrected, contentType: type })).toBe('unchanged');

    // Another store replaces b: its commit is seen (the rows read before are dropped), so the same
    // bytes are found unchanged, and b's old bytes are written back.
    const elsewhere = html('另一进程写入');
    await other.put({ key: b, body: elsewhere, contentType: type });
    expect(await objects.put({ key: b, body: elsewhere, contentType: type })).toBe('unchanged');
    expect(await objects.put({ key: b, body: original[1] as Uint8Array, contentType: type })).toBeUndefined();
    expect(Buffer.from(await readFile(join(root, b))).equals(Buffer.from(original[1] as Uint8Array))).toBe(true);
    expect(await other.head(b)).toMatchObject({ sha256: sha256(original[1] as Uint8Array) });

    // Another store deletes a: the same put writes it again.
    await other.delete([a]);
    expect(await objects.put({ key: a, body: original[0] as Uint8Array, contentType: type })).toBeUndefined();
    expect(await other.head(a)).toMatchObject({ sha256: sha256(original[0] as Uint8Array) });

    // Its own delete: the key is gone from the rows it read, so the put writes the file again.
    await objects.delete([c]);
    expect(await objects.put({ key: c, body: corrected, contentType: type })).toBeUndefined();
    expect(Buffer.from(await readFile(join(root, c))).equals(Buffer.from(corrected))).toBe(true);
  });

  test("keys that would name a file outside the root, or the store's own files, are refused and nothing is written", async () => {
    const { parent, root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    const outside = [
      '../escape.html',
      'site/../../escape.html',
      '/tmp/escape.html',
      'site/./a.html',
      'site//a.html',
      'site/a/',
      '',
      'site\\..\\..\\escape.html',
      'site/a\u0000.html',
      '.index.sqlite',
      '.partial/x',
      `site/${'长'.repeat(100)}.html`,
    ];
    const body = html('越界');
    for (const key of outside) {
      await expect(objects.put({ key, body, contentType: 'text/html' }), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(objects.get(key), key).rejects.toThrow(JSON.stringify(key));
      await expect(objects.head(key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(objects.delete(['site/ok.html', key]), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(objects.copy(key, 'site/copy.html'), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(objects.copy('site/ok.html', key), key).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    for (const prefix of ['../', 'site/../', '/', 'site//']) {
      await expect(
        (async () => {
          for await (const _ of objects.listKeys(prefix)) break;
        })(),
        prefix,
      ).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    expect(await readdir(parent)).toEqual(['store']);
    expect((await filesUnder(root)).filter((file) => !file.startsWith('.index.sqlite'))).toEqual([]);

    // Dots inside names are fine, and stay inside the root.
    await objects.put({ key: 'site/.well-known/security.txt', body, contentType: 'text/plain' });
    await objects.put({ key: 'site/..hidden/a..b.html', body, contentType: 'text/html' });
    expect((await filesUnder(root)).filter((file) => !file.startsWith('.index.sqlite'))).toEqual(['site/..hidden/a..b.html', 'site/.well-known/security.txt']);
  });

  test("a file changed behind the store's back reads back with no metadata, never a stale digest", async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    await objects.put({ key: 'site/index.html', body: html('首页'), contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    const before = await objects.head('site/index.html');
    const edited = html('手工修改的首页');
    await writeFile(join(root, 'site/index.html'), edited);

    const head = await objects.head('site/index.html');
    expect(head).toMatchObject({ size: edited.byteLength, contentType: 'application/octet-stream' });
    expect(head?.sha256).toBeUndefined();
    expect(head?.cacheControl).toBeUndefined();
    expect(head?.etag).not.toBe(before?.etag);
    expect((await objects.get('site/index.html'))?.sha256).toBeUndefined();

    await objects.put({ key: 'site/index.html', body: edited, contentType: 'text/html; charset=utf-8' });
    expect((await objects.head('site/index.html'))?.sha256).toBe(sha256(edited));
  });

  test('a copy of the whole folder knows its objects again once each is read, and a copy that was changed stays unknown', async () => {
    const { parent, root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    const page = html('淮南市人民政府公报');
    await objects.put({ key: 'site/index.html', body: page, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' });
    await objects.put({ key: 'private/feeds/log.json.gz', body: html('日志'), contentType: 'application/gzip' });
    objects.close();
    // As cp, tar or a backup's restore copy it: new files, so new inodes.
    const copy = join(parent, 'copy');
    await cp(root, copy, { recursive: true, preserveTimestamps: true });
    await writeFile(join(copy, 'private/feeds/log.json.gz'), html('改过'));
    const copied = createFileObjectStore({ root: copy });
    expect((await copied.head('site/index.html'))?.sha256).toBeUndefined();
    const read = await copied.get('site/index.html');
    expect(read).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300', sha256: sha256(page) });
    // Known from then on without reading it.
    expect((await copied.head('site/index.html'))?.sha256).toBe(sha256(page));
    expect((await copied.get('private/feeds/log.json.gz'))?.sha256).toBeUndefined();
    expect((await copied.head('private/feeds/log.json.gz'))?.contentType).toBe('application/octet-stream');
  });

  test('a listing reads the index once, yet shows each file as it is when the listing reaches it', async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    const keys = ['site/a/index.html', 'site/b/index.html', 'site/c/index.html', 'site/d.html'];
    for (const key of keys) await objects.put({ key, body: html(key), contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    await objects.put({ key: 'sitemap-outside.xml', body: html('不在前缀下'), contentType: 'application/xml' });

    const listing = objects.list('site/');
    const seen = [];
    for await (const head of listing) {
      seen.push(head);
      if (head.key !== 'site/a/index.html') continue;
      // Once the listing has begun: one file rewritten through the store, one behind its back.
      await objects.put({ key: 'site/b/index.html', body: html('改版'), contentType: 'text/html; charset=gb18030' });
      await writeFile(join(root, 'site/c/index.html'), html('手工修改'));
    }
    expect(seen.map((head) => head.key)).toEqual(keys);
    expect(seen[0]).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache', sha256: sha256(html(keys[0] as string)) });
    expect(seen[1]).toMatchObject({ contentType: 'text/html; charset=gb18030', sha256: sha256(html('改版')) });
    expect(seen[1]?.cacheControl).toBeUndefined();
    expect(seen[2]).toMatchObject({ contentType: 'application/octet-stream' });
    expect(seen[2]?.sha256).toBeUndefined();
    expect(seen[3]).toMatchObject({ contentType: 'text/html; charset=utf-8', sha256: sha256(html('site/d.html')) });
  });

  test('a writer killed while it rewrites an object leaves the old or the new file, whole, and its temporary files are cleared', async () => {
    const { root } = await storeFolder();
    const key = 'site/files/big.bin';
    for (const delayMs of [0, 40, 90]) {
      const worker = spawn(process.execPath, ['--import', 'tsx', 'test/store/storeWorker.ts', 'rewrite', root, key], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        worker.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve());
        worker.on('exit', (code) => reject(new Error(`the worker exited (${code}) before writing`)));
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const exited = new Promise((resolve) => worker.on('exit', resolve));
      worker.kill('SIGKILL');
      await exited;

      const bytes = await readFile(join(root, key));
      const whole =
        (bytes.length === 8_000_000 && bytes.every((byte) => byte === 0x61)) || (bytes.length === 12_000_000 && bytes.every((byte) => byte === 0x62));
      expect(whole, `${bytes.length} bytes after a kill at ${delayMs} ms`).toBe(true);
      const head = await createFileObjectStore({ root }).head(key);
      if (head?.sha256 !== undefined) expect(head.sha256).toBe(sha256(bytes));
      expect(await readdir(join(root, '.partial'))).toEqual([]);
    }
  });

  test('two processes rewriting one key leave the file of the last write with its own metadata', async () => {
    const { root } = await storeFolder();
    const key = 'site/files/shared.bin';
    const rewrite = () =>
      new Promise<void>((resolve, reject) => {
        const worker = spawn(process.execPath, ['--import', 'tsx', 'test/store/storeWorker.ts', 'rewrite', root, key, '25'], { stdio: 'inherit' });
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a writer exited with ${code}`))));
      });
    await Promise.all([rewrite(), rewrite()]);
    const bytes = await readFile(join(root, key));
    expect((await createFileObjectStore({ root }).head(key))?.sha256).toBe(sha256(bytes));
  });

  test('a key that is the folder of other keys cannot be an object too, and the error says why', async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    await objects.put({ key: 'site/a/b.html', body: html('b'), contentType: 'text/html' });
    await objects.put({ key: 'site/x.html', body: html('x'), contentType: 'text/html' });
    await expect(objects.put({ key: 'site/a', body: html('a'), contentType: 'text/html' })).rejects.toThrow(/"site\/a".*folder cannot also be an object/);
    await expect(objects.put({ key: 'site/x.html/y.html', body: html('y'), contentType: 'text/html' })).rejects.toBeInstanceOf(StoreError);
    await expect(objects.copy('site/x.html', 'site/a')).rejects.toBeInstanceOf(StoreError);
    expect((await objects.get('site/a/b.html'))?.sha256).toBe(sha256(html('b')));
    expect(await readdir(join(root, '.partial'))).toEqual([]);
  });

  test('with fsync set, objects are written and read back the same way', async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root, fsync: true });
    await objects.put({ key: 'site/index.html', body: html('首页'), contentType: 'text/html; charset=utf-8' });
    expect(await objects.copy('site/index.html', 'site/copy/index.html')).toBe(true);
    expect((await objects.get('site/copy/index.html'))?.sha256).toBe(sha256(html('首页')));
  });

  test('deletes remove the folders they empty, but not the first level a server may be serving', async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    await objects.put({ key: 'site/press/2010/12/a/index.html', body: html('a'), contentType: 'text/html' });
    await objects.put({ key: 'site/press/2010/11/b/index.html', body: html('b'), contentType: 'text/html' });
    await objects.delete(['site/press/2010/12/a/index.html']);
    expect(await readdir(join(root, 'site/press/2010'))).toEqual(['11']);
    await objects.delete(['site/press/2010/11/b/index.html']);
    expect(await readdir(join(root, 'site'))).toEqual([]);
  });

  test("a new version of an object whose folder was removed behind the store's back is written, folder and all", async () => {
    const { root } = await storeFolder();
    const objects = createFileObjectStore({ root });
    const key = 'site/press/2010/12/hotline/index.html';
    await objects.put({ key, body: html('第一版'), contentType: 'text/html; charset=utf-8' });
    // Its row remains: the store takes the folder to be there, until the rename says otherwise.
    await rm(join(root, 'site/press/2010'), { recursive: true });
    await objects.put({ key, body: html('第二版'), contentType: 'text/html; charset=utf-8' });
    expect(await readFile(join(root, key), 'utf8')).toContain('第二版');
    expect((await objects.get(key))?.sha256).toBe(sha256(html('第二版')));
  });

  test('temporary files left by processes that are gone are removed when a store opens', async () => {
    const { root } = await storeFolder();
    await mkdir(join(root, '.partial'), { recursive: true });
    await writeFile(join(root, '.partial', '2147483646.7c9e'), 'torn');
    await writeFile(join(root, '.partial', `${process.pid}.in-flight`), 'mine');
    createFileObjectStore({ root });
    expect(await readdir(join(root, '.partial'))).toEqual([`${process.pid}.in-flight`]);
  });
});
