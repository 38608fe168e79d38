// The faces of the printed gazette, parsed once per process and shared by every document.
// Parsing a CJK face costs up to a second, and looking a code point up through the full layout
// engine is the other big cost, so each face keeps a per-code-point cache of glyph id and
// advance: Han text never goes through OpenType shaping (it needs none).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import { faces, fontChains, type FaceId, type FontRole } from '../../../templates/pdf/style.ts';

/** A glyph of one face: id in the face and advance in thousandths of an em. */
export interface GlyphMetrics {
  id: number;
  advance: number;
}

export interface LoadedFace {
  id: FaceId;
  font: fontkit.Font;
  /** undefined: not looked up yet; null: the face has no glyph for the code point. */
  glyphs: Map<number, GlyphMetrics | null>;
  scale: number;
}

/** A glyph found for a code point, with the face that holds it. */
export interface ResolvedGlyph {
  face: LoadedFace;
  glyph: GlyphMetrics;
}

export interface PdfFonts {
  faces: Record<FaceId, LoadedFace>;
  /** The first face in the role's chain with a glyph for the code point, or undefined. */
  resolve(role: FontRole, codePoint: number): ResolvedGlyph | undefined;
}

export const fontsDir = fileURLToPath(new URL('../../../templates/fonts/', import.meta.url));

let loading: Promise<PdfFonts> | undefined;

/** Parse every face once per process; later calls return the same object. */
export function loadPdfFonts(): Promise<PdfFonts> {
  loading ??= parseFaces().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function parseFaces(): Promise<PdfFonts> {
  const entries = await Promise.all(
    Object.values(faces).map(async ({ id, file }) => {
      const bytes = await readFile(`${fontsDir}${file}`).catch((error: unknown) => {
        throw new Error(
          `PDF face ${file} could not be read from ${fontsDir}: ${String(error)}. The faces are committed under templates/fonts/ (see SOURCES.md there).`,
        );
      });
      const font = fontkit.create(bytes);
      shareReturnSubr(font);
      const face: LoadedFace = { id, font, glyphs: new Map(), scale: 1000 / font.unitsPerEm };
      return [id, face] as const;
    }),
  );
  const loaded = Object.fromEntries(entries) as Record<FaceId, LoadedFace>;
  const resolved = new Map<FontRole, Map<number, ResolvedGlyph | null>>();
  return {
    faces: loaded,
    resolve(role, codePoint) {
      let byCodePoint = resolved.get(role);
      if (!byCodePoint) resolved.set(role, (byCodePoint = new Map<number, ResolvedGlyph | null>()));
      let hit = byCodePoint.get(codePoint);
      if (hit === undefined) {
        hit = null;
        for (const id of fontChains[role]) {
          const face = loaded[id];
          const glyph = glyphOf(face, codePoint);
          if (glyph) {
            hit = { face, glyph };
            break;
          }
        }
        byCodePoint.set(codePoint, hit);
      }
      return hit ?? undefined;
    },
  };
}

/** The face's glyph for a code point, cached; null when the face maps it to .notdef. */
export function glyphOf(face: LoadedFace, codePoint: number): GlyphMetrics | null {
  let metrics = face.glyphs.get(codePoint);
  if (metrics === undefined) {
    const glyph = face.font.glyphForCodePoint(codePoint);
    metrics = glyph.id === 0 ? null : { id: glyph.id, advance: glyph.advanceWidth * face.scale };
    face.glyphs.set(codePoint, metrics);
  }
  return metrics;
}

/** A charstring subroutine that does nothing but return (the CFF `return` operator). */
const RETURN_SUBR = new Uint8Array([11]);
const patched = new WeakSet<object>();

/**
 * fontkit's CFF subsetter keeps every subroutine index at its full length (charstrings call
 * subroutines by number) and fills the unused entries with a one-byte `return`, allocating a
 * fresh array for each: tens of thousands per face of a CJK font, for every PDF. All of them
 * can be one shared array, since the encoder only reads it: same bytes, a fraction of the work.
 * Applied to the subset class of the installed fontkit (2.0.x) only when its method is the one
 * this replaces; test/pdf/fonts.test.ts holds the subset bytes to those of the unpatched method.
 */
function shareReturnSubr(font: fontkit.Font): void {
  const subset = (font as unknown as { createSubset?: () => object }).createSubset?.();
  const prototype = subset === undefined ? undefined : (Object.getPrototypeOf(subset) as Record<string, unknown>);
  if (prototype === undefined || patched.has(prototype) || !Object.hasOwn(prototype, 'subsetSubrs')) return;
  const original = prototype['subsetSubrs'];
  if (typeof original !== 'function' || !/new Uint8Array\(\[\s*11\s*\]\)/.test(Function.prototype.toString.call(original))) return;
  patched.add(prototype);
  prototype['subsetSubrs'] = Object.assign(
    function subsetSubrs(
      this: { cff: { stream: { pos: number; readBuffer(length: number): Uint8Array } } },
      subrs: { offset: number; length: number }[],
      used: Record<number, boolean>,
    ) {
      const result: Uint8Array[] = new Array<Uint8Array>(subrs.length);
      const stream = this.cff.stream;
      for (let i = 0; i < subrs.length; i++) {
        const subr = subrs[i] as { offset: number; length: number };
        if (used[i]) {
          stream.pos = subr.offset;
          result[i] = stream.readBuffer(subr.length);
        } else {
          result[i] = RETURN_SUBR;
        }
      }
      return result;
    },
    { original },
  );
}
