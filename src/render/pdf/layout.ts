// The page model between layout and PDF writing: pages of drawing operations, each tied to a
// node of the logical structure (tagged PDF) or marked as an artifact. Layout fills it without
// touching pdfkit, so page numbers are known before anything is written (the table of
// contents needs them) and a whole document can be measured first and drawn second.

import { pdfStyle, type PdfStyle } from '../../../templates/pdf/style.ts';
import type { Line } from './linebreak.ts';

/** A node of the logical structure tree; content goes only into leaves. */
export interface StructNode {
  type: string;
  children: StructNode[];
  alt?: string;
  lang?: string;
  /** Table header scope for TH. */
  scope?: 'Column' | 'Row';
}

export type DrawOp =
  | { kind: 'line'; x: number; baseline: number; line: Line; struct: StructNode | 'artifact' }
  | { kind: 'rule'; x1: number; y1: number; x2: number; y2: number; width: number; color: string }
  | { kind: 'image'; x: number; y: number; width: number; height: number; data: Uint8Array; struct: StructNode }
  | { kind: 'link'; x: number; y: number; width: number; height: number; target: string }
  | { kind: 'destination'; name: string; y: number }
  | { kind: 'outline'; title: string; level: number; y: number };

export interface PageModel {
  ops: DrawOp[];
  /** Physical page number, 1-based. */
  number: number;
  /** Printed page number; undefined for a page without one (the cover). */
  folio?: number;
  /** Running header text (left, right); undefined for none. */
  header?: [string, string];
}

export function structNode(type: string, parent?: StructNode, extra: Partial<StructNode> = {}): StructNode {
  const node: StructNode = { type, children: [], ...extra };
  parent?.children.push(node);
  return node;
}

/** Pages and a cursor over the text block of the current one. */
export class PageFlow {
  readonly pages: PageModel[] = [];
  readonly style: PdfStyle = pdfStyle;
  /** Top of the next thing to place, in pt from the page top. */
  y = 0;
  header: [string, string] | undefined;
  folios = true;

  constructor(firstNumber = 1) {
    this.nextNumber = firstNumber;
  }

  private nextNumber: number;

  get page(): PageModel {
    const page = this.pages[this.pages.length - 1];
    if (!page) throw new Error('PageFlow: no page yet; call newPage() first');
    return page;
  }

  get top(): number {
    return this.style.page.margin.top;
  }

  get bottom(): number {
    return this.style.page.margin.top + this.style.page.textHeight;
  }

  get left(): number {
    return this.style.page.margin.left;
  }

  get width(): number {
    return this.style.page.textWidth;
  }

  newPage(): PageModel {
    const number = this.nextNumber++;
    const page: PageModel = { ops: [], number };
    if (this.folios) page.folio = number;
    if (this.header) page.header = this.header;
    this.pages.push(page);
    this.y = this.top;
    return page;
  }

  /** Start a new page unless `height` still fits below the cursor. */
  ensure(height: number): void {
    if (this.pages.length === 0 || this.y + height > this.bottom + 0.01) this.newPage();
  }

  /** Move the cursor down to the next body grid line (after a table or image). */
  snapToGrid(): void {
    const pitch = this.style.grid.linePitch;
    const offset = (this.y - this.top) / pitch;
    const snapped = this.top + Math.ceil(offset - 0.001) * pitch;
    if (snapped > this.bottom + 0.01) this.newPage();
    else this.y = snapped;
  }

  add(op: DrawOp): void {
    this.page.ops.push(op);
  }

  /**
   * Place lines of text, each `leading` high, breaking pages as needed. `x` is absolute; `align`
   * positions lines narrower than `width`. Returns the pages' y of the first line top.
   */
  placeLines(lines: Line[], options: LinePlacement): void {
    lines.forEach((line, index) => {
      this.ensure(options.leading);
      const indent = index === 0 ? (options.firstIndent ?? 0) : 0;
      const room = options.width - indent;
      let x = options.x + indent;
      if (options.align === 'center') x += (room - line.width) / 2;
      else if (options.align === 'right') x += room - line.width - (options.rightInset ?? 0);
      const size = Math.max(...line.atoms.map((a) => a.style.size), 0);
      const baseline = this.y + (options.leading - size) / 2 + size * 0.88;
      this.add({ kind: 'line', x, baseline, line, struct: options.struct });
      addLinks(this, line, x, this.y, options.leading);
      this.y += options.leading;
    });
  }
}

export interface LinePlacement {
  x: number;
  width: number;
  leading: number;
  firstIndent?: number;
  align?: 'left' | 'center' | 'right';
  rightInset?: number;
  struct: StructNode | 'artifact';
}

/** One link rectangle per stretch of a line that shares a link target. */
function addLinks(flow: PageFlow, line: Line, x: number, top: number, height: number): void {
  let i = 0;
  while (i < line.atoms.length) {
    const target = line.atoms[i]!.style.link;
    if (!target) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < line.atoms.length && line.atoms[j + 1]!.style.link === target) j++;
    const start = x + line.xs[i]!;
    const end = x + line.xs[j]! + line.atoms[j]!.width;
    flow.add({ kind: 'link', x: start, y: top, width: end - start, height, target });
    i = j + 1;
  }
}
