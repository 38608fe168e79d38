// What site.yaml sets for one city — its offset from UTC, the date of its feed ids, its example
// 文号 — reaches exactly the outputs that show it: feeds, PDF dates, the search page's hint.
// Two builds of the same content for two cities differ there and nowhere else.

import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { buildFiles, sampleFiles, siteYaml } from './site.ts';

const huainan = 'utcOffset: "+08:00"\nexamples: { docNumber: 淮府〔2010〕69号, id: huaifu-2010-69 }\nfeeds: { tagDate: 2010 }\n';
const elsewhere = 'utcOffset: "-05:00"\nexamples: { docNumber: 宁府〔2015〕3号, id: ningfu-2015-3 }\nfeeds: { tagDate: 2015-03 }\n';

/** Every public object of a build of the sample site with these site.yaml settings. */
async function buildWith(settings: string): Promise<Map<string, Buffer>> {
  const stores = await buildFiles({ ...sampleFiles(), 'site.yaml': siteYaml + settings });
  const objects = new Map<string, Buffer>();
  for await (const head of stores.objects.list(SITE_PREFIX)) {
    const stored = await stores.objects.get(head.key);
    objects.set(head.key.slice(SITE_PREFIX.length), Buffer.from(stored?.body ?? []));
  }
  return objects;
}

/** CreationDate of a PDF as written in it, by poppler's pdfinfo. */
async function creationDate(bytes: Buffer): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'gazette-pdf-')), 'document.pdf');
  await writeFile(file, bytes);
  return /CreationDate:\s*(\S+)/.exec(execFileSync('pdfinfo', ['-rawdates', file], { encoding: 'utf8' }))?.[1] ?? '';
}

let first: Map<string, Buffer>;
let second: Map<string, Buffer>;
const text = (site: Map<string, Buffer>, key: string) => site.get(key)?.toString('utf8') ?? '';

beforeAll(async () => {
  first = await buildWith(huainan);
  second = await buildWith(elsewhere);
}, 240_000);

describe('site-specific values from site.yaml', () => {
  it('changes feeds, PDFs (and the pages, packages and API records that carry their bytes) and the search page, and nothing else', () => {
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    const differing = [...first.keys()].filter((key) => !first.get(key)?.equals(second.get(key) ?? Buffer.alloc(0))).sort();
    // The API records carry the PDFs' sizes and hashes, and each document's render digest (which covers the site
    // configuration, as it does the templates); the deposit packages carry the PDFs and that digest; a document's
    // page lists its PDF's SHA-256 (文件校验).
    const documentPdfs = differing.filter((key) => /^(gazette|press)\/\d{4}\/(\d{2}\/)?([^/]+)\/\3\.pdf$/.test(key));
    const pages = new Set(documentPdfs.map((key) => `${key.slice(0, key.lastIndexOf('/'))}/index.html`));
    const explained = [/^feeds\//, /\.pdf$/, /-deposit\.zip$/, /^api\/v1\/(documents|issues)\/[^/]+\.json$/, /^search\/index\.html$/];
    expect(differing.filter((key) => !explained.some((pattern) => pattern.test(key)) && !pages.has(key))).toEqual([]);
    expect(differing).toContain('search/index.html');
    expect(differing).toContain('feeds/all/atom.xml');
    expect(differing).toContain('gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf');
    expect(differing).toContain('gazette/2010/05/huaifu-2010-69/index.html');
    expect(differing.filter((key) => key.endsWith('.html') && !pages.has(key))).toEqual(['search/index.html']);
    // In those pages only the PDF's digest and size differ: the file list and the JSON-LD's `encoding`.
    const withoutPdf = (html: string) => html.replace(/<section class="file-checksums"[\s\S]*?<\/section>/, '').replace(/"encoding":\{[^}]*\},?/, '');
    for (const key of differing.filter((key) => pages.has(key))) expect(withoutPdf(text(second, key)), key).toBe(withoutPdf(text(first, key)));
  });

  it('dates the feed ids with feeds.tagDate and the days with utcOffset', () => {
    const before = text(first, 'feeds/all/atom.xml');
    expect(before).toContain('<id>tag:www.huainan.gov.cn,2010:feed:all</id>');
    expect(before).toContain('<id>tag:www.huainan.gov.cn,2010:huaifu-2010-69</id>');
    expect(before).toContain('<published>2010-05-31T00:00:00+08:00</published>');
    const after = text(second, 'feeds/all/atom.xml');
    expect(after).toContain('<id>tag:www.huainan.gov.cn,2015-03:feed:all</id>');
    expect(after).toContain('<id>tag:www.huainan.gov.cn,2015-03:huaifu-2010-69</id>');
    expect(after).toContain('<published>2010-05-31T00:00:00-05:00</published>');
    expect(after).not.toContain('+08:00</published>');
    expect(text(second, 'feeds/all/rss.xml')).toContain('<pubDate>Mon, 31 May 2010 00:00:00 -0500</pubDate>');
  });

  it('dates the PDFs at midnight in the site offset', async () => {
    const pdf = 'gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf';
    expect(await creationDate(first.get(pdf) as Buffer)).toBe('D:20100530160000Z');
    expect(await creationDate(second.get(pdf) as Buffer)).toBe('D:20100531050000Z');
  });

  it('shows the site example 文号 in the search hint', () => {
    expect(text(first, 'search/index.html')).toContain('文号（如：淮府〔2010〕69号）');
    expect(text(second, 'search/index.html')).toContain('文号（如：宁府〔2015〕3号）');
    expect(text(second, 'search/index.html')).not.toContain('淮府');
  });
});
