import { describe, expect, it } from 'vitest';
import { glyphOf, loadPdfFonts } from '../../src/render/pdf/fonts.ts';
import { rareNames } from './fixtures.ts';

describe('loadPdfFonts', () => {
  it('parses the faces once per process', async () => {
    expect(await loadPdfFonts()).toBe(await loadPdfFonts());
  });

  it('draws rare name characters from the fallback face when the 仿宋 face lacks them', async () => {
    const fonts = await loadPdfFonts();
    for (const char of rareNames) {
      const cp = char.codePointAt(0)!;
      const found = fonts.resolve('fangsong', cp);
      expect(found, char).toBeDefined();
      if (!glyphOf(fonts.faces.fang, cp)) expect(found!.face.id).toBe('song');
    }
    expect([...rareNames].some((c) => !glyphOf(fonts.faces.fang, c.codePointAt(0)!))).toBe(true);
    expect(fonts.resolve('fangsong', '政'.codePointAt(0)!)!.face.id).toBe('fang');
  });

  it('finds no face for a character outside every chain', async () => {
    const fonts = await loadPdfFonts();
    expect(fonts.resolve('hei', 0x13000)).toBeUndefined();
  });
});

describe('the CFF subsets embedded in PDFs', () => {
  it('are the bytes fontkit makes, with its unused subroutines sharing one `return` (the speed-up is applied)', async () => {
    const fonts = await loadPdfFonts();
    const text = '淮南市人民政府关于进一步加强政务公开工作的通知，淮府〔2010〕69号。各县、区人民政府：';
    for (const face of Object.values(fonts.faces)) {
      type Subset = { includeGlyph(id: number): void; encode(): Uint8Array };
      const subsetOf = () => {
        const subset = (face.font as unknown as { createSubset(): Subset }).createSubset();
        for (const char of text) subset.includeGlyph(face.font.glyphForCodePoint(char.codePointAt(0)!).id);
        return subset;
      };
      const prototype = Object.getPrototypeOf(subsetOf()) as { subsetSubrs?: { original?: unknown } };
      if (!Object.hasOwn(prototype, 'subsetSubrs')) continue; // A TrueType face: no subroutines.
      const fast = prototype.subsetSubrs as { original?: unknown };
      expect(fast.original, `${face.id}: the shared-return subsetter is installed`).toBeTypeOf('function');
      const patched = Buffer.from(subsetOf().encode());
      prototype.subsetSubrs = fast.original as typeof fast;
      try {
        expect(Buffer.from(subsetOf().encode()).equals(patched), face.id).toBe(true);
      } finally {
        prototype.subsetSubrs = fast;
      }
    }
  });
});
