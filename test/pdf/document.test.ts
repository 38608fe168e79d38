import { crc32, deflateSync } from 'node:zlib';
import { h } from 'hastscript';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderDocumentPdf } from '../../src/render/pdf/document.ts';
import { loadPdfFonts, type PdfFonts } from '../../src/render/pdf/fonts.ts';
import { PdfRenderError } from '../../src/render/pdf/problems.ts';
import { article, conference, hastOf, paragraphs, rareNames, release, site } from './fixtures.ts';
import { contentText, noSpace, readPdf, type ReadPdf } from './read.ts';

let fonts: PdfFonts;
let bytes: Uint8Array;
let read: ReadPdf;
const doc = article();
const render = (d = doc, hast = hastOf(d.body)): Promise<Uint8Array> => renderDocumentPdf({ doc: d, hast, indexNumber: '003210045/2010-00069', site }, fonts);

beforeAll(async () => {
  fonts = await loadPdfFonts();
  bytes = await render();
  read = await readPdf(bytes);
});

describe('renderDocumentPdf', () => {
  it('gives back every paragraph of the source as text, with title, 文号 and 成文日期', () => {
    const text = contentText(read);
    for (const p of paragraphs) expect(text).toContain(noSpace(p));
    expect(text).toContain(noSpace(doc.title));
    expect(text).toContain('淮府〔2010〕69号');
    expect(text).toContain('替百姓说话，为政府分忧，给淮南添彩。');
    expect(text).toContain('由省政务公开领导小组命名，每两年复核一次');
    expect(text).toContain('名单按姓氏笔画排列。');
    expect(text.endsWith('淮南市人民政府办公室2010年5月18日')).toBe(true);
  });

  it('extracts the rare name characters drawn from the fallback face', () => {
    expect(contentText(read)).toContain(`王${rareNames[0]}、李${rareNames[1]}、张${rareNames[2]}、刘${rareNames[3]}和陈${rareNames[4]}`);
  });

  it('numbers pages "— n —" as artifacts, outside the content', () => {
    expect(read.pages.length).toBeGreaterThan(1);
    read.pages.forEach((page, i) => {
      expect(page.artifacts).toBe(`— ${i + 1} —`);
      expect(page.content).not.toContain('—1—');
    });
  });

  it('is tagged, embeds every font, and carries title, author, keywords and language', () => {
    expect(read.pages.every((p) => p.hasStructTree)).toBe(true);
    expect(read.fonts.size).toBeGreaterThanOrEqual(3);
    for (const [name, embedded] of read.fonts) expect(embedded, name).toBe(true);
    expect(read.info).toMatchObject({ Title: doc.title, Author: '淮南市人民政府办公室', Language: 'zh-CN' });
    expect(read.info.Keywords).toContain('淮府〔2010〕69号');
    expect(read.info.CreationDate).toBe('D:20100520160000Z');
  });

  it('bookmarks the title and its first-level headings', () => {
    expect(read.outline).toEqual([{ title: doc.title, children: ['一、紧扣一个关键，领导高度重视', '二、抓好三个环节，积极主动公开'] }]);
  });

  it('keeps links live: the external link and the footnote reference', () => {
    const links = read.pages.flatMap((p) => p.links);
    expect(links).toContainEqual({ url: 'https://www.huainan.gov.cn/xxgk/', dest: undefined });
    const footnote = links.find((l) => l.dest);
    expect(read.destinations).toContain(footnote!.dest);
  });

  it('gives the same bytes for the same content, and different ones when it changes', async () => {
    expect(Buffer.compare(Buffer.from(await render()), Buffer.from(bytes))).toBe(0);
    const changed = await render({ ...doc, sourceDigest: 'e'.repeat(64) });
    expect(Buffer.compare(Buffer.from(changed), Buffer.from(bytes))).not.toBe(0);
  });

  it('lays out a conference with its facts, 发布词 and the Q&A', async () => {
    const c = conference();
    const r = await readPdf(await renderDocumentPdf({ doc: c, hast: hastOf(c.body), indexNumber: '003210045/2010-00100', site }, fonts));
    const text = contentText(r);
    expect(text).toContain('地点：市政务服务中心新闻发布厅');
    expect(text).toContain('发布词');
    expect(text).toContain(`答记者问淮南日报记者：${c.qa[0]!.question}戴启远：${c.qa[0]!.answer}`);
    expect(r.outline[0]!.children).toEqual(['发布词', '答记者问']);
  });

  it('prints a conference answer as its page renders the Markdown: the label run in, no link targets or markup', async () => {
    const c = conference();
    const markdown = '办理回复率达**95%**，详见[办理情况通报](../tongbao.md)。\n\n- 网民留言500多条';
    const qa = [{ ...c.qa[0]!, answer: markdown }];
    const answers = [hastOf(markdown)];
    const text = contentText(
      await readPdf(await renderDocumentPdf({ doc: { ...c, qa }, hast: hastOf(c.body), answers, indexNumber: '003210045/2010-00100', site }, fonts)),
    );
    expect(text).toContain('戴启远：办理回复率达95%，详见办理情况通报。');
    expect(text).toContain('网民留言500多条');
    for (const markup of ['**', '](', 'tongbao', '- 网民']) expect(text).not.toContain(markup);
  });

  it('renders a press release without 文号 or signature', async () => {
    const r = release();
    const text = contentText(await readPdf(await renderDocumentPdf({ doc: r, hast: hastOf(r.body), indexNumber: '003210045/2010-00070', site }, fonts)));
    expect(text).toContain(noSpace(paragraphs[0]!));
    expect(text).not.toContain('〕');
  });

  it('scales an image to the text block and tags it as a figure with its alt text', async () => {
    const png = solidPng(800, 200);
    const hast = hastOf('淮南市政府信息公开查阅点分布如下。\n\n![查阅点分布图](map.png "图1 查阅点分布")');
    const pdf = await renderDocumentPdf(
      { doc, hast, indexNumber: '003210045/2010-00069', site, assets: (path) => (path === '/gazette/2010/05/map.png' ? png : undefined) },
      fonts,
    );
    const raw = Buffer.from(pdf).toString('latin1');
    expect(raw).toMatch(/\/Subtype \/Image/);
    expect(raw).toMatch(/\/S \/Figure/);
    expect(contentText(await readPdf(pdf))).toContain('图1查阅点分布');
    const missing = await renderDocumentPdf({ doc, hast, indexNumber: '003210045/2010-00069', site }, fonts);
    expect(contentText(await readPdf(missing))).toContain('［图：查阅点分布图］');
  });

  it('repeats the table header at the top of the next page', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `| 查阅点${i + 1} | ${i + 1}个 | 设在社区居委会，居民不出社区即可查阅政府信息 |`);
    const hast = hastOf(`| 类别 | 数量 | 说明 |\n| --- | --- | --- |\n${rows.join('\n')}`);
    const r = await readPdf(await render(doc, hast));
    expect(r.pages.length).toBeGreaterThan(1);
    expect(noSpace(r.pages[1]!.artifacts)).toContain('类别数量说明');
    expect(noSpace(r.pages[1]!.content)).not.toContain('类别数量说明');
    expect(contentText(r)).toContain('查阅点60');
  });

  it('names the document and every character no face has', async () => {
    const bad = article({ body: '埃及文字𓀀与𓀁。' });
    const error = await render(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfRenderError);
    expect((error as PdfRenderError).missingGlyphs).toEqual(['𓀀', '𓀁']);
    expect((error as Error).message).toContain(bad.file);
    expect((error as Error).message).toContain('U+13000');
  });

  it('reports a tag without a handler instead of dropping it', async () => {
    const hast = { type: 'root' as const, children: [h('p', '正文'), h('marquee', '滚动文字')] };
    const error = await render(doc, hast).catch((e: unknown) => e);
    expect((error as PdfRenderError).unknownTags).toEqual(['marquee']);
  });
});

/** A PNG of one colour, built here so the test needs no image file. */
function solidPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0xc0)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]));
}
