import { select, selectAll } from 'hast-util-select';
import { describe, expect, it } from 'vitest';
import {
  renderGazetteArchive,
  renderGazetteYear,
  renderHomePage,
  renderIssuePage,
  renderNotFoundPage,
  renderPressIndex,
  renderPressMonth,
} from '../../src/render/html/listingPages.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { ctx, issueRecord, parsePage, record, textOf } from './fixtures.ts';

const issue5 = issueRecord({ number: 5, articleIds: ['huaifu-2010-69', 'huaifuban-2010-27', 'jianghua-2010-3', 'huaifu-2010-72'] });
const articles: DocumentRecord[] = [
  record({ id: 'jianghua-2010-3', kind: 'article', section: '领导讲话', title: '曹勇市长在全市政务公开工作会议上的讲话', issue: issue5 }),
  record({
    id: 'huaifuban-2010-27',
    kind: 'article',
    section: '市政府办公室文件',
    title: '关于开展政府信息公开制度执行年活动的通知',
    docNumber: '淮府办〔2010〕27号',
    issue: issue5,
  }),
  record({ id: 'huaifu-2010-72', kind: 'article', section: '市政府文件', title: '关于推进网络问政工作的意见', docNumber: '淮府〔2010〕72号', issue: issue5 }),
  record({
    id: 'huaifu-2010-69',
    kind: 'article',
    section: '市政府文件',
    title: '关于进一步推进政务公开工作的意见',
    docNumber: '淮府〔2010〕69号',
    issue: issue5,
  }),
  record({ id: 'huaifu-2010-70', kind: 'article', section: '市政府文件', title: '已撤回的文件', status: 'withdrawn', issue: issue5 }),
];

/** 25 press items over three months, plus a scheduled one that must not be listed yet. */
function pressRecords(): DocumentRecord[] {
  const items: DocumentRecord[] = [];
  for (let i = 1; i <= 25; i++) {
    const month = i <= 5 ? '10' : i <= 12 ? '11' : '12';
    const day = String((i % 28) + 1).padStart(2, '0');
    items.push(record({ id: `press-2010-${String(i).padStart(2, '0')}`, date: `2010-${month}-${day}`, kind: i % 5 === 0 ? 'conference' : 'release' }));
  }
  items.push(record({ id: 'press-2010-embargoed', date: '2010-12-31', status: 'scheduled' }));
  return items;
}

describe('renderIssuePage', () => {
  const page = renderIssuePage(ctx, issue5, articles, { editorNote: '本期刊登**政务公开**文件。', pdfUrl: '/gazette/2010/05/gazette-2010-05.pdf' });
  const tree = parsePage(page);

  it('shows the masthead with issue and total numbers and the date', () => {
    expect(page.key).toBe('gazette/2010/05/index.html');
    expect(textOf(select('h1', tree))).toBe('淮南市人民政府公报2010年第5期（总第53期）');
    expect(select('.masthead time', tree)?.properties.dateTime).toBe('2010-05-28');
  });

  it('groups the contents by section in site order, keeps the issue order, and shows 文号', () => {
    const groups = selectAll('.toc-section', tree).map((s) => ({
      section: textOf(select('h3', s)),
      titles: selectAll('li a', s).map(textOf),
    }));
    expect(groups).toEqual([
      // A withdrawn article stays in the contents of its issue (the issue is a record), marked.
      { section: '市政府文件', titles: ['关于进一步推进政务公开工作的意见', '关于推进网络问政工作的意见', '已撤回的文件'] },
      { section: '市政府办公室文件', titles: ['关于开展政府信息公开制度执行年活动的通知'] },
      { section: '领导讲话', titles: ['曹勇市长在全市政务公开工作会议上的讲话'] },
    ]);
    expect(
      selectAll('.toc li', tree)
        .filter((li) => select('.withdrawn-mark', li) !== undefined)
        .map((li) => textOf(select('a', li))),
    ).toEqual(['已撤回的文件']);
    expect(selectAll('.toc .doc-number', tree).map(textOf)).toEqual(['淮府〔2010〕69号', '淮府〔2010〕72号', '淮府办〔2010〕27号']);
  });

  it('renders the editor’s note below its heading and links the PDF edition', () => {
    expect(textOf(select('.editor-note strong', tree))).toBe('政务公开');
    const note = parsePage(renderIssuePage(ctx, issue5, articles, { editorNote: '## 本期要目\n\n政务公开文件两件。' }));
    expect(selectAll('.editor-note h2, .editor-note h3', note).map(textOf)).toEqual(['编者按', '本期要目']);
    expect(select('.pdf-link a', tree)?.properties.href).toBe('/gazette/2010/05/gazette-2010-05.pdf');
  });
});

describe('renderIssuePage: errata', () => {
  it('ends the contents with a 勘误 section listing the errata passed in', () => {
    const errata = [{ title: '关于《淮南市人民政府关于进一步推进政务公开工作的意见》的勘误', urlPath: '/gazette/2010/06/kanwu-huaifu-2010-69/' }];
    const tree = parsePage(renderIssuePage(ctx, issueRecord({ number: 6 }), articles, { errata }));
    const sections = selectAll('.toc .toc-section', tree);
    const last = sections.at(-1);
    expect(textOf(select('h3', last))).toBe('勘误');
    expect(selectAll('li a', last).map((a) => [textOf(a), a.properties.href])).toEqual([[errata[0]?.title, errata[0]?.urlPath]]);
    expect(select('.toc .empty', tree)).toBeUndefined();
  });

  it('has no 勘误 section without errata', () => {
    expect(select('.toc-errata', parsePage(renderIssuePage(ctx, issue5, articles)))).toBeUndefined();
  });
});

