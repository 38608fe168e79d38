// The PDF style table: every size, face and distance of the printed gazette in one place.
// Documents follow GB/T 9704-2012 (党政机关公文格式): A4, text block 156 × 225 mm, body in a
// 仿宋 face at 3号 (16 pt) on a grid of 22 lines × 28 characters, titles at 2号 (22 pt).
// Change a value here and every document and issue PDF follows; nothing else holds a size.

const mm = (value: number): number => (value * 72) / 25.4;

/** Font roles used by the renderer; each maps to a chain of faces (first that has the glyph wins). */
export type FontRole = 'fangsong' | 'kai' | 'hei' | 'songBold' | 'song';

/** One face file under templates/fonts/. */
export interface FaceFile {
  id: string;
  file: string;
}

export interface TextStyle {
  role: FontRole;
  /** Size in pt. */
  size: number;
  /** RGB hex, e.g. `#000000`. */
  color: string;
}

const black = '#000000';
const red = '#c00000';

export const faces = {
  fang: { id: 'fang', file: 'FandolFang-Regular.otf' },
  kai: { id: 'kai', file: 'FandolKai-Regular.otf' },
  hei: { id: 'hei', file: 'NotoSansCJKsc-Regular-GBK.otf' },
  songBold: { id: 'songBold', file: 'NotoSerifCJKsc-Bold-GBK.otf' },
  song: { id: 'song', file: 'NotoSerifCJKsc-Regular.otf' },
} as const satisfies Record<string, FaceFile>;

export type FaceId = keyof typeof faces;

/**
 * Fallback chains. Noto Serif CJK SC Regular holds every code point of the SC face, so it ends
 * every chain: a rare character (镕 喆 堃 赟 玥) missing from Fandol or from a GBK subset is drawn
 * from it instead of becoming a blank box.
 */
export const fontChains: Record<FontRole, readonly FaceId[]> = {
  fangsong: ['fang', 'song'],
  kai: ['kai', 'song'],
  hei: ['hei', 'song'],
  songBold: ['songBold', 'song'],
  song: ['song'],
};

const pageWidth = mm(210);
const pageHeight = mm(297);
const margin = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
const textWidth = pageWidth - margin.left - margin.right;
const textHeight = pageHeight - margin.top - margin.bottom;
const grid = { lines: 22, chars: 28 };

export const pdfStyle = {
  page: {
    size: 'A4',
    width: pageWidth,
    height: pageHeight,
    margin,
    textWidth,
    textHeight,
  },
  grid: {
    ...grid,
    /** Baseline-to-baseline distance of body lines. */
    linePitch: textHeight / grid.lines,
    /** Advance of one full-width character in the body: the block holds exactly 28. */
    charPitch: textWidth / grid.chars,
  },
  body: { role: 'fangsong', size: 16, color: black } satisfies TextStyle,
  /** First-line indent of paragraphs and headings, in characters. */
  paragraphIndent: 2,
  /** Space between an ideograph and a Latin letter or digit, in em. */
  latinGap: 0.25,
  title: { role: 'songBold', size: 22, color: black } satisfies TextStyle,
  /** Body headings by depth below the shallowest one used: 一、 / （一） / 1. / （1）. */
  headings: [
    { role: 'hei', size: 16, color: black },
    { role: 'kai', size: 16, color: black },
    { role: 'fangsong', size: 16, color: black },
    { role: 'fangsong', size: 16, color: black },
  ] satisfies TextStyle[],
  strong: { role: 'hei' } as { role: FontRole },
  emphasis: { role: 'kai' } as { role: FontRole },
  code: { role: 'hei' } as { role: FontRole },
  blockquote: { role: 'kai', indent: 2 } as { role: FontRole; indent: number },
  /** 文号 under the title; 署名 and 成文日期 after the body. */
  docNumber: { role: 'fangsong', size: 16, color: black } satisfies TextStyle,
  signature: { role: 'fangsong', size: 16, color: black, dateRightIndent: 4, nameRightIndent: 2 },
  meta: { role: 'hei', size: 10.5, color: '#333333', leading: 15 },
  list: { indent: 2, bullet: '●' },
  table: {
    text: { role: 'fangsong', size: 12, color: black } satisfies TextStyle,
    head: { role: 'hei', size: 12, color: black } satisfies TextStyle,
    leading: 18,
    padding: 4,
    border: 0.6,
  },
  footnotes: {
    text: { role: 'fangsong', size: 12, color: black } satisfies TextStyle,
    leading: 18,
    ruleWidth: mm(40),
  },
  superscript: { scale: 0.6, rise: 0.4 },
  figureCaption: { role: 'kai', size: 12, color: black } satisfies TextStyle,
  conference: {
    label: { role: 'hei', size: 16, color: black } satisfies TextStyle,
  },
  pageNumber: {
    role: 'song' as FontRole,
    size: 14,
    /** Distance from the bottom of the text block to the top of the number. */
    below: mm(7),
    /** Odd pages right, even pages left, this many characters in from the text block's edge. */
    inset: 1,
    format: (n: number): string => `— ${n} —`,
  },
  runningHeader: {
    role: 'song' as FontRole,
    size: 10.5,
    color: black,
    /** Baseline distance above the text block, and the rule under it. */
    above: mm(8),
    rule: 0.5,
  },
  cover: {
    masthead: { role: 'songBold', size: 48, color: red } satisfies TextStyle,
    mastheadTop: mm(40),
    issueLine: { role: 'song', size: 16, color: black } satisfies TextStyle,
    ruleColor: red,
    ruleWidth: 2,
    titleLine: { role: 'songBold', size: 22, color: black } satisfies TextStyle,
    footer: { role: 'song', size: 14, color: black } satisfies TextStyle,
  },
  toc: {
    heading: { role: 'songBold', size: 22, color: black } satisfies TextStyle,
    section: { role: 'hei', size: 16, color: black } satisfies TextStyle,
    entry: { role: 'fangsong', size: 14, color: black } satisfies TextStyle,
    leading: 26,
    /** Width reserved at the right for the page number. */
    numberWidth: mm(14),
    entryIndent: 2,
    leader: '·',
  },
} as const;

export type PdfStyle = typeof pdfStyle;
