// A document's page carries the SHA-256 of each file it publishes (its PDF, attachments and body
// images), for a reader to check a download against and for machines in the page's JSON-LD: the
// digests of exactly the bytes the bucket holds, in the document's language, and only of files
// that exist (no PDF in a build without PDFs, nothing once withdrawn). An embargoed document's
// staged page shows what its released page will.

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import { toHtml } from 'hast-util-to-html';
import { toString as textOf } from 'hast-util-to-string';
import { describe, expect, it } from 'vitest';
import { scheduledPrefix } from '../../src/content/keys.ts';
import { loadContent } from '../../src/content/load.ts';
import { keyOfUrlPath } from '../../src/content/sitePath.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

const before = new Date('2010-06-25T08:00:00+08:00');
const afterEmbargo = new Date('2010-06-30T10:00:00+08:00');

// Attachments of several kinds; the CSV's bytes are not UTF-8 text, so nothing re-encodes them.
const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('月份,受理量\n1月,1620\n2月,1544\n', 'utf8'), Buffer.from([0xff, 0x00])]);
const report = Buffer.from('%PDF-1.4\n% an attachment that is itself a PDF\n%%EOF\n', 'latin1');

/** The sample site with attachments on a Chinese release, its English translation and the embargoed release. */
function filesWithAttachments(): Record<string, string | Buffer> {
  const { ['press/2010/hotline.md']: hotline, ['press/2010/hotline-en.md']: english, ['press/2010/embargoed.md']: embargoed, ...rest } = sampleFiles();
  const attach = (source: string | Buffer | undefined, list: string) =>
    String(source).replace('category: 综合政务\n', `category: 综合政务\nattachments:\n${list}`);
  return {
    ...rest,
    'press/2010/hotline/index.md': attach(hotline, '  - { file: 受理量统计.csv, title: 受理量统计表 }\n  - { file: report.pdf, title: 工作报告 }\n'),
    'press/2010/hotline/受理量统计.csv': csv,
    'press/2010/hotline/report.pdf': report,
    'press/2010/hotline-en/index.md': attach(english, '  - { file: calls.csv, title: Calls by month }\n'),
    'press/2010/hotline-en/calls.csv': csv,
    'press/2010/embargoed/index.md': attach(embargoed, '  - { file: 附表.csv, title: 附表 }\n'),
    'press/2010/embargoed/附表.csv': csv,
  };
}

async function build(root: string, stores: { objects: ObjectStore; records: RecordStore }, now: Date, pdf: boolean): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  if (content === undefined) throw new Error(messages.map((m) => `${m.file}:${m.line} ${m.message}`).join('\n'));
  const renderer = await createSiteRenderer(content, { workers: 0, pdf });
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now });
  } finally {
    await renderer.close();
  }
}

