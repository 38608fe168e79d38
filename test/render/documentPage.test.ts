import type { Element } from 'hast';
import { select, selectAll } from 'hast-util-select';
import { describe, expect, it } from 'vitest';
import { renderDocumentPage, renderErratumPage, renderVersionPage } from '../../src/render/html/documentPage.ts';
import { article, conference, ctx, issue, parsePage, release, textOf } from './fixtures.ts';

function fields(tree: ReturnType<typeof parsePage>): Record<string, string> {
  return Object.fromEntries(selectAll('.disclosure dl > div', tree).map((row) => [textOf(select('dt', row)), textOf(select('dd', row))]));
}

function meta(tree: ReturnType<typeof parsePage>, name: string): string | undefined {
  const found = select(`meta[name="${name}"]`, tree);
  return found === undefined ? undefined : String(found.properties.content);
}

describe('renderDocumentPage: gazette article', () => {
  const doc = article();
  const page = renderDocumentPage(ctx, doc, {
    indexNumber: '003210001/2010-00069',
    issue: issue(),
    pdfUrl: '/gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf',
    attachmentSizes: { 'gazette/2010/05/gkml-2010.pdf': 1_258_291 },
  });
  const tree = parsePage(page);

  it('is published at the index.html of the document URL as an HTML page', () => {
    expect(page.key).toBe('gazette/2010/05/huaifu-2010-69/index.html');
    expect(page.contentType).toBe('text/html; charset=utf-8');
  });

  it('shows the title as the only h1 and the 文号 under it', () => {
    expect(selectAll('h1', tree).map(textOf)).toEqual([doc.title]);
    expect(textOf(select('h1 + .doc-number', tree))).toBe('淮府〔2010〕69号');
  });

  it('lists every disclosure field of an article, in order', () => {
    expect(fields(tree)).toEqual({
      索引号: '003210001/2010-00069',
      发布机构: '淮南市人民政府',
      主题分类: '政务公开',
      成文日期: '2010年4月20日',
      发布日期: '2010年5月31日',
      文号: '淮府〔2010〕69号',
      有效性: '有效',
      期号: '2010年第5期（总第53期）',
    });
    expect(selectAll('.disclosure time', tree).map((t) => t.properties.dateTime)).toEqual(['2010-04-20', '2010-05-31']);
    expect(select('.disclosure a', tree)?.properties.href).toBe('/gazette/2010/05/');
  });

  it('leaves out 文号 when an article has none', () => {
    const speech = parsePage(renderDocumentPage(ctx, article({ docNumber: undefined }), { indexNumber: '003210001/2010-00070' }));
    expect(Object.keys(fields(speech))).not.toContain('文号');
    expect(select('.doc-number', speech)).toBeUndefined();
  });

  it('carries the meta tags of government sites', () => {
    expect(meta(tree, 'ArticleTitle')).toBe(doc.title);
    expect(meta(tree, 'PubDate')).toBe('2010-05-31');
    expect(meta(tree, 'ContentSource')).toBe('淮南市人民政府');
    expect(meta(tree, 'ColumnName')).toBe('政府公报');
    expect(meta(tree, 'description')).toBeDefined();
    expect(select('link[rel=canonical]', tree)?.properties.href).toBe('https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/');
  });

  it('lists attachments with type and size, and links the PDF edition', () => {
    const item = select('.attachments li', tree);
    expect(select('a', item ?? tree)?.properties.href).toBe('/gazette/2010/05/huaifu-2010-69/gkml-2010.pdf');
    expect(textOf(item)).toBe('淮南市政府信息公开目录（2010年版）（PDF，1.2 MB）');
    expect(select('.pdf-link a', tree)?.properties.href).toBe('/gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf');
  });

  it('renders the body with images beside the page unless told otherwise', () => {
    const withImage = parsePage(renderDocumentPage(ctx, article({ body: '查阅点分布如下。\n\n![查阅点分布图](map.png)\n' }), { indexNumber: 'x' }));
    expect(select('.document-body figure img', withImage)?.properties.src).toBe('/gazette/2010/05/huaifu-2010-69/map.png');
    const resolved = parsePage(
      renderDocumentPage(ctx, article({ body: '见[另文](huaimin-2010-31.md)。' }), {
        indexNumber: 'x',
        resolveLink: (href) => (href === 'huaimin-2010-31.md' ? '/gazette/2010/04/huaimin-2010-31/' : undefined),
      }),
    );
    expect(select('.document-body a', resolved)?.properties.href).toBe('/gazette/2010/04/huaimin-2010-31/');
  });

  it('is the same bytes every time', () => {
    const again = renderDocumentPage(ctx, article(), {
      indexNumber: '003210001/2010-00069',
      issue: issue(),
      pdfUrl: '/gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf',
      attachmentSizes: { 'gazette/2010/05/gkml-2010.pdf': 1_258_291 },
    });
    expect(Buffer.from(again.body).equals(Buffer.from(page.body))).toBe(true);
  });
});

