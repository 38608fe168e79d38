import type { Element } from 'hast';
import { select, selectAll } from 'hast-util-select';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { markdownToHast } from '../../src/render/markdown.ts';
import { textOf } from './fixtures.ts';

const published: Record<string, string> = {
  '../04/huaifu-2010-38.md': '/gazette/2010/04/huaifu-2010-38/',
  'photo.jpg': '/press/2010/zwgk-conference/photo.jpg',
  '照片.png': '/press/2010/zwgk-conference/照片.png',
};
const resolveLink = (href: string): string | undefined => published[href];

function render(markdown: string) {
  return markdownToHast(markdown, { resolveLink });
}

function urlsOf(tree: ReturnType<typeof render>): string[] {
  return selectAll('[href], [src]', tree).map((e: Element) => String(e.properties.href ?? e.properties.src));
}

describe('markdownToHast: nothing executable survives', () => {
  const attacks = [
    '<script>alert(1)</script>',
    '正文<script>alert(1)</script>',
    '<img src="x.png" onerror="alert(1)">',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<p style="color:red" onclick="alert(1)">红字</p>',
    '<style>body{display:none}</style>',
    '[点我](javascript:alert(1))',
    '[点我](JaVaScRiPt:alert(1))',
    '[点我](&#106;avascript:alert(1))',
    '[点我](vbscript:msgbox(1))',
    '[点我][ref]\n\n[ref]: javascript:alert(1)',
    '![图](data:image/png;base64,iVBORw0KGgo=)',
    '![图](javascript:alert(1))',
    '<a href="javascript:alert(1)">点我</a>',
    '<svg onload="alert(1)"></svg>',
    '## 标题<script>alert(1)</script>\n\n| a |\n| - |\n| 单元格<style>body{display:none}</style> |',
  ];

  it.each(attacks)('%s', (markdown) => {
    const tree = render(markdown);
    expect(selectAll('script, style, iframe, object, embed, svg, [style], [onclick], [onerror], [onload]', tree)).toEqual([]);
    for (const url of urlsOf(tree)) expect(url).not.toMatch(/^\s*(javascript|vbscript|data):/i);
    expect(toHtml(tree)).not.toMatch(/alert|javascript|<script|onerror|onclick|style=/i);
  });

  it('keeps the visible text of a refused link and the alt text of a refused image', () => {
    const tree = render('请[点我](javascript:alert(1))查看![现场照片](data:image/png;base64,AAAA)。');
    expect(textOf(tree)).toBe('请点我查看现场照片。');
    expect(selectAll('a, img', tree)).toEqual([]);
  });
});

describe('markdownToHast: links', () => {
  it('sends relative links and images through the resolver, and keeps site and in-page links', () => {
    const tree = render('见[另一文件](../04/huaifu-2010-38.md)、[公报](/gazette/)和[注](#qa-1)。\n\n![发布会现场](photo.jpg)\n');
    expect(urlsOf(tree)).toEqual(['/gazette/2010/04/huaifu-2010-38/', '/gazette/', '#qa-1', '/press/2010/zwgk-conference/photo.jpg']);
  });

  it('percent-encodes a resolved URL with Chinese characters', () => {
    expect(urlsOf(render('![照片](照片.png)'))).toEqual(['/press/2010/zwgk-conference/%E7%85%A7%E7%89%87.png']);
  });

  it('shows a link the resolver does not know as plain text', () => {
    const tree = render('参见[已删除的文件](missing.md)。');
    expect(selectAll('a', tree)).toEqual([]);
    expect(textOf(tree)).toBe('参见已删除的文件。');
  });

  it('marks external links noopener and leaves site links alone', () => {
    const tree = render('[中国政府网](https://www.gov.cn/)、[邮件](mailto:zwgk@huainan.gov.cn)、[本站](/press/)');
    const [gov, mail, own] = selectAll('a', tree);
    expect(gov?.properties.rel).toContain('noopener');
    expect(mail?.properties.rel).toBeUndefined();
    expect(own?.properties.rel).toBeUndefined();
  });

  it('makes a lone image a captioned figure with its alt text', () => {
    const tree = render('![市政府新闻发布厅](photo.jpg "戴启远答记者问")');
    expect(select('figure > img', tree)?.properties.alt).toBe('市政府新闻发布厅');
    expect(textOf(select('figure > figcaption', tree))).toBe('戴启远答记者问');
  });
});

describe('markdownToHast: footnotes, tables, headings', () => {
  it('labels footnotes 注释 and links both ways to ids that exist', () => {
    const tree = render('网民留言办理回复率达95%[^rate]。\n\n[^rate]: 2010年1至12月，共办理网民留言500多条。\n');
    const ref = select('a[data-footnote-ref]', tree);
    const back = select('a[data-footnote-backref]', tree);
    expect(textOf(select('section.footnotes > h2', tree))).toBe('注释');
    expect(select(`[id="${String(ref?.properties.href).slice(1)}"]`, tree)?.tagName).toBe('li');
    expect(select(`[id="${String(back?.properties.href).slice(1)}"]`, tree)).toBe(ref);
    expect(back?.properties.ariaLabel).toMatch(/返回正文/);
  });

  it('wraps tables in a focusable scroll region with column header scopes', () => {
    const tree = render('| 项目 | 数量 |\n| :-- | --: |\n| 市级政务公开示范点 | 25 |\n| 查阅点 | 15 |\n');
    // A labelled <section> is a region by itself: no role attribute for html-validate's prefer-native-element to flag.
    const region = select('section.table-scroll', tree);
    expect(region?.properties.tabIndex).toBe(0);
    expect(region?.properties.role).toBeUndefined();
    expect(region?.properties.ariaLabel).toBe('表格（可横向滚动）');
    expect(select('table', region ?? tree)).toBeDefined();
    expect(selectAll('thead th', tree).map((th) => th.properties.scope)).toEqual(['col', 'col']);
    expect(selectAll('tbody td', tree).map(textOf)).toEqual(['市级政务公开示范点', '25', '查阅点', '15']);
  });

  it('labels the scroll region in English when the document is English', () => {
    const tree = markdownToHast('| Item | Count |\n| :-- | --: |\n| Reading points | 15 |\n', { resolveLink, lang: 'en' });
    expect(select('section.table-scroll', tree)?.properties.ariaLabel).toBe('Table (scrolls sideways)');
  });

  it('demotes headings when the body uses a top-level one, so the page keeps one h1', () => {
    const tree = render('# 总体要求\n\n## 主要任务\n\n正文。');
    expect(selectAll('h1, h2, h3', tree).map((h) => h.tagName)).toEqual(['h2', 'h3']);
    expect(selectAll('h2, h3', render('## 主要任务\n\n### 一、'))).toHaveLength(2);
    expect(select('h1', render('## 主要任务'))).toBeUndefined();
  });

  it('returns the same tree for the same input', () => {
    const body = '# 一\n\n正文[^1]，[链接](photo.jpg)。\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n[^1]: 注。\n';
    expect(toHtml(render(body))).toBe(toHtml(render(body)));
  });
});
