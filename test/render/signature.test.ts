// The 署名 and 成文日期 of an article of the example content: printed once after the body, on its
// page as in its PDF, from the front matter; the body no longer ends with them (signature-in-body).

import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { select, selectAll } from 'hast-util-select';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ArticleDocument, ContentSet } from '../../src/content/model.ts';
import { renderDocumentPage } from '../../src/render/html/documentPage.ts';
import { markdownToHast } from '../../src/render/markdown.ts';
import { renderDocumentPdf } from '../../src/render/pdf/document.ts';
import { loadPdfFonts } from '../../src/render/pdf/fonts.ts';
import { textFor } from '../../templates/strings.ts';
import { parsePage, textOf } from './fixtures.ts';

const exampleContent = resolve(import.meta.dirname, '../../content');
const occurrences = (text: string, part: string) => text.split(part).length - 1;

let content: ContentSet;
let doc: ArticleDocument;

beforeAll(async () => {
  const loaded = await loadContent(exampleContent);
  if (loaded.content === undefined) throw new Error('the example content does not validate');
  content = loaded.content;
  doc = content.documents.find((d) => d.id === 'huaifu-2010-69') as ArticleDocument;
});

describe('the signature of huaifu-2010-69 (成文日期 2010-04-20)', () => {
  it('is on the page once, after the body: 署名 over the date, which machines read from datetime', () => {
    const tree = parsePage(
      renderDocumentPage({ site: content.site, assets: { stylesheet: '/assets/site.css' } }, doc, { indexNumber: '003210001/2010-00069' }),
    );
    const signature = selectAll('.signature', tree);
    expect(signature).toHaveLength(1);
    expect(selectAll('.signature p', tree).map(textOf)).toEqual(['淮南市人民政府', '2010年4月20日']);
    expect(select('.signature time', tree)?.properties.dateTime).toBe('2010-04-20');
    expect(select('.document-body + .signature', tree)).toBeDefined();
    // Outside the disclosure block (the 成文日期 field), the page dates the document once.
    const article = select('article', tree);
    const disclosure = select('.disclosure', tree);
    const pageText = textOf(article).replace(textOf(disclosure), '');
    expect(occurrences(pageText, '2010年4月20日')).toBe(1);
    expect(pageText).not.toContain('二〇一〇年四月二十日');
  });

  it("is dated as the PDF dates it, in the document's language", () => {
    const english = { ...doc, lang: 'en' as const };
    const tree = parsePage(
      renderDocumentPage({ site: content.site, assets: { stylesheet: '/assets/site.css' } }, english, { indexNumber: '003210001/2010-00069' }),
    );
    expect(textOf(select('.signature-date', tree))).toBe(textFor('en').date('2010-04-20'));
    expect(textOf(select('.signature-date', tree))).toBe('20 April 2010');
    expect(select('.signature', tree)?.properties.lang).toBe('en');
  });

  it('is in the PDF once (pdftotext)', async () => {
    const bytes = await renderDocumentPdf(
      { doc, hast: markdownToHast(doc.body, { resolveLink: () => undefined }), indexNumber: '003210001/2010-00069', site: content.site },
      await loadPdfFonts(),
    );
    const file = join(await mkdtemp(join(tmpdir(), 'gazette-signature-')), 'huaifu-2010-69.pdf');
    await writeFile(file, bytes);
    const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
    const text = stdout.replace(/\s+/g, '');
    expect(occurrences(text, '2010年4月20日')).toBe(1);
    expect(text).not.toContain('二〇一〇年四月二十日');
    expect(text).toMatch(/淮南市人民政府2010年4月20日(—\d+—)?$/);
  }, 60_000);
});
