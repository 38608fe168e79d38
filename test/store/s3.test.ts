import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createS3Client } from '../../src/store/clients.ts';
import { StoreUnavailableError } from '../../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';
import { createTestStores } from '../helpers/stores.ts';

const html = (text: string): Uint8Array => new TextEncoder().encode(`<!doctype html><html lang="zh-CN"><p>${text}</p></html>`);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('S3 object store', () => {
  test('an object reads back with its bytes, content type, cache-control and sha256', async () => {
    const { objects } = await createTestStores();
    const body = html('淮南市推进政务公开 打造亲民政府');
    await objects.put({ key: 'site/news/2010/zwgk/index.html', body, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300' });

    const stored = await objects.get('site/news/2010/zwgk/index.html');
    expect(stored).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300', sha256: sha256(body) });
    expect(Buffer.from(stored?.body ?? []).equals(Buffer.from(body))).toBe(true);

    const head = await objects.head('site/news/2010/zwgk/index.html');
    expect(head).toMatchObject({ size: body.byteLength, contentType: 'text/html; charset=utf-8', sha256: sha256(body) });
    expect(head?.etag).toBe(stored?.etag);
  });

  test('binary bodies survive unchanged and overwriting replaces the object', async () => {
    const { objects } = await createTestStores();
    const pdf = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
    await objects.put({ key: 'site/a.pdf', body: html('旧'), contentType: 'text/html' });
    await objects.put({ key: 'site/a.pdf', body: pdf, contentType: 'application/pdf' });
    const stored = await objects.get('site/a.pdf');
    expect(stored?.contentType).toBe('application/pdf');
    expect(stored?.sha256).toBe(sha256(pdf));
    expect(Buffer.from(stored?.body ?? []).equals(Buffer.from(pdf))).toBe(true);
    expect(stored?.cacheControl).toBeUndefined();
  });

  test('a body whose SHA-256 the caller gives is signed and stored with that digest, and reads back unchanged', async () => {
    const { objects } = await createTestStores();
    const body = html('淮南市政府信息公开年度报告');
    const digest = sha256(body);
    await objects.put({ key: 'site/xxgk/report.html', body, contentType: 'text/html; charset=utf-8', sha256: digest });
    const stored = await objects.get('site/xxgk/report.html');
    expect(stored?.sha256).toBe(digest);
    expect(Buffer.from(stored?.body ?? []).equals(Buffer.from(body))).toBe(true);
    expect((await objects.head('site/xxgk/report.html'))?.sha256).toBe(digest);
  });

  test('missing keys are undefined, not errors', async () => {
    const { objects } = await createTestStores();
    await expect(objects.get('site/none.html')).resolves.toBeUndefined();
    await expect(objects.head('site/none.html')).resolves.toBeUndefined();
  });

  test('list returns every object under the prefix in key order, across pages, with heads', async () => {
    const { s3, bucket } = await createTestStores();
    const objects = createS3ObjectStore({ client: s3, bucket, listPageSize: 10 });
    const keys = Array.from({ length: 25 }, (_, i) => `site/p/${String(i).padStart(2, '0')}.html`).reverse();
    await Promise.all(keys.map((key) => objects.put({ key, body: html(key), contentType: 'text/html; charset=utf-8' })));
    await objects.put({ key: 'private/state.json', body: new TextEncoder().encode('{}'), contentType: 'application/json' });

    const listed = [];
    for await (const head of objects.list('site/')) listed.push(head);
    expect(listed.map((head) => head.key)).toEqual([...keys].sort());
    expect(listed.every((head) => head.contentType === 'text/html; charset=utf-8')).toBe(true);
    expect(listed.map((head) => head.sha256)).toEqual(listed.map((head) => sha256(html(head.key))));

    const summaries = [];
    for await (const summary of objects.listKeys('site/')) summaries.push(summary);
    expect(summaries.map((summary) => summary.key)).toEqual([...keys].sort());
    expect(summaries.map((summary) => summary.size)).toEqual(listed.map((head) => head.size));
  });

  test('delete removes keys beyond one request (1000 keys) and ignores keys that do not exist', async () => {
    const { objects } = await createTestStores();
    const keys = Array.from({ length: 1005 }, (_, i) => `site/old/${String(i).padStart(4, '0')}.html`);
    const existing = [keys[0], keys[999], keys[1000], keys[1004]] as string[];
    await Promise.all([...existing, 'site/keep.html'].map((key) => objects.put({ key, body: html(key), contentType: 'text/html' })));

    await objects.delete(keys);

    const left = [];
    for await (const summary of objects.listKeys('site/')) left.push(summary.key);
    expect(left).toEqual(['site/keep.html']);
  });

  test('ensureBucket can run again on an existing bucket without losing objects', async () => {
    const { objects, s3, bucket } = await createTestStores();
    await objects.put({ key: 'site/index.html', body: html('首页'), contentType: 'text/html' });
    await ensureBucket(s3, bucket);
    await expect(objects.head('site/index.html')).resolves.toBeDefined();
  });

  test('an unreachable endpoint is a StoreUnavailableError naming it', async () => {
    const endpoint = 'http://127.0.0.1:9';
    const client = createS3Client({ region: 'us-east-1', s3Endpoint: endpoint, maxAttempts: 1 });
    const objects = createS3ObjectStore({ client, bucket: 'gazette-site' });
    const failure = objects.get('site/index.html');
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toThrow(endpoint);
    client.destroy();
  });
});
