// The whole issue: cover (masthead, 期号 and 总期号, date, publisher), table of contents by
// section with page numbers and links, then every article from a new page under a running
// header. Articles are laid out before the contents so their page numbers are known; the
// contents' own length does not depend on those numbers (they sit in a reserved column).

import type { Root as HastRoot } from 'hast';
import type { ArticleDocument, GazetteIssue, SiteConfig } from '../../content/model.ts';
import { linesFor, type BlockBox, type RenderContext } from './context.ts';
import { chineseDate, layoutDocument, newContext, throwProblems } from './document.ts';
import { emitPages } from './emit.ts';
import type { PdfFonts } from './fonts.ts';
import { PageFlow, structNode, type StructNode } from './layout.ts';
import { placeLine, shapeRuns, type InlineRun, type InlineStyle } from './linebreak.ts';
import { siteUtcOffset } from '../../content/siteSettings.ts';
import { createPdf, imageInfoFor, pdfBytes } from './pdfdoc.ts';

export interface IssuePdfInput {
  issue: GazetteIssue;
  site: SiteConfig;
  /** The issue's articles in table-of-contents order (section order, then file order). */
  articles: { doc: ArticleDocument; hast: HastRoot; indexNumber: string }[];
  assets?: (urlPath: string) => Uint8Array | undefined;
}

interface TocEntry {
  section: string;
  title: string;
  docNumber?: string;
  destination: string;
  page: number;
}

/** `2010年第5期（总第69期）` */
export function issueLabel(issue: Pick<GazetteIssue, 'year' | 'number' | 'totalNumber'>): string {
  return `${issue.year}年第${issue.number}期（总第${issue.totalNumber}期）`;
}

/** Render the whole-issue PDF. */
export async function renderIssuePdf(input: IssuePdfInput, fonts: PdfFonts): Promise<Uint8Array> {
  const { issue, site } = input;
  const pdf = createPdf({
    title: `${site.gazetteTitle} ${issueLabel(issue)}`,
    author: site.publisher,
    subject: issue.title,
    keywords: [...new Set(input.articles.map((a) => a.doc.section.name))].join('; '),
    date: issue.date,
    utcOffset: siteUtcOffset(site),
    lang: site.lang,
    idSeed: [issue.sourceDigest, ...input.articles.map((a) => a.doc.sourceDigest)].join('\n'),
  });
  const imageInfo = imageInfoFor(pdf);
  const scratch = (first: number): RenderContext => newContext(fonts, new PageFlow(first), site, { assets: input.assets, imageInfo, destPrefix: '' });

  // The contents with placeholder numbers, only to learn how many pages it takes.
  const placeholder = input.articles.map((a) => ({ section: a.doc.section.name, title: a.doc.title, docNumber: a.doc.docNumber, destination: '', page: 999 }));
  const probe = scratch(2);
  probe.flow.newPage();
  layoutToc(probe, structNode('TOC'), placeholder);
  const firstArticlePage = 2 + probe.flow.pages.length;

  // Articles, each from a new page.
  const body = scratch(firstArticlePage);
  body.flow.header = [site.gazetteTitle, issueLabel(issue)];
  const articlesRoot = structNode('Part');
  const entries: TocEntry[] = [];
  let section = '';
  input.articles.forEach((article, index) => {
    const { doc } = article;
    body.destPrefix = `a${index + 1}-`;
    body.flow.newPage();
    const destination = `article-${doc.id}`;
    body.flow.add({ kind: 'destination', name: destination, y: body.flow.y });
    if (doc.section.name !== section) {
      section = doc.section.name;
      body.flow.add({ kind: 'outline', title: section, level: 1, y: body.flow.y });
    }
    entries.push({ section: doc.section.name, title: doc.title, docNumber: doc.docNumber, destination, page: body.flow.page.number });
    layoutDocument(body, articlesRoot, { ...article, site, assets: input.assets }, { outlineLevel: 2, meta: false });
    if (body.problems.missingGlyphs.size + body.problems.unknownTags.size > 0) throwProblems(body, doc);
  });

  // Cover and contents, now with the real page numbers.
  const front = scratch(1);
  const root = structNode('Document');
  front.flow.folios = false;
  front.flow.newPage();
  layoutCover(front, structNode('Sect', root), input);
  front.flow.folios = true;
  front.flow.newPage();
  const toc = structNode('TOC', root);
  layoutToc(front, toc, entries);
  if (front.flow.pages.length !== firstArticlePage - 1) {
    throw new Error(`renderIssuePdf: contents took ${front.flow.pages.length - 1} pages, expected ${firstArticlePage - 2}`);
  }
  root.children.push(...articlesRoot.children);
  emitPages(pdf, [...front.flow.pages, ...body.flow.pages], { structRoot: root, fonts, lang: site.lang });
  return pdfBytes(pdf);
}

function tocRuns(title: string, docNumber: string | undefined, style: InlineStyle): InlineRun[] {
  const runs: InlineRun[] = [{ text: title, style }];
  if (docNumber) runs.push({ text: `（${docNumber}）`, style: { ...style, keepTogether: true } });
  return runs;
}

