// PDF benchmark: a ~100-page whole issue in a fresh process (fonts parsed there) and warm
// (fonts already loaded, as in a warm Lambda), and 3-page document PDFs warm. Prints wall time,
// pages/s, peak RSS and bytes per page. `benchPdf()` is what `npm run bench` calls; run this
// file directly (`node --import tsx bench/pdf.ts`) for the PDF numbers alone.
// Chromium's --print-to-pdf anchor is not run here (Debian `chromium` is not installed).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ArticleDocument } from '../src/content/model.ts';
import { loadPdfFonts, renderDocumentPdf, renderIssuePdf } from '../src/render/pdf/index.ts';
import { article, hastOf, issueOf, paragraphs, sections, site } from '../test/pdf/fixtures.ts';

const countPages = (bytes: Uint8Array): number => (Buffer.from(bytes).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
const mib = (): number => process.resourceUsage().maxRSS / 1024;

/** A deterministic article of about `pages` body pages, built from the seed facts. */
function benchArticle(i: number, pages: number): ArticleDocument {
  const parts: string[] = [];
  const perPage = 4;
  for (let k = 0; k < pages * perPage; k++) {
    if (k % 6 === 0) parts.push(`## ${['一', '二', '三', '四', '五', '六', '七', '八'][(k / 6) % 8]}、第${i + 1}篇第${k / 6 + 1}部分`);
    parts.push(paragraphs[(i + k) % paragraphs.length]!);
    if (k % 9 === 4) parts.push('| 项目 | 数量 | 说明 |\n| --- | ---: | --- |\n| 政务公开示范点 | 25家 | 覆盖市直部门、县区和窗口行业单位 |\n| 查阅点 | 15个 | 设在档案馆、图书馆和政务服务中心 |');
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
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--fresh-issue'], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`fresh-process PDF bench failed:\n${child.stderr}`);
  const fresh = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number; pages: number; bytes: number; rss: number };
  out.push(`pdf issue ${fresh.pages} pages, fresh process: ${(fresh.ms / 1000).toFixed(2)} s (fonts + layout + PDF), ${(fresh.pages / (fresh.ms / 1000)).toFixed(0)} pages/s, peak RSS ${fresh.rss.toFixed(0)} MiB, ${(fresh.bytes / fresh.pages / 1024).toFixed(1)} KiB/page`);

  const fonts = await loadPdfFonts();
  const articles = issueArticles(24, 4);
  const issue = issueOf(articles.map((a) => a.doc));
  await renderIssuePdf({ issue, site, articles }, fonts);
  const start = performance.now();
  const bytes = await renderIssuePdf({ issue, site, articles }, fonts);
  const warm = performance.now() - start;
  const pages = countPages(bytes);
  out.push(`pdf issue ${pages} pages, warm: ${(warm / 1000).toFixed(2)} s, ${(pages / (warm / 1000)).toFixed(0)} pages/s, ${(bytes.length / pages / 1024).toFixed(1)} KiB/page`);

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
  out.push(`pdf document (${(docPages / docs.length).toFixed(1)} pages avg), warm: ${perDoc.toFixed(0)} ms each over ${docs.length}, ${(docBytes / docPages / 1024).toFixed(1)} KiB/page`);
  out.push(`pdf peak RSS of this process: ${mib().toFixed(0)} MiB`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--fresh-issue')) {
    const result = await issueOnce();
    console.log(JSON.stringify({ ...result, rss: mib() }));
  } else {
    for (const line of await benchPdf()) console.log(line);
  }
}
