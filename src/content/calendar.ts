// The working-day calendar: `calendar/<year>.yaml` files (public holidays and 调休 make-up
// working days) checked day by day and merged into one WorkCalendar.

import { positionFrom, type AnalyzedSource, type FileMessage } from './analyze.ts';
import type { WorkCalendar } from './model.ts';
import type { CalendarData } from './schemas.ts';
import { didYouMean } from './suggest.ts';

export interface CalendarSource {
  /** Content-relative path, `calendar/<year>.yaml`. */
  rel: string;
  /** The year the file name says. */
  year: string;
  source: AnalyzedSource;
}

type Report = (file: string, at: { line: number; column: number }, message: Omit<FileMessage, 'line' | 'column'>) => void;

const weekdayNames = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 0 (Sunday) … 6 (Saturday) of a YYYY-MM-DD date. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** Every YYYY-MM-DD from `from` to `to`, inclusive (empty when `to` is before `from`). */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  const current = new Date(`${from}T00:00:00Z`);
  for (let day = from; day <= to; day = current.toISOString().slice(0, 10)) {
    days.push(day);
    current.setUTCDate(current.getUTCDate() + 1);
  }
  return days;
}

/** An empty calendar: Monday to Friday are working days. */
export function emptyCalendar(): WorkCalendar {
  return { years: [], holidays: new Map(), workdays: new Set() };
}

/**
 * Check the calendar files and merge them. Files whose YAML or fields are invalid were reported
 * by the analysis and are left out; every problem found here is reported, and the days of a
 * file with an error are still merged (loadContent returns no content when there is one).
 */
export function buildCalendar(files: readonly CalendarSource[], report: Report): WorkCalendar {
  const calendar = emptyCalendar();
  /** Day → where it was declared a holiday, to name the first one on an overlap. */
  const holidayAt = new Map<string, { rel: string; index: number; name: string }>();
  const names = new Set<string>();
  const pendingFor: { rel: string; at: { line: number; column: number }; name: string }[] = [];
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : 1));

  for (const file of sorted) {
    const data = file.source.data as CalendarData | undefined;
    if (data === undefined) continue;
    const { rel } = file;
    const at = (path: (string | number)[], target: 'key' | 'value' = 'value') => positionFrom(file.source.positions, path, target);
    const error = (path: (string | number)[], message: Omit<FileMessage, 'line' | 'column' | 'severity'>) =>
      report(rel, at(path), { severity: 'error', ...message });
    const year = file.year;
    if (String(data.year) !== year) {
      error(['year'], {
        ruleId: 'calendar-year-mismatch',
        message: `\`year\` is ${data.year}, but the file is calendar/${year}.yaml.`,
        hint: `Make them agree: write \`year: ${year}\`, or rename the file to calendar/${data.year}.yaml.`,
      });
    }
    calendar.years.push(Number(year));
    const outside = (path: (string | number)[], day: string, what: string): boolean => {
      if (day.startsWith(`${year}-`)) return false;
      error(path, {
        ruleId: 'date-outside-year',
        message: `${what} ${day} is not in ${year}, the year of this file.`,
        hint: `Put it in calendar/${day.slice(0, 4)}.yaml; a holiday that spans New Year is split, each year listing its own days.`,
      });
      return true;
    };

    for (const [index, holiday] of (data.holidays ?? []).entries()) {
      names.add(holiday.name);
      const badFrom = outside(['holidays', index, 'from'], holiday.from, `The holiday ${holiday.name} starts on`);
      const badTo = outside(['holidays', index, 'to'], holiday.to, `The holiday ${holiday.name} ends on`);
      if (badFrom || badTo) continue;
      if (holiday.from > holiday.to) {
        error(['holidays', index, 'from'], {
          ruleId: 'invalid-date-range',
          message: `The holiday ${holiday.name} runs from ${holiday.from} to ${holiday.to}: \`from\` is after \`to\`.`,
          hint: 'Swap the two dates, or correct one of them.',
        });
        continue;
      }
      for (const day of daysFrom(holiday.from, holiday.to)) {
        const first = holidayAt.get(day);
        if (first !== undefined) {
          error(['holidays', index, 'from'], {
            ruleId: 'overlapping-holidays',
            message: `${day} is in both ${first.name} (${first.rel === rel ? `holiday ${first.index + 1}` : first.rel}) and ${holiday.name}.`,
            hint: 'A day off belongs to one holiday: correct the dates of one of them.',
          });
          break;
        }
        holidayAt.set(day, { rel, index, name: holiday.name });
        calendar.holidays.set(day, holiday.name);
      }
    }

    for (const [index, workday] of (data.workdays ?? []).entries()) {
      const path = ['workdays', index, 'date'];
      if (outside(path, workday.date, 'The make-up working day')) continue;
      if (workday.for !== undefined) pendingFor.push({ rel, at: at(['workdays', index, 'for']), name: workday.for });
      const dayOfWeek = weekday(workday.date);
      if (dayOfWeek !== 0 && dayOfWeek !== 6) {
        error(path, {
          ruleId: 'workday-not-weekend',
          message: `${workday.date} is a ${weekdayNames[dayOfWeek] as string}, a working day anyway; \`workdays\` lists only the Saturdays and Sundays worked (调休上班).`,
          hint: 'Check the date against the State Council notice; remove the entry if the day is a weekday.',
        });
        continue;
      }
      if (calendar.workdays.has(workday.date)) {
        error(path, { ruleId: 'duplicate-entry', message: `The working day ${workday.date} is listed twice.`, hint: 'Delete the second one.' });
        continue;
      }
      const holiday = holidayAt.get(workday.date);
      if (holiday !== undefined) {
        error(path, {
          ruleId: 'holiday-and-workday',
          message: `${workday.date} is both a working day and a day of the holiday ${holiday.name}.`,
          hint: `Correct the dates of ${holiday.name} or of this working day: a day is either off or worked.`,
        });
        continue;
      }
      calendar.workdays.add(workday.date);
    }
  }

  // A make-up day may be worked for a holiday listed in the next year's file (元旦).
  for (const { rel, at, name } of pendingFor) {
    if (names.has(name)) continue;
    report(rel, at, {
      severity: 'warning',
      ruleId: 'unknown-holiday',
      message: `\`for\` names "${name}", but no holiday in calendar/ has that name.`,
      ...(names.size > 0 ? { expected: [...names].join('、') } : {}),
      hint: didYouMean(name, names) ?? 'Write the `name` of the holiday this day is worked for, as in `holidays`.',
    });
  }
  calendar.years.sort((a, b) => a - b);
  return calendar;
}
