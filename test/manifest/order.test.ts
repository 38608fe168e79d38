// The manifest lists files in the byte order of their UTF-8 paths (as S3 lists keys), compared
// without encoding each path: held here to Buffer.compare, for characters on both sides of the
// surrogate range, and to the bytes manifestBytes gives in any input order.

import { describe, expect, it } from 'vitest';
import {
  compareUtf8,
  type Manifest,
  MANIFEST_FORMAT,
  manifestBytes,
  encodeManifestList,
  joinManifestList,
  type ManifestFile,
  type ManifestList,
  manifestListFromBytes,
  parseManifest,
  patchManifestList,
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

describe('patchManifestList', () => {
  const file = (path: string, n: number, owner: Partial<ManifestFile> = {}): ManifestFile => ({
    path,
    sha256: n.toString(16).padStart(64, '0'),
    size: n,
    ...owner,
  });
  const paths = [...new Set(randomPaths(300, 23))];
  const first = paths.map((path, i) => file(path, i, i % 3 === 0 ? { id: `doc-${i}`, version: 1 } : {}));
  const same = (a: ManifestList, b: ManifestList) => {
    expect(a.body.equals(b.body)).toBe(true);
    expect([...a.starts]).toEqual([...b.starts]);
    expect(a.files).toEqual(b.files);
  };

  it('splices the changed lines into the body before: the bytes a fresh encoding gives', () => {
    const before = encodeManifestList([...first].reverse());
    same(before, encodeManifestList(first));
    expect(patchManifestList(before, new Map()).unchanged).toBe(true);
    // Named with the fields it has, and a removal of a path that is not there: nothing changed.
    expect(
      patchManifestList(
        before,
        new Map([
          [paths[7] as string, { ...(first[7] as ManifestFile) }],
          ['不在/index.html', null],
        ]),
      ).unchanged,
    ).toBe(true);

    // One hash changed, one file's version moved on, one removed, one added.
    const added = file('gazette/2010/06/新文件/index.html', 999, { id: 'new', version: 1 });
    const changes = new Map<string, ManifestFile | null>([
      [paths[2] as string, { ...(first[2] as ManifestFile), sha256: 'f'.repeat(64) }],
      [paths[3] as string, { ...(first[3] as ManifestFile), version: 2 }],
      [paths[5] as string, null],
      [added.path, added],
    ]);
    const next = first.filter((f) => f.path !== paths[5]).map((f) => (changes.get(f.path) as ManifestFile | undefined) ?? f);
    const patched = patchManifestList(before, changes);
    expect(patched.unchanged).toBe(false);
    same(joinManifestList(patched.patched).list, encodeManifestList([...next, added]));
    // With a head before the body: the bytes manifestBytes gives.
    const head = Buffer.from('{"head":\n', 'utf8');
    const joined = joinManifestList(patched.patched, head);
    expect(joined.bytes.equals(Buffer.concat([head, encodeManifestList([...next, added]).body]))).toBe(true);
    same(joined.list, encodeManifestList([...next, added]));
    // The list before is left as it was.
    same(before, encodeManifestList(first));
  });

  it('reads the list back from the bytes of a manifest, and only from the one form it writes', () => {
    const manifest = (files: ManifestFile[]): Manifest => ({
      format: MANIFEST_FORMAT,
      site: 'https://www.example.gov.cn/',
      sequence: 3,
      builtAt: '2010-06-01T00:00:00.000Z',
      unlisted: ['feeds/'],
      files,
    });
    for (const files of [first, first.slice(0, 1), []]) {
      const bytes = manifestBytes(manifest(files));
      const read = manifestListFromBytes(bytes, parseManifest(bytes, 'test').files);
      expect(read, `${files.length} files`).toBeDefined();
      same(read as ManifestList, encodeManifestList(files));
      // Bytes known to be written so (the build kept their digest): the same list, its lines found, not checked.
      const written = manifestListFromBytes(bytes, parseManifest(bytes, 'test').files, { written: true });
      expect(written, `${files.length} files, written`).toBeDefined();
      same(written as ManifestList, encodeManifestList(files));
      // Lines that do not add up to the files: not taken as written.
      const cut = Buffer.from(bytes.toString('utf8').replace('\n]}\n', ']}\n'));
      expect(manifestListFromBytes(cut, parseManifest(cut, 'test').files, { written: true }), `${files.length} files, cut`).toBeUndefined();
    }
    // Pretty-printed, two files a line, or out of order: not the written form.
    const pretty = Buffer.from(JSON.stringify(JSON.parse(manifestBytes(manifest(first)).toString('utf8')), null, 2));
    expect(manifestListFromBytes(pretty, parseManifest(pretty, 'test').files)).toBeUndefined();
    const twoALine = Buffer.from(manifestBytes(manifest(first)).toString('utf8').replace(',\n{', ',{'));
    expect(manifestListFromBytes(twoALine, parseManifest(twoALine, 'test').files)).toBeUndefined();
    // One line with its keys in another order, or a space: the same files, not the written form.
    const written = manifestBytes(manifest(first)).toString('utf8');
    const target = JSON.stringify(encodeManifestList(first).files[4]);
    const reordered = JSON.stringify({ sha256: (encodeManifestList(first).files[4] as ManifestFile).sha256, ...JSON.parse(target) });
    for (const line of [reordered, target.replace('"size":', '"size": ')]) {
      const edited = Buffer.from(written.replace(target, line));
      expect(parseManifest(edited, 'test').files).toEqual(parseManifest(Buffer.from(written), 'test').files);
      expect(manifestListFromBytes(edited, parseManifest(edited, 'test').files)).toBeUndefined();
    }
    const sorted = encodeManifestList(first).files;
    const swapped = [sorted[1], sorted[0], ...sorted.slice(2)] as ManifestFile[];
    const unordered = Buffer.from(
      `${JSON.stringify({ ...manifest([]), files: undefined }).slice(0, -1)},"files":[\n${swapped.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`,
    );
    expect(manifestListFromBytes(unordered, parseManifest(unordered, 'test').files)).toBeUndefined();
  });

  it('gives the bytes of a fresh encoding after any series of changes, down to an empty list and back', () => {
    let state = 5;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pool = [...new Set(randomPaths(120, 31))];
    let files = new Map<string, ManifestFile>();
    let list = encodeManifestList([]);
    for (let round = 0; round < 60; round++) {
      const changes = new Map<string, ManifestFile | null>();
      const count = round === 30 ? pool.length : Math.floor(next() * 12);
      for (let i = 0; i < count; i++) {
        const path = round === 30 ? (pool[i] as string) : (pool[Math.floor(next() * pool.length)] as string);
        const roll = next();
        changes.set(
          path,
          round === 30 || roll < 0.3 ? null : file(path, Math.floor(next() * 4), roll < 0.6 ? {} : { id: 'd', version: 1 + Math.floor(next() * 2) }),
        );
      }
      const patched = patchManifestList(list, changes);
      for (const [path, value] of changes) {
        if (value === null) files.delete(path);
        else files.set(path, value);
      }
      files = new Map(files);
      const joined = joinManifestList(patched.patched).list;
      same(joined, encodeManifestList([...files.values()]));
      expect(patched.unchanged).toBe(joined.body.equals(list.body));
      list = joined;
    }
  });
});
