// Deposit packages for the reading points: the example issue is published with its PDFs, and its
// BagIt bag is checked twice — by our verifier and independently here, from the raw manifests —
// then damaged in each way a copy can be, and each damage must be reported by name.

import { appendFile, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { runDeposit } from '../../src/cli/deposit.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { depositZipKey, openBag, unzipBag, verifyBag } from '../../src/deposit/index.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type DocumentRecord, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');
const ZIP_KEY = 'gazette/2010/05/gazette-2010-05-deposit.zip';
// A name with a percent sign: the manifest must write it as %25 (RFC 8493 §2.1.3).
const ATTACHMENT = '2010年目录50%.csv';

function files(): Record<string, string | Buffer> {
  const sample = sampleFiles();
  const article = String(sample['gazette/2010/05/huaifu-2010-69.md']).replace(
    'category: 政务公开\n',
    `category: 政务公开\nattachments:\n  - { file: "${ATTACHMENT}", title: 政府信息公开目录 }\n`,
  );
  return { ...sample, 'gazette/2010/05/huaifu-2010-69.md': article, [`gazette/2010/05/${ATTACHMENT}`]: '序号,名称\n1,政务公开\n' };
}

function io(cwd: string) {
  let stdout = '';
  let stderr = '';
  const value: CliIo = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true) } as NodeJS.WritableStream,
    stderr: { write: (chunk: string) => ((stderr += chunk), true) } as NodeJS.WritableStream,
    cwd,
    now: () => now,
  };
  return { io: value, out: () => stdout, err: () => stderr };
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A manifest read the simple way, without the module under test: `<sha256>  <path>` per line. */
function manifestLines(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [checksum, ...rest] = line.split(/ +/);
    const path = rest.join(' ').replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%');
    entries.set(path, checksum as string);
  }
  return entries;
}

let stores: TestStores;
let root: string;
let content: ContentSet;
let work: string;

beforeAll(async () => {
  stores = await createTestStores();
  root = await writeSite(files());
  const loaded = await loadContent(root);
  expect(loaded.messages.filter((m) => m.severity === 'error')).toEqual([]);
  content = loaded.content as ContentSet;
  const renderer = await createSiteRenderer(content, { workers: 0 });
  try {
    await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now });
  } finally {
    await renderer.close();
  }
  work = await mkdtemp(join(tmpdir(), 'gazette-deposit-'));
}, 120_000);

async function site(key: string): Promise<Uint8Array> {
  const stored = await stores.objects.get(SITE_PREFIX + key);
  if (stored === undefined) throw new Error(`no object at ${key}`);
  return stored.body;
}

