// Statistics and ranking (信息统计排行) under /xxgk/tongji/: the years, each year's ranking of
// departments (with a page per month), its CSV and JSON downloads, and the figures of that
// year's 政府信息公开工作年度报告, pre-filled for the editor to check. The figures are in
// statsFigures.ts; this module lays out the pages and files and says which a change touches.

import type { Artifact } from '../outputs.ts';
import { artifact } from '../outputs.ts';
import { monthOf } from './listings.ts';
import { pageArtifact } from '../render/html/page.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';
import { statisticsIndexPage, statisticsMonthPage, statisticsReportPage, statisticsYearPage } from '../../templates/stats.tsx';
import { catalogueEntries } from './catalogue.ts';
import {
  STATISTICS_PATH,
  statisticsFilePath,
  statisticsMonthPath,
  statisticsReportJsonPath,
  statisticsReportPath,
  statisticsYearPath,
} from './cataloguePaths.ts';
import { listedFacts } from './listedFacts.ts';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';
import {
  annualReportFigures,
  type AnnualReportFigures,
  type DepartmentFigures,
  figureColumns,
  type PeriodFigures,
  statisticsYears,
  statisticsYearsOf,
  TIMELY_WORKING_DAYS,
  type YearStatistics,
  yearStatistics,
} from './statsFigures.ts';

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row per department and period (the year, then each month), under a Chinese header row.
 * UTF-8 with a byte order mark, so Excel opens the Chinese text right; CRLF line ends.
 */
