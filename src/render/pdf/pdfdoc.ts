// A pdfkit document with our fixed settings, and its bytes. Same input, same bytes: the dates
// come from the content and the trailer /ID from a digest of the content, never from the clock.

import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { ImageInfo } from './context.ts';

export interface DocumentInfo {
  title: string;
  author: string;
  subject?: string;
  keywords?: string;
  /** YYYY-MM-DD: becomes CreationDate and ModDate (midnight in the site's offset). */
  date: string;
  /** The site's offset from UTC, e.g. `+08:00` (site.yaml `utcOffset`). */
  utcOffset: string;
  lang: string;
  /** Anything that identifies the content (e.g. its source digest): seeds the trailer /ID. */
  idSeed: string;
}

/** PDF/A part and conformance we identify as (see templates/fonts/SOURCES.md and the report). */
export const pdfaSubset = 'PDF/A-2b';

export function createPdf(info: DocumentInfo): PDFKit.PDFDocument {
  const date = new Date(`${info.date}T00:00:00${info.utcOffset}`);
  if (Number.isNaN(date.getTime())) throw new Error(`createPdf: date must be YYYY-MM-DD and the offset ±HH:MM, got ${info.date} and ${info.utcOffset}`);
  const doc = new PDFDocument({
    autoFirstPage: false,
    size: 'A4',
    margin: 0,
    pdfVersion: '1.7',
    subset: pdfaSubset,
    tagged: true,
    lang: info.lang,
    displayTitle: true,
    font: null,
    info: {
      Title: info.title,
      Author: info.author,
      ...(info.subject ? { Subject: info.subject } : {}),
      ...(info.keywords ? { Keywords: info.keywords } : {}),
      Creator: 'Gazette',
      Producer: 'Gazette (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  } as unknown as PDFKit.PDFDocumentOptions);
  // pdfkit derives /ID from the info dictionary only; two documents with the same title and
  // date would share it. Seed it from the content instead (16 bytes, as MD5-sized IDs are).
  const id = createHash('sha256').update(info.idSeed).digest().subarray(0, 16);
  (doc as unknown as { _id: Uint8Array })._id = new Uint8Array(id);
  // PDF/A wants every Info entry mirrored in XMP; pdfkit writes CreateDate but not ModifyDate.
  const xmpDate = `${date.toISOString().split('.')[0]}Z`;
  (doc as unknown as { appendXML(xml: string): void }).appendXML(
    `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:ModifyDate>${xmpDate}</xmp:ModifyDate><xmp:MetadataDate>${xmpDate}</xmp:MetadataDate></rdf:Description>`,
  );
  return doc;
}

/** Finish the document and collect its bytes. */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.end();
  });
}

/** Pixel size of an image pdfkit can embed (JPEG, PNG), or undefined. */
export function imageInfoFor(doc: PDFKit.PDFDocument): (data: Uint8Array) => ImageInfo | undefined {
  return (data) => {
    try {
      const image = (doc as unknown as { openImage(src: Buffer): { width: number; height: number } }).openImage(Buffer.from(data));
      return { width: image.width, height: image.height };
    } catch {
      return undefined;
    }
  };
}
