import { beforeAll, describe, expect, it } from 'vitest';
import { pdfStyle } from '../../templates/pdf/style.ts';
import { loadPdfFonts, type PdfFonts } from '../../src/render/pdf/fonts.ts';
import { breakLines, lineText, noLineEnd, noLineStart, shapeRuns, type Line } from '../../src/render/pdf/linebreak.ts';
import { paragraphs } from './fixtures.ts';

let fonts: PdfFonts;
beforeAll(async () => {
  fonts = await loadPdfFonts();
});

const body = { role: 'fangsong', size: 16, color: '#000000' } as const;
const grid = pdfStyle.grid.charPitch / 16;

function lay(text: string, width: number, justify = true): Line[] {
  const atoms = shapeRuns([{ text, style: body }], fonts, { fullWidth: grid, latinGap: 0.25, onMissing: () => undefined });
  return breakLines(atoms, { first: width, rest: width }, justify);
}

// Punctuation-dense text: every width from 5 to 28 characters puts some punctuation at a break.
const dense = `${paragraphs.join('')}“网络问政”要常态化；“热线服务”要便捷化！（一）《政府信息公开条例》、「阳光村务」……——2010年。`;

describe('breakLines', () => {
  it('never starts a line with closing punctuation nor ends one with opening punctuation, at any width', () => {
    for (let chars = 5; chars <= 28; chars++) {
      const lines = lay(dense, chars * pdfStyle.grid.charPitch);
      lines.forEach((line, i) => {
        const text = lineText(line);
        if (i > 0) expect(noLineStart.has(text[0]!), `line ${i} at ${chars} chars: ${text}`).toBe(false);
        if (i < lines.length - 1) expect(noLineEnd.has(text[text.length - 1]!), `line ${i} at ${chars} chars: ${text}`).toBe(false);
      });
      expect(lines.map(lineText).join('')).toBe(dense);
    }
  });

  it('fits 28 ideographs on a body line and justifies every line but the last to the block width', () => {
    const width = pdfStyle.page.textWidth;
    const lines = lay(paragraphs[1]!, width);
    expect(lineText(lines[0]!).length).toBeGreaterThanOrEqual(27);
    for (const line of lines.slice(0, -1)) expect(line.width).toBeCloseTo(width, 1);
    expect(lines[lines.length - 1]!.width).toBeLessThan(width);
  });

  it('keeps Latin words and numbers whole and spaces them from Han characters', () => {
    const text = '依托12345市长公开电话和Government Information Disclosure平台，发布1.3万条信息';
    for (let chars = 4; chars <= 12; chars++) {
      for (const line of lay(text, chars * pdfStyle.grid.charPitch)) {
        const t = lineText(line);
        expect(t).not.toMatch(/^(?:2345|345|45|5|overnment|nformation|isclosure|\.3)/);
      }
    }
    const [line] = lay('公开12345电话', 400, false);
    const digit = line!.atoms.findIndex((a) => a.text === '1');
    const gap = line!.xs[digit]! - (line!.xs[digit - 1]! + line!.atoms[digit - 1]!.width);
    expect(gap).toBeCloseTo(4, 1);
  });

  it('breaks before an opening quotation mark instead of leaving a short line', () => {
    const lines = lay('各部门实行“一把手”负总责', 5 * pdfStyle.grid.charPitch).map(lineText);
    expect(lines).toEqual(['各部门实行', '“一把手”', '负总责']);
  });

  it('does not break inside a run marked keepTogether (文号)', () => {
    const runs = [
      { text: '关于推进阳光村务工程建设的意见', style: body },
      { text: '（淮府〔2010〕69号）', style: { ...body, keepTogether: true } },
    ];
    for (let chars = 12; chars <= 20; chars++) {
      const atoms = shapeRuns(runs, fonts, { latinGap: 0.25, onMissing: () => undefined });
      const lines = breakLines(atoms, { first: chars * 16, rest: chars * 16 });
      expect(lines.some((l) => lineText(l).includes('（淮府〔2010〕69号）'))).toBe(true);
    }
  });

  it('drops the soft line break between two Chinese lines but keeps it between Latin words', () => {
    const [line] = lay('政务\n公开 and\nopen government', 1000);
    expect(lineText(line!)).toBe('政务公开and open government');
  });
});
