// One document laid out as the gazette prints it: title (标宋 2号, centred), 文号, the body on the
// 22 × 28 grid, then 署名 and 成文日期; a conference adds its facts, the 发布词 and the Q&A.

import type { Element, Root as HastRoot } from 'hast';
import type { TextStyle } from '../../../templates/pdf/style.ts';
import type { ConferenceDocument, GazetteDocument, SiteConfig } from '../../content/model.ts';
import { balancedLines, bodyBox, linesFor, newProblems, type BlockBox, type RenderContext } from './context.ts';
import { emitPages } from './emit.ts';
import type { PdfFonts } from './fonts.ts';
import { layoutBlocks } from './handlers/index.ts';
import { PageFlow, structNode, type StructNode } from './layout.ts';
import { LINE_BREAK, type InlineRun } from './linebreak.ts';
import { siteUtcOffset } from '../../content/siteSettings.ts';
import { createPdf, imageInfoFor, pdfBytes } from './pdfdoc.ts';
import { PdfRenderError } from './problems.ts';
import { textFor } from '../../../templates/strings.ts';

export interface DocumentPdfInput {
  doc: GazetteDocument;
  hast: HastRoot;
  /** 索引号, e.g. 003210045/2010-00069. */
  indexNumber: string;
  site: SiteConfig;
  /** Bytes of an image by its site URL path; images it cannot give are replaced by alt text. */
  assets?: (urlPath: string) => Uint8Array | undefined;
  /**
   * A conference's answers (Markdown, as its page renders them), one print tree per question, links
   * resolved as in `hast`. Without them each answer is printed as its plain text.
   */
  answers?: HastRoot[];
}

/** `2010-05-21` → `2010年5月21日`, as GB/T 9704 writes 成文日期. */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Render one document's PDF (article, press release or conference). */
export async function renderDocumentPdf(input: DocumentPdfInput, fonts: PdfFonts): Promise<Uint8Array> {
  const { doc, site } = input;
  const pdf = createPdf({
    title: doc.title,
    author: doc.department.name,
    subject: doc.summary ?? `${site.name} ${doc.category.name}`,
    keywords: [doc.category.name, doc.kind === 'article' ? doc.docNumber : undefined, input.indexNumber].filter(Boolean).join('; '),
    date: doc.date,
    utcOffset: siteUtcOffset(site),
    lang: doc.lang,
    idSeed: `${doc.id}\n${doc.sourceDigest}\n${input.indexNumber}`,
  });
  const flow = new PageFlow();
  const ctx = newContext(fonts, flow, site, { assets: input.assets, imageInfo: imageInfoFor(pdf), destPrefix: '' });
  const root = structNode('Document');
  flow.newPage();
  layoutDocument(ctx, root, input, { outlineLevel: 1, meta: true });
  if (ctx.problems.unknownTags.size + ctx.problems.missingGlyphs.size > 0) throwProblems(ctx, doc);
  emitPages(pdf, flow.pages, { structRoot: root, fonts, lang: doc.lang });
  return pdfBytes(pdf);
}

export function newContext(
  fonts: PdfFonts,
  flow: PageFlow,
  site: SiteConfig,
  extra: Pick<RenderContext, 'assets' | 'imageInfo' | 'destPrefix'>,
): RenderContext {
  const ctx: RenderContext = {
    fonts,
    flow,
    style: flow.style,
    problems: newProblems(),
    baseUrl: site.baseUrl,
    headingBase: 2,
    outlineLevel: 1,
    ...extra,
    all: (nodes, box) => layoutBlocks(nodes, ctx, box),
  };
  return ctx;
}

export function throwProblems(ctx: RenderContext, doc: { id: string; file: string; title: string }): never {
  throw new PdfRenderError(doc, [...ctx.problems.missingGlyphs], [...ctx.problems.unknownTags]);
}

