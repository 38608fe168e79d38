// Statistics and ranking (/xxgk/tongji/) from a real build: the ranking table against working
// days counted by hand on the 2010 calendar (and on weekdays only, without one), the CSV and
// JSON downloads parsed back, the annual report figures, and which objects a change rewrites.
//
// Working days after 成文日期 up to and including 发布日期, by hand (2010 calendar | Mon–Fri only):
//   huaifu-2010-69     2010-04-20 → 05-31: Apr 21–23, 26–30 = 8; May 4–7, 10–31 weekdays = 20 (May 3 劳动节)   28 | 29
//   huaifuban-2010-12  2010-05-10 → 05-31: May 11–14, 17–21, 24–28, 31                                       15 | 15
//   speech-2010-05     2010-05-28 → 05-31                                                                     1 |  1
//   huaifu-2010-80     2010-06-11 → 06-30: Jun 12, 13 (调休), 17, 18, 21–25, 28–30 (14–16 端午节)               12 | 13
//   huaifuban-2010-20  2010-06-01 → 06-30: Jun 2–4, 7–11, 12, 13, 17, 18, 21–25, 28–30 (withdrawn)           20 | 21

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
import { catalogueFiles, loadCatalogueSite, oddDepartment } from './catalogue-site.ts';

const text = (node: Element | Root | undefined) => (node === undefined ? '' : toString(node).replace(/\s+/g, ' ').trim());

const szf = '淮南市人民政府';
const szfb = '淮南市人民政府办公室';
const xwb = '淮南市人民政府新闻办公室';
const jyj = '淮南市教育局';

/** The ranking table as a reader sees it: header cells, then body rows and the totals row as text. */
function ranking(tree: Root): { headers: string[]; rows: string[][]; total: string[]; caption: string } {
  const table = select('table.ranking-table', tree) as Element;
  const cells = (tr: Element) => selectAll('td, th', tr).map((cell) => text(cell));
  return {
    caption: text(select('caption', table)),
    headers: selectAll('thead th', table).map((th) => text(th)),
    rows: selectAll('tbody tr', table).map(cells),
    total: cells(select('tfoot tr', table) as Element),
  };
}

async function bytes(stores: TestStores, key: string): Promise<{ body: Buffer; contentType: string }> {
  const stored = await stores.objects.get(SITE_PREFIX + key);
  if (stored === undefined) throw new Error(`no object at ${key}`);
  return { body: Buffer.from(stored.body), contentType: stored.contentType };
}

