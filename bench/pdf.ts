// PDF benchmark: a ~100-page whole issue in a fresh process (fonts parsed there) and warm
// (fonts already loaded, as in a warm Lambda), and 3-page document PDFs warm. Prints wall time,
// pages/s, peak RSS and bytes per page. `benchPdf()` is what `npm run bench` calls; run this
// file directly (`node --import tsx bench/pdf.ts`) for the PDF numbers alone.
// The anchor, in the same run: the same issue printed by headless Chromium (`--print-to-pdf`,
// Debian `chromium`) from its HTML, also a fresh process (spawn to exit). Its print layout is the
// one our PDFs use (GB/T 9704-2012): A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right,
// body 16 pt (三号) on 22 lines of the 225 mm text block, title 22 pt, with the site stylesheet's print rules
// (navigation hidden); Chromium takes the system's CJK fonts where we embed subsets of ours.
// Then per-document PDFs of the 1,000-document corpus.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../src/content/load.ts';
import { createRenderContext, renderDocumentPage, siteAssets } from '../src/render/html/index.ts';
import { markdownToHast } from '../src/render/markdown.ts';
import { generateCorpus, writeCorpus } from './corpus.ts';
import type { ArticleDocument } from '../src/content/model.ts';
import { loadPdfFonts, renderDocumentPdf, renderIssuePdf } from '../src/render/pdf/index.ts';
import { article, hastOf, issueOf, paragraphs, sections, site } from '../test/pdf/fixtures.ts';

const countPages = (bytes: Uint8Array): number =>
  (
    Buffer.from(bytes)
      .toString('latin1')
      .match(/\/Type \/Page\b/g) ?? []
  ).length;
const mib = (): number => process.resourceUsage().maxRSS / 1024;

/** A deterministic article of about `pages` body pages, built from the seed facts. */
function benchArticle(i: number, pages: number): ArticleDocument {
  const parts: string[] = [];
  const perPage = 4;
  for (let k = 0; k < pages * perPage; k++) {
    if (k % 6 === 0) parts.push(`## ${['一', '二', '三', '四', '五', '六', '七', '八'][(k / 6) % 8]}、第${i + 1}篇第${k / 6 + 1}部分`);
    parts.push(paragraphs[(i + k) % paragraphs.length]!);
    if (k % 9 === 4)
      parts.push(
        '| 项目 | 数量 | 说明 |\n| --- | ---: | --- |\n| 政务公开示范点 | 25家 | 覆盖市直部门、县区和窗口行业单位 |\n| 查阅点 | 15个 | 设在档案馆、图书馆和政务服务中心 |',
      );
  }
  return article({
    id: `bench-${i}`,
    title: `淮南市人民政府关于做好第${i + 1}批政务公开重点工作的通知`,
    docNumber: `淮府〔2010〕${100 + i}号`,
    section: sections[i % 2]!,
    body: parts.join('\n\n'),
    sourceDigest: i.toString(16).padStart(64, '0'),
  });
}

function issueArticles(count: number, pages: number): { doc: ArticleDocument; hast: ReturnType<typeof hastOf>; indexNumber: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const doc = benchArticle(i, pages);
    return { doc, hast: hastOf(doc.body), indexNumber: `003210045/2010-${String(100 + i).padStart(5, '0')}` };
  });
}

/** One issue render in this process; used by the fresh-process child. */
async function issueOnce(): Promise<{ ms: number; pages: number; bytes: number }> {
  const start = performance.now();
  const fonts = await loadPdfFonts();
  const articles = issueArticles(24, 4);
  const bytes = await renderIssuePdf({ issue: issueOf(articles.map((a) => a.doc)), site, articles }, fonts);
  return { ms: performance.now() - start, pages: countPages(bytes), bytes: bytes.length };
}