/** Place a document on the flow from the current page on, its structure under `parent`. */
export function layoutDocument(ctx: RenderContext, parent: StructNode, input: DocumentPdfInput, options: { outlineLevel: number; meta: boolean }): void {
  const { doc } = input;
  const { flow, style } = ctx;
  const sect = structNode('Art', parent, { lang: doc.lang });
  ctx.headingBase = shallowestHeading(input.hast);
  ctx.outlineLevel = options.outlineLevel;
  if (options.meta) metaLines(ctx, sect, input);

  // Title: 2号 标宋, centred, on the grid.
  flow.add({ kind: 'outline', title: doc.title, level: options.outlineLevel, y: flow.y });
  const titleBox: BlockBox = { ...bodyBox(ctx, sect), text: style.title, fullWidth: undefined, indent: 0 };
  const titleLines = balancedLines(ctx, [{ text: doc.title, style: { ...style.title } }], titleBox);
  flow.placeLines(titleLines, { x: titleBox.x, width: titleBox.width, leading: style.grid.linePitch, align: 'center', struct: structNode('H1', sect) });
  if (doc.kind === 'article' && doc.docNumber) {
    centred(ctx, sect, [{ text: doc.docNumber, style: { ...style.docNumber, keepTogether: true } }], style.docNumber);
  }
  flow.y += style.grid.linePitch;

  const body = bodyBox(ctx, sect);
  if (doc.kind === 'conference') conferenceFacts(ctx, body, doc);
  layoutBlocks(input.hast.children, ctx, body);
  if (doc.kind === 'conference') questionsAndAnswers(ctx, body, doc, input.answers);
  if (doc.kind === 'article') signature(ctx, body, doc.department.name, textFor(doc.lang).date(doc.signedDate));
}

/** 索引号 / 发布机构 / 发布日期 above the title, small, as the government portal lists them. */
function metaLines(ctx: RenderContext, parent: StructNode, input: DocumentPdfInput): void {
  const { meta } = ctx.style;
  const { doc } = input;
  const words = textFor(doc.lang);
  const labels = words.pdfMeta;
  const gap = '\u3000\u3000';
  // A document in another language than the site's names its department and topic in that language where site.yaml does.
  const inLanguage = (entry: { name: string; nameEn?: string }) => (doc.lang === 'en' ? (entry.nameEn ?? entry.name) : entry.name);
  const text = [
    `${words.labelled(labels.indexNumber)}${input.indexNumber}${gap}${words.labelled(labels.department)}${inLanguage(doc.department)}`,
    `${words.labelled(labels.category)}${inLanguage(doc.category)}${gap}${words.labelled(labels.date)}${words.date(doc.date)}`,
  ].join(LINE_BREAK);
  const box: BlockBox = { ...bodyBox(ctx, parent), text: meta, fullWidth: undefined, indent: 0, leading: meta.leading };
  const lines = linesFor(ctx, [{ text, style: { role: meta.role, size: meta.size, color: meta.color } }], box, 0, false);
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: meta.leading, struct: structNode('P', parent) });
  ctx.flow.y += meta.leading / 2;
  ctx.flow.snapToGrid();
}

function centred(ctx: RenderContext, parent: StructNode, runs: InlineRun[], text: TextStyle): void {
  const box: BlockBox = { ...bodyBox(ctx, parent), text, indent: 0 };
  const lines = linesFor(ctx, runs, box, 0, false);
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: box.leading, align: 'center', struct: structNode('P', parent) });
}

/** 署名 centred over 成文日期 (as the document's language writes it), which stands four characters in from the right (GB/T 9704 7.3.5). */
function signature(ctx: RenderContext, box: BlockBox, name: string, date: string): void {
  const { signature: sig, grid } = ctx.style;
  const style = { role: sig.role, size: sig.size, color: sig.color };
  const noIndent: BlockBox = { ...box, indent: 0 };
  const [dateLine] = linesFor(ctx, [{ text: date, style }], noIndent, 0, false);
  const nameLines = linesFor(ctx, [{ text: name, style }], noIndent, 0, false);
  if (!dateLine) return;
  ctx.flow.ensure(grid.linePitch * (nameLines.length + 2));
  ctx.flow.y += grid.linePitch;
  const dateInset = sig.dateRightIndent * grid.charPitch;
  const dateX = box.x + box.width - dateInset - dateLine.width;
  const centre = dateX + dateLine.width / 2;
  const struct = structNode('P', box.struct);
  for (const line of nameLines) {
    const x = Math.max(box.x, Math.min(centre - line.width / 2, box.x + box.width - line.width - sig.nameRightIndent * grid.charPitch));
    ctx.flow.placeLines([line], { x, width: line.width, leading: grid.linePitch, struct });
  }
  ctx.flow.placeLines([dateLine], { x: dateX, width: dateLine.width, leading: grid.linePitch, struct });
}