describe('the deposit published with an issue', () => {
  it('is a ZIP beside the issue page, linked from it, holding one valid bag', async () => {
    expect(depositZipKey({ year: 2010, number: 5, urlPath: '/gazette/2010/05/' })).toBe(ZIP_KEY);
    const page = Buffer.from(await site('gazette/2010/05/index.html')).toString('utf8');
    expect(page).toContain(`href="/${ZIP_KEY}"`);
    const head = await stores.objects.head(SITE_PREFIX + ZIP_KEY);
    expect(head?.contentType).toBe('application/zip');
    const issue = await stores.records.getIssue(2010, 5);
    expect(issue?.artifacts?.find((ref) => ref.key === ZIP_KEY)?.sha256).toBe(sha256(await site(ZIP_KEY)));

    const bag = unzipBag(await site(ZIP_KEY));
    expect(bag.name).toBe('gazette-2010-05-deposit');
    const report = await verifyBag({
      name: bag.name,
      paths: bag.files.map((file) => file.path).sort(),
      read: async (path) => bag.files.find((file) => file.path === path)?.bytes as Uint8Array,
    });
    expect(report.problems).toEqual([]);
  });

  it('checks out independently: every payload file listed with its sha256, tag files listed, Payload-Oxum right', async () => {
    // Unzipped with the library directly, not through the module under test.
    const entries = unzipSync(await site(ZIP_KEY));
    const bag = new Map(Object.entries(entries).map(([path, bytes]) => [path.replace(/^gazette-2010-05-deposit\//, ''), bytes]));
    const text = (path: string) => Buffer.from(bag.get(path) as Uint8Array).toString('utf8');
    expect(text('bagit.txt')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');

    const manifest = manifestLines(text('manifest-sha256.txt'));
    const payload = [...bag.keys()].filter((path) => path.startsWith('data/')).sort();
    expect([...manifest.keys()].sort()).toEqual(payload);
    for (const path of payload) expect(manifest.get(path), path).toBe(sha256(bag.get(path) as Uint8Array));
    expect(text('manifest-sha256.txt')).toContain('data/huaifu-2010-69/attachments/2010年目录50%25.csv\n');

    const tags = manifestLines(text('tagmanifest-sha256.txt'));
    expect([...tags.keys()].sort()).toEqual(['bag-info.txt', 'bagit.txt', 'manifest-sha256.txt']);
    for (const [path, checksum] of tags) expect(checksum, path).toBe(sha256(bag.get(path) as Uint8Array));

    const info = text('bag-info.txt');
    const octets = payload.reduce((sum, path) => sum + (bag.get(path) as Uint8Array).byteLength, 0);
    expect(info).toContain(`Payload-Oxum: ${octets}.${payload.length}\n`);
    expect(info).toContain('Source-Organization: 淮南市人民政府办公室\n');
    // From the content (the issue's and its articles' dates), not the build's clock.
    expect(info).toContain('Bagging-Date: 2010-05-31\n');
    expect(info).toContain('External-Identifier: https://www.huainan.gov.cn/gazette/2010/05/\n');

    // What the payload holds is exactly what the site serves.
    const served = async (path: string, key: string) => expect(sha256(bag.get(path) as Uint8Array), path).toBe(sha256(await site(key)));
    await served('data/gazette-2010-05.pdf', 'gazette/2010/05/gazette-2010-05.pdf');
    await served('data/huaifu-2010-69/huaifu-2010-69.pdf', 'gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf');
    await served('data/banfa-2010-12/banfa-2010-12.pdf', 'gazette/2010/05/banfa-2010-12/banfa-2010-12.pdf');
    await served(`data/huaifu-2010-69/attachments/${ATTACHMENT}`, `gazette/2010/05/huaifu-2010-69/${ATTACHMENT}`);
    expect(payload).toEqual([
      'data/banfa-2010-12/banfa-2010-12.pdf',
      'data/banfa-2010-12/dc.xml',
      'data/banfa-2010-12/metadata.json',
      'data/contents.json',
      'data/dc.xml',
      'data/gazette-2010-05.pdf',
      `data/huaifu-2010-69/attachments/${ATTACHMENT}`,
      'data/huaifu-2010-69/dc.xml',
      'data/huaifu-2010-69/huaifu-2010-69.pdf',
      'data/huaifu-2010-69/metadata.json',
    ]);
  });

  it('describes each article with Dublin Core and the disclosure fields of its record, and the issue with its contents', async () => {
    const bag = unzipBag(await site(ZIP_KEY));
    const text = (path: string) => Buffer.from(bag.files.find((file) => file.path === path)?.bytes as Uint8Array).toString('utf8');
    const record = (await stores.records.getDocument('huaifu-2010-69')) as DocumentRecord;

    const metadata = JSON.parse(text('data/huaifu-2010-69/metadata.json')) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      id: 'huaifu-2010-69',
      indexNumber: record.indexNumber,
      docNumber: '淮府〔2010〕69号',
      department: { name: '淮南市人民政府', id: 'szf' },
      signedDate: '2010-04-20',
      validity: '有效',
      issue: { year: 2010, number: 5, totalNumber: 53, section: '市政府文件' },
      url: 'https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/',
    });
    const listed = metadata['files'] as { path: string; sha256: string }[];
    expect(listed.map((file) => file.path)).toEqual(['huaifu-2010-69/huaifu-2010-69.pdf', `huaifu-2010-69/attachments/${ATTACHMENT}`]);
    expect(listed[0]?.sha256).toBe(record.artifacts.find((ref) => ref.key.endsWith('.pdf'))?.sha256);

    const dc = text('data/huaifu-2010-69/dc.xml');
    expect(dc).toContain('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(dc).toContain('<dc:title xml:lang="zh-CN">淮南市人民政府关于进一步推进政务公开工作的意见</dc:title>');
    expect(dc).toContain('<dc:creator>淮南市人民政府</dc:creator>');
    expect(dc).toContain(`<dc:identifier>索引号 ${record.indexNumber}</dc:identifier>`);
    expect(dc).toContain('<dc:identifier>文号 淮府〔2010〕69号</dc:identifier>');

    const contents = JSON.parse(text('data/contents.json')) as { sections: { name: string; items: { id: string; folder: string }[] }[]; pdf: { path: string } };
    expect(contents.pdf.path).toBe('gazette-2010-05.pdf');
    expect(contents.sections.map((section) => [section.name, section.items.map((item) => item.folder)])).toEqual([
      ['市政府文件', ['huaifu-2010-69/']],
      ['市政府办公室文件', ['banfa-2010-12/']],
    ]);
  });

  it('is not written again by a build with nothing changed', async () => {
    const before = await stores.objects.head(SITE_PREFIX + ZIP_KEY);
    const renderer = await createSiteRenderer(content, { workers: 0 });
    try {
      const summary = await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now: new Date('2010-07-01T08:00:00+08:00') });
      expect(summary.issuesWritten).toBe(0);
    } finally {
      await renderer.close();
    }
    expect((await stores.objects.head(SITE_PREFIX + ZIP_KEY))?.etag).toBe(before?.etag);
  });
});

describe('gazette deposit', () => {
  it('writes the bag as a folder and, with --zip, the very bytes the issue page offers; again, the same bytes', async () => {
    const first = io(work);
    expect(await runDeposit(['2010-05', '--content', root, '--out', 'one', '--zip'], first.io, { stores }), first.err()).toBe(0);
    expect(first.out()).toMatch(/^Wrote one\/gazette-2010-05-deposit\/: 10 payload files, .*; verified\.\nWrote one\/gazette-2010-05-deposit\.zip\.\n$/);
    const zip = await readFile(join(work, 'one/gazette-2010-05-deposit.zip'));
    expect(sha256(zip)).toBe(sha256(await site(ZIP_KEY)));

    const second = io(work);
    expect(await runDeposit(['2010/05', '--content', root, '--out', 'two', '--zip'], second.io, { stores }), second.err()).toBe(0);
    expect(sha256(await readFile(join(work, 'two/gazette-2010-05-deposit.zip')))).toBe(sha256(zip));

    const again = io(work);
    expect(await runDeposit(['2010-05', '--content', root, '--out', 'one'], again.io, { stores })).toBe(1);
    expect(again.err()).toContain('one/gazette-2010-05-deposit exists already; a deposit is never written over');

    // A year: every issue of it published (here the one).
    const year = io(work);
    expect(await runDeposit(['2010', '--content', root, '--out', 'year'], year.io, { stores }), year.err()).toBe(0);
    expect(year.out()).toMatch(/^Wrote year\/gazette-2010-05-deposit\/: 10 payload files/);
  });

  it('says which issues are published when asked for one that is not', async () => {
    const run = io(work);
    expect(await runDeposit(['2010-06', '--content', root], run.io, { stores })).toBe(1);
    expect(run.err()).toContain('issue 2010-06 has not been published');
    expect(run.err()).toContain('Published issues: 2010-05.');
    const year = io(work);
    expect(await runDeposit(['2011', '--content', root], year.io, { stores })).toBe(1);
    expect(year.err()).toContain('no issue of 2011 has been published');
  });

  it('--verify passes the bag folder and the ZIP, and names every damage done to a copy', async () => {
    const bagDir = join(work, 'one/gazette-2010-05-deposit');
    for (const path of [bagDir, `${bagDir}.zip`]) {
      const run = io(work);
      expect(await runDeposit(['--verify', path], run.io), run.err()).toBe(0);
      expect(run.out()).toContain('valid bag gazette-2010-05-deposit, 10 payload files');
    }

    const damaged = async (change: (dir: string) => Promise<void>) => {
      const run = io(work);
      const copy = join(work, `damaged-${Math.random().toString(36).slice(2)}`, 'gazette-2010-05-deposit');
      expect(await runDeposit(['2010-05', '--content', root, '--out', join(copy, '..')], io(work).io, { stores })).toBe(0);
      await change(copy);
      const code = await runDeposit(['--verify', copy], run.io);
      await rm(join(copy, '..'), { recursive: true });
      return { code, err: run.err() };
    };

    const flipped = await damaged(async (dir) => {
      const path = join(dir, 'data/huaifu-2010-69/huaifu-2010-69.pdf');
      const bytes = await readFile(path);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] as number) ^ 0xff;
      await writeFile(path, bytes);
    });
    expect(flipped.code).toBe(1);
    expect(flipped.err).toContain('data/huaifu-2010-69/huaifu-2010-69.pdf does not match manifest-sha256.txt');
    expect(flipped.err).toContain('1 problem(s)');

    const removed = await damaged((dir) => unlink(join(dir, `data/huaifu-2010-69/attachments/${ATTACHMENT}`)));
    expect(removed.code).toBe(1);
    expect(removed.err).toContain(`data/huaifu-2010-69/attachments/${ATTACHMENT} is listed in manifest-sha256.txt but is not in the bag (missing file)`);
    expect(removed.err).toMatch(/Payload-Oxum says \d+ bytes in 10 files; the payload has \d+ bytes in 9 files/);

    const added = await damaged((dir) => writeFile(join(dir, 'data/notes.txt'), 'not deposited\n'));
    expect(added.code).toBe(1);
    expect(added.err).toContain('data/notes.txt is in the payload but not listed in manifest-sha256.txt');

    const tagged = await damaged((dir) => writeFile(join(dir, 'readme.txt'), 'extra\n'));
    expect(tagged.err).toContain('readme.txt is in the bag but no manifest lists it');

    const info = await damaged((dir) => appendFile(join(dir, 'bag-info.txt'), 'Contact-Name: 张三\n'));
    expect(info.err).toContain('bag-info.txt does not match tagmanifest-sha256.txt');

    const missing = io(work);
    expect(await runDeposit(['--verify', join(work, 'nothing-here')], missing.io)).toBe(1);
    expect(missing.err()).toContain('there is no file or folder at');
  });

  it('reads a bag folder through openBag with the same verdict as its ZIP', async () => {
    const folder = await verifyBag(await openBag(join(work, 'one/gazette-2010-05-deposit')));
    const zipped = await verifyBag(await openBag(join(work, 'one/gazette-2010-05-deposit.zip')));
    expect(folder).toEqual(zipped);
  });
});