describe('renderDocumentPage: press release', () => {
  it('shows the shorter disclosure block of a release and the press section', () => {
    const tree = parsePage(renderDocumentPage(ctx, release(), { indexNumber: '003210090/2010-00012' }));
    expect(Object.keys(fields(tree))).toEqual(['索引号', '发布机构', '主题分类', '发布日期']);
    expect(meta(tree, 'ColumnName')).toBe('新闻发布');
    expect(select('.site-nav a[aria-current]', tree)?.properties.href).toBe('/press/');
  });

  it('marks an English release and links its translation with hreflang', () => {
    const english = release({
      id: 'press-2010-hotline-12345-en',
      lang: 'en',
      title: '12345 Mayor’s Hotline answers 95% of messages',
      translationOf: 'press-2010-hotline-12345',
      urlPath: '/press/2010/hotline-12345-en/',
    });
    const tree = parsePage(
      renderDocumentPage(ctx, english, {
        indexNumber: '003210090/2010-00013',
        translations: [{ lang: 'zh-CN', title: '12345市长公开电话网民留言办理回复率达95%', urlPath: '/press/2010/hotline-12345/' }],
      }),
    );
    expect(select('html', tree)?.properties.lang).toBe('zh-CN');
    expect(select('h1', tree)?.properties.lang).toBe('en');
    expect(select('.document-body', tree)?.properties.lang).toBe('en');
    expect(select('.translations a', tree)?.properties).toMatchObject({ href: '/press/2010/hotline-12345/', hrefLang: 'zh-CN' });
    expect(select('link[rel=alternate][hreflang=zh-CN]', tree)?.properties.href).toBe('https://www.huainan.gov.cn/press/2010/hotline-12345/');
  });

  it('labels the scroll region of a table in the language of the document', () => {
    const table = '| Item | Count |\n| :-- | --: |\n| Reading points | 15 |\n';
    const english = release({ id: 'press-2010-hotline-12345-en', lang: 'en', body: table, urlPath: '/press/2010/hotline-12345-en/' });
    const region = (doc: ReturnType<typeof release>) =>
      select('.document-body section.table-scroll', parsePage(renderDocumentPage(ctx, doc, { indexNumber: 'x' })));
    expect(region(english)?.properties.ariaLabel).toBe('Table (scrolls sideways)');
    expect(region(release({ body: table }))?.properties.ariaLabel).toBe('表格（可横向滚动）');
  });

  it('gives an embargoed release the embargo time as PubDate', () => {
    const tree = parsePage(renderDocumentPage(ctx, release({ publishAt: '2010-12-08T10:00:00+08:00' }), { indexNumber: 'x' }));
    expect(meta(tree, 'PubDate')).toBe('2010-12-08 10:00');
  });
});

