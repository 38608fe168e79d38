// The figures of the statistics and ranking (信息统计排行) and of the annual report
// (政府信息公开工作年度报告), worked out from the published records alone. Plain data: the pages,
// the CSV and the JSON downloads all show these same numbers.
//
// What counts: the catalogue's entries (published or withdrawn, never scheduled or draft; not
// translations), in the period of their 发布日期. A withdrawn document counts in the period it
// was published in (it was published), and is shown again in a column of its own. Timeliness
// is measured for documents with a 成文日期 (the gazette's articles): working days after the
// 成文日期 up to and including the 发布日期, by the site's calendar.

import type { DocumentKind, SiteConfig, WorkCalendar } from '../content/model.ts';
import { hasCalendar, workingDaysBetween } from '../content/workdays.ts';
import type { DocumentRecord, IssueRecord } from '../content/records.ts';
import { catalogueKinds } from './cataloguePaths.ts';

/** Published within this many working days of 成文日期 counts as timely. */
export const TIMELY_WORKING_DAYS = 20;

export interface Timeliness {
  /** Documents with a 成文日期, measured. */
  timed: number;
  /** Mean working days, rounded to 2 decimals; undefined when none was measured. */
  meanWorkingDays?: number;
  /** Median working days (a half when the count is even). */
  medianWorkingDays?: number;
  /** Published within TIMELY_WORKING_DAYS working days. */
  within20: number;
  /** within20 / timed, rounded to 4 decimals. */
  within20Share?: number;
}

export interface KindCounts {
  article: number;
  release: number;
  conference: number;
  total: number;
  /** Of `total`, withdrawn since. */
  withdrawn: number;
}

export interface DepartmentFigures extends KindCounts, Timeliness {
  /** site.yaml id; the organisation code for a department no longer in site.yaml. */
  departmentId: string;
  department: string;
  code: string;
  /** 1 = most published; equal totals and timeliness share a rank. */
  rank: number;
}

export interface PeriodFigures {
  /** `yyyy` or `yyyy-mm`. */
  period: string;
  type: 'year' | 'month';
  /** Every department, ranked. */
  departments: DepartmentFigures[];
  total: KindCounts & Timeliness;
}

export interface CalendarNote {
  /** Years whose working days the figures used that have no calendar file (Monday–Friday only). */
  weekdaysOnly: number[];
}

export interface YearStatistics {
  year: number;
  /** The year first, then each month with entries, oldest first. */
  periods: PeriodFigures[];
  calendar: CalendarNote;
}

export interface NamedCount {
  id: string;
  name: string;
  count: number;
}

/** Figures for the 政府信息公开工作年度报告, pre-filled for the editor to check. */
export interface AnnualReportFigures {
  year: number;
  proactive: { total: number; byKind: Record<DocumentKind, number>; byTopic: NamedCount[]; byDepartment: NamedCount[] };
  /** Articles with a 文号. */
  normativeDocuments: number;
  gazette: { articles: number; issues: { number: number; totalNumber: number; date: string; title: string; urlPath: string }[] };
  press: { conferences: number; releases: number };
  /** Articles declared 失效 / 废止 in the year (by their change date, else their 发布日期). */
  validity: { expired: number; repealed: number };
  /** Documents withdrawn in the year (by 撤回日期). */
  withdrawn: number;
  /** Published documents changed after their first version, in the year (by the change date). */
  corrected: number;
  timeliness: Timeliness;
  calendar: CalendarNote;
}

interface DepartmentRef {
  id: string;
  name: string;
  code: string;
}

