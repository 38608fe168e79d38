// ObjectStore.copy on S3 (s3rver here): the store copies an object to a new key by itself, with
// its metadata, so a build never sends the bytes of an unchanged attachment again.

import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createTestStores } from '../helpers/stores.ts';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('S3 object store copy', () => {
  test('copies bytes, content type, cache-control and sha256 to a new key, Chinese names and spaces included', async () => {
    const { objects } = await createTestStores();
    const pdf = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 131 + 17) % 256);
    const from = 'site/gazette/2010/05/huaifu-2010-69/政府信息公开目录 2010版.pdf';
    const to = 'site/gazette/2010/05/huaifu-2010-69/政府信息公开目录（修订）50%.pdf';
    await objects.put({ key: from, body: pdf, contentType: 'application/pdf', cacheControl: 'public, max-age=300' });

    expect(await objects.copy(from, to)).toBe(true);
    const copied = await objects.get(to);
    expect(copied).toMatchObject({ contentType: 'application/pdf', cacheControl: 'public, max-age=300', sha256: sha256(pdf) });
    expect(Buffer.from(copied?.body ?? []).equals(Buffer.from(pdf))).toBe(true);
    expect((await objects.get(from))?.sha256).toBe(sha256(pdf));
  });

  test('answers false for a source that is not there, and writes nothing', async () => {
    const { objects } = await createTestStores();
    expect(await objects.copy('site/missing.pdf', 'site/copy.pdf')).toBe(false);
    expect(await objects.head('site/copy.pdf')).toBeUndefined();
  });
});
