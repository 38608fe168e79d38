// Reading our PDFs back with an independent reader (pdfjs-dist), as a user's viewer would.

import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface ReadPage {
  /** Text of the page's content (artifacts such as page numbers and headers left out). */
  content: string;
  /** Text inside Artifact marked content (running header, page number). */
  artifacts: string;
  /** Link annotations: URL or named destination. */
  links: { url?: string; dest?: string }[];
  hasStructTree: boolean;
}

export interface ReadPdf {
  pages: ReadPage[];
  outline: { title: string; children: string[] }[];
  info: Record<string, unknown>;
  /** Font names used on any page, with whether the font program is embedded. */
  fonts: Map<string, boolean>;
  /** Named destinations. */
  destinations: string[];
}

const noSpace = (s: string): string => s.replace(/\s+/g, '');

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  const pages: ReadPage[] = [];
  const fonts = new Map<string, boolean>();
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const text = await page.getTextContent({ includeMarkedContent: true });
    let content = '';
    let artifacts = '';
    const stack: boolean[] = [];
    for (const item of text.items) {
      if ('type' in item) {
        if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') stack.push((item as { tag?: string }).tag === 'Artifact');
        else if (item.type === 'endMarkedContent') stack.pop();
        continue;
      }
      if (stack.includes(true)) artifacts += item.str;
      else content += item.str;
    }
    const ops = await page.getOperatorList();
    ops.fnArray.forEach((fn, i) => {
      if (fn !== 37 /* OPS.setFont */) return;
      const id = (ops.argsArray[i] as unknown[])[0] as string;
      const font = page.commonObjs.get(id) as { name: string; missingFile: boolean };
      fonts.set(font.name, !font.missingFile);
    });
    const annotations = (await page.getAnnotations()) as { subtype: string; url?: string; dest?: unknown }[];
    const links = annotations.filter((a) => a.subtype === 'Link').map((a) => ({ url: a.url, dest: typeof a.dest === 'string' ? a.dest : undefined }));
    const tree = await page.getStructTree();
    pages.push({ content, artifacts, links, hasStructTree: Boolean(tree && tree.children.length > 0) });
  }
  const rawOutline = (await pdf.getOutline()) ?? [];
  const outline = rawOutline.map((item) => ({ title: item.title, children: item.items.map((c) => c.title) }));
  const meta = await pdf.getMetadata();
  const destinations = Object.keys(await pdf.getDestinations());
  await pdf.destroy();
  return { pages, outline, info: meta.info as Record<string, unknown>, fonts, destinations };
}

/** All content text of a PDF without whitespace (justification can split text items). */
export function contentText(read: ReadPdf): string {
  return noSpace(read.pages.map((p) => p.content).join(''));
}

export { noSpace };