export function statisticsCsv(stats: YearStatistics): string {
  const header = ['期间', '期间类型', '排名', '发布机构', '机构代码', ...figureColumns.map((c) => (c.key === 'within20Share' ? `${c.label}（%）` : c.label))];
  const rows = stats.periods.flatMap((period) =>
    period.departments.map((row) => [
      period.period,
      period.type === 'year' ? '年度' : '月度',
      row.rank,
      row.department,
      row.code,
      ...figureColumns.map((c) =>
        c.key === 'within20Share' ? (row.within20Share === undefined ? undefined : (row.within20Share * 100).toFixed(1)) : row[c.key],
      ),
    ]),
  );
  return `\uFEFF${[header, ...rows].map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function jsonRow(row: DepartmentFigures) {
  return {
    rank: row.rank,
    departmentId: row.departmentId,
    department: row.department,
    code: row.code,
    ...Object.fromEntries(figureColumns.map((c) => [c.key, row[c.key] ?? null])),
  };
}

function jsonTotal(total: PeriodFigures['total']) {
  return Object.fromEntries(figureColumns.map((c) => [c.key, total[c.key] ?? null]));
}

/** The same figures as the CSV, with stable English keys; `null` where nothing was measured. */
export function statisticsJson(stats: YearStatistics, siteName: string): string {
  const body = {
    year: stats.year,
    site: siteName,
    definitions: {
      period: 'Period of 发布日期: yyyy (year) or yyyy-mm (month).',
      counted: 'Public documents (published, or withdrawn after publication), translations excluded, in the period of their 发布日期.',
      workingDays: `Working days after 成文日期 up to and including 发布日期, by the site calendar; ${TIMELY_WORKING_DAYS} or fewer is timely.`,
    },
    columns: figureColumns.map((c) => ({ key: c.key, label: c.label })),
    calendar: { weekdaysOnlyYears: stats.calendar.weekdaysOnly },
    periods: stats.periods.map((period) => ({
      period: period.period,
      type: period.type,
      departments: period.departments.map(jsonRow),
      total: jsonTotal(period.total),
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function annualReportJson(report: AnnualReportFigures, siteName: string): string {
  const body = {
    site: siteName,
    note: 'Pre-filled from the platform records for the annual report (政府信息公开工作年度报告); the editor checks them.',
    ...report,
    calendar: { weekdaysOnlyYears: report.calendar.weekdaysOnly },
    timeliness: {
      ...report.timeliness,
      meanWorkingDays: report.timeliness.meanWorkingDays ?? null,
      medianWorkingDays: report.timeliness.medianWorkingDays ?? null,
      within20Share: report.timeliness.within20Share ?? null,
    },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export type StatisticsPage =
  | { kind: 'index' }
  | { kind: 'year'; year: number }
  | { kind: 'month'; month: string }
  | { kind: 'downloads'; year: number }
  | { kind: 'report'; year: number };

export function statisticsPageId(page: StatisticsPage): string {
  switch (page.kind) {
    case 'index':
      return 'index';
    case 'month':
      return `month:${page.month}`;
    default:
      return `${page.kind}:${page.year}`;
  }
}

interface StatisticsData {
  entries: DocumentRecord[];
  years: number[];
  /** Entries per year of 发布日期: the total of each year's figures. */
  perYear: Map<number, number>;
  byYear: Map<number, YearStatistics>;
}

const computed = new WeakMap<DerivedInput, StatisticsData>();

function statisticsData(input: DerivedInput): StatisticsData {
  let data = computed.get(input);
  if (data === undefined) {
    const entries = catalogueEntries(input.documents);
    const perYear = new Map<number, number>();
    for (const record of entries) {
      const year = Number(record.date.slice(0, 4));
      perYear.set(year, (perYear.get(year) ?? 0) + 1);
    }
    data = { entries, years: statisticsYears(entries, input.issues), perYear, byYear: new Map() };
    computed.set(input, data);
  }
  return data;
}

function yearFigures(input: DerivedInput, year: number): YearStatistics {
  const data = statisticsData(input);
  let stats = data.byYear.get(year);
  if (stats === undefined) {
    stats = yearStatistics(input.content.site, input.content.calendar, data.entries, year);
    data.byYear.set(year, stats);
  }
  return stats;
}

export function allStatisticsPages(input: DerivedInput): StatisticsPage[] {
  const pages: StatisticsPage[] = [{ kind: 'index' }];
  for (const year of statisticsData(input).years) {
    pages.push({ kind: 'year', year }, { kind: 'downloads', year }, { kind: 'report', year });
    for (const period of yearFigures(input, year).periods) if (period.type === 'month') pages.push({ kind: 'month', month: period.period });
  }
  return pages;
}

/**
 * A change touches the index, and for its record before and after: the pages, downloads and
 * report of each year it shows in, and the page of its month. A changed issue touches its
 * year's report (the number of issues).
 */
export function affectedStatisticsPages(changes: readonly Change[], changedIssues: readonly IssueRecord[]): StatisticsPage[] {
  const pages: StatisticsPage[] = [];
  const touchYear = (year: number) => pages.push({ kind: 'index' }, { kind: 'year', year }, { kind: 'downloads', year }, { kind: 'report', year });
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      if (record === undefined || record.status === 'scheduled' || record.translationOf !== undefined) continue;
      for (const year of statisticsYearsOf(record)) touchYear(year);
      pages.push({ kind: 'month', month: monthOf(record.date) });
    }
  }
  for (const issue of changedIssues) touchYear(issue.year);
  return pages;
}

function renderStatistics(input: DerivedInput, page: StatisticsPage): Artifact[] {
  const { ctx, content } = input;
  const data = statisticsData(input);
  switch (page.kind) {
    case 'index':
      // The year period's total is its entries by 发布日期: counted here, without each year's figures.
      return [
        pageArtifact(
          STATISTICS_PATH,
          statisticsIndexPage(
            ctx,
            data.years.map((year) => ({ year, total: data.perYear.get(year) ?? 0 })),
          ),
        ),
      ];
    case 'year':
      return [pageArtifact(statisticsYearPath(page.year), statisticsYearPage(ctx, yearFigures(input, page.year)))];
    case 'month': {
      const year = Number(page.month.slice(0, 4));
      const stats = yearFigures(input, year);
      const period = stats.periods.find((p) => p.type === 'month' && p.period === page.month);
      // A month whose last entry moved away keeps a page, with no entries left.
      const figures = period ?? yearStatistics(content.site, content.calendar, [], year).periods[0];
      return [
        pageArtifact(statisticsMonthPath(page.month), statisticsMonthPage(ctx, stats, { ...(figures as PeriodFigures), period: page.month, type: 'month' })),
      ];
    }
    case 'downloads': {
      const stats = yearFigures(input, page.year);
      return [
        artifact('csv', statisticsFilePath(page.year, 'csv').slice(1), statisticsCsv(stats)),
        artifact('json', statisticsFilePath(page.year, 'json').slice(1), statisticsJson(stats, content.site.name)),
      ];
    }
    case 'report': {
      const report = annualReportFigures(content.site, content.calendar, data.entries, input.issues, page.year);
      return [
        pageArtifact(statisticsReportPath(page.year), statisticsReportPage(ctx, report)),
        artifact('json', statisticsReportJsonPath(page.year).slice(1), annualReportJson(report, content.site.name)),
      ];
    }
  }
}

function statisticsOutput(name: string, wave: number, kinds: StatisticsPage['kind'][]): DerivedOutput<StatisticsPage> {
  return {
    name,
    wave,
    // Timeliness counts working days by the site's calendar.
    uses: ['calendar'],
    all: (input) => allStatisticsPages(input).filter((page) => kinds.includes(page.kind)),
    affected: (_input, changes, changedIssues) => affectedStatisticsPages(changes, changedIssues).filter((page) => kinds.includes(page.kind)),
    // The annual report counts corrected documents: whether it is one, not which version.
    shows: (record) => ({ ...listedFacts(record), corrected: record.version > 1 }),
    id: statisticsPageId,
    render: renderStatistics,
  };
}

/**
 * For the registry in outputs.ts (no runtime import back, so either module may load first).
 * Pages link upwards only after what they link is written: months, files and reports, then the
 * years that link them, then the index (the catalogue index, which links it, comes after).
 */
export const statisticsOutputs = [
  statisticsOutput('statistics-detail', 10, ['month', 'downloads', 'report']),
  statisticsOutput('statistics-years', 11, ['year']),
  statisticsOutput('statistics-index', 12, ['index']),
] as unknown as DerivedOutput<unknown>[];