describe('gazette archive and year pages', () => {
  const issues = [issueRecord({ year: 2010, number: 4 }), issueRecord({ year: 2011, number: 1, totalNumber: 61 }), issueRecord({ year: 2010, number: 5 })];

  it('lists years newest first, each with its issues', () => {
    const tree = parsePage(renderGazetteArchive(ctx, issues));
    expect(selectAll('.archive-year h2', tree).map(textOf)).toEqual(['2011年', '2010年']);
    expect(selectAll('.archive-year', tree).map((s) => selectAll('li a', s).map((a) => a.properties.href))).toEqual([
      ['/gazette/2011/01/'],
      ['/gazette/2010/05/', '/gazette/2010/04/'],
    ]);
  });

  it('lists only the issues of its year', () => {
    const page = renderGazetteYear(ctx, 2010, issues);
    expect(page.key).toBe('gazette/2010/index.html');
    expect(selectAll('.issue-list a', parsePage(page)).map(textOf)).toEqual(['第5期（总第53期）', '第4期（总第52期）']);
  });
});

describe('press pages', () => {
  const records = pressRecords();

  it('shows the 20 newest published items and every month with its count', () => {
    const tree = parsePage(renderPressIndex(ctx, records));
    const listed = selectAll('.document-list li a', tree).map((a) => a.properties.href);
    expect(listed).toHaveLength(20);
    expect(listed[0]).toBe('/press/2010/press-2010-25/');
    expect(listed).not.toContain('/press/2010/press-2010-embargoed/');
    expect(selectAll('.month-archive li', tree).map(textOf)).toEqual(['2010年12月（13条）', '2010年11月（7条）', '2010年10月（5条）']);
    expect(select('.month-archive a', tree)?.properties.href).toBe('/press/archive/2010-12/');
  });

  it('lists every item of one month on its page, conferences marked', () => {
    const page = renderPressMonth(ctx, '2010-11', records);
    const tree = parsePage(page);
    expect(page.key).toBe('press/archive/2010-11/index.html');
    expect(selectAll('.document-list li', tree)).toHaveLength(7);
    expect(selectAll('.document-list .kind', tree).map(textOf)).toEqual(['新闻发布会']);
  });

  it('changes only the head page and its own month page when an item is added', () => {
    const months = ['2010-10', '2010-11', '2010-12'];
    const render = (all: DocumentRecord[]) =>
      [renderPressIndex(ctx, all), ...months.map((m) => renderPressMonth(ctx, m, all))].map((a) => Buffer.from(a.body).toString());
    const before = render(records);
    const after = render([...records, record({ id: 'press-2010-new', date: '2010-11-30' })]);
    expect(before.map((html, i) => html !== after[i])).toEqual([true, false, true, false]);
  });
});

describe('withdrawn press items', () => {
  const withdrawn = record({ id: 'press-2010-withdrawn', date: '2010-12-30', status: 'withdrawn', title: '已撤回的新闻稿' });
  const records = [...pressRecords(), withdrawn];

  it('are left out of the press head page and the home page', () => {
    const hrefs = (tree: ReturnType<typeof parsePage>) => selectAll('.document-list a', tree).map((a) => a.properties.href);
    expect(hrefs(parsePage(renderPressIndex(ctx, records)))).not.toContain(withdrawn.urlPath);
    expect(hrefs(parsePage(renderHomePage(ctx, [issue5], [...articles, ...records])))).not.toContain(withdrawn.urlPath);
  });

  it('stay on their month page, marked 已撤回, and are counted there', () => {
    const tree = parsePage(renderPressMonth(ctx, '2010-12', records));
    const item = selectAll('.document-list li', tree).find((li) => select('a', li)?.properties.href === withdrawn.urlPath);
    expect(textOf(select('.withdrawn-mark', item))).toBe('已撤回');
    expect(selectAll('.document-list .withdrawn-mark', tree)).toHaveLength(1);
    expect(selectAll('.month-archive li', parsePage(renderPressIndex(ctx, records))).map(textOf)[0]).toBe('2010年12月（14条）');
  });

  it('leave the latest issue’s contents on the home page', () => {
    const home = parsePage(renderHomePage(ctx, [issue5], articles));
    expect(selectAll('.latest-issue a', home).map(textOf)).not.toContain('已撤回的文件');
  });
});

describe('renderHomePage', () => {
  const tree = parsePage(renderHomePage(ctx, [issueRecord({ number: 4 }), issue5], [...articles, ...pressRecords()]));

  it('shows the latest issue with its contents, the 10 latest press items and archive links', () => {
    expect(select('.latest-issue a', tree)?.properties.href).toBe('/gazette/2010/05/');
    expect(selectAll('.latest-issue .toc-section h3', tree).map(textOf)).toEqual(['市政府文件', '市政府办公室文件', '领导讲话']);
    expect(selectAll('.home-press .document-list li', tree)).toHaveLength(10);
    expect(selectAll('.more a', tree).map((a) => a.properties.href)).toEqual(['/gazette/', '/press/']);
  });

  it('marks the home link as the current page and has one h1', () => {
    expect(select('.site-nav a[aria-current=page]', tree)?.properties.href).toBe('/');
    expect(selectAll('h1', tree)).toHaveLength(1);
  });
});

describe('renderNotFoundPage', () => {
  it('is 404.html, says what happened and where to go, and claims no canonical URL', () => {
    const page = renderNotFoundPage(ctx);
    const tree = parsePage(page);
    expect(page.key).toBe('404.html');
    expect(textOf(select('h1', tree))).toBe('页面不存在');
    expect(selectAll('main a', tree).map((a) => a.properties.href)).toEqual(['/', '/gazette/', '/press/']);
    expect(select('link[rel=canonical]', tree)).toBeUndefined();
  });
});
