// The manifest lists files in the byte order of their UTF-8 paths (as S3 lists keys), compared
// without encoding each path: held here to Buffer.compare, for characters on both sides of the
// surrogate range, and to the bytes manifestBytes gives in any input order.

import { describe, expect, it } from 'vitest';
import {
  compareUtf8,
  type Manifest,
  MANIFEST_FORMAT,
  manifestBytes,
  manifestFileLines,
  type ManifestFile,
  parseManifest,
} from '../../src/manifest/manifest.ts';

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

describe('manifestFileLines', () => {
  const file = (path: string, n: number, owner: Partial<ManifestFile> = {}): ManifestFile => ({
    path,
    sha256: n.toString(16).padStart(64, '0'),
    size: n,
    ...owner,
  });
  const paths = [...new Set(randomPaths(300, 23))];
  const first = paths.map((path, i) => file(path, i, i % 3 === 0 ? { id: `doc-${i}`, version: 1 } : {}));

  it('reuses the lines of the build before and gives the bytes a fresh encoding gives', () => {
    const before = manifestFileLines(first);
    expect(before.body.equals(manifestFileLines(first, before.lines).body)).toBe(true);
    expect(manifestFileLines([...first].reverse(), before.lines).unchanged).toBe(true);

    // One hash changed, one file's version moved on, one removed, one added.
    const next = first
      .filter((_, i) => i !== 5)
      .map((f, i) => (i === 2 ? { ...f, sha256: 'f'.repeat(64) } : i === 3 ? { ...f, version: 2 } : { ...f }))
      .concat([file('gazette/2010/06/新文件/index.html', 999, { id: 'new', version: 1 })]);
    const incremental = manifestFileLines(next, before.lines);
    expect(incremental.unchanged).toBe(false);
    expect(incremental.body.equals(manifestFileLines(next).body)).toBe(true);

    // A file's owner alone changed: its line is encoded again, not reused.
    const reowned = first.map((f, i) => (i === 0 ? { ...f, id: 'other' } : f));
    const owned = manifestFileLines(reowned, before.lines);
    expect(owned.unchanged).toBe(false);
    expect(owned.body.equals(manifestFileLines(reowned).body)).toBe(true);
  });
});
