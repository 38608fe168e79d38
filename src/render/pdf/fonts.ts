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
