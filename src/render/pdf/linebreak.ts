// Chinese line breaking: runs of styled text → atoms (one glyph each, from the first face of the
// role's chain that has it) → break opportunities (UAX #14 from the `linebreak` package, then
// our kinsoku rules) → greedy lines → justification by spacing between characters.

import LineBreaker from 'linebreak';
import type { FontRole } from '../../../templates/pdf/style.ts';
import type { LoadedFace, PdfFonts } from './fonts.ts';

export interface InlineStyle {
  role: FontRole;
  size: number;
  color: string;
  /** External URL (http…, mailto:) or `#name` for a named destination in the same PDF. */
  link?: string;
  superscript?: boolean;
  /** Never break inside this run (a 文号 such as 淮府〔2010〕69号). */
  keepTogether?: boolean;
}

export interface InlineRun {
  text: string;
  style: InlineStyle;
}

export type AtomKind = 'ideo' | 'latin' | 'space' | 'newline';

/** One glyph on its way to a line. */
export interface Atom {
  text: string;
  kind: AtomKind;
  /** undefined when no face of the chain has the character (reported, never drawn). */
  face: LoadedFace | undefined;
  glyphId: number;
  /** Natural advance of the glyph at its size, in pt. */
  advance: number;
  /** Advance used for layout (full-width glyphs snapped to the character grid), in pt. */
  width: number;
  /** Extra space before the atom when it does not start a line (ideograph ↔ Latin), in pt. */
  gapBefore: number;
  style: InlineStyle;
}

export interface Line {
  atoms: Atom[];
  /** x of each atom relative to the line start. */
  xs: number[];
  /** Width the line occupies. */
  width: number;
}

/** Characters that never start a line (行首禁则). */
export const noLineStart = new Set([
  ...'，。、；：？！）》」』】〕〉’”…—～·%‰℃°,.;:?!)]}»›〗〙〛｝］ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・・',
]);
/** Characters that never end a line (行尾禁则). */
export const noLineEnd = new Set([...'（《「『【〔〈‘“([{«‹〖〘〚｛［']);

const han = /\p{Script=Han}/u;

/** A forced line break (from `<br>`); a plain `\n` is a soft break and counts as a space. */
export const LINE_BREAK = '\u2028';

function kindOf(char: string, advance: number, size: number): AtomKind {
  if (char === LINE_BREAK) return 'newline';
  if (char === ' ' || char === '\t' || char === '\u00a0') return 'space';
  if (advance >= 0.9 * size) return 'ideo';
  const cp = char.codePointAt(0) ?? 0;
  return cp >= 0x2e80 ? 'ideo' : 'latin';
}

export interface ShapeOptions {
  /** Width of a full-width glyph as a multiple of the font size (grid pitch ÷ size); default 1. */
  fullWidth?: number;
  /** Ideograph ↔ Latin gap, in em. */
  latinGap: number;
  /** Called once per character that no face of the chain has. */
  onMissing: (char: string) => void;
}

/** Turn styled runs into atoms, resolving each character's face through its role's chain. */
export function shapeRuns(runs: InlineRun[], fonts: PdfFonts, options: ShapeOptions): Atom[] {
  const atoms: Atom[] = [];
  for (const run of runs) {
    const style = run.style;
    const size = drawSize(style);
    for (const char of run.text.replace(/[\t\r\n]/g, ' ')) {
      const cp = char.codePointAt(0) ?? 0;
      if (char === LINE_BREAK) {
        atoms.push({ text: char, kind: 'newline', face: undefined, glyphId: 0, advance: 0, width: 0, gapBefore: 0, style });
        continue;
      }
      const lookup = cp === 0xa0 ? 0x20 : cp;
      const found = fonts.resolve(style.role, lookup);
      if (!found) options.onMissing(char);
      const advance = found ? (found.glyph.advance * size) / 1000 : size;
      const kind = kindOf(char, advance, size);
      const width = kind === 'ideo' && advance >= 0.9 * size ? size * (options.fullWidth ?? 1) : advance;
      atoms.push({ text: char, kind, face: found?.face, glyphId: found?.glyph.id ?? 0, advance, width, gapBefore: 0, style });
    }
  }
  return spaceAtoms(collapseSpaces(atoms), options.latinGap);
}

/** Collapse runs of spaces and drop spaces next to ideographs (soft line breaks in Chinese). */
function collapseSpaces(atoms: Atom[]): Atom[] {
  const out: Atom[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i]!;
    if (atom.kind === 'space') {
      const prev = out[out.length - 1];
      let j = i + 1;
      while (atoms[j]?.kind === 'space') j++;
      const next = atoms[j];
      i = j - 1;
      if (!prev || !next || prev.kind === 'ideo' || next.kind === 'ideo' || prev.kind === 'newline' || next.kind === 'newline') continue;
    }
    out.push(atom);
  }
  return out;
}

/** A quarter em between a Han character and a Latin letter or digit, as CJK typesetting does. */
function spaceAtoms(atoms: Atom[], latinGap: number): Atom[] {
  for (let i = 1; i < atoms.length; i++) {
    const prev = atoms[i - 1]!;
    const atom = atoms[i]!;
    const pair = (a: Atom, b: Atom): boolean => a.kind === 'ideo' && han.test(a.text) && b.kind === 'latin' && /[\p{L}\p{N}]/u.test(b.text);
    if (pair(prev, atom) || pair(atom, prev)) atom.gapBefore = latinGap * Math.min(prev.style.size, atom.style.size);
  }
  return atoms;
}