async function bytesAt(objects: ObjectStore, key: string): Promise<Buffer> {
  const stored = await objects.get(key);
  if (stored === undefined) throw new Error(`no object at ${key}`);
  return Buffer.from(stored.body);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function pageTree(objects: ObjectStore, key: string): Promise<Root> {
  return fromHtml((await bytesAt(objects, key)).toString('utf8'));
}

/** What the page's 文件校验 block says of each file: link, digest and the details beside it. */
function listedFiles(tree: Root): { href: string; sha256: string; details: string; name: string }[] {
  return selectAll('.file-checksums li', tree).map((item) => ({
    href: String((select('a', item) as Element).properties.href),
    name: textOf(select('a', item) as Element),
    sha256: textOf(select('code', item) as Element),
    details: textOf(select('.file-details', item) as Element),
  }));
}

/** The schema.org description of the document (the JSON-LD block with an `@id` ending in #document). */
function documentJsonLd(tree: Root): Record<string, unknown> {
  const blocks = selectAll('script[type="application/ld+json"]', tree).map((script) => JSON.parse(textOf(script)) as Record<string, unknown>);
  const found = blocks.find((block) => String(block['@id']).endsWith('#document'));
  if (found === undefined) throw new Error('no JSON-LD of the document');
  return found;
}

/** The file a root-relative link leads to, as a site object key. */
const keyOf = (href: string) => SITE_PREFIX + keyOfUrlPath(href);

describe('a document page lists its files with their SHA-256', () => {
  it('shows the digest and size of exactly the PDF and attachment bytes published, in the page and in its JSON-LD', async () => {
    const stores = await createTestStores();
    const root = await writeSite(filesWithAttachments());
    await build(root, stores, before, true);
    const tree = await pageTree(stores.objects, `${SITE_PREFIX}press/2010/hotline/index.html`);

    const section = select('section.file-checksums', tree) as Element;
    expect(textOf(select('h2', section) as Element)).toBe('文件校验');
    // One sentence on what the digests are for, and the origin's manifest of every file.
    const manifest = select('p a', section) as Element;
    expect(manifest.properties.href).toBe('https://www.huainan.gov.cn/.well-known/gazette-manifest.json');
    expect(textOf(select('p', section) as Element)).toContain('SHA-256');

    const listed = listedFiles(tree);
    expect(listed.map((file) => file.href)).toEqual([
      '/press/2010/hotline/hotline.pdf',
      '/press/2010/hotline/受理量统计.csv',
      '/press/2010/hotline/report.pdf',
    ]);
    expect(listed.map((file) => file.name)).toEqual(['hotline.pdf', '受理量统计.csv', 'report.pdf']);
    for (const file of listed) {
      const bytes = await bytesAt(stores.objects, keyOf(file.href));
      expect(file.sha256, file.href).toBe(sha256(bytes));
      expect(file.details, file.href).toContain(`${bytes.length.toLocaleString('en-US')} 字节`);
    }
    expect(listed[0]?.details).toContain('PDF 版');
    expect(listed[1]?.details).toContain('受理量统计表');
    // The attachment's own bytes, not a copy of them the build made.
    expect(listed[1]?.sha256).toBe(sha256(csv));
    expect(listed[2]?.sha256).toBe(sha256(report));
    // The attachment list above gives the sizes too.
    expect(textOf(select('section.attachments', tree) as Element)).toContain('CSV，');

    const data = documentJsonLd(tree);
    const pdf = await bytesAt(stores.objects, `${SITE_PREFIX}press/2010/hotline/hotline.pdf`);
    expect(data.encoding).toEqual({
      '@type': 'MediaObject',
      name: 'hotline.pdf',
      contentUrl: 'https://www.huainan.gov.cn/press/2010/hotline/hotline.pdf',
      encodingFormat: 'application/pdf',
      contentSize: `${pdf.length} B`,
      sha256: sha256(pdf),
    });
    expect(data.associatedMedia).toEqual([
      {
        '@type': 'MediaObject',
        name: '受理量统计表',
        contentUrl: `https://www.huainan.gov.cn/press/2010/hotline/${encodeURIComponent('受理量统计.csv')}`,
        encodingFormat: 'text/csv',
        contentSize: `${csv.length} B`,
        sha256: sha256(csv),
      },
      {
        '@type': 'MediaObject',
        name: '工作报告',
        contentUrl: 'https://www.huainan.gov.cn/press/2010/hotline/report.pdf',
        encodingFormat: 'application/pdf',
        contentSize: `${report.length} B`,
        sha256: sha256(report),
      },
    ]);

    // A body image is a file of the document too: the conference lists its photo.
    const conference = await pageTree(stores.objects, `${SITE_PREFIX}press/2010/briefing/index.html`);
    const photo = listedFiles(conference).find((file) => file.href.endsWith('photo.png'));
    expect(photo?.sha256).toBe(sha256(await bytesAt(stores.objects, `${SITE_PREFIX}press/2010/briefing/photo.png`)));
    expect(documentJsonLd(conference).associatedMedia).toEqual([expect.objectContaining({ encodingFormat: 'image/png', sha256: photo?.sha256 })]);

    // The same digests as the document's record, its feed entry and the signed manifest use.
    const record = await stores.records.getDocument('press-2010-hotline');
    for (const file of listed)
      expect(record?.artifacts).toContainEqual(expect.objectContaining({ key: keyOf(file.href).slice(SITE_PREFIX.length), sha256: file.sha256 }));
  }, 120_000);

  it('labels an English document’s block in English', async () => {
    const stores = await createTestStores();
    await build(await writeSite(filesWithAttachments()), stores, before, true);
    const tree = await pageTree(stores.objects, `${SITE_PREFIX}press/2010/hotline-en/index.html`);
    const section = select('section.file-checksums', tree) as Element;
    expect(section.properties.lang).toBe('en');
    expect(textOf(select('h2', section) as Element)).toBe('File checksums');
    const listed = listedFiles(tree);
    expect(listed.map((file) => file.name)).toEqual(['hotline-en.pdf', 'calls.csv']);
    const pdf = await bytesAt(stores.objects, `${SITE_PREFIX}press/2010/hotline-en/hotline-en.pdf`);
    expect(listed[0]?.sha256).toBe(sha256(pdf));
    expect(listed[0]?.details).toContain('PDF edition');
    expect(listed[0]?.details).toContain(`${pdf.length.toLocaleString('en-US')} bytes`);
    expect(listed[1]?.details).toContain('Calls by month');
    expect(textOf(section)).not.toMatch(/[文件校验字节版]/);
  }, 120_000);

  it('lists no PDF in a build without PDFs, and nothing once the document is withdrawn', async () => {
    const stores = await createTestStores();
    const root = await writeSite(filesWithAttachments());
    await build(root, stores, before, false);
    const tree = await pageTree(stores.objects, `${SITE_PREFIX}press/2010/hotline/index.html`);
    expect(listedFiles(tree).map((file) => file.name)).toEqual(['受理量统计.csv', 'report.pdf']);
    expect(documentJsonLd(tree).encoding).toBeUndefined();
    expect((documentJsonLd(tree).associatedMedia as unknown[]).length).toBe(2);

    const index = join(root, 'press/2010/hotline/index.md');
    await writeFile(
      index,
      (await readFile(index, 'utf8')).replace(
        'category: 综合政务\n',
        'category: 综合政务\nstatus: withdrawn\nwithdrawnReason: 数据口径有误。\nwithdrawnDate: 2010-06-27\n',
      ),
    );
    expect(await build(root, stores, new Date('2010-06-27T08:00:00+08:00'), true)).toMatchObject({ withdrawn: 1 });
    const withdrawn = await pageTree(stores.objects, `${SITE_PREFIX}press/2010/hotline/index.html`);
    expect(select('.file-checksums', withdrawn)).toBeUndefined();
    expect(documentJsonLd(withdrawn).encoding).toBeUndefined();
    expect(documentJsonLd(withdrawn).associatedMedia).toBeUndefined();
  }, 120_000);

  it('stages an embargoed page with the digests its released page shows', async () => {
    const stores = await createTestStores();
    const root = await writeSite(filesWithAttachments());
    expect(await build(root, stores, before, true)).toMatchObject({ scheduled: 1 });
    const path = 'press/2010/embargoed/index.html';
    const staged = await pageTree(stores.objects, scheduledPrefix('press-2010-embargoed') + path);
    const stagedFiles = listedFiles(staged);
    expect(stagedFiles.map((file) => file.name)).toEqual(['embargoed.pdf', '附表.csv']);

    expect(await build(root, stores, afterEmbargo, true)).toMatchObject({ released: 1 });
    const released = await pageTree(stores.objects, SITE_PREFIX + path);
    for (const file of listedFiles(released)) expect(file.sha256).toBe(sha256(await bytesAt(stores.objects, keyOf(file.href))));
    expect(toHtml(select('section.file-checksums', released) as Element)).toBe(toHtml(select('section.file-checksums', staged) as Element));
    expect(documentJsonLd(released).encoding).toEqual(documentJsonLd(staged).encoding);
  }, 180_000);
});
