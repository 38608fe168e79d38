// Working days (工作日) by the site's calendar: Monday to Friday, less public holidays, plus the
// 调休 weekend days worked in their place.

import type { WorkCalendar } from './model.ts';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD (calendar arithmetic only: no time zone is involved). */
function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

function isoDay(dayNo: number): string {
  return new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
}

/** 1970-01-01 was a Thursday: 0 = Sunday … 6 = Saturday. */
function weekdayOf(dayNo: number): number {
  return (((dayNo + 4) % 7) + 7) % 7;
}

export function isWorkingDay(calendar: WorkCalendar, day: string): boolean {
  if (calendar.workdays.has(day)) return true;
  if (calendar.holidays.has(day)) return false;
  const weekday = weekdayOf(dayNumber(day));
  return weekday !== 0 && weekday !== 6;
}

/**
 * Per calendar and year: the number of working days from 1 January up to and including each
 * day of the year, and the year's total. Built on first use (one pass over 365 days), so
 * counting the working days between two dates costs two lookups, whatever their distance.
 */
interface YearTable {
  first: number;
  through: Int16Array;
}

const tables = new WeakMap<WorkCalendar, Map<number, YearTable>>();

function yearTable(calendar: WorkCalendar, year: number): YearTable {
  let byYear = tables.get(calendar);
  if (byYear === undefined) tables.set(calendar, (byYear = new Map<number, YearTable>()));
  let table = byYear.get(year);
  if (table === undefined) {
    const first = Date.UTC(year, 0, 1) / DAY_MS;
    const length = Date.UTC(year + 1, 0, 1) / DAY_MS - first;
    const through = new Int16Array(length);
    let count = 0;
    for (let i = 0; i < length; i++) {
      if (isWorkingDay(calendar, isoDay(first + i))) count++;
      through[i] = count;
    }
    table = { first, through };
    byYear.set(year, table);
  }
  return table;
}

/** Working days from 1 January of `fromYear` up to and including `day`. */
function workingDaysThrough(calendar: WorkCalendar, fromYear: number, day: string): number {
  const year = Number(day.slice(0, 4));
  let count = 0;
  for (let y = fromYear; y < year; y++) count += yearTable(calendar, y).through.at(-1) as number;
  const table = yearTable(calendar, year);
  return count + (table.through[dayNumber(day) - table.first] as number);
}

/**
 * Working days from `from` to `to`: the working days after `from`, up to and including `to`
 * (signed on a Friday and published the next Monday is 1; the same day is 0). Negative when
 * `to` is before `from`.
 */
export function workingDaysBetween(calendar: WorkCalendar, from: string, to: string): number {
  if (to < from) return -workingDaysBetween(calendar, to, from);
  const base = Number(from.slice(0, 4));
  return workingDaysThrough(calendar, base, to) - workingDaysThrough(calendar, base, from);
}

/** Whether `year` has a calendar file; without one only weekends count as days off. */
export function hasCalendar(calendar: WorkCalendar, year: number): boolean {
  return calendar.years.includes(year);
}