/** site.yaml's departments, in order, then any other department records name (by code). */
export function departmentsOf(site: SiteConfig, entries: readonly DocumentRecord[]): DepartmentRef[] {
  const refs: DepartmentRef[] = site.departments.map((d) => ({ id: d.id, name: d.name, code: d.code }));
  const known = new Set(refs.map((d) => d.name));
  // Departments no longer in site.yaml, by name; the first record (in name order, then record order) gives the code.
  const others = new Map<string, string>();
  for (const record of entries) {
    if (!known.has(record.department) && !others.has(record.department)) others.set(record.department, record.departmentCode);
  }
  for (const name of [...others.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const code = others.get(name) as string;
    refs.push({ id: code, name, code });
  }
  return refs;
}

/** Working days from 成文日期 to 发布日期, for a record that has a 成文日期. */
export function workingDaysToPublish(calendar: WorkCalendar, record: DocumentRecord): number | undefined {
  return record.signedDate === undefined ? undefined : workingDaysBetween(calendar, record.signedDate, record.date);
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

export function timelinessOf(days: readonly number[]): Timeliness {
  const timed = days.length;
  const within20 = days.filter((d) => d <= TIMELY_WORKING_DAYS).length;
  if (timed === 0) return { timed, within20 };
  const sorted = [...days].sort((a, b) => a - b);
  const middle = Math.floor(timed / 2);
  const median = timed % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    timed,
    meanWorkingDays: round(days.reduce((sum, d) => sum + d, 0) / timed, 2),
    medianWorkingDays: median,
    within20,
    within20Share: round(within20 / timed, 4),
  };
}

function kindCounts(records: readonly DocumentRecord[]): KindCounts {
  const counts: KindCounts = { article: 0, release: 0, conference: 0, total: records.length, withdrawn: 0 };
  for (const record of records) {
    counts[record.kind]++;
    if (record.status === 'withdrawn') counts.withdrawn++;
  }
  return counts;
}

/** Most published first; then the larger share within 20 working days, the lower mean, site order. */
function rankDepartments(rows: Omit<DepartmentFigures, 'rank'>[]): DepartmentFigures[] {
  const key = (row: Omit<DepartmentFigures, 'rank'>) => [-row.total, -(row.within20Share ?? -1), row.meanWorkingDays ?? Number.POSITIVE_INFINITY];
  const order = rows.map((row, index) => ({ row, index, key: key(row) }));
  order.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return (a.key[i] as number) - (b.key[i] as number);
    return a.index - b.index;
  });
  let rank = 0;
  return order.map((entry, position) => {
    const previous = order[position - 1];
    if (previous === undefined || previous.key.some((value, i) => value !== entry.key[i])) rank = position + 1;
    return { ...entry.row, rank };
  });
}