/** 时间 / 地点 / 主持人 / 发布人, one labelled paragraph each, in the conference's language. */
function conferenceFacts(ctx: RenderContext, box: BlockBox, doc: ConferenceDocument): void {
  const words = textFor(doc.lang);
  const { conference } = words;
  const facts: [string, string][] = [
    [conference.time, `${words.date(doc.date)} ${doc.time}`],
    [conference.venue, doc.venue],
    [conference.host, words.person(doc.host.name, doc.host.title)],
    [conference.speakers, doc.speakers.map((s) => words.person(s.name, s.title)).join(words.listSeparator)],
  ];
  for (const [label, value] of facts) labelled(ctx, box, words.labelled(label), value);
  label(ctx, box, conference.statement);
}

function questionsAndAnswers(ctx: RenderContext, box: BlockBox, doc: ConferenceDocument, answers: HastRoot[] | undefined): void {
  if (doc.qa.length === 0) return;
  const words = textFor(doc.lang);
  const { conference } = words;
  label(ctx, box, conference.questions);
  for (const [n, pair] of doc.qa.entries()) {
    const qa = structNode('Div', box.struct);
    ctx.flow.add({ kind: 'destination', name: `qa-${pair.n}`, y: ctx.flow.y });
    paragraphs(pair.question).forEach((text, i) =>
      labelled(ctx, { ...box, struct: qa }, i === 0 ? words.labelled(pair.askedBy ?? conference.reporter) : '', text),
    );
    const answeredBy = words.labelled(pair.answeredBy ?? conference.answer);
    const answer = answers?.[n];
    if (answer === undefined) {
      paragraphs(pair.answer).forEach((text, i) => labelled(ctx, { ...box, struct: qa }, i === 0 ? answeredBy : '', text));
    } else {
      layoutBlocks(runInLabel(answer, answeredBy).children, ctx, { ...box, struct: qa });
    }
  }
}

/** The answer's tree with its label (黑体, as `strong` prints) run into its first paragraph, or in one of its own before. */
function runInLabel(answer: HastRoot, text: string): HastRoot {
  const labelNode: Element = { type: 'element', tagName: 'strong', properties: {}, children: [{ type: 'text', value: text }] };
  const [first, ...rest] = answer.children.filter((node) => node.type !== 'text' || node.value.trim() !== '');
  if (first?.type === 'element' && first.tagName === 'p') {
    return { ...answer, children: [{ ...first, children: [labelNode, ...first.children] }, ...rest] };
  }
  return { ...answer, children: [{ type: 'element', tagName: 'p', properties: {}, children: [labelNode] }, ...answer.children] };
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** A paragraph whose label (in 黑体, its colon included) runs into the text. */
function labelled(ctx: RenderContext, box: BlockBox, label: string, text: string): void {
  const base = { role: box.text.role, size: box.text.size, color: box.text.color };
  const runs: InlineRun[] = label ? [{ text: label, style: { ...base, role: ctx.style.conference.label.role } }] : [];
  runs.push({ text, style: base });
  const lines = linesFor(ctx, runs, box, box.indent);
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: box.leading, firstIndent: box.indent, struct: structNode('P', box.struct) });
}

/** A part heading of a conference (发布词, 答记者问): 黑体, like a first-level heading. */
function label(ctx: RenderContext, box: BlockBox, text: string): void {
  const style = ctx.style.headings[0]!;
  const lines = linesFor(ctx, [{ text, style: { ...style } }], { ...box, text: style }, box.indent, false);
  ctx.flow.ensure(box.leading * 2);
  ctx.flow.add({ kind: 'outline', title: text, level: ctx.outlineLevel + 1, y: ctx.flow.y });
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: box.leading, firstIndent: box.indent, struct: structNode('H2', box.struct) });
}

/** The shallowest heading level in a body, ignoring the footnotes' own label. */
function shallowestHeading(tree: HastRoot): number {
  let level = 7;
  const walk = (nodes: HastRoot['children'] | Element['children']): void => {
    for (const node of nodes) {
      if (node.type !== 'element') continue;
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) continue;
      const m = /^h([1-6])$/.exec(node.tagName);
      if (m) level = Math.min(level, Number(m[1]));
      walk(node.children);
    }
  };
  walk(tree.children);
  return level === 7 ? 2 : level;
}