/** For each atom, whether a line may break before it: 0 never, 1 allowed, 2 required. */
export function breakOpportunities(atoms: Atom[]): Uint8Array {
  const text = atoms.map((a) => a.text).join('');
  const atomAt: number[] = [];
  atoms.forEach((atom, index) => {
    for (let k = 0; k < atom.text.length; k++) atomAt.push(index);
  });
  const result = new Uint8Array(atoms.length);
  const breaker = new LineBreaker(text);
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const index = atomAt[bk.position];
    if (index !== undefined) result[index] = 1;
  }
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i]!;
    // UAX #14 (as the package implements it) never breaks around quotation marks (class QU);
    // in Chinese text “ opens and ” closes like brackets, so allow those breaks (Unicode 15.1
    // added the same for East Asian context as LB19a); kinsoku below still applies.
    if (i > 0 && (/[“‘]/.test(atom.text) || /[”’]/.test(atoms[i - 1]!.text)) && atom.kind !== 'space') result[i] = 1;
    if (i === 0) result[i] = 0;
    else if (atoms[i - 1]!.kind === 'newline') result[i] = 2;
    else if (noLineStart.has(atom.text) || noLineEnd.has(atoms[i - 1]!.text)) result[i] = 0;
    else if (atom.style.keepTogether && atom.style === atoms[i - 1]!.style) result[i] = 0;
  }
  return result;
}

/** Greedy line filling at the allowed breaks; `widths` gives the first line's and the others'. */
export function breakLines(atoms: Atom[], widths: { first: number; rest: number }, justify = true): Line[] {
  const breaks = breakOpportunities(atoms);
  const lines: Line[] = [];
  let start = skipSpaces(atoms, 0);
  while (start < atoms.length) {
    const limit = lines.length === 0 ? widths.first : widths.rest;
    let width = 0;
    let lastBreak = -1;
    let end = atoms.length;
    let forced = false;
    for (let i = start; i < atoms.length; i++) {
      const atom = atoms[i]!;
      if (atom.kind === 'newline') {
        end = i;
        forced = true;
        break;
      }
      if (i > start && breaks[i] === 1) lastBreak = i;
      const add = (i > start ? atom.gapBefore : 0) + atom.width;
      if (atom.kind !== 'space' && i > start && width + add > limit + 0.01) {
        end = lastBreak > start ? lastBreak : emergencyBreak(atoms, start, i);
        break;
      }
      width += add;
    }
    const lineAtoms = trimEnd(atoms.slice(start, end));
    const isLast = forced || end >= atoms.length;
    lines.push(placeLine(lineAtoms, limit, justify && !isLast));
    start = skipSpaces(atoms, forced ? end + 1 : end);
  }
  return lines;
}

/**
 * Nothing legal fits (a cluster wider than the line, such as 」……——): break as late as possible
 * where at least the kinsoku rules hold; failing that, let up to two more atoms in and squeeze
 * the line (placeLine narrows its gaps); only then break right before the overflowing atom.
 */
function emergencyBreak(atoms: Atom[], start: number, overflow: number): number {
  const legal = (j: number): boolean => !noLineStart.has(atoms[j]?.text ?? '') && !noLineEnd.has(atoms[j - 1]!.text);
  for (let j = overflow; j > start; j--) if (legal(j)) return j;
  for (let j = overflow + 1; j <= Math.min(overflow + 2, atoms.length); j++) if (legal(j)) return j;
  return overflow;
}

function skipSpaces(atoms: Atom[], from: number): number {
  let i = from;
  while (atoms[i]?.kind === 'space') i++;
  return i;
}

function trimEnd(atoms: Atom[]): Atom[] {
  let end = atoms.length;
  while (end > 0 && atoms[end - 1]!.kind === 'space') end--;
  return atoms.slice(0, end);
}

/** Gaps that may stretch: everywhere except inside a Latin word and right after a space. */
function stretchable(prev: Atom, atom: Atom): boolean {
  if (prev.kind === 'space') return false;
  return !(prev.kind === 'latin' && atom.kind === 'latin');
}

/** Position the atoms of one line; a justified line fills `limit` exactly. */
export function placeLine(atoms: Atom[], limit: number, justify: boolean): Line {
  const xs: number[] = [];
  let natural = 0;
  atoms.forEach((atom, i) => {
    natural += (i > 0 ? atom.gapBefore : 0) + atom.width;
  });
  let stretchCount = 0;
  for (let i = 1; i < atoms.length; i++) if (stretchable(atoms[i - 1]!, atoms[i]!)) stretchCount++;
  const slack = limit - natural;
  // A line too long by a punctuation cluster is squeezed, even when it is not justified.
  const extra = stretchCount > 0 && (slack < 0 || justify) ? slack / stretchCount : 0;
  let x = 0;
  atoms.forEach((atom, i) => {
    if (i > 0) {
      x += atom.gapBefore;
      if (stretchable(atoms[i - 1]!, atom)) x += extra;
    }
    xs.push(x);
    x += atom.width;
  });
  return { atoms, xs, width: x };
}

/** Size a run is drawn at: superscripts (footnote marks) are smaller. */
export function drawSize(style: InlineStyle): number {
  return style.superscript ? style.size * 0.6 : style.size;
}

/** The text of a line as a reader sees it (for tests and diagnostics). */
export function lineText(line: Line): string {
  return line.atoms.map((a) => a.text).join('');
}
