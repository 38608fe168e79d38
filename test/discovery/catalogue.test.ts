// The disclosure catalogue (/xxgk/) as a real build writes it to the embedded S3: facet counts,
// head pages with the newest 20, month pages, feed links, withdrawn entries, nothing embargoed,
// and an incremental build that rewrites only the pages a change shows on.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Element, Root } from 'hast';
import { select, selectAll } from 'hast-util-select';
import { toString } from 'hast-util-to-string';
import { beforeAll, describe, expect, it } from 'vitest';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { writeSite } from '../publish/site.ts';
import { build, digests, later, page } from './catalogue-build.ts';
import { catalogueFiles, loadCatalogueSite, marchReleases } from './catalogue-site.ts';

const text = (node: Element | Root | undefined) => (node === undefined ? '' : toString(node).replace(/\s+/g, ' ').trim());

/** Facet values on the index: label → count, for one facet section. */
function facetCounts(tree: Root, facet: string): Record<string, { href: string; count: string }> {
  const section = select(`section[aria-labelledby="facet-${facet}"]`, tree);
  return Object.fromEntries(
    selectAll('li', section).map((li) => {
      const a = select('a', li) as Element;
      return [text(a), { href: String(a.properties.href), count: text(select('.count', li)) }];
    }),
  );
}

/** Body rows of the first catalogue table: cells as text, and the title link. */
function tableRows(tree: Root): { cells: string[]; href: string }[] {
  const table = select('table.catalogue-table', tree);
  return selectAll('tbody tr', table).map((tr) => ({
    cells: selectAll('td, th', tr).map((cell) => text(cell)),
    href: String((select('a', tr) as Element).properties.href),
  }));
}

