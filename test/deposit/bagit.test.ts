// The BagIt format itself, on bags made in memory: file names that need percent-encoding, and ZIP
// bytes that do not depend on the machine's time zone.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bagInMemory, decodeManifestPath, encodeManifestPath, makeBag, unzipBag, verifyBag, zipBag } from '../../src/deposit/index.ts';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('manifest paths', () => {
  it('percent-encodes CR, LF and % and nothing else, and decodes only those', () => {
    expect(encodeManifestPath('data/a%b\r\nc 文件.pdf')).toBe('data/a%25b%0D%0Ac 文件.pdf');
    expect(decodeManifestPath('data/a%25b%0d%0Ac%20文件.pdf')).toBe('data/a%b\r\nc%20文件.pdf');
  });

  it('makes a bag whose manifest names such files so that they verify', async () => {
    const payload = [
      { path: 'x/line\nbreak.txt', bytes: bytes('one') },
      { path: 'x/50%.csv', bytes: bytes('two') },
    ];
    const bag = makeBag('odd-names', payload, [{ label: 'Source-Organization', value: '淮南市人民政府办公室' }]);
    const manifest = Buffer.from(bag.files.find((file) => file.path === 'manifest-sha256.txt')?.bytes as Uint8Array).toString('utf8');
    expect(manifest).toBe(`${sha256(bytes('two'))}  data/x/50%25.csv\n${sha256(bytes('one'))}  data/x/line%0Abreak.txt\n`);
    const info = Buffer.from(bag.files.find((file) => file.path === 'bag-info.txt')?.bytes as Uint8Array).toString('utf8');
    expect(info).toBe('Source-Organization: 淮南市人民政府办公室\nPayload-Oxum: 6.2\n');
    expect((await verifyBag(bagInMemory(bag.name, bag.files))).problems).toEqual([]);
  });

  it('refuses payload paths that leave the payload folder', () => {
    expect(() => makeBag('b', [{ path: '../bagit.txt', bytes: bytes('x') }], [])).toThrow('is not a relative path inside the bag');
  });
});

describe('zipBag', () => {
  it('gives the same bytes in every time zone, and unzips to the same bag', () => {
    const bag = makeBag('tz', [{ path: 'a.txt', bytes: bytes('甲') }], []);
    const zone = process.env['TZ'];
    try {
      process.env['TZ'] = 'UTC';
      const utc = zipBag(bag, '2010-05-31');
      process.env['TZ'] = 'Asia/Shanghai';
      // The zone really changed for this process: local times of one instant differ.
      expect(new Date(Date.UTC(2010, 4, 31)).getHours()).toBe(8);
      const beijing = zipBag(bag, '2010-05-31');
      process.env['TZ'] = 'America/Los_Angeles';
      const pacific = zipBag(bag, '2010-05-31');
      expect(sha256(beijing)).toBe(sha256(utc));
      expect(sha256(pacific)).toBe(sha256(utc));
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
    const unzipped = unzipBag(zipBag(bag, '2010-05-31'));
    expect(unzipped.name).toBe('tz');
    expect(unzipped.files.map((file) => file.path)).toEqual(bag.files.map((file) => file.path).sort());
  });
});

describe('verifyBag', () => {
  it('names a wrong bagit.txt, a malformed manifest line and a path that leaves the bag, all at once', async () => {
    const bag = makeBag('bad', [{ path: 'a.txt', bytes: bytes('a') }], []);
    const replaced = bag.files.map((file) => {
      if (file.path === 'bagit.txt') return { ...file, bytes: bytes('BagIt-Version: 1.0\n') };
      if (file.path === 'manifest-sha256.txt')
        return { ...file, bytes: bytes(`${Buffer.from(file.bytes).toString('utf8')}not a line\n${'0'.repeat(64)}  data/../bagit.txt\n`) };
      return file;
    });
    const { problems } = await verifyBag(bagInMemory('bad', replaced));
    expect(problems).toContain('bagit.txt is not the two lines "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8": "BagIt-Version: 1.0\\n".');
    expect(problems).toContain('manifest-sha256.txt: line 2 is not "<checksum> <path>": "not a line".');
    expect(problems).toContain('manifest-sha256.txt line 3 names "data/../bagit.txt", which is not a path inside the bag.');
    // The tag manifest still lists the files as they were made, so both changed files are caught there too.
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bagit\.txt does not match tagmanifest-sha256\.txt/),
        expect.stringMatching(/^manifest-sha256\.txt does not match tagmanifest-sha256\.txt/),
      ]),
    );
  });
});
