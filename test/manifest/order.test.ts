// The manifest lists files in the byte order of their UTF-8 paths (as S3 lists keys), compared
// without encoding each path: held here to Buffer.compare, for characters on both sides of the
// surrogate range, and to the bytes manifestBytes gives in any input order.

import { describe, expect, it } from 'vitest';
import { compareUtf8, type Manifest, MANIFEST_FORMAT, manifestBytes, parseManifest } from '../../src/manifest/manifest.ts';

// ASCII, CJK (U+4E00…), the last BMP block before and after the surrogates (U+D7FF, U+E000, U+FF0C),
// and characters beyond U+FFFF (U+20000 𠀀, U+1F4C4 📄), whose UTF-16 halves are surrogates.
const alphabet = ['a', 'Z', '/', '-', '公', '报', '\uD7FF', '\uE000', '，', '\uFFFD', '𠀀', '📄', '𫠠'];

function randomPaths(count: number, seed: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(next() * 6);
    return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  });
}

describe('compareUtf8', () => {
  it('orders strings as Buffer.compare orders their UTF-8 bytes', () => {
    const paths = randomPaths(400, 7);
    for (const a of paths)
      for (const b of paths.slice(0, 60)) {
        expect(Math.sign(compareUtf8(a, b)), `${a} vs ${b}`).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }
  });

  it('puts a character beyond U+FFFF after U+E000–U+FFFF, where UTF-16 order puts it before', () => {
    expect('📄' < '，').toBe(true);
    expect(compareUtf8('📄', '，')).toBeGreaterThan(0);
  });
});

describe('manifestBytes', () => {
  it('gives the same bytes whatever the order the files come in, sorted by UTF-8 path', () => {
    const paths = [...new Set(randomPaths(200, 11))];
    const files = paths.map((path, i) => ({ path, sha256: i.toString(16).padStart(64, '0'), size: i }));
    const manifest = (list: typeof files): Manifest => ({
      format: MANIFEST_FORMAT,
      site: 'https://www.example.gov.cn/',
      sequence: 3,
      builtAt: '2010-06-01T00:00:00.000Z',
      unlisted: ['feeds/'],
      files: list,
    });
    const bytes = manifestBytes(manifest(files));
    expect(manifestBytes(manifest([...files].reverse())).equals(bytes)).toBe(true);
    const listed = parseManifest(bytes, 'test').files.map((file) => file.path);
    expect(listed).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});