/** RFC 4180, written here independently of the code under test. */
function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && input[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

const headers = [
  '排名',
  '发布机构',
  '政府公报文件',
  '新闻发布稿',
  '新闻发布会',
  '合计',
  '其中已撤回',
  '有成文日期的文件数',
  '平均用时（工作日）',
  '中位用时（工作日）',
  '20个工作日内发布数',
  '20个工作日内发布占比',
];

describe('statistics and ranking, with the 2010 calendar', () => {
  let stores: TestStores;

  beforeAll(async () => {
    stores = await createTestStores();
    await build(await loadCatalogueSite(await writeSite(catalogueFiles())), stores);
  }, 120_000);

  it('ranks departments for the year by total, with timeliness counted in working days', async () => {
    const tree = await page(stores.objects, 'xxgk/tongji/2010/index.html');
    expect(text(select('h1', tree))).toBe('2010年信息统计排行');
    const table = ranking(tree);
    expect(table.caption).toBe('2010年各发布机构主动公开信息数量和发布时效排行');
    expect(table.headers).toEqual(headers);
    expect(table.rows).toEqual([
      ['1', xwb, '0', '22', '1', '23', '0', '0', '—', '—', '0', '—'],
      // 28, 1, 12: mean 13.7, median 12, two of three within 20.
      ['2', szf, '3', '0', '0', '3', '0', '3', '13.7', '12', '2', '66.7%'],
      // 15 and 20 (withdrawn, still counted where it was published): 20 is within 20.
      ['3', szfb, '2', '0', '0', '2', '1', '2', '17.5', '17.5', '2', '100.0%'],
      ['4', oddDepartment, '0', '1', '0', '1', '0', '0', '—', '—', '0', '—'],
      ['5', jyj, '0', '0', '0', '0', '0', '0', '—', '—', '0', '—'],
    ]);
    // 1, 12, 15, 20, 28: mean 15.2, median 15, four within 20.
    expect(table.total).toEqual(['—', '全部机构', '5', '23', '1', '29', '1', '5', '15.2', '15', '4', '80.0%']);
    // Readable without JavaScript: header scopes, the order it is in, the script only named.
    const table0 = select('table.ranking-table', tree) as Element;
    expect(selectAll('thead th', table0).every((th) => th.properties.scope === 'col')).toBe(true);
    expect(selectAll('tbody th', table0).every((th) => th.properties.scope === 'row')).toBe(true);
    expect((select('thead th', table0) as Element).properties.ariaSort).toBe('ascending');
    expect(selectAll('script', tree).map((s) => String(s.properties.src))).toEqual([expect.stringMatching(/^\/assets\/sort-table\.[0-9a-f]{8}\.js$/)]);
    expect(text(select('main', tree))).toContain('工作日按本站节假日安排（含调休上班日）计算');
    // The month selector and the downloads.
    expect(selectAll('.month-archive a', tree).map((a) => a.properties.href)).toEqual([
      '/xxgk/tongji/2010-03/',
      '/xxgk/tongji/2010-05/',
      '/xxgk/tongji/2010-06/',
      '/xxgk/tongji/2010-07/',
    ]);
    expect(selectAll('.stats-downloads a', tree).map((a) => a.properties.href)).toEqual([
      '/xxgk/tongji/2010.csv',
      '/xxgk/tongji/2010.json',
      '/xxgk/tongji/2010/niandu-baogao/',
    ]);
    expect((select('meta[name="ColumnName"]', tree) as Element).properties.content).toBe('政府信息公开');
  });

  it('ranks a month the same way: equal totals by share within 20 days, then the lower mean', async () => {
    const june = ranking(await page(stores.objects, 'xxgk/tongji/2010-06/index.html'));
    expect(june.rows.map((row) => [row[0], row[1], row[5], row[8], row[11]])).toEqual([
      ['1', xwb, '2', '—', '—'],
      ['2', szf, '1', '12.0', '100.0%'],
      ['3', szfb, '1', '20.0', '100.0%'],
      ['4', oddDepartment, '0', '—', '—'],
      ['4', jyj, '0', '—', '—'],
    ]);
    const may = ranking(await page(stores.objects, 'xxgk/tongji/2010-05/index.html'));
    expect(may.rows.slice(0, 2).map((row) => row.slice(0, 12))).toEqual([
      ['1', szf, '2', '0', '0', '2', '0', '2', '14.5', '14.5', '1', '50.0%'],
      ['2', szfb, '1', '0', '0', '1', '0', '1', '15.0', '15', '1', '100.0%'],
    ]);
  });

  it('lists the years, and says when a year has no calendar', async () => {
    const index = await page(stores.objects, 'xxgk/tongji/index.html');
    expect(selectAll('.stats-years li', index).map((li) => text(li))).toEqual([
      '2010年信息统计排行（29条） · 2010年度报告数据',
      '2009年信息统计排行（1条） · 2009年度报告数据',
    ]);
    const year2009 = await page(stores.objects, 'xxgk/tongji/2009/index.html');
    expect(text(select('main', year2009))).toContain('2009年未配置节假日安排，这些年份的工作日仅按周一至周五计算');
    expect(ranking(year2009).rows[0]).toEqual(['1', szf, '0', '1', '0', '1', '0', '0', '—', '—', '0', '—']);
  });

  it('offers a CSV that Excel opens: BOM, Chinese header, RFC 4180 quoting, a row per department and period', async () => {
    const { body, contentType } = await bytes(stores, 'xxgk/tongji/2010.csv');
    expect(contentType).toBe('text/csv; charset=utf-8');
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const raw = body.toString('utf8');
    expect(raw).toContain('"淮南市""阳光村务"",工作办公室"');
    const [header, ...rows] = parseCsv(raw.slice(1));
    expect(header).toEqual(['期间', '期间类型', '排名', '发布机构', '机构代码', ...headers.slice(2, -1), '20个工作日内发布占比（%）']);
    // The year and four months, five departments each.
    expect(rows).toHaveLength(25);
    expect(rows.map((row) => row[0]).filter((period, i, all) => all.indexOf(period) === i)).toEqual(['2010', '2010-03', '2010-05', '2010-06', '2010-07']);
    expect(rows.filter((row) => row[0] === '2010')).toEqual([
      ['2010', '年度', '1', xwb, '003210003', '0', '22', '1', '23', '0', '0', '', '', '0', ''],
      ['2010', '年度', '2', szf, '003210001', '3', '0', '0', '3', '0', '3', '13.67', '12', '2', '66.7'],
      ['2010', '年度', '3', szfb, '003210002', '2', '0', '0', '2', '1', '2', '17.5', '17.5', '2', '100.0'],
      ['2010', '年度', '4', oddDepartment, '003210004', '0', '1', '0', '1', '0', '0', '', '', '0', ''],
      ['2010', '年度', '5', jyj, '003210012', '0', '0', '0', '0', '0', '0', '', '', '0', ''],
    ]);
    expect(rows.find((row) => row[0] === '2010-06' && row[3] === szfb)).toEqual([
      '2010-06',
      '月度',
      '3',
      szfb,
      '003210002',
      '1',
      '0',
      '0',
      '1',
      '1',
      '1',
      '20',
      '20',
      '1',
      '100.0',
    ]);
  });

  it('offers the same figures as JSON with stable English keys', async () => {
    const { body, contentType } = await bytes(stores, 'xxgk/tongji/2010.json');
    expect(contentType).toBe('application/json; charset=utf-8');
    const json = JSON.parse(body.toString('utf8'));
    expect(json.year).toBe(2010);
    expect(json.calendar).toEqual({ weekdaysOnlyYears: [] });
    expect(json.columns.map((c: { key: string }) => c.key)).toEqual([
      'article',
      'release',
      'conference',
      'total',
      'withdrawn',
      'timed',
      'meanWorkingDays',
      'medianWorkingDays',
      'within20',
      'within20Share',
    ]);
    expect(json.periods.map((p: { period: string; type: string }) => `${p.type}:${p.period}`)).toEqual([
      'year:2010',
      'month:2010-03',
      'month:2010-05',
      'month:2010-06',
      'month:2010-07',
    ]);
    const year = json.periods[0];
    expect(year.departments[1]).toEqual({
      rank: 2,
      departmentId: 'szf',
      department: szf,
      code: '003210001',
      article: 3,
      release: 0,
      conference: 0,
      total: 3,
      withdrawn: 0,
      timed: 3,
      meanWorkingDays: 13.67,
      medianWorkingDays: 12,
      within20: 2,
      within20Share: 0.6667,
    });
    expect(year.departments[0]).toMatchObject({ departmentId: 'xwb', timed: 0, meanWorkingDays: null, medianWorkingDays: null, within20Share: null });
    expect(year.total).toEqual({
      article: 5,
      release: 23,
      conference: 1,
      total: 29,
      withdrawn: 1,
      timed: 5,
      meanWorkingDays: 15.2,
      medianWorkingDays: 15,
      within20: 4,
      within20Share: 0.8,
    });
  });

  it('pre-fills the annual report figures, labelled for the editor to check', async () => {
    const tree = await page(stores.objects, 'xxgk/tongji/2010/niandu-baogao/index.html');
    expect(text(select('.prefill-notice', tree))).toContain('自动预填');
    expect(text(select('.prefill-notice', tree))).toContain('请编辑人员逐项核对');
    const figures = (caption: string) => {
      const table = selectAll('table', tree).find((t) => text(select('caption', t)) === caption) as Element;
      return Object.fromEntries(selectAll('tbody tr', table).map((tr) => [text(select('th', tr)), text(select('td', tr))]));
    };
    expect(figures('2010年主动公开政府信息数量')).toEqual({
      主动公开政府信息总数: '29',
      '其中：政府公报文件': '5',
      '其中：新闻发布稿': '23',
      '其中：新闻发布会': '1',
      '规范性文件（有文号的政府公报文件）': '4',
    });
    expect(figures('2010年按主题分类')).toEqual({ 政务公开: '4', 综合政务: '25', 教育: '0' });
    expect(figures('2010年按发布机构')).toEqual({ [szf]: '3', [szfb]: '2', [xwb]: '23', [oddDepartment]: '1', [jyj]: '0' });
    expect(figures('2010年信息变更情况')).toEqual({ 宣布失效的文件: '1', 宣布废止的文件: '0', 撤回的信息: '1', 发布后更正或修订的信息: '0' });
    expect(figures('2010年政府公报文件发布时效')).toEqual({
      有成文日期的文件数: '5',
      '平均用时（工作日）': '15.2',
      '中位用时（工作日）': '15',
      '20个工作日内发布数': '4',
      '20个工作日内发布占比': '80.0%',
    });
    expect(text(select('section[aria-labelledby="report-gazette"] p', tree))).toBe('2010年出版淮南市人民政府公报2期，刊登文件5件。');
    expect(selectAll('.report-issues a', tree).map((a) => a.properties.href)).toEqual(['/gazette/2010/05/', '/gazette/2010/06/']);
    expect(text(select('section[aria-labelledby="report-press"] p', tree))).toBe('2010年召开新闻发布会1场，发布新闻发布稿23篇。');

    const json = JSON.parse((await bytes(stores, 'xxgk/tongji/2010/niandu-baogao.json')).body.toString('utf8'));
    expect(json).toMatchObject({
      year: 2010,
      proactive: { total: 29, byKind: { article: 5, release: 23, conference: 1 } },
      normativeDocuments: 4,
      gazette: { articles: 5 },
      press: { conferences: 1, releases: 23 },
      validity: { expired: 1, repealed: 0 },
      withdrawn: 1,
      corrected: 0,
      timeliness: { timed: 5, meanWorkingDays: 15.2, medianWorkingDays: 15, within20: 4, within20Share: 0.8 },
    });
    expect(json.gazette.issues.map((issue: { number: number }) => issue.number)).toEqual([5, 6]);
  });
});

describe('statistics without a calendar for the year', () => {
  it('counts Monday to Friday only, and says so', async () => {
    const stores = await createTestStores();
    await build(await loadCatalogueSite(await writeSite(catalogueFiles()), { years: [], holidays: new Map(), workdays: new Set() }), stores);
    const tree = await page(stores.objects, 'xxgk/tongji/2010/index.html');
    expect(text(select('main', tree))).toContain('2010年未配置节假日安排，这些年份的工作日仅按周一至周五计算');
    const table = ranking(tree);
    // 29, 1, 13 | 15, 21: the withdrawn one is now past 20.
    expect(table.rows[1]).toEqual(['2', szf, '3', '0', '0', '3', '0', '3', '14.3', '13', '2', '66.7%']);
    expect(table.rows[2]).toEqual(['3', szfb, '2', '0', '0', '2', '1', '2', '18.0', '18', '1', '50.0%']);
    expect(table.total.slice(7)).toEqual(['5', '15.8', '15', '3', '60.0%']);
    const json = JSON.parse((await bytes(stores, 'xxgk/tongji/2010.json')).body.toString('utf8'));
    expect(json.calendar).toEqual({ weekdaysOnlyYears: [2010] });
  }, 120_000);
});

describe('statistics in an incremental build', () => {
  it('rewrites the year, its files and report, the month of the change and the index; a correction counts in the report', async () => {
    const stores = await createTestStores();
    const root = await writeSite(catalogueFiles());
    await build(await loadCatalogueSite(root), stores);
    const before = await digests(stores.objects, 'xxgk/tongji/');
    await writeFile(
      join(root, 'press/2010/new.md'),
      '---\nid: press-2010-new\ntitle: 市政府办公室发布政务公开新举措\ndate: 2010-06-10\ndepartment: 淮南市人民政府办公室\ncategory: 政务公开\n---\n新举措正文。\n',
    );
    // And a correction of a March release, made in July.
    const march = 'press/2010/press-2010-03-05.md';
    const marchSource = catalogueFiles()[march] as string;
    await writeFile(
      join(root, march),
      marchSource.replace('---\n三', 'changeNote: 标题更正。\nchangeDate: 2010-07-11\n---\n三').replace('三月第5号新闻稿', '三月第五号新闻稿'),
    );
    const summary = await build(await loadCatalogueSite(root), stores, later);
    expect(summary).toMatchObject({ created: 1, updated: 1, fullCatalogue: false });
    const after = await digests(stores.objects, 'xxgk/tongji/');
    const changed = [...after.keys()].filter((key) => before.get(key) !== after.get(key)).sort();
    expect(changed).toEqual([
      'xxgk/tongji/2010-06/index.html',
      'xxgk/tongji/2010.csv',
      'xxgk/tongji/2010.json',
      'xxgk/tongji/2010/index.html',
      'xxgk/tongji/2010/niandu-baogao.json',
      'xxgk/tongji/2010/niandu-baogao/index.html',
      'xxgk/tongji/index.html',
    ]);
    const report = JSON.parse((await bytes(stores, 'xxgk/tongji/2010/niandu-baogao.json')).body.toString('utf8'));
    expect(report).toMatchObject({ corrected: 1, proactive: { total: 30 } });
    const june = ranking(await page(stores.objects, 'xxgk/tongji/2010-06/index.html'));
    // Equal totals: the office with its article published within 20 working days ranks above the press office (nothing measured).
    expect(june.rows.slice(0, 2).map((row) => row.slice(0, 6))).toEqual([
      ['1', szfb, '1', '1', '0', '2'],
      ['2', xwb, '0', '1', '1', '2'],
    ]);
  }, 120_000);
});