describe('the disclosure catalogue', () => {
  let stores: TestStores;
  let root: string;

  beforeAll(async () => {
    stores = await createTestStores();
    root = await writeSite(catalogueFiles());
    expect((await build(await loadCatalogueSite(root), stores)).fullCatalogue).toBe(true);
  }, 120_000);

  it('counts entries per department, topic, year and kind on the index, with its meta and the statistics link', async () => {
    const tree = await page(stores.objects, 'xxgk/index.html');
    expect(text(select('h1', tree))).toBe('政府信息公开目录');
    // 5 articles, 21 March releases + hotline + village, 1 conference, 1 in 2009: 30; the translation, draft and embargoed are not entries.
    expect(text(select('.catalogue-intro', tree))).toContain('共30条');
    expect(facetCounts(tree, 'bumen')).toEqual({
      淮南市人民政府: { href: '/xxgk/bumen/szf/', count: '（4条）' },
      淮南市人民政府办公室: { href: '/xxgk/bumen/szfb/', count: '（2条）' },
      淮南市人民政府新闻办公室: { href: '/xxgk/bumen/xwb/', count: '（23条）' },
      '淮南市"阳光村务",工作办公室': { href: '/xxgk/bumen/ygcw/', count: '（1条）' },
      淮南市教育局: { href: '/xxgk/bumen/jyj/', count: '（0条）' },
    });
    expect(facetCounts(tree, 'zhuti')).toEqual({
      政务公开: { href: '/xxgk/zhuti/zwgk/', count: '（5条）' },
      综合政务: { href: '/xxgk/zhuti/zhzw/', count: '（25条）' },
      教育: { href: '/xxgk/zhuti/jy/', count: '（0条）' },
    });
    expect(facetCounts(tree, 'niandu')).toEqual({
      '2010年': { href: '/xxgk/niandu/2010/', count: '（29条）' },
      '2009年': { href: '/xxgk/niandu/2009/', count: '（1条）' },
    });
    expect(facetCounts(tree, 'leibie')).toEqual({
      政府公报文件: { href: '/xxgk/leibie/article/', count: '（5条）' },
      新闻发布稿: { href: '/xxgk/leibie/release/', count: '（24条）' },
      新闻发布会: { href: '/xxgk/leibie/conference/', count: '（1条）' },
    });
    expect(selectAll('main a', tree).some((a) => a.properties.href === '/xxgk/tongji/')).toBe(true);
    expect((select('meta[name="ColumnName"]', tree) as Element).properties.content).toBe('政府信息公开');
    expect(text(select('.site-nav a[aria-current="page"]', tree))).toBe('信息公开');
    // Headings in order: one h1, then h2s.
    expect(selectAll('h1', tree)).toHaveLength(1);
    expect(selectAll('main h3', tree)).toHaveLength(0);
  });

  it('shows a facet value’s newest 20 in a table, its total, its month archive and its feeds', async () => {
    const tree = await page(stores.objects, 'xxgk/bumen/xwb/index.html');
    expect(text(select('h1', tree))).toBe('发布机构：淮南市人民政府新闻办公室');
    expect(text(select('.catalogue-total', tree))).toContain('共23条信息');
    const headers = selectAll('table.catalogue-table thead th', tree);
    expect(headers.map((th) => [text(th), th.properties.scope])).toEqual([
      ['索引号', 'col'],
      ['标题', 'col'],
      ['文号', 'col'],
      ['成文日期', 'col'],
      ['发布日期', 'col'],
    ]);
    expect(text(select('table.catalogue-table caption', tree))).not.toBe('');
    const rows = tableRows(tree);
    expect(rows).toHaveLength(20);
    // Newest first: the conference (06-20), the hotline (06-08), then March from the 21st down to the 4th.
    const newestMarch = marchReleases.slice(3).reverse();
    expect(rows.map((row) => row.href)).toEqual(['/press/2010/briefing/', '/press/2010/hotline/', ...newestMarch.map((r) => `/press/2010/${r.id}/`)]);
    expect(rows[1]?.cells).toEqual([expect.stringMatching(/^003210003\/2010-\d{5}$/), '12345市长公开电话受理量稳步上升', '—', '—', '2010年6月8日']);
    // The month archive: every month with its count.
    const months = selectAll('.month-archive li', tree).map((li) => [String((select('a', li) as Element).properties.href), text(select('.count', li))]);
    expect(months).toEqual([
      ['/xxgk/bumen/xwb/2010-06/', '（2条）'],
      ['/xxgk/bumen/xwb/2010-03/', '（21条）'],
    ]);
    // The department's feeds, announced in the head and linked on the page.
    const alternates = selectAll('link[rel="alternate"]', tree).map((link) => String(link.properties.href));
    expect(alternates).toContain('https://www.huainan.gov.cn/feeds/departments/xwb/atom.xml');
    expect(alternates).toContain('https://www.huainan.gov.cn/feeds/all/rss.xml');
    expect(selectAll('.catalogue-feeds a', tree).map((a) => a.properties.href)).toEqual([
      'https://www.huainan.gov.cn/feeds/departments/xwb/rss.xml',
      'https://www.huainan.gov.cn/feeds/departments/xwb/atom.xml',
      'https://www.huainan.gov.cn/feeds/departments/xwb/feed.json',
    ]);
    expect(selectAll('.breadcrumbs a', tree).map((a) => a.properties.href)).toEqual(['/', '/xxgk/']);
  });

  it('lists a whole month on its month page, the rest of the head page included', async () => {
    const tree = await page(stores.objects, 'xxgk/bumen/xwb/2010-03/index.html');
    expect(text(select('h1', tree))).toBe('发布机构：淮南市人民政府新闻办公室（2010年3月）');
    expect(tableRows(tree).map((row) => row.href)).toEqual([...marchReleases].reverse().map((r) => `/press/2010/${r.id}/`));
    expect(selectAll('.breadcrumbs a', tree).map((a) => a.properties.href)).toEqual(['/', '/xxgk/', '/xxgk/bumen/xwb/']);
  });

  it('gives 文号 and 成文日期 for articles, and marks a withdrawn one without its summary', async () => {
    const tree = await page(stores.objects, 'xxgk/leibie/article/index.html');
    const rows = tableRows(tree);
    // Same date: by id, descending, as every listing of the site orders them.
    expect(rows.map((row) => row.cells.slice(1))).toEqual([
      ['淮南市人民政府办公室关于职权目录编制工作的通知已撤回', '淮府办〔2010〕20号', '2010年6月1日', '2010年6月30日'],
      ['淮南市人民政府关于推行阳光村务工程的通知', '淮府〔2010〕80号', '2010年6月11日', '2010年6月30日'],
      ['在全市政务公开工作会议上的讲话', '—', '2010年5月28日', '2010年5月31日'],
      ['淮南市人民政府办公室关于印发政府信息公开目录编制规范的通知', '淮府办〔2010〕12号', '2010年5月10日', '2010年5月31日'],
      ['淮南市人民政府关于进一步推进政务公开工作的意见推进政务公开的总体要求。', '淮府〔2010〕69号', '2010年4月20日', '2010年5月31日'],
    ]);
    const marks = selectAll('table.catalogue-table tbody tr', tree).map((tr) => text(select('.withdrawn-mark', tr)));
    expect(marks).toEqual(['已撤回', '', '', '', '']);
    const serialized = Buffer.from((await stores.objects.get(`${SITE_PREFIX}xxgk/leibie/article/index.html`))?.body ?? []).toString('utf8');
    expect(serialized).not.toContain('撤回前的摘要不应出现');
    // Gazette articles announce the gazette feed.
    expect(selectAll('link[rel="alternate"]', tree).map((link) => String(link.properties.href))).toContain('https://www.huainan.gov.cn/feeds/gazette/rss.xml');
    const conference = await page(stores.objects, 'xxgk/leibie/conference/index.html');
    expect(selectAll('link[rel="alternate"]', conference).map((link) => String(link.properties.href))).toContain(
      'https://www.huainan.gov.cn/feeds/press/rss.xml',
    );
  });

  it('has pages for topics and years, and an empty department page that says so', async () => {
    const topic = await page(stores.objects, 'xxgk/zhuti/zwgk/index.html');
    expect(tableRows(topic).map((row) => row.href)).toEqual([
      '/gazette/2010/06/huaifuban-2010-20/',
      '/press/2010/briefing/',
      '/gazette/2010/05/huaifuban-2010-12/',
      '/gazette/2010/05/huaifu-2010-69/',
      '/press/2009/yearend/',
    ]);
    expect(selectAll('link[rel="alternate"]', topic).map((link) => String(link.properties.href))).toContain(
      'https://www.huainan.gov.cn/feeds/topics/zwgk/feed.json',
    );
    const year = await page(stores.objects, 'xxgk/niandu/2009/index.html');
    expect(tableRows(year).map((row) => row.href)).toEqual(['/press/2009/yearend/']);
    expect(selectAll('.catalogue-feeds a', year).map((a) => a.properties.href)).toContain('https://www.huainan.gov.cn/feeds/all/rss.xml');
    const empty = await page(stores.objects, 'xxgk/bumen/jyj/index.html');
    expect(text(select('.catalogue-total', empty))).toContain('共0条信息');
    expect(select('table', empty)).toBeUndefined();
    // No feed is written for a selection with nothing published: none is linked.
    expect(select('.catalogue-feeds', empty)).toBeUndefined();
    expect(
      selectAll('link[rel="alternate"]', empty)
        .map((link) => String(link.properties.href))
        .filter((href) => href.includes('departments/')),
    ).toEqual([]);
  });

  it('shows nothing of embargoed, draft or translated documents anywhere under /xxgk/', async () => {
    const all = await digests(stores.objects, 'xxgk/');
    expect(all.size).toBeGreaterThan(30);
    for (const key of all.keys()) {
      const body = Buffer.from((await stores.objects.get(SITE_PREFIX + key))?.body ?? []).toString('utf8');
      for (const secret of ['禁发期内', 'press-2010-embargoed', '草稿', 'press-2010-draft', "Mayor's hotline", '撤回前的正文']) {
        expect(body, `${key} shows ${secret}`).not.toContain(secret);
      }
    }
  });
});

