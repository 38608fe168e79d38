import { beforeAll, describe, expect, it } from 'vitest';
import { loadPdfFonts } from '../../src/render/pdf/fonts.ts';
import { renderIssuePdf } from '../../src/render/pdf/issue.ts';
import { article, hastOf, issueOf, sections, site } from './fixtures.ts';
import { noSpace, readPdf, type ReadPdf } from './read.ts';

const docs = [
  article({ id: 'a1', title: '淮南市人民政府关于进一步推进政务公开工作的通知', docNumber: '淮府〔2010〕69号' }),
  article({ id: 'a2', title: '淮南市人民政府关于开展政府信息公开制度执行年活动的通知', docNumber: '淮府〔2010〕72号', body: '本通知自印发之日起施行。' }),
  article({ id: 'a3', title: '淮南市人民政府办公室关于推进阳光村务工程建设的实施意见', section: sections[1]!, docNumber: '淮府办〔2010〕193号' }),
];
const articles = docs.map((doc, i) => ({ doc, hast: hastOf(doc.body), indexNumber: `003210045/2010-0007${i}` }));
let bytes: Uint8Array;
let read: ReadPdf;

beforeAll(async () => {
  const fonts = await loadPdfFonts();
  bytes = await renderIssuePdf({ issue: issueOf(docs), site, articles }, fonts);
  read = await readPdf(bytes);
});

describe('renderIssuePdf', () => {
  it('starts with a cover: masthead, 期号 and 总期号, date and publisher, without a page number', () => {
    const cover = noSpace(read.pages[0]!.content);
    expect(cover).toContain('淮南市人民政府公报');
    expect(cover).toContain('2010年第5期（总第69期）');
    expect(cover).toContain('2010年5月31日出版');
    expect(cover).toContain('淮南市人民政府办公室');
    expect(read.pages[0]!.artifacts).toBe('');
  });

  it('lists every article by section in the contents with the page it starts on, as a link', () => {
    const toc = noSpace(read.pages[1]!.content);
    expect(toc.indexOf('市政府文件')).toBeLessThan(toc.indexOf('市政府办公室文件'));
    for (const doc of docs) {
      const entry = new RegExp(`${noSpace(doc.title)}（${doc.docNumber}）(\\d+)`).exec(toc);
      expect(entry, doc.title).not.toBeNull();
      const page = read.pages[Number(entry![1]) - 1]!;
      expect(noSpace(page.content).startsWith(noSpace(doc.title))).toBe(true);
      expect(page.artifacts).toContain(`— ${entry![1]} —`);
    }
    const dests = read.pages[1]!.links.map((l) => l.dest);
    for (const doc of docs) expect(dests).toContain(`article-${doc.id}`);
    for (const d of dests) expect(read.destinations).toContain(d);
  });

  it('bookmarks the contents, each section and its articles', () => {
    expect(read.outline.map((o) => o.title)).toEqual(['目录', '市政府文件', '市政府办公室文件']);
    expect(read.outline[1]!.children).toEqual([docs[0]!.title, docs[1]!.title]);
    expect(read.outline[2]!.children).toEqual([docs[2]!.title]);
  });

  it('runs the gazette name and issue over every article page, with its page number', () => {
    const first = read.pages.findIndex((p) => noSpace(p.content).startsWith(noSpace(docs[0]!.title)));
    read.pages.slice(first).forEach((page, i) => {
      expect(noSpace(page.artifacts)).toBe(`淮南市人民政府公报2010年第5期（总第69期）—${first + i + 1}—`);
    });
    expect(read.pages.every((p) => p.hasStructTree)).toBe(true);
  });
});
