// Page models → PDF through pdfkit. Text is written as glyph ids with explicit positions (one
// TJ per run of a face), because our lines are already broken and justified: pdfkit's own text
// layout would re-shape and re-wrap them. Every piece of content is either marked content of
// a structure element or an artifact, so the PDF is fully tagged.

import type { FaceId } from '../../../templates/pdf/style.ts';
import { pdfStyle } from '../../../templates/pdf/style.ts';
import type { LoadedFace, PdfFonts } from './fonts.ts';
import type { DrawOp, PageModel, StructNode } from './layout.ts';
import { drawSize, shapeRuns, placeLine, type Atom, type Line } from './linebreak.ts';

type Doc = PDFKit.PDFDocument;
type StructElement = PDFKit.PDFStructureElement;

/** pdfkit's per-document embedded font; we feed its subset and width/ToUnicode tables directly. */
interface EmbeddedFont {
  id: string;
  subset: { includeGlyph(glyph: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
}

interface PageInternals {
  fonts: Record<string, unknown>;
  height: number;
}

export interface EmitOptions {
  structRoot: StructNode;
  fonts: PdfFonts;
  lang: string;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

function sameRun(atom: Atom, first: Atom): boolean {
  return (
    atom.face === first.face &&
    atom.style.size === first.style.size &&
    atom.style.color === first.style.color &&
    atom.style.superscript === first.style.superscript
  );
}

/** The most frequent value (to 0.01 pt), or 0 for none. */
function commonValue(values: number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const key = Math.round(v * 100) / 100;
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c > bestCount) {
      best = key;
      bestCount = c;
    }
  }
  return best;
}
const num = (n: number): string => (Math.round(n * 100) / 100).toString();

function rgb(color: string): string {
  const value = parseInt(color.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => num(c / 255)).join(' ');
}

/** Draw every page into the document, then close the structure tree. */
export function emitPages(doc: Doc, pages: PageModel[], options: EmitOptions): void {
  const embedded = new Map<FaceId, EmbeddedFont>();
  const fontFor = (face: LoadedFace): EmbeddedFont => {
    let font = embedded.get(face.id);
    if (!font) {
      doc.registerFont(face.id, face.font as never);
      doc.font(face.id);
      font = (doc as unknown as { _font: EmbeddedFont })._font;
      embedded.set(face.id, font);
    }
    return font;
  };

  const elements = new Map<StructNode, StructElement>();
  const root = doc.struct('Document', { lang: options.lang });
  doc.addStructure(root);
  const build = (node: StructNode, parent: StructElement): void => {
    const opts: Record<string, unknown> = {};
    if (node.alt) opts.alt = node.alt;
    if (node.lang) opts.lang = node.lang;
    if (node.scope) opts.scope = node.scope;
    const element = doc.struct(node.type, opts);
    parent.add(element);
    elements.set(node, element);
    for (const child of node.children) build(child, element);
  };
  for (const child of options.structRoot.children) build(child, root);

  const outline: PDFKit.PDFOutline[] = [doc.outline];
  for (const page of pages) {
    doc.addPage({ size: 'A4', margin: 0 });
    const internals = (doc as unknown as { page: PageInternals }).page;
    let open: StructNode | 'artifact' | undefined;
    const close = (): void => {
      if (open !== undefined) doc.endMarkedContent();
      open = undefined;
    };
    const mark = (struct: StructNode | 'artifact'): void => {
      if (open === struct) return;
      close();
      if (struct === 'artifact') doc.markContent('Artifact', { type: 'Layout' });
      else {
        const element = elements.get(struct);
        if (!element) throw new Error(`emitPages: structure node ${struct.type} is not in the tree`);
        element.add(doc.markStructureContent(struct.type));
      }
      open = struct;
    };
    for (const op of page.ops) {
      drawOp(op);
    }
    close();
    drawFurniture(page);

    function drawOp(op: DrawOp): void {
      switch (op.kind) {
        case 'line':
          mark(op.struct);
          writeLine(op.line, op.x, op.baseline);
          break;
        case 'rule':
          mark('artifact');
          doc.addContent(`q ${num(op.width)} w ${rgb(op.color)} RG ${num(op.x1)} ${num(op.y1)} m ${num(op.x2)} ${num(op.y2)} l S Q`);
          break;
        case 'image':
          mark(op.struct);
          doc.image(Buffer.from(op.data), op.x, op.y, { width: op.width, height: op.height });
          break;
        case 'link':
          if (op.target.startsWith('#')) doc.goTo(op.x, op.y, op.width, op.height, op.target.slice(1));
          else doc.link(op.x, op.y, op.width, op.height, op.target);
          break;
        case 'destination':
          doc.addNamedDestination(op.name, 'XYZ', 0, op.y, null);
          break;
        case 'outline': {
          const parent = outline[Math.min(op.level - 1, outline.length - 1)]!;
          const item = parent.addItem(op.title, { top: op.y, left: pdfStyle.page.width, expanded: op.level === 1 } as never);
          outline.length = Math.min(op.level, outline.length);
          outline[op.level] = item;
          break;
        }
      }
    }

    /** Running header and page number: pagination artifacts, not content. */
    function drawFurniture(model: PageModel): void {
      const style = pdfStyle;
      if (model.header) {
        const h = style.runningHeader;
        const baseline = style.page.margin.top - h.above;
        const textStyle = { role: h.role, size: h.size, color: h.color };
        const [left, right] = model.header;
        doc.markContent('Artifact', { type: 'Pagination' });
        const leftLine = simpleLine(left, textStyle);
        const rightLine = simpleLine(right, textStyle);
        writeLine(leftLine, style.page.margin.left, baseline);
        writeLine(rightLine, style.page.margin.left + style.page.textWidth - rightLine.width, baseline);
        const y = baseline + h.size * 0.35;
        doc.addContent(
          `q ${h.rule} w 0 0 0 RG ${num(style.page.margin.left)} ${num(y)} m ${num(style.page.margin.left + style.page.textWidth)} ${num(y)} l S Q`,
        );
        doc.endMarkedContent();
      }
      if (model.folio !== undefined) {
        const p = style.pageNumber;
        const line = simpleLine(p.format(model.folio), { role: p.role, size: p.size, color: '#000000' });
        const inset = p.inset * p.size;
        const x = model.folio % 2 === 1 ? style.page.margin.left + style.page.textWidth - inset - line.width : style.page.margin.left + inset;
        const baseline = style.page.margin.top + style.page.textHeight + p.below + p.size * 0.88;
        doc.markContent('Artifact', { type: 'Pagination', attached: ['Bottom'] });
        writeLine(line, x, baseline);
        doc.endMarkedContent();
      }
    }

    function simpleLine(text: string, style: { role: import('../../../templates/pdf/style.ts').FontRole; size: number; color: string }): Line {
      const atoms = shapeRuns([{ text, style }], options.fonts, { latinGap: 0, onMissing: () => undefined });
      return placeLine(atoms, Infinity, false);
    }

    /** One line as text objects: a TJ per stretch of glyphs sharing face, size and colour. */
    function writeLine(line: Line, x: number, baseline: number): void {
      const parts: string[] = [`q 1 0 0 -1 0 ${num(internals.height)} cm BT`];
      const y = internals.height - baseline;
      let i = 0;
      while (i < line.atoms.length) {
        const first = line.atoms[i]!;
        if (!first.face) {
          i++;
          continue;
        }
        const font = fontFor(first.face);
        internals.fonts[font.id] ??= font.ref();
        const size = drawSize(first.style);
        const rise = first.style.superscript ? first.style.size * pdfStyle.superscript.rise : 0;
        parts.push(`/${font.id} ${num(size)} Tf ${rgb(first.style.color)} rg 1 0 0 1 ${num(x + line.xs[i]!)} ${num(y + rise)} Tm`);
        let j = i + 1;
        while (j < line.atoms.length && sameRun(line.atoms[j]!, first)) j++;
        // Gaps between glyph advances and the positions layout chose; the most common one
        // (justification on a CJK line) becomes character spacing, so most glyphs need no number.
        const gaps: number[] = [];
        for (let k = i; k < j - 1; k++) gaps.push(line.xs[k + 1]! - line.xs[k]! - line.atoms[k]!.advance);
        const spacing = Math.round(commonValue(gaps) * 1000) / 1000;
        if (spacing !== 0) parts.push(`${spacing} Tc`);
        let tj = '[<';
        for (let k = i; k < j; k++) {
          const atom = line.atoms[k]!;
          const gid = font.subset.includeGlyph(atom.glyphId);
          if (font.widths[gid] == null) font.widths[gid] = (atom.advance * 1000) / size;
          if (font.unicode[gid] == null) font.unicode[gid] = [...atom.text].map((c) => c.codePointAt(0)!);
          tj += hex4(gid);
          const adjust = k < j - 1 ? Math.round(((spacing - gaps[k - i]!) * 1000 * 100) / size) / 100 : 0;
          if (adjust !== 0) tj += `> ${adjust} <`;
        }
        parts.push(`${tj}>] TJ`);
        if (spacing !== 0) parts.push('0 Tc');
        i = j;
      }
      parts.push('ET Q');
      doc.addContent(parts.join('\n'));
    }
  }
  root.end();
}