describe('an incremental build', () => {
  it('rewrites the index, the new document’s head pages and its month pages, and nothing else of the catalogue', async () => {
    const stores = await createTestStores();
    const root = await writeSite(catalogueFiles());
    await build(await loadCatalogueSite(root), stores);
    const before = await digests(stores.objects, 'xxgk/');

    await writeFile(
      join(root, 'press/2010/new.md'),
      '---\nid: press-2010-new\ntitle: 市政府办公室发布政务公开新举措\ndate: 2010-06-10\ndepartment: 淮南市人民政府办公室\ncategory: 政务公开\n---\n新举措正文。\n',
    );
    const summary = await build(await loadCatalogueSite(root), stores, later);
    expect(summary).toMatchObject({ created: 1, updated: 0 });
    // The build took the incremental path: the outputs were asked only for the pages the change touches.
    expect(summary.fullCatalogue).toBe(false);
    const after = await digests(stores.objects, 'xxgk/');
    const changed = [...after.keys()].filter((key) => before.get(key) !== after.get(key) && !key.startsWith('xxgk/tongji/')).sort();
    expect(changed).toEqual([
      'xxgk/bumen/szfb/2010-06/index.html',
      'xxgk/bumen/szfb/index.html',
      'xxgk/index.html',
      'xxgk/leibie/release/2010-06/index.html',
      'xxgk/leibie/release/index.html',
      'xxgk/niandu/2010/2010-06/index.html',
      'xxgk/niandu/2010/index.html',
      'xxgk/zhuti/zwgk/2010-06/index.html',
      'xxgk/zhuti/zwgk/index.html',
    ]);
    const row = tableRows(await page(stores.objects, 'xxgk/bumen/szfb/2010-06/index.html')).map((r) => r.href);
    expect(row).toEqual(['/gazette/2010/06/huaifuban-2010-20/', '/press/2010/new/']);
  }, 120_000);

  it('moves a document between departments and months: old and new pages both rewritten', async () => {
    const stores = await createTestStores();
    const root = await writeSite(catalogueFiles());
    await build(await loadCatalogueSite(root), stores);
    const before = await digests(stores.objects, 'xxgk/');
    // The village release moves from the 阳光村务 office (July) to the education bureau (June), topic 教育.
    await writeFile(
      join(root, 'press/2010/village.md'),
      '---\nid: press-2010-village\ntitle: 阳光村务工程建设全面启动\ndate: 2010-06-28\ndepartment: 淮南市教育局\ncategory: 教育\n' +
        'changeNote: 发布机构和日期更正。\nchangeDate: 2010-07-11\n---\n全市阳光村务工程建设全面启动。\n',
    );
    const summary = await build(await loadCatalogueSite(root), stores, later);
    expect(summary).toMatchObject({ created: 0, updated: 1, fullCatalogue: false });
    const after = await digests(stores.objects, 'xxgk/');
    const changed = [...after.keys()].filter((key) => before.get(key) !== after.get(key) && !key.startsWith('xxgk/tongji/')).sort();
    expect(changed).toEqual([
      'xxgk/bumen/jyj/2010-06/index.html',
      'xxgk/bumen/jyj/index.html',
      'xxgk/bumen/ygcw/2010-07/index.html',
      'xxgk/bumen/ygcw/index.html',
      'xxgk/index.html',
      'xxgk/leibie/release/2010-06/index.html',
      'xxgk/leibie/release/2010-07/index.html',
      'xxgk/leibie/release/index.html',
      'xxgk/niandu/2010/2010-06/index.html',
      'xxgk/niandu/2010/2010-07/index.html',
      'xxgk/niandu/2010/index.html',
      'xxgk/zhuti/jy/2010-06/index.html',
      'xxgk/zhuti/jy/index.html',
      'xxgk/zhuti/zhzw/2010-07/index.html',
      'xxgk/zhuti/zhzw/index.html',
    ]);
    // The old month page stays, empty; the department's page no longer lists it.
    const old = await page(stores.objects, 'xxgk/bumen/ygcw/2010-07/index.html');
    expect(select('table', old)).toBeUndefined();
    expect(text(select('.catalogue-total', await page(stores.objects, 'xxgk/bumen/ygcw/index.html')))).toContain('共0条信息');
    expect(tableRows(await page(stores.objects, 'xxgk/bumen/jyj/index.html')).map((r) => r.href)).toEqual(['/press/2010/village/']);
  }, 120_000);
});
