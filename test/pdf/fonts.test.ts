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
