// Working days (工作日) by the site's calendar: Monday to Friday, less public holidays, plus the
// 调休 weekend days worked in their place.

import type { WorkCalendar } from './model.ts';

/** YYYY-MM-DD of a UTC date (calendar arithmetic only: no time zone is involved). */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function isWorkingDay(calendar: WorkCalendar, day: string): boolean {
  if (calendar.workdays.has(day)) return true;
  if (calendar.holidays.has(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * Working days from `from` to `to`: the working days after `from`, up to and including `to`
 * (signed on a Friday and published the next Monday is 1; the same day is 0). Negative when
 * `to` is before `from`.
 */
export function workingDaysBetween(calendar: WorkCalendar, from: string, to: string): number {
  if (to < from) return -workingDaysBetween(calendar, to, from);
  let count = 0;
  const day = new Date(`${from}T00:00:00Z`);
  const end = isoDay(new Date(`${to}T00:00:00Z`));
  for (;;) {
    day.setUTCDate(day.getUTCDate() + 1);
    const current = isoDay(day);
    if (current > end) return count;
    if (isWorkingDay(calendar, current)) count++;
  }
}

/** Whether `year` has a calendar file; without one only weekends count as days off. */
export function hasCalendar(calendar: WorkCalendar, year: number): boolean {
  return calendar.years.includes(year);
}
