// What only the S3 adapter has: paged LIST requests, the bucket it creates, its endpoint. The
// ObjectStore port's cases run against it in objects.conformance.test.ts.

import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createS3Client } from '../../src/store/clients.ts';
import { StoreUnavailableError } from '../../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';

const html = (text: string): Uint8Array => new TextEncoder().encode(`<!doctype html><html lang="zh-CN"><p>${text}</p></html>`);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('S3 object store', () => {
  test('list returns every object under the prefix in key order, across pages, with heads', async () => {
    const { s3, bucket } = await createEmulatorStores();
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

  test('ensureBucket can run again on an existing bucket without losing objects', async () => {
    const { objects, s3, bucket } = await createEmulatorStores();
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
