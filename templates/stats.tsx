// Statistics and ranking (信息统计排行): the years, a year's ranking of departments with its
// months and downloads, a month's ranking, and the pre-filled figures of the annual report.
// The ranking table is complete and in rank order without JavaScript; sort-table.js only adds
// sort buttons to its column headers.

import type { Root as HastRoot } from 'hast';
import {
  CATALOGUE_PATH,
  catalogueKindLabels,
  STATISTICS_PATH,
  statisticsFilePath,
  statisticsMonthPath,
  statisticsReportJsonPath,
  statisticsReportPath,
  statisticsYearPath,
} from '../src/discovery/cataloguePaths.ts';
import {
  type AnnualReportFigures,
  type CalendarNote,
  type DepartmentFigures,
  figureColumns,
  type PeriodFigures,
  TIMELY_WORKING_DAYS,
  type Timeliness,
  type YearStatistics,
} from '../src/discovery/statsFigures.ts';
import type { RenderContext } from '../src/render/html/context.ts';
import { chineseMonth, issueLabel } from './format.ts';
import type { Result } from './hast.ts';
import { type Crumb, layout } from './layout.tsx';
import { dateTime } from './parts.tsx';

const home: Crumb = { label: '首页', href: '/' };
const catalogueCrumb: Crumb = { label: '政府信息公开', href: CATALOGUE_PATH };
const statisticsCrumb: Crumb = { label: '信息统计排行', href: STATISTICS_PATH };

type FigureKey = (typeof figureColumns)[number]['key'];

/** A figure as the table shows it: one decimal for means, a percentage for shares, — when not measured. */
function figureText(key: FigureKey, value: number | undefined): string {
  if (value === undefined) return '—';
  if (key === 'within20Share') return `${(value * 100).toFixed(1)}%`;
  if (key === 'meanWorkingDays') return value.toFixed(1);
  return String(value);
}

function yearsText(years: number[]): string {
  return years.map((year) => `${year}年`).join('、');
}

/** Says how working days were counted, and where the calendar is missing. */
function calendarNotice(note: CalendarNote): Result {
  return (
    <p class="stats-note">
      时效按工作日计算：自成文日期次日起至发布日期（含）之间的工作日数，{TIMELY_WORKING_DAYS}个工作日以内（含）视为及时发布；只有政府公报文件有成文日期。
      {note.weekdaysOnly.length === 0
        ? '工作日按本站节假日安排（含调休上班日）计算。'
        : `${yearsText(note.weekdaysOnly)}未配置节假日安排，这些年份的工作日仅按周一至周五计算。`}
    </p>
  );
}

function countingNotice(): Result {
  return (
    <p class="stats-note">
      统计口径：按发布日期计入所在年度和月份；已撤回的信息计入其发布当期，并在“其中已撤回”一栏单独列出；外文译本不重复计数。排名依次按合计数量（多者在前）、
      {TIMELY_WORKING_DAYS}个工作日内发布占比（高者在前）、平均用时（少者在前）。
    </p>
  );
}