describe('a file the site holds that is not what its record published', () => {
  it('stops the deposit with the key, both checksums and what to do, writing nothing', async () => {
    const key = 'gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf';
    const original = await site(key);
    await stores.objects.put({ key: SITE_PREFIX + key, body: new Uint8Array(Buffer.from('%PDF-1.7 not the published bytes')), contentType: 'application/pdf' });
    try {
      const run = io(work);
      expect(await runDeposit(['2010-05', '--content', root, '--out', 'tampered'], run.io, { stores })).toBe(1);
      expect(run.err()).toContain(
        `the record of document huaifu-2010-69 (version 1) names ${key} (sha256 ${sha256(original)}), but the site holds other bytes there`,
      );
      expect(run.err()).toContain('restore it');
      expect(run.err()).toContain('Nothing was written.');
      await expect(readFile(join(work, 'tampered/gazette-2010-05-deposit/bagit.txt'))).rejects.toThrow();
    } finally {
      await stores.objects.put({ key: SITE_PREFIX + key, body: original, contentType: 'application/pdf' });
    }
  });
});

describe('a withdrawal', () => {
  it('makes a new package: the article keeps its metadata, marked withdrawn, without its files, dated by the withdrawal', async () => {
    const before = sha256(await site(ZIP_KEY));
    const withdrawn = String(files()['gazette/2010/05/banfa-2010-12.md']).replace(
      'category: 政务公开\n',
      'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 内容已调整\nwithdrawnDate: 2010-06-30\n',
    );
    await writeFile(join(root, 'gazette/2010/05/banfa-2010-12.md'), withdrawn);
    const loaded = await loadContent(root);
    expect(loaded.messages.filter((m) => m.severity === 'error')).toEqual([]);
    const renderer = await createSiteRenderer(loaded.content as ContentSet, { workers: 0 });
    try {
      await buildSite({
        content: loaded.content as ContentSet,
        objects: stores.objects,
        records: stores.records,
        renderer,
        now: new Date('2010-07-01T08:00:00+08:00'),
      });
    } finally {
      await renderer.close();
    }
    const zip = await site(ZIP_KEY);
    expect(sha256(zip)).not.toBe(before);
    const bag = unzipBag(zip);
    const paths = bag.files.map((file) => file.path);
    expect(paths.filter((path) => path.startsWith('data/banfa-2010-12/'))).toEqual(['data/banfa-2010-12/dc.xml', 'data/banfa-2010-12/metadata.json']);
    const text = (path: string) => Buffer.from(bag.files.find((file) => file.path === path)?.bytes as Uint8Array).toString('utf8');
    expect(JSON.parse(text('data/banfa-2010-12/metadata.json'))).toMatchObject({
      status: 'withdrawn',
      withdrawn: { date: '2010-06-30', reason: '内容已调整' },
      files: [],
    });
    expect(text('bag-info.txt')).toContain('Bagging-Date: 2010-06-30\n');
    const report = await verifyBag({
      name: bag.name,
      paths: [...paths].sort(),
      read: async (path) => bag.files.find((file) => file.path === path)?.bytes as Uint8Array,
    });
    expect(report.problems).toEqual([]);
  });
});