function layoutCover(ctx: RenderContext, struct: StructNode, input: IssuePdfInput): void {
  const { flow, style } = ctx;
  const { cover } = style;
  const { issue, site } = input;
  const box = (text: BlockBox['text']): BlockBox => ({ x: flow.left, width: flow.width, struct, text, leading: text.size * 1.5, indent: 0 });
  const centre = (text: string, textStyle: BlockBox['text']): void => {
    const b = box(textStyle);
    const lines = linesFor(ctx, [{ text, style: { ...textStyle } }], b, 0, false);
    flow.placeLines(lines, { x: b.x, width: b.width, leading: b.leading, align: 'center', struct: structNode('P', struct) });
  };
  flow.y = cover.mastheadTop;
  centre(site.gazetteTitle, cover.masthead);
  flow.y += cover.issueLine.size;
  centre(issueLabel(issue), cover.issueLine);
  flow.y += cover.issueLine.size / 2;
  flow.add({ kind: 'rule', x1: flow.left, y1: flow.y, x2: flow.left + flow.width, y2: flow.y, width: cover.ruleWidth, color: cover.ruleColor });
  flow.y += cover.titleLine.size * 3;
  centre(issue.title, cover.titleLine);
  flow.y = flow.bottom - cover.footer.size * 1.5 * 3;
  centre(`${site.publisher}\u3000编印`, cover.footer);
  centre(`${chineseDate(issue.date)}出版`, cover.footer);
}

/** 目录: section names in 黑体, entries with dot leaders to their page number, each a link. */
function layoutToc(ctx: RenderContext, toc: StructNode, entries: TocEntry[]): void {
  const { flow, style } = ctx;
  const t = style.toc;
  const box: BlockBox = { x: flow.left, width: flow.width, struct: toc, text: t.entry, leading: t.leading, indent: 0 };
  flow.add({ kind: 'outline', title: '目录', level: 1, y: flow.y });
  const heading = linesFor(ctx, [{ text: '目\u3000\u3000录', style: { ...t.heading } }], { ...box, text: t.heading }, 0, false);
  flow.placeLines(heading, { x: box.x, width: box.width, leading: t.heading.size * 2.5, align: 'center', struct: structNode('H1', toc) });
  let section = '';
  for (const entry of entries) {
    if (entry.section !== section) {
      section = entry.section;
      const lines = linesFor(ctx, [{ text: section, style: { ...t.section } }], { ...box, text: t.section }, 0, false);
      flow.ensure(t.leading * 2);
      flow.placeLines(lines, { x: box.x, width: box.width, leading: t.leading, struct: structNode('P', toc) });
    }
    const item = structNode('TOCI', toc);
    const indent = t.entryIndent * t.entry.size;
    const link = `#${entry.destination}`;
    const runStyle = { ...t.entry, link };
    const lines = linesFor(
      ctx,
      tocRuns(entry.title, entry.docNumber, runStyle),
      { ...box, x: box.x + indent, width: box.width - indent - t.numberWidth },
      0,
      false,
    );
    flow.ensure(t.leading * lines.length);
    flow.placeLines(lines, { x: box.x + indent, width: box.width - indent - t.numberWidth, leading: t.leading, struct: structNode('Reference', item) });
    // Leader dots and the page number on the baseline of the entry's last line.
    const lastTop = flow.y - t.leading;
    const last = lines[lines.length - 1];
    const number = String(entry.page);
    const numberLine = placeLine(
      shapeRuns([{ text: number, style: runStyle }], ctx.fonts, { latinGap: 0, onMissing: (c) => ctx.problems.missingGlyphs.add(c) }),
      Infinity,
      false,
    );
    const dotsStart = box.x + indent + (last?.width ?? 0) + t.entry.size / 2;
    const dotsEnd = box.x + box.width - numberLine.width - t.entry.size / 2;
    const dot = placeLine(shapeRuns([{ text: t.leader, style: { ...t.entry } }], ctx.fonts, { latinGap: 0, onMissing: () => undefined }), Infinity, false);
    const count = Math.max(0, Math.floor((dotsEnd - dotsStart) / Math.max(dot.width, 1)));
    const saved = flow.y;
    flow.y = lastTop;
    if (count > 0) {
      const dots = placeLine(
        shapeRuns([{ text: t.leader.repeat(count), style: { ...t.entry } }], ctx.fonts, { latinGap: 0, onMissing: () => undefined }),
        Infinity,
        false,
      );
      flow.placeLines([dots], { x: dotsEnd - dots.width, width: dots.width, leading: t.leading, struct: 'artifact' });
      flow.y = lastTop;
    }
    flow.placeLines([numberLine], {
      x: box.x + box.width - numberLine.width,
      width: numberLine.width,
      leading: t.leading,
      struct: structNode('Reference', item),
    });
    flow.y = saved;
  }
}
