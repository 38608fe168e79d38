// What every handler receives: the faces, the page flow, the style table, where to report
// problems, and how to reach images and turn URLs into PDF link targets.

import type { Element, ElementContent, RootContent } from 'hast';
import { pdfStyle, type PdfStyle, type TextStyle } from '../../../templates/pdf/style.ts';
import type { PdfFonts } from './fonts.ts';
import type { PageFlow, StructNode } from './layout.ts';
import { breakLines, shapeRuns, type InlineRun, type Line } from './linebreak.ts';

/** Everything wrong with one PDF, collected so that all of it is reported at once. */
export interface PdfProblems {
  /** Characters no face has. */
  missingGlyphs: Set<string>;
  /** hast tags without a handler. */
  unknownTags: Set<string>;
}

export interface ImageInfo {
  width: number;
  height: number;
}

export interface RenderContext {
  fonts: PdfFonts;
  flow: PageFlow;
  style: PdfStyle;
  problems: PdfProblems;
  /** Absolute site URL ending in `/`, for site-relative links. */
  baseUrl: string;
  /** Bytes of an image by site URL path. */
  assets?: (urlPath: string) => Uint8Array | undefined;
  /** Pixel size of image bytes pdfkit can embed (JPEG, PNG); undefined otherwise. */
  imageInfo: (data: Uint8Array) => ImageInfo | undefined;
  /** Shallowest heading level in the body: it gets the first heading style (一、). */
  headingBase: number;
  /** Prefix of named destinations, unique per article within an issue. */
  destPrefix: string;
  /** Bookmark level of the document title; its first-level headings go one below. */
  outlineLevel: number;
  /**
   * Lay out block children through the dispatcher. Handlers recurse through this, as
   * mdast-util-to-hast's handlers do through `state.all`, so no handler imports the dispatcher.
   */
  all: (nodes: (RootContent | ElementContent)[], box: BlockBox) => void;
}

/** Where a block is laid out and how its text looks. */
export interface BlockBox {
  x: number;
  width: number;
  struct: StructNode;
  text: TextStyle;
  leading: number;
  /** Full-width advance as a multiple of the size (the body grid), or undefined. */
  fullWidth?: number;
  /** First-line indent of paragraphs, in pt. */
  indent: number;
}

export function newProblems(): PdfProblems {
  return { missingGlyphs: new Set(), unknownTags: new Set() };
}

/** The box of the body text block: 仿宋 3号 on the 22 × 28 grid. */
export function bodyBox(ctx: RenderContext, struct: StructNode): BlockBox {
  const { body, grid, paragraphIndent } = ctx.style;
  return {
    x: ctx.flow.left,
    width: ctx.flow.width,
    struct,
    text: body,
    leading: grid.linePitch,
    fullWidth: grid.charPitch / body.size,
    indent: paragraphIndent * grid.charPitch,
  };
}

/** Break styled runs into lines for a box. */
export function linesFor(ctx: RenderContext, runs: InlineRun[], box: BlockBox, firstIndent: number, justify = true): Line[] {
  const atoms = shapeRuns(runs, ctx.fonts, {
    fullWidth: box.fullWidth,
    latinGap: ctx.style.latinGap,
    onMissing: (char) => ctx.problems.missingGlyphs.add(char),
  });
  return breakLines(atoms, { first: box.width - firstIndent, rest: box.width }, justify);
}

/** Lines of a centred title, balanced: as narrow as possible without adding a line. */
export function balancedLines(ctx: RenderContext, runs: InlineRun[], box: BlockBox): Line[] {
  const lines = linesFor(ctx, runs, box, 0, false);
  if (lines.length < 2) return lines;
  let low = box.width / lines.length;
  let high = box.width;
  let best = lines;
  for (let step = 0; step < 8; step++) {
    const mid = (low + high) / 2;
    const attempt = linesFor(ctx, runs, { ...box, width: mid }, 0, false);
    if (attempt.length <= lines.length) {
      best = attempt;
      high = mid;
    } else low = mid;
  }
  return best;
}

/** Resolve a hast href into a PDF link target, or undefined when it leads nowhere. */
export function linkTarget(ctx: RenderContext, href: unknown): string | undefined {
  if (typeof href !== 'string' || href === '') return undefined;
  if (href.startsWith('#')) return `#${ctx.destPrefix}${href.slice(1)}`;
  if (/^(?:https?:|mailto:|tel:)/i.test(href)) return href;
  if (href.startsWith('/')) return ctx.baseUrl + href.slice(1);
  return undefined;
}

export function isElement(node: unknown, tag?: string): node is Element {
  const el = node as Element | undefined;
  return el?.type === 'element' && (tag === undefined || el.tagName === tag);
}

export { pdfStyle };
