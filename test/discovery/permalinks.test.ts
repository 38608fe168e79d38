// The 文号 resolver and issue citations, as a reader meets them: typed into the address bar in
// any of the spellings in use, through the preview server over the bucket (the same rules the
// CloudFront Function runs: see test/infra/permalinks.test.ts), onto a static page that sends the
// reader to the document.

import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import { toString } from 'hast-util-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docNumberKey, issueCitationKey, permalinkUri } from '../../src/discovery/permalinkRules.js';
import { after, before, get, permalinkSite, type PermalinkSite } from './permalinkSite.ts';

const path = (text: string) => `/wh/${encodeURIComponent(text)}`;

/** What a reader's browser does with a resolver page: the refresh target, checked against the visible link. */
function refreshTarget(html: string): string | undefined {
  const tree = fromHtml(html);
  const content = select('meta[http-equiv="refresh"]', tree)?.properties['content'];
  const target = /^0; url=(.+)$/.exec(String(content ?? ''))?.[1];
  if (target !== undefined) {
    // The visible link goes to the same place, and the canonical link names it absolutely.
    expect(selectAll('main a', tree).map((a) => a.properties['href'])).toContain(target);
    expect(select('link[rel="canonical"]', tree)?.properties['href']).toBe(`https://www.huainan.gov.cn${target}`);
  }
  return target;
}

const spellings69 = [
  '淮府〔2010〕69号',
  '淮府[2010]69号',
  '淮府(2010)69号',
  '淮府（2010）69号',
  '淮府【2010】69号',
  '淮府［2010］69号',
  '淮府〔２０１０〕６９号',
  '淮府〔2010〕69',
  '淮府 〔2010〕 69 号',
  '淮府〔2010〕069号',
  '淮府（２０１０）第69号',
  '　淮府（2010）69号　',
];

describe('docNumberKey', () => {
  it('gives every spelling of a 文号 one ASCII key, and different 文号 different keys', () => {
    const keys = new Set(spellings69.map((text) => docNumberKey(text)));
    expect(keys.size).toBe(1);
    const [key] = keys;
    expect(key).toMatch(/^[0-9a-z-]+$/);
    const others = ['淮府办〔2010〕69号', '淮府〔2011〕69号', '淮府〔2010〕6号', '淮府〔2010〕690号', '淮府任〔2010〕69号', '淮〔2010〕69号', '府〔2010〕69号'];
    const otherKeys = others.map((text) => docNumberKey(text));
    expect(new Set([key, ...otherKeys]).size).toBe(others.length + 1);
    for (const text of ['', '2010年第5期', '淮府', '〔2010〕69号', 'huaifu-2010-69', '淮府〔10〕69号']) expect(docNumberKey(text), text).toBeUndefined();
  });

  it('reads issue citations with or without 总期号, full-width digits and spaces', () => {
    const fifth = ['2010年第5期', '2010年第5期（总第53期）', '２０１０年第５期', '2010 年 第 5 期', '2010年第05期', '淮南市人民政府公报2010年第5期'];
    expect(new Set(fifth.map((text) => issueCitationKey(text))).size).toBe(1);
    expect(issueCitationKey('2010年第5期')).not.toBe(issueCitationKey('2010年第6期'));
    expect(issueCitationKey('总第53期')).toBe(issueCitationKey('总第５３期'));
    expect(issueCitationKey('总第53期')).not.toBe(issueCitationKey('2010年第5期'));
    expect(issueCitationKey('淮府〔2010〕69号')).toBeUndefined();
  });

  it('maps raw UTF-8 and percent-encoded addresses alike, and leaves other paths alone', () => {
    expect(permalinkUri('/wh/淮府〔2010〕69号')).toBe(permalinkUri(path('淮府〔2010〕69号')));
    expect(permalinkUri('/wh/淮府[2010]69号/')).toBe(permalinkUri('/wh/%E6%B7%AE%E5%BA%9C%5B2010%5D69%E5%8F%B7'));
    for (const other of ['/', '/gazette/2010/05/', '/whx/淮府〔2010〕69号', '/assets/site.css']) expect(permalinkUri(other)).toBe(other);
  });
});