function periodFigures(
  period: string,
  type: 'year' | 'month',
  departments: DepartmentRef[],
  records: readonly DocumentRecord[],
  calendar: WorkCalendar,
): PeriodFigures {
  const days = (list: readonly DocumentRecord[]) =>
    list.flatMap((record) => {
      const d = workingDaysToPublish(calendar, record);
      return d === undefined ? [] : [d];
    });
  const rows = departments.map((department) => {
    const own = records.filter((record) => record.department === department.name);
    return { departmentId: department.id, department: department.name, code: department.code, ...kindCounts(own), ...timelinessOf(days(own)) };
  });
  return { period, type, departments: rankDepartments(rows), total: { ...kindCounts(records), ...timelinessOf(days(records)) } };
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The year a change (correction or validity) was made: its change date, else its 发布日期. */
function changeYear(record: DocumentRecord): number {
  return yearOf(record.changeDate ?? record.date);
}

function isCorrected(record: DocumentRecord): boolean {
  return record.status === 'published' && record.version > 1;
}

function isExpiredOrRepealed(record: DocumentRecord): boolean {
  return record.validity === '失效' || record.validity === '废止';
}

/** Every year a record shows in: its 发布日期, and the year of its withdrawal, correction or validity change. */
export function statisticsYearsOf(record: DocumentRecord): number[] {
  const years = new Set([yearOf(record.date)]);
  if (record.status === 'withdrawn') years.add(yearOf(record.withdrawnDate ?? record.date));
  if (isCorrected(record) || isExpiredOrRepealed(record)) years.add(changeYear(record));
  return [...years];
}

/** Every year with figures: the entries' years and the issues', oldest first. */
export function statisticsYears(entries: readonly DocumentRecord[], issues: readonly IssueRecord[]): number[] {
  const years = new Set<number>(issues.map((issue) => issue.year));
  for (const record of entries) for (const year of statisticsYearsOf(record)) years.add(year);
  return [...years].sort((a, b) => a - b);
}

/** Years whose calendar the year's timeliness used and that have no calendar file. */
function calendarNote(calendar: WorkCalendar, year: number, records: readonly DocumentRecord[]): CalendarNote {
  const years = new Set([year]);
  for (const record of records) if (record.signedDate !== undefined) years.add(yearOf(record.signedDate));
  return { weekdaysOnly: [...years].filter((y) => !hasCalendar(calendar, y)).sort((a, b) => a - b) };
}

export function yearStatistics(site: SiteConfig, calendar: WorkCalendar, entries: readonly DocumentRecord[], year: number): YearStatistics {
  const departments = departmentsOf(site, entries);
  const inYear = entries.filter((record) => yearOf(record.date) === year);
  const months = [...new Set(inYear.map((record) => record.date.slice(0, 7)))].sort();
  return {
    year,
    periods: [
      periodFigures(String(year), 'year', departments, inYear, calendar),
      ...months.map((month) =>
        periodFigures(
          month,
          'month',
          departments,
          inYear.filter((record) => record.date.startsWith(`${month}-`)),
          calendar,
        ),
      ),
    ],
    calendar: calendarNote(calendar, year, inYear),
  };
}

export function annualReportFigures(
  site: SiteConfig,
  calendar: WorkCalendar,
  entries: readonly DocumentRecord[],
  issues: readonly IssueRecord[],
  year: number,
): AnnualReportFigures {
  const inYear = entries.filter((record) => yearOf(record.date) === year);
  const count = (predicate: (record: DocumentRecord) => boolean, list: readonly DocumentRecord[] = inYear) => list.filter(predicate).length;
  const byKind = Object.fromEntries(catalogueKinds.map((kind) => [kind, count((r) => r.kind === kind)])) as Record<DocumentKind, number>;
  const topics = [
    ...site.topics.map((topic) => ({ id: topic.id, name: topic.name })),
    ...[...new Set(inYear.map((r) => r.category))]
      .filter((name) => !site.topics.some((t) => t.name === name))
      .sort()
      .map((name) => ({ id: name, name })),
  ];
  const days = inYear.flatMap((record) => {
    const d = workingDaysToPublish(calendar, record);
    return d === undefined ? [] : [d];
  });
  return {
    year,
    proactive: {
      total: inYear.length,
      byKind,
      byTopic: topics.map((topic) => ({ ...topic, count: count((r) => r.category === topic.name) })),
      byDepartment: departmentsOf(site, entries).map((d) => ({ id: d.id, name: d.name, count: count((r) => r.department === d.name) })),
    },
    normativeDocuments: count((r) => r.kind === 'article' && r.docNumber !== undefined),
    gazette: {
      articles: byKind.article,
      issues: issues
        .filter((issue) => issue.year === year)
        .map((issue) => ({ number: issue.number, totalNumber: issue.totalNumber, date: issue.date, title: issue.title, urlPath: issue.urlPath })),
    },
    press: { conferences: byKind.conference, releases: byKind.release },
    validity: {
      expired: count((r) => r.validity === '失效' && changeYear(r) === year, entries),
      repealed: count((r) => r.validity === '废止' && changeYear(r) === year, entries),
    },
    withdrawn: count((r) => r.status === 'withdrawn' && yearOf(r.withdrawnDate ?? r.date) === year, entries),
    corrected: count((r) => isCorrected(r) && changeYear(r) === year, entries),
    timeliness: timelinessOf(days),
    calendar: calendarNote(calendar, year, inYear),
  };
}

/** The columns of a department's row: stable English keys (JSON) and Chinese headers (CSV, pages). */
export const figureColumns = [
  { key: 'article', label: '政府公报文件' },
  { key: 'release', label: '新闻发布稿' },
  { key: 'conference', label: '新闻发布会' },
  { key: 'total', label: '合计' },
  { key: 'withdrawn', label: '其中已撤回' },
  { key: 'timed', label: '有成文日期的文件数' },
  { key: 'meanWorkingDays', label: '平均用时（工作日）' },
  { key: 'medianWorkingDays', label: '中位用时（工作日）' },
  { key: 'within20', label: `${TIMELY_WORKING_DAYS}个工作日内发布数` },
  { key: 'within20Share', label: `${TIMELY_WORKING_DAYS}个工作日内发布占比` },
] as const satisfies readonly { key: keyof DepartmentFigures; label: string }[];
