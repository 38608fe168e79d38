// The error a PDF build stops with: every character no face has and every tag without a
// handler, for one document, named so the editor can find it.

export class PdfRenderError extends Error {
  override readonly name = 'PdfRenderError';

  constructor(
    readonly document: { id: string; file: string; title: string },
    /** Characters that no face of the fallback chain has. */
    readonly missingGlyphs: string[],
    /** hast tags the PDF renderer has no handler for. */
    readonly unknownTags: string[],
  ) {
    const parts: string[] = [];
    if (missingGlyphs.length > 0) {
      const list = missingGlyphs.map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
      parts.push(
        `no font has the character(s) ${list}; replace them, or add a face that has them to templates/fonts/ and to fontChains in templates/pdf/style.ts`,
      );
    }
    if (unknownTags.length > 0) {
      parts.push(`the PDF renderer has no handler for <${unknownTags.join('>, <')}>; add one to src/render/pdf/handlers/index.ts`);
    }
    super(`PDF of ${document.file} (${document.title}) was not built: ${parts.join('; and ')}.`);
  }
}