export async function benchPdf(): Promise<string[]> {
  const out: string[] = [];
  // Fresh process: parse fonts and render the issue, nothing cached.
  const spawned = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--fresh-issue'], { encoding: 'utf8' });
  const wall = (performance.now() - spawned) / 1000;
  if (child.status !== 0) throw new Error(`fresh-process PDF bench failed:\n${child.stderr}`);
  const fresh = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number; pages: number; bytes: number; rss: number };
  out.push(
    `pdf issue ${fresh.pages} pages, fresh process: ${wall.toFixed(2)} s wall from spawn to exit ` +
      `(${(fresh.ms / 1000).toFixed(2)} s inside: fonts + layout + PDF), ${(fresh.pages / wall).toFixed(0)} pages/s, peak RSS ${fresh.rss.toFixed(0)} MiB, ${(fresh.bytes / fresh.pages / 1024).toFixed(1)} KiB/page`,
  );

  const fonts = await loadPdfFonts();
  const articles = issueArticles(24, 4);
  const issue = issueOf(articles.map((a) => a.doc));
  await renderIssuePdf({ issue, site, articles }, fonts);
  const start = performance.now();
  const bytes = await renderIssuePdf({ issue, site, articles }, fonts);
  const warm = performance.now() - start;
  const pages = countPages(bytes);
  out.push(
    `pdf issue ${pages} pages, warm: ${(warm / 1000).toFixed(2)} s, ${(pages / (warm / 1000)).toFixed(0)} pages/s, ${(bytes.length / pages / 1024).toFixed(1)} KiB/page`,
  );

  const docs = Array.from({ length: 20 }, (_, i) => benchArticle(i, 3));
  const hasts = docs.map((d) => hastOf(d.body));
  await renderDocumentPdf({ doc: docs[0]!, hast: hasts[0]!, indexNumber: '003210045/2010-00001', site }, fonts);
  let docPages = 0;
  let docBytes = 0;
  const docStart = performance.now();
  for (let i = 0; i < docs.length; i++) {
    const pdf = await renderDocumentPdf({ doc: docs[i]!, hast: hasts[i]!, indexNumber: '003210045/2010-00001', site }, fonts);
    docPages += countPages(pdf);
    docBytes += pdf.length;
  }
  const perDoc = (performance.now() - docStart) / docs.length;
  out.push(
    `pdf document (${(docPages / docs.length).toFixed(1)} pages avg), warm: ${perDoc.toFixed(0)} ms each over ${docs.length}, ${(docBytes / docPages / 1024).toFixed(1)} KiB/page`,
  );
  out.push(`pdf peak RSS of this process: ${mib().toFixed(0)} MiB`);
  out.push(...(await chromiumAnchor(articles.map((a) => a.doc))));
  out.push(...(await corpusPdfs(1000, fonts)));
  return out;
}

/** The same issue as one HTML document (each article's page body, the site stylesheet inline), printed by Chromium. */
async function chromiumAnchor(docs: ArticleDocument[]): Promise<string[]> {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) return ['pdf anchor: Debian chromium is not installed (npm run bench installs it as root); anchor not measured'];
  const ctx = createRenderContext(site);
  const css = Buffer.from(siteAssets()[0]!.body).toString('utf8');
  const mains = docs.map((doc) => {
    const html = Buffer.from(renderDocumentPage(ctx, doc, { indexNumber: '003210045/2010-00001' }).body).toString('utf8');
    return /<main\b[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
  });
  const dir = await mkdtemp(join(tmpdir(), 'gazette-chromium-'));
  const htmlFile = join(dir, 'issue.html');
  // The same page geometry and type sizes as templates/pdf/style.ts, after the site's own print rules.
  const printLayout =
    '@page { size: A4; margin: 37mm 26mm 35mm 28mm; } @media print { body { font-size: 16pt; line-height: calc(225mm / 22); } h1 { font-size: 22pt; } }';
  await writeFile(
    htmlFile,
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${css}\n${printLayout}</style></head><body>${mains.map((m) => `<main>${m}</main>`).join('')}</body></html>`,
  );
  const pdfFile = join(dir, 'issue.pdf');
  const start = performance.now();
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      chromium,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${pdfFile}`,
      `file://${htmlFile}`,
    ],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - start) / 1000;
  const rssKiB = Number(run.stderr.trim().split('\n').pop());
  const bytes = existsSync(pdfFile) ? await readFile(pdfFile) : undefined;
  await rm(dir, { recursive: true, force: true });
  if (bytes === undefined) return [`pdf anchor: chromium failed: ${run.stderr.slice(-300)}`];
  const pages = countPages(bytes);
  return [
    `pdf anchor: chromium --print-to-pdf of the same issue from HTML, fresh process, A4 with the same margins and type sizes (${pages} pages): ${seconds.toFixed(2)} s from spawn to exit, peak RSS of its main process ${(rssKiB / 1024).toFixed(0)} MiB, ${(bytes.length / pages / 1024).toFixed(1)} KiB/page`,
  ];
}

/** Per-document PDFs of the generated corpus, one after another on one core, fonts warm. */
async function corpusPdfs(size: number, fonts: Awaited<ReturnType<typeof loadPdfFonts>>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-pdf-corpus-'));
  await writeCorpus(generateCorpus(size), dir);
  const { content } = await loadContent(dir);
  if (content === undefined) throw new Error('the generated corpus does not validate');
  let pages = 0;
  let bytes = 0;
  const start = performance.now();
  for (const doc of content.documents) {
    const pdf = await renderDocumentPdf(
      { doc, hast: markdownToHast(doc.body, { resolveLink: () => undefined }), indexNumber: `${doc.department.code}/2010-00001`, site: content.site },
      fonts,
    );
    pages += countPages(pdf);
    bytes += pdf.length;
  }
  const seconds = (performance.now() - start) / 1000;
  await rm(dir, { recursive: true, force: true });
  return [
    `pdf ${content.documents.length}-document corpus, one core, fonts warm: ${seconds.toFixed(1)} s, ${(content.documents.length / seconds).toFixed(1)} docs/s, ${(pages / seconds).toFixed(0)} pages/s (${pages} pages), ${(bytes / pages / 1024).toFixed(1)} KiB/page, peak RSS ${mib().toFixed(0)} MiB`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--fresh-issue')) {
    const result = await issueOnce();
    console.log(JSON.stringify({ ...result, rss: mib() }));
  } else {
    for (const line of await benchPdf()) console.log(line);
  }
}
