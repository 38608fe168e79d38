import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import { describe, expect, it } from 'vitest';
import { layout } from '../../templates/layout.tsx';
import { ctx, textOf } from './fixtures.ts';

function page(urlPath: string, section?: 'home' | 'gazette' | 'press') {
  const html = toHtml(layout(ctx, { title: '2010年第5期', urlPath, section, main: [h('h1', '2010年第5期')] }));
  return { html, tree: fromHtml(html) };
}

describe('layout', () => {
  const { html, tree } = page('/gazette/2010/05/', 'gazette');

  it('is an HTML5 document in the site language with a titled page', () => {
    expect(html.startsWith('<!doctype html><html lang="zh-CN">')).toBe(true);
    expect(textOf(select('title', tree))).toBe('2010年第5期 - 淮南市人民政府');
    expect(select('meta[name=viewport]', tree)).toBeDefined();
  });

  it('has header, navigation, main and footer landmarks and a skip link to main', () => {
    expect(selectAll('body > header, body > main, body > footer, header nav', tree)).toHaveLength(4);
    const skip = select('body > a.skip-link', tree);
    expect(select(String(skip?.properties.href), tree)?.tagName).toBe('main');
    expect(textOf(select('footer', tree))).toContain('主办：淮南市人民政府办公室');
  });

  it('navigates to 首页, 政府公报, 新闻发布, 信息公开, 专栏, 搜索 and marks where the reader is', () => {
    expect(selectAll('.site-nav a', tree).map(textOf)).toEqual(['首页', '政府公报', '新闻发布', '信息公开', '专栏', '搜索']);
    expect(selectAll('.site-nav a[aria-current]', tree).map((a) => [a.properties.href, a.properties.ariaCurrent])).toEqual([['/gazette/', 'true']]);
    const archive = page('/gazette/', 'gazette').tree;
    expect(select('.site-nav a[aria-current=page]', archive)?.properties.href).toBe('/gazette/');
  });

  it('names the column but claims no article on a listing page', () => {
    expect(select('meta[name=ColumnName]', tree)?.properties.content).toBe('政府公报');
    expect(select('meta[name=ArticleTitle]', tree)).toBeUndefined();
  });

  it('escapes text instead of interpreting it', () => {
    const hostile = toHtml(layout(ctx, { title: '<script>alert(1)</script>', urlPath: '/x/', main: [h('p', '<img src=x onerror=alert(1)>')] }));
    // The title also sits in attribute values (og:title), where `<` is inert: what matters is
    // what a parser builds from the page.
    const parsed = fromHtml(hostile);
    expect(selectAll('script, img', parsed)).toEqual([]);
    expect(textOf(select('title', parsed))).toContain('<script>alert(1)</script>');
    expect(select('meta[property="og:title"]', parsed)?.properties.content).toBe('<script>alert(1)</script>');
  });
});
