// Print-grade PDF for the gazette: fonts, one document, a whole issue.
export { loadPdfFonts, type PdfFonts } from './fonts.ts';
export { renderDocumentPdf, chineseDate, type DocumentPdfInput } from './document.ts';
export { renderIssuePdf, type IssuePdfInput } from './issue.ts';
export { PdfRenderError } from './problems.ts';
export { pdfaSubset } from './pdfdoc.ts';