describe('resolver pages, through the preview server', () => {
  let site: PermalinkSite;
  const documentTitle = '淮南市人民政府关于进一步推进政务公开工作的意见';

  beforeAll(async () => {
    site = await permalinkSite();
    await site.build(before);
  }, 120_000);
  afterAll(async () => site?.close());

  it(`leads each of ${spellings69.length} spellings of a 文号 to the document`, async () => {
    for (const spelling of [...spellings69, '淮府〔2010〕69号/']) {
      const resolver = await get(site.origin, spelling.endsWith('/') ? `${path(spelling.slice(0, -1))}/` : path(spelling));
      expect(resolver.status, spelling).toBe(200);
      const target = refreshTarget(resolver.body);
      expect(target, spelling).toBe('/gazette/2010/05/huaifu-2010-69/');
      const page = await get(site.origin, target as string);
      expect(page.status).toBe(200);
      expect(toString(select('h1', fromHtml(page.body)) ?? fromHtml(''))).toContain(documentTitle);
    }
  });

  it('keeps issuers apart: 淮府〔2010〕12号 and 淮府办〔2010〕12号 are different documents', async () => {
    const fu = refreshTarget((await get(site.origin, path('淮府(2010)12号'))).body);
    const ban = refreshTarget((await get(site.origin, path('淮府办(2010)12号'))).body);
    expect(fu).toBe('/gazette/2010/05/huaifu-2010-12/');
    expect(ban).toBe('/gazette/2010/05/banfa-2010-12/');
  });

  it('is an accessible page without script: language, title, a visible link', async () => {
    const { body, type } = await get(site.origin, path('淮府〔2010〕69号'));
    expect(type).toBe('text/html; charset=utf-8');
    const tree = fromHtml(body);
    expect(select('html', tree)?.properties['lang']).toBe('zh-CN');
    expect(toString(select('title', tree) ?? tree)).toContain('淮府〔2010〕69号');
    expect(toString(select('main a[href="/gazette/2010/05/huaifu-2010-69/"]', tree) ?? tree)).toBe(documentTitle);
    expect(selectAll('script:not([src])', tree)).toEqual([]);
  });

  it('leads issue citations to the issue, under /qk/ and /wh/ alike', async () => {
    for (const citation of [
      '/qk/2010年第5期',
      '/qk/2010年第5期（总第53期）',
      '/qk/２０１０年第５期',
      '/qk/总第53期',
      '/qk/2010 年 第 5 期/',
      '/wh/2010年第5期',
    ]) {
      const [prefix, text] = [citation.slice(0, 4), citation.slice(4)];
      const resolver = await get(site.origin, `${prefix}${encodeURI(text)}`);
      expect(resolver.status, citation).toBe(200);
      expect(refreshTarget(resolver.body), citation).toBe('/gazette/2010/05/');
    }
    expect((await get(site.origin, `/qk/${encodeURIComponent('2010年第9期')}`)).status).toBe(404);
  });

  it('answers an unknown 文号 with the not-found page', async () => {
    for (const unknown of ['淮府〔2010〕999号', '不是文号', '淮府〔2010〕78号']) {
      const response = await get(site.origin, path(unknown));
      expect(response.status, unknown).toBe(404);
      expect(response.body).toContain('页面不存在');
    }
  });

  it('resolves the lookup form (?q=) without script, and falls back to the index', async () => {
    const found = await get(site.origin, `/wh/?q=${encodeURIComponent('淮府（2010）69号')}`);
    expect(refreshTarget(found.body)).toBe('/gazette/2010/05/huaifu-2010-69/');
    const form = await get(site.origin, `/wh/?q=${encodeURIComponent('淮府 2010 69').replace(/%20/g, '+')}`);
    expect(refreshTarget(form.body)).toBe('/gazette/2010/05/huaifu-2010-69/');
    const unknown = await get(site.origin, '/wh/?q=nothing');
    expect(unknown.status).toBe(200);
    expect(toString(select('h1', fromHtml(unknown.body)) ?? fromHtml(''))).toBe('文号索引');
  });

  it('lists every public 文号 on /wh/ by issuer, year and number, each link served', async () => {
    const index = await get(site.origin, '/wh/');
    const tree = fromHtml(index.body);
    const form = select('form', tree);
    expect(form?.properties).toMatchObject({ action: '/wh/', method: 'get' });
    expect(select('label[for="wh-q"]', tree)).toBeDefined();
    const numbers = selectAll('.wh-number', tree).map((node) => toString(node));
    expect(numbers).toEqual(['淮府〔2010〕12号', '淮府〔2010〕50号', '淮府〔2010〕69号', '淮府办〔2010〕12号']);
    expect(index.body).not.toContain('EMBARGOED');
    expect(index.body).not.toContain('DRAFT');
    for (const href of new Set(selectAll('main a[href^="/"]', tree).map((a) => String(a.properties['href'])))) {
      expect((await get(site.origin, href)).status, href).toBe(200);
    }
    expect(toString(tree)).toContain('2010年第5期（总第53期）');
  });

  it('gives an embargoed or draft 文号 no page until release; a withdrawn one leads to its notice', async () => {
    const embargoed = path('淮府〔2010〕77号');
    expect((await get(site.origin, embargoed)).status).toBe(404);
    await site.withdraw();
    await site.build(after);
    const released = await get(site.origin, embargoed);
    expect(released.status).toBe(200);
    expect(refreshTarget(released.body)).toBe('/gazette/2010/05/huaifu-2010-77/');
    expect((await get(site.origin, '/wh/')).body).toContain('淮府〔2010〕77号');
    expect((await get(site.origin, path('淮府〔2010〕78号'))).status).toBe(404);

    const withdrawn = await get(site.origin, path('淮府〔2010〕50号'));
    const target = refreshTarget(withdrawn.body);
    expect(target).toBe('/gazette/2010/05/huaifu-2010-50/');
    expect(withdrawn.body).toContain('已撤回');
    const page = await get(site.origin, target as string);
    expect(page.body).toContain('该通知内容已调整');
    expect(page.body).not.toContain('办事时间调整为八时至十七时');
  }, 120_000);
});