/** The ranking: a real table, in rank order, with a totals row. */
function rankingTable(caption: string, period: PeriodFigures): Result {
  const cell = (key: FigureKey, value: number | undefined) => (
    <td class="align-right" data-value={value === undefined ? '' : String(value)}>
      {figureText(key, value)}
    </td>
  );
  return (
    <section class="table-scroll" aria-label={`${caption}（表格，可横向滚动）`} tabIndex={0}>
      <table class="ranking-table" data-sortable="">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" data-sort="number" aria-sort="ascending">
              排名
            </th>
            <th scope="col" data-sort="text">
              发布机构
            </th>
            {figureColumns.map((column) => (
              <th scope="col" data-sort="number">
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {period.departments.map((row: DepartmentFigures) => (
            <tr>
              <td class="align-right" data-value={String(row.rank)}>
                {row.rank}
              </td>
              <th scope="row" data-value={row.department}>
                {row.department}
              </th>
              {figureColumns.map((column) => cell(column.key, row[column.key]))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>—</td>
            <th scope="row">全部机构</th>
            {figureColumns.map((column) => cell(column.key, period.total[column.key]))}
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

export function statisticsIndexPage(ctx: RenderContext, years: { year: number; total: number }[]): HastRoot {
  const title = '信息统计排行';
  const main = (
    <div class="statistics">
      <h1>{title}</h1>
      <p>
        按年度和月份统计各发布机构主动公开政府信息的数量和发布时效，并按数量和时效排行。每个年度提供 CSV 和 JSON
        数据下载，以及政府信息公开工作年度报告的预填数据。
      </p>
      {years.length === 0 ? (
        <p class="empty">暂无统计数据。</p>
      ) : (
        <ul class="stats-years">
          {[...years].reverse().map(({ year, total }) => (
            <li>
              <a href={statisticsYearPath(year)}>{year}年信息统计排行</a>
              <span class="count">（{total}条）</span>
              {' · '}
              <a href={statisticsReportPath(year)}>{year}年度报告数据</a>
            </li>
          ))}
        </ul>
      )}
      <p class="more">
        <a href={CATALOGUE_PATH}>返回政府信息公开目录</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: STATISTICS_PATH,
    section: 'disclosure',
    description: `${ctx.site.name}政府信息统计排行`,
    breadcrumbs: [home, catalogueCrumb],
    main: [main],
  });
}

export function statisticsYearPage(ctx: RenderContext, stats: YearStatistics): HastRoot {
  const title = `${stats.year}年信息统计排行`;
  const year = stats.periods[0] as PeriodFigures;
  const months = stats.periods.filter((period) => period.type === 'month');
  const main = (
    <div class="statistics">
      <h1>{title}</h1>
      <p class="stats-summary">
        {stats.year}年共主动公开政府信息{year.total.total}条，其中已撤回{year.total.withdrawn}条。
      </p>
      {countingNotice()}
      {calendarNotice(stats.calendar)}
      <ul class="stats-downloads">
        <li>
          <a href={statisticsFilePath(stats.year, 'csv')} type="text/csv" download="">
            下载 CSV（Excel 可直接打开）
          </a>
        </li>
        <li>
          <a href={statisticsFilePath(stats.year, 'json')} type="application/json">
            下载 JSON
          </a>
        </li>
        <li>
          <a href={statisticsReportPath(stats.year)}>{stats.year}年政府信息公开工作年度报告预填数据</a>
        </li>
      </ul>
      <nav class="month-archive" aria-labelledby="stats-months-title">
        <h2 id="stats-months-title">按月查看</h2>
        {months.length === 0 ? (
          <p class="empty">本年度暂无按月数据。</p>
        ) : (
          <ul>
            {months.map((month) => (
              <li>
                <a href={statisticsMonthPath(month.period)}>{chineseMonth(month.period)}</a>
                <span class="count">（{month.total.total}条）</span>
              </li>
            ))}
          </ul>
        )}
      </nav>
      <section aria-labelledby="ranking-title">
        <h2 id="ranking-title">{stats.year}年各发布机构排行</h2>
        {rankingTable(`${stats.year}年各发布机构主动公开信息数量和发布时效排行`, year)}
      </section>
      <p class="more">
        <a href={STATISTICS_PATH}>返回信息统计排行</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: statisticsYearPath(stats.year),
    section: 'disclosure',
    description: `${ctx.site.name}${title}`,
    breadcrumbs: [home, catalogueCrumb, statisticsCrumb],
    scripts: ['sort-table'],
    main: [main],
  });
}

export function statisticsMonthPage(ctx: RenderContext, stats: YearStatistics, period: PeriodFigures): HastRoot {
  const month = chineseMonth(period.period);
  const title = `${month}信息统计排行`;
  const main = (
    <div class="statistics">
      <h1>{title}</h1>
      <p class="stats-summary">
        {month}共主动公开政府信息{period.total.total}条，其中已撤回{period.total.withdrawn}条。
      </p>
      {countingNotice()}
      {calendarNotice(stats.calendar)}
      <section aria-labelledby="ranking-title">
        <h2 id="ranking-title">{month}各发布机构排行</h2>
        {rankingTable(`${month}各发布机构主动公开信息数量和发布时效排行`, period)}
      </section>
      <p class="more">
        <a href={statisticsYearPath(stats.year)}>返回{stats.year}年信息统计排行</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: statisticsMonthPath(period.period),
    section: 'disclosure',
    description: `${ctx.site.name}${title}`,
    breadcrumbs: [home, catalogueCrumb, statisticsCrumb, { label: `${stats.year}年`, href: statisticsYearPath(stats.year) }],
    scripts: ['sort-table'],
    main: [main],
  });
}

/** A two-column table of labelled figures. */
function figureTable(id: string, caption: string, head: [string, string], rows: { label: string; value: string | number }[]): Result {
  return (
    <section class="table-scroll" aria-labelledby={id} tabIndex={0}>
      <table class="report-table">
        <caption id={id}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head[0]}</th>
            <th scope="col">{head[1]}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row">{row.label}</th>
              <td class="align-right">{String(row.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function timelinessRows(t: Timeliness): { label: string; value: string | number }[] {
  return [
    { label: '有成文日期的文件数', value: t.timed },
    { label: '平均用时（工作日）', value: figureText('meanWorkingDays', t.meanWorkingDays) },
    { label: '中位用时（工作日）', value: figureText('medianWorkingDays', t.medianWorkingDays) },
    { label: `${TIMELY_WORKING_DAYS}个工作日内发布数`, value: t.within20 },
    { label: `${TIMELY_WORKING_DAYS}个工作日内发布占比`, value: figureText('within20Share', t.within20Share) },
  ];
}

export function statisticsReportPage(ctx: RenderContext, report: AnnualReportFigures): HastRoot {
  const { year } = report;
  const title = `${year}年政府信息公开工作年度报告预填数据`;
  const main = (
    <div class="statistics annual-report">
      <h1>{title}</h1>
      <div class="prefill-notice" role="note">
        <p>
          <strong>请核对：</strong>以下数据由本平台根据已发布信息的记录自动预填，供编制《{ctx.site.name}
          {year}年政府信息公开工作年度报告》参考，使用前请编辑人员逐项核对。平台之外公开的信息（如其他网站、公开查阅点）不在其中。
        </p>
      </div>
      <p>
        <a href={statisticsReportJsonPath(year)} type="application/json">
          下载 JSON
        </a>
        {' · '}
        <a href={statisticsYearPath(year)}>{year}年信息统计排行</a>
      </p>
      <section aria-labelledby="report-proactive">
        <h2 id="report-proactive">一、主动公开政府信息情况</h2>
        {figureTable(
          'report-proactive-table',
          `${year}年主动公开政府信息数量`,
          ['项目', '数量（条）'],
          [
            { label: '主动公开政府信息总数', value: report.proactive.total },
            { label: `其中：${catalogueKindLabels.article}`, value: report.proactive.byKind.article },
            { label: `其中：${catalogueKindLabels.release}`, value: report.proactive.byKind.release },
            { label: `其中：${catalogueKindLabels.conference}`, value: report.proactive.byKind.conference },
            { label: '规范性文件（有文号的政府公报文件）', value: report.normativeDocuments },
          ],
        )}
        {figureTable(
          'report-topic-table',
          `${year}年按主题分类`,
          ['主题分类', '数量（条）'],
          report.proactive.byTopic.map((t) => ({ label: t.name, value: t.count })),
        )}
        {figureTable(
          'report-department-table',
          `${year}年按发布机构`,
          ['发布机构', '数量（条）'],
          report.proactive.byDepartment.map((d) => ({ label: d.name, value: d.count })),
        )}
      </section>
      <section aria-labelledby="report-gazette">
        <h2 id="report-gazette">二、政府公报</h2>
        <p>
          {year}年出版{ctx.site.gazetteTitle}
          {report.gazette.issues.length}期，刊登文件{report.gazette.articles}件。
        </p>
        {report.gazette.issues.length === 0 ? undefined : (
          <ul class="report-issues">
            {report.gazette.issues.map((issue) => (
              <li>
                <a href={issue.urlPath}>{issueLabel({ ...issue, year })}</a>
                {dateTime(issue.date)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="report-press">
        <h2 id="report-press">三、新闻发布</h2>
        <p>
          {year}年召开新闻发布会{report.press.conferences}场，发布新闻发布稿{report.press.releases}篇。
        </p>
      </section>
      <section aria-labelledby="report-changes">
        <h2 id="report-changes">四、信息的失效、废止、撤回和更正</h2>
        {figureTable(
          'report-changes-table',
          `${year}年信息变更情况`,
          ['项目', '数量（条）'],
          [
            { label: '宣布失效的文件', value: report.validity.expired },
            { label: '宣布废止的文件', value: report.validity.repealed },
            { label: '撤回的信息', value: report.withdrawn },
            { label: '发布后更正或修订的信息', value: report.corrected },
          ],
        )}
        <p class="stats-note">失效、废止和更正按最近一次变更日期计入年度，撤回按撤回日期计入年度。</p>
      </section>
      <section aria-labelledby="report-timeliness">
        <h2 id="report-timeliness">五、发布时效</h2>
        {figureTable('report-timeliness-table', `${year}年政府公报文件发布时效`, ['项目', '数值'], timelinessRows(report.timeliness))}
        {calendarNotice(report.calendar)}
      </section>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: statisticsReportPath(year),
    section: 'disclosure',
    description: `${ctx.site.name}${title}`,
    breadcrumbs: [home, catalogueCrumb, statisticsCrumb, { label: `${year}年`, href: statisticsYearPath(year) }],
    main: [main],
  });
}