describe('renderDocumentPage: press conference', () => {
  const tree = parsePage(renderDocumentPage(ctx, conference(), { indexNumber: '003210090/2010-00020' }));

  it('shows time, venue, host and speakers with their titles', () => {
    const info = select('.conference-info', tree);
    expect(select('time', info ?? tree)?.properties.dateTime).toBe('2010-12-08T09:30');
    expect(textOf(info)).toContain('市政府新闻发布厅');
    expect(textOf(info)).toContain('王晓明（市政府新闻办公室主任）');
    expect(selectAll('.speakers li', tree).map(textOf)).toEqual(['戴启远（市委常委、常务副市长）']);
  });

  it('shows the statement with its photo as a figure', () => {
    expect(select('.statement figure img', tree)?.properties).toMatchObject({ src: '/press/2010/zwgk-conference/photo.jpg', alt: '发布会现场' });
  });

  it('gives every Q&A pair an anchor qa-<n>, a self-link, 问/答 labels and who spoke', () => {
    const pairs = selectAll('ol.qa-list > li > section', tree);
    expect(pairs.map((p) => p.properties.id)).toEqual(['qa-1', 'qa-2']);
    expect(pairs.map((p) => select('.self-link a', p)?.properties.href)).toEqual(['#qa-1', '#qa-2']);
    const [first] = pairs as [Element];
    expect(textOf(select('.question', first))).toBe('问淮南日报记者：查阅点设在哪里？');
    expect(textOf(select('.answered-by', first))).toBe('答戴启远（市委常委、常务副市长）：');
  });

  it('keeps ids unique and headings in order when answers have footnotes', () => {
    const ids = selectAll('[id]', tree).map((e) => String(e.properties.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const link of selectAll('a[href^="#"]', tree)) expect(ids).toContain(String(link.properties.href).slice(1));
    const ranks = selectAll('h1, h2, h3, h4, h5, h6', tree).map((h) => Number(h.tagName.slice(1)));
    ranks.forEach((rank, i) => expect(rank - (ranks[i - 1] ?? 0)).toBeLessThanOrEqual(1));
  });
});

describe('renderDocumentPage: withdrawn documents', () => {
  const withdrawal = { status: 'withdrawn' as const, withdrawnReason: '文件内容有误，已另行发布', withdrawnDate: '2010-06-10' };

  it('shows the withdrawal notice instead of the body and attachments, keeping title and disclosure', () => {
    const doc = article(withdrawal);
    const tree = parsePage(renderDocumentPage(ctx, doc, { indexNumber: '003210001/2010-00069', pdfUrl: '/gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf' }));
    expect(selectAll('h1', tree).map(textOf)).toEqual([doc.title]);
    const notice = select('.withdrawal-notice', tree);
    expect(textOf(select('h2', notice))).toBe('已撤回');
    expect(select('time', notice)?.properties.dateTime).toBe('2010-06-10');
    expect(textOf(notice)).toContain('撤回原因：文件内容有误，已另行发布');
    expect(fields(tree)['有效性']).toBe('已撤回');
    expect(fields(tree)['索引号']).toBe('003210001/2010-00069');
    for (const gone of ['.document-body', '.attachments', '.pdf-link']) expect(select(gone, tree)).toBeUndefined();
    expect(textOf(tree)).not.toContain('查阅点15个');
  });

  it('drops the statement and the Q&A of a withdrawn conference', () => {
    const tree = parsePage(renderDocumentPage(ctx, conference(withdrawal), { indexNumber: 'x' }));
    expect(select('.withdrawal-notice', tree)).toBeDefined();
    for (const gone of ['.statement', '.qa', '.conference-info']) expect(select(gone, tree)).toBeUndefined();
    expect(fields(tree)['有效性']).toBe('已撤回');
  });

  it('keeps the summary out of the description', () => {
    const tree = parsePage(renderDocumentPage(ctx, release({ ...withdrawal, summary: '办理回复率达95%' }), { indexNumber: 'x' }));
    expect(meta(tree, 'description')).toBe(release().title);
  });
});

describe('renderDocumentPage: corrections and versions', () => {
  const versions = [
    { version: 1, date: '2010-05-31', urlPath: '/gazette/2010/05/huaifu-2010-69/v1/' },
    { version: 2, date: '2010-06-02', changeNote: '更正第二段中查阅点数量', urlPath: '/gazette/2010/05/huaifu-2010-69/v2/' },
  ];
  const corrected = article({ changeNote: '更正第二段中查阅点数量', changeDate: '2010-06-02' });

  it('shows the 更正/修订 note above the body from version 2 on', () => {
    const tree = parsePage(renderDocumentPage(ctx, corrected, { indexNumber: 'x', version: 2, versions }));
    const note = select('.change-note', tree);
    expect(textOf(note)).toBe('更正/修订2010年6月2日：更正第二段中查阅点数量');
    expect(select('.change-note + .document-body', tree)).toBeDefined();
    expect(select('.change-note', parsePage(renderDocumentPage(ctx, corrected, { indexNumber: 'x', version: 1 })))).toBeUndefined();
  });

  it('lists every version with its date, note and stable URL, the shown one current', () => {
    const tree = parsePage(renderDocumentPage(ctx, corrected, { indexNumber: 'x', version: 2, versions }));
    const items = selectAll('.versions li', tree);
    expect(items.map((li) => select('a', li)?.properties.href)).toEqual(versions.map((v) => v.urlPath));
    expect(items.map(textOf)).toEqual(['第1版2010年5月31日首次发布', '第2版2010年6月2日更正第二段中查阅点数量']);
    expect(select('.versions a[aria-current=page]', tree)?.properties.href).toBe('/gazette/2010/05/huaifu-2010-69/v2/');
    expect(select('.versions', parsePage(renderDocumentPage(ctx, article(), { indexNumber: 'x', versions: versions.slice(0, 1) })))).toBeUndefined();
  });

  it('renders an earlier version as an immutable copy that points at the current page', () => {
    const page = renderVersionPage(ctx, article(), { indexNumber: 'x', version: 1, versions });
    const tree = parsePage(page);
    expect(page.key).toBe('gazette/2010/05/huaifu-2010-69/v1/index.html');
    const notice = select('.version-notice', tree);
    expect(textOf(notice)).toContain('本页为第1版');
    expect(select('a', notice)?.properties.href).toBe('/gazette/2010/05/huaifu-2010-69/');
    expect(select('link[rel=canonical]', tree)?.properties.href).toBe('https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/v1/');
    expect(select('.versions a[aria-current=page]', tree)?.properties.href).toBe('/gazette/2010/05/huaifu-2010-69/v1/');
    expect(select('.version-notice', parsePage(renderDocumentPage(ctx, article(), { indexNumber: 'x' })))).toBeUndefined();
  });

  it('links the errata of an article', () => {
    const errata = [{ title: '关于《淮南市人民政府关于进一步推进政务公开工作的意见》的勘误', urlPath: '/gazette/2010/06/kanwu-huaifu-2010-69/' }];
    const tree = parsePage(renderDocumentPage(ctx, corrected, { indexNumber: 'x', errata }));
    expect(select('.relations a', tree)?.properties.href).toBe(errata[0]?.urlPath);
  });
});

describe('renderDocumentPage: superseded documents', () => {
  const old = article({
    id: 'huaifu-2008-12',
    title: '淮南市政府信息公开暂行办法',
    urlPath: '/gazette/2008/03/huaifu-2008-12/',
    validity: '废止',
    supersededBy: 'huaifu-2010-69',
  });
  const current = article();

  it('links the replacing document from the replaced one, and back', () => {
    const oldTree = parsePage(renderDocumentPage(ctx, old, { indexNumber: 'x', supersededBy: { title: current.title, urlPath: current.urlPath } }));
    const notice = select('.superseded-notice', oldTree);
    expect(textOf(notice)).toContain('本文件已废止');
    expect(select('a', notice)?.properties.href).toBe(current.urlPath);
    expect(fields(oldTree)['有效性']).toBe('废止');

    const currentTree = parsePage(renderDocumentPage(ctx, current, { indexNumber: 'x', supersedes: [{ title: old.title, urlPath: old.urlPath }] }));
    const replaces = selectAll('.relations dl > div', currentTree).find((row) => textOf(select('dt', row)) === '本文件替代');
    expect(select('a', replaces)?.properties.href).toBe(old.urlPath);
    expect(select('.superseded-notice', currentTree)).toBeUndefined();
  });
});

describe('renderErratumPage', () => {
  const erratum = {
    id: 'kanwu-huaifu-2010-69',
    title: '关于《淮南市人民政府关于进一步推进政务公开工作的意见》的勘误',
    date: '2010-06-30',
    issueLabel: '2010年第6期（总第54期）',
    corrected: {
      title: '淮南市人民政府关于进一步推进政务公开工作的意见',
      urlPath: '/gazette/2010/05/huaifu-2010-69/',
      version: 2,
      versionUrl: '/gazette/2010/05/huaifu-2010-69/v2/',
    },
    changeNote: '第二段中“查阅点12个”应为“查阅点15个”。',
    urlPath: '/gazette/2010/06/kanwu-huaifu-2010-69/',
  };
  const page = renderErratumPage(ctx, erratum);
  const tree = parsePage(page);

  it('is published at its own URL with its title and issue', () => {
    expect(page.key).toBe('gazette/2010/06/kanwu-huaifu-2010-69/index.html');
    expect(selectAll('h1', tree).map(textOf)).toEqual([erratum.title]);
    expect(fields(tree)).toMatchObject({ 发布日期: '2010年6月30日', 刊登期号: '2010年第6期（总第54期）' });
  });

  it('says what was corrected and links the corrected article and its new version', () => {
    expect(textOf(select('.document-body', tree))).toContain(erratum.changeNote);
    const hrefs = selectAll('main a', tree).map((a) => a.properties.href);
    expect(hrefs).toContain(erratum.corrected.urlPath);
    expect(hrefs).toContain(erratum.corrected.versionUrl);
  });
});
