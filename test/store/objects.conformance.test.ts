// The ObjectStore port, the same cases for every adapter (test/store/adapters.ts): the file system
// and S3 (s3rver). What only one adapter has (S3's paging and endpoints, the file system's folder
// and index) is tested beside that adapter, in s3.test.ts and fileObjects.test.ts.

import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { ObjectStore } from '../../src/store/ports.ts';
import { objectStoreAdapters } from './adapters.ts';

const html = (text: string): Uint8Array => new TextEncoder().encode(`<!doctype html><html lang="zh-CN"><p>${text}</p></html>`);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

async function keysUnder(objects: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const summary of objects.listKeys(prefix)) keys.push(summary.key);
  return keys;
}

/** Keys in S3's listing order: UTF-8 bytes (or the emulator's, see Adapter.listsFoldersFirst). */
function listingOrder(keys: string[], listsFoldersFirst = false): string[] {
  const bytes = (key: string) => Buffer.from(listsFoldersFirst ? key.replaceAll('/', '\u0000') : key);
  return [...keys].sort((a, b) => Buffer.compare(bytes(a), bytes(b)));
}

describe.each(objectStoreAdapters)('$name object store', ({ create, listsFoldersFirst }) => {
  test('an object reads back with its bytes, content type, cache-control and sha256', async () => {
    const { store: objects } = await create();
    const body = html('淮南市推进政务公开 打造亲民政府');
    await objects.put({ key: 'site/news/2010/zwgk/index.html', body, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' });

    const stored = await objects.get('site/news/2010/zwgk/index.html');
    expect(stored).toMatchObject({
      key: 'site/news/2010/zwgk/index.html',
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=300',
      sha256: sha256(body),
    });
    expect(same(stored?.body, body)).toBe(true);

    const head = await objects.head('site/news/2010/zwgk/index.html');
    expect(head).toMatchObject({ size: body.byteLength, contentType: 'text/html; charset=utf-8', sha256: sha256(body) });
    expect(head?.etag).toBe(stored?.etag);
  });

  test('a put says it wrote nothing only when the store compares, and only for the very bytes and metadata there', async () => {
    const { store: objects } = await create();
    const key = 'site/press/2010/hotline/index.html';
    const body = html('市长热线受理群众来电一万余件');
    const put = (input: Partial<Parameters<ObjectStore['put']>[0]>) =>
      objects.put({ key, body, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300', ...input });
    expect(await put({})).toBeUndefined();
    expect(await put({})).toBe(objects.putSkipsUnchanged === true ? 'unchanged' : undefined);
    expect(await put({ sha256: sha256(body) })).toBe(objects.putSkipsUnchanged === true ? 'unchanged' : undefined);
    // Other bytes, another content type, other cache-control: each is written.
    const edited = html('市长热线受理群众来电一万二千余件');
    expect(await put({ body: edited })).toBeUndefined();
    expect(await put({ body: edited, contentType: 'text/plain; charset=utf-8' })).toBeUndefined();
    expect(await put({ body: edited, contentType: 'text/plain; charset=utf-8', cacheControl: 'no-cache' })).toBeUndefined();
    const stored = await objects.get(key);
    expect(stored).toMatchObject({ contentType: 'text/plain; charset=utf-8', cacheControl: 'no-cache', sha256: sha256(edited) });
    expect(same(stored?.body, edited)).toBe(true);
  });

  test('binary bodies survive unchanged and overwriting replaces the object', async () => {
    const { store: objects } = await create();
    const pdf = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
    await objects.put({ key: 'site/a.pdf', body: html('旧'), contentType: 'text/html', cacheControl: 'no-cache' });
    const before = await objects.head('site/a.pdf');
    await objects.put({ key: 'site/a.pdf', body: pdf, contentType: 'application/pdf' });
    const stored = await objects.get('site/a.pdf');
    expect(stored?.contentType).toBe('application/pdf');
    expect(stored?.sha256).toBe(sha256(pdf));
    expect(same(stored?.body, pdf)).toBe(true);
    expect(stored?.cacheControl).toBeUndefined();
    expect(stored?.etag).not.toBe(before?.etag);
  });

  test('a body whose SHA-256 the caller gives is stored with that digest, and reads back unchanged', async () => {
    const { store: objects } = await create();
    const body = html('淮南市政府信息公开年度报告');
    const digest = sha256(body);
    await objects.put({ key: 'site/xxgk/report.html', body, contentType: 'text/html; charset=utf-8', sha256: digest });
    const stored = await objects.get('site/xxgk/report.html');
    expect(stored?.sha256).toBe(digest);
    expect(same(stored?.body, body)).toBe(true);
    expect((await objects.head('site/xxgk/report.html'))?.sha256).toBe(digest);
  });

  test('an empty body is an object too', async () => {
    const { store: objects } = await create();
    await objects.put({ key: 'private/state/empty.json', body: new Uint8Array(), contentType: 'application/json' });
    expect(await objects.head('private/state/empty.json')).toMatchObject({ size: 0, contentType: 'application/json', sha256: sha256(new Uint8Array()) });
    expect((await objects.get('private/state/empty.json'))?.body.byteLength).toBe(0);
  });

  test('missing keys are undefined, not errors, and so is a key that is only the start of others', async () => {
    const { store: objects } = await create();
    await objects.put({ key: 'site/news/index.html', body: html('新闻'), contentType: 'text/html' });
    await expect(objects.get('site/none.html')).resolves.toBeUndefined();
    await expect(objects.head('site/none.html')).resolves.toBeUndefined();
    await expect(objects.get('site/news')).resolves.toBeUndefined();
    await expect(objects.head('site/news')).resolves.toBeUndefined();
    await expect(objects.get('site/news/index.html/more')).resolves.toBeUndefined();
  });

  test('list and listKeys give every object under a prefix in UTF-8 byte order, as S3 does, with heads', async () => {
    const { store: objects } = await create();
    // "-" < "." < "/" in bytes; fullwidth （ (U+FF08) sorts before 𠀀 (U+20000) in UTF-8 but after it in UTF-16.
    const keys = [
      'site/a/b.html',
      'site/a-b.html',
      'site/a.html',
      'site/z.html',
      'site/中文/索引.html',
      'site/（附件）.pdf',
      'site/𠀀.html',
      'site/Z.html',
      'site/a/c/d.html',
    ];
    const expected = listingOrder(keys, listsFoldersFirst);
    expect(listingOrder(keys)).not.toEqual([...keys].sort()); // the case tells UTF-8 from UTF-16 order
    for (const key of keys) await objects.put({ key, body: html(key), contentType: 'text/html; charset=utf-8' });
    await objects.put({ key: 'private/state.json', body: new TextEncoder().encode('{}'), contentType: 'application/json' });
    await objects.put({ key: 'sitemap.xml', body: new TextEncoder().encode('<urlset/>'), contentType: 'application/xml' });

    const listed = [];
    for await (const head of objects.list('site/')) listed.push(head);
    expect(listed.map((head) => head.key)).toEqual(expected);
    expect(listed.every((head) => head.contentType === 'text/html; charset=utf-8')).toBe(true);
    expect(listed.map((head) => head.sha256)).toEqual(listed.map((head) => sha256(html(head.key))));

    const summaries = [];
    for await (const summary of objects.listKeys('site/')) summaries.push(summary);
    expect(summaries.map((summary) => summary.key)).toEqual(expected);
    expect(summaries.map((summary) => summary.size)).toEqual(listed.map((head) => head.size));
    expect(summaries.map((summary) => summary.etag)).toEqual(listed.map((head) => head.etag));

    // A prefix is a string prefix, not a folder.
    expect(await keysUnder(objects, 'site/a')).toEqual(listingOrder(['site/a-b.html', 'site/a.html', 'site/a/b.html', 'site/a/c/d.html'], listsFoldersFirst));
    expect(await keysUnder(objects, 'site/a/')).toEqual(['site/a/b.html', 'site/a/c/d.html']);
    expect(await keysUnder(objects, 'site')).toEqual(listingOrder([...keys, 'sitemap.xml'], listsFoldersFirst));
    expect(await keysUnder(objects, '')).toEqual(listingOrder(['private/state.json', ...keys, 'sitemap.xml'], listsFoldersFirst));
    expect(await keysUnder(objects, 'site/nothing/')).toEqual([]);
  });

  test('delete removes keys beyond one request (1000 keys) and ignores keys that do not exist', async () => {
    const { store: objects } = await create();
    const keys = Array.from({ length: 1005 }, (_, i) => `site/old/${String(i).padStart(4, '0')}.html`);
    const existing = [keys[0], keys[999], keys[1000], keys[1004]] as string[];
    for (const key of [...existing, 'site/keep.html']) await objects.put({ key, body: html(key), contentType: 'text/html' });

    await objects.delete(keys);

    expect(await keysUnder(objects, 'site/')).toEqual(['site/keep.html']);
    expect(await objects.head(keys[0] as string)).toBeUndefined();
    await objects.delete([]);
  });

  test('a key deleted can be written again, and a folder emptied by deletes can become an object', async () => {
    const { store: objects } = await create();
    await objects.put({ key: 'site/press/2010/a/index.html', body: html('一'), contentType: 'text/html' });
    await objects.delete(['site/press/2010/a/index.html']);
    expect(await keysUnder(objects, 'site/press/')).toEqual([]);
    await objects.put({ key: 'site/press/2010/a', body: html('二'), contentType: 'text/html' });
    await objects.put({ key: 'site/press/2010/a.html', body: html('三'), contentType: 'text/html' });
    expect(await keysUnder(objects, 'site/press/')).toEqual(['site/press/2010/a', 'site/press/2010/a.html']);
  });

  test('copy copies bytes, content type, cache-control and sha256 to a new key, Chinese names and spaces included', async () => {
    const { store: objects } = await create();
    const pdf = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 131 + 17) % 256);
    const from = 'site/gazette/2010/05/huaifu-2010-69/政府信息公开目录 2010版.pdf';
    const to = 'site/gazette/2010/05/huaifu-2010-69/政府信息公开目录（修订）50%.pdf';
    await objects.put({ key: from, body: pdf, contentType: 'application/pdf', cacheControl: 'public, max-age=300' });

    expect(await objects.copy(from, to)).toBe(true);
    const copied = await objects.get(to);
    expect(copied).toMatchObject({ contentType: 'application/pdf', cacheControl: 'public, max-age=300', sha256: sha256(pdf) });
    expect(same(copied?.body, pdf)).toBe(true);
    expect((await objects.get(from))?.sha256).toBe(sha256(pdf));
  });

  test('copy answers false for a source that is not there, and writes nothing', async () => {
    const { store: objects } = await create();
    expect(await objects.copy('site/missing.pdf', 'site/copy.pdf')).toBe(false);
    expect(await objects.head('site/copy.pdf')).toBeUndefined();
    await objects.put({ key: 'site/kept.pdf', body: html('原件'), contentType: 'application/pdf', cacheControl: 'no-cache' });
    expect(await objects.copy('site/missing.pdf', 'site/kept.pdf')).toBe(false);
    expect(await objects.head('site/kept.pdf')).toMatchObject({ contentType: 'application/pdf', cacheControl: 'no-cache', sha256: sha256(html('原件')) });
  });

  test('a copy keeps what it copied when the source is later overwritten or deleted, and overwrites its target', async () => {
    const { store: objects } = await create();
    await objects.put({ key: 'site/files/v1/a.pdf', body: html('第一版'), contentType: 'application/pdf' });
    await objects.put({ key: 'site/files/v2/a.pdf', body: html('旧的目标'), contentType: 'text/plain', cacheControl: 'no-store' });
    expect(await objects.copy('site/files/v1/a.pdf', 'site/files/v2/a.pdf')).toBe(true);
    await objects.put({ key: 'site/files/v1/a.pdf', body: html('第二版'), contentType: 'application/pdf' });
    const copy = await objects.get('site/files/v2/a.pdf');
    expect(same(copy?.body, html('第一版'))).toBe(true);
    expect(copy).toMatchObject({ contentType: 'application/pdf', sha256: sha256(html('第一版')) });
    expect(copy?.cacheControl).toBeUndefined();
    await objects.delete(['site/files/v1/a.pdf']);
    expect(same((await objects.get('site/files/v2/a.pdf'))?.body, html('第一版'))).toBe(true);
  });

  test('another store on the same data sees the writes', async () => {
    const { store: objects, another } = await create();
    await objects.put({ key: 'site/index.html', body: html('首页'), contentType: 'text/html; charset=utf-8' });
    const elsewhere = another();
    expect((await elsewhere.head('site/index.html'))?.sha256).toBe(sha256(html('首页')));
    await elsewhere.put({ key: 'site/index.html', body: html('新首页'), contentType: 'text/html; charset=utf-8' });
    expect(same((await objects.get('site/index.html'))?.body, html('新首页'))).toBe(true);
    expect((await objects.head('site/index.html'))?.sha256).toBe(sha256(html('新首页')));
  });

  test('concurrent writes of many keys all land', async () => {
    const { store: objects } = await create();
    const keys = Array.from({ length: 60 }, (_, i) => `site/p/${String(i).padStart(2, '0')}/index.html`);
    await Promise.all(keys.map((key) => objects.put({ key, body: html(key), contentType: 'text/html' })));
    expect(await keysUnder(objects, 'site/p/')).toEqual(keys);
  });
});
