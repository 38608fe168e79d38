// Working days between 成文日期 and 发布日期, by the 2010 calendar of the example content.
// Every expected count below was made by hand on a paper calendar of 2010.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyCalendar } from '../../src/content/calendar.ts';
import { loadContent } from '../../src/content/load.ts';
import type { WorkCalendar } from '../../src/content/model.ts';
import { hasCalendar, isWorkingDay, workingDaysBetween } from '../../src/content/workdays.ts';

const exampleContent = resolve(dirname(fileURLToPath(import.meta.url)), '../../content');
let calendar: WorkCalendar;

beforeAll(async () => {
  const { content } = await loadContent(exampleContent);
  if (content === undefined) throw new Error('the example content does not load');
  calendar = content.calendar;
});

describe('workingDaysBetween on the 2010 calendar', () => {
  it('skips the Spring Festival and counts the make-up Saturday and Sunday', () => {
    // Signed Wed 02-10, published Wed 02-24: 11 Thu, 12 Fri (2); 13–19 春节 off; 20 Sat, 21 Sun
    // worked (4); 22 Mon, 23 Tue, 24 Wed (7).
    expect(workingDaysBetween(calendar, '2010-02-10', '2010-02-24')).toBe(7);
  });

  it('crosses 中秋节 and 国庆节 with their four make-up days', () => {
    // Fri 09-17 → Mon 10-11: 19 Sun worked (1), 20–21 (3), 22–24 off, 25 Sat and 26 Sun worked (5),
    // 27–30 (9), 10-01–07 off, 08 Fri (10), 09 Sat worked (11), 10 Sun off, 11 Mon (12).
    expect(workingDaysBetween(calendar, '2010-09-17', '2010-10-11')).toBe(12);
  });

  it('counts days after the start, up to and including the end', () => {
    expect(workingDaysBetween(calendar, '2010-04-09', '2010-04-09')).toBe(0);
    expect(workingDaysBetween(calendar, '2010-04-09', '2010-04-12')).toBe(1); // Fri → Mon
    expect(workingDaysBetween(calendar, '2010-04-02', '2010-04-06')).toBe(1); // Fri, 清明 03–05 off, Tue
    expect(workingDaysBetween(calendar, '2010-02-24', '2010-02-10')).toBe(-7);
  });

  it('gives the timeliness of two documents of the example gazette', () => {
    // 淮府〔2010〕38号: signed Fri 04-09, published Fri 04-30: three full weeks, no holiday.
    expect(workingDaysBetween(calendar, '2010-04-09', '2010-04-30')).toBe(15);
    // 淮府〔2010〕69号: signed Tue 04-20, published Mon 05-31: 3 + 5 in April, 劳动节 05-01–03 off,
    // 05-04–07 (4), three weeks (15), 05-31 (1) = 28; more than 20 working days.
    expect(workingDaysBetween(calendar, '2010-04-20', '2010-05-31')).toBe(28);
    // Without the calendar Monday 05-03 would count.
    expect(workingDaysBetween(emptyCalendar(), '2010-04-20', '2010-05-31')).toBe(29);
  });

  it('crosses New Year: 2009 has no calendar file, 2010 starts with 元旦', () => {
    // Wed 2009-12-30 → Tue 2010-01-05: 12-31 Thu (1), 01-01–03 off, 04 Mon, 05 Tue (3).
    expect(workingDaysBetween(calendar, '2009-12-30', '2010-01-05')).toBe(3);
  });

  it('counts across several years and leap days the same as walking day by day', () => {
    // The count comes from per-year tables; walk the days one by one with isWorkingDay to check it.
    const walk = (from: string, to: string) => {
      let count = 0;
      for (let t = Date.parse(`${from}T00:00:00Z`) + 86_400_000; t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
        if (isWorkingDay(calendar, new Date(t).toISOString().slice(0, 10))) count++;
      }
      return count;
    };
    for (const [from, to] of [
      ['2007-02-27', '2011-03-01'],
      ['2008-02-28', '2008-03-01'],
      ['2010-12-31', '2011-01-03'],
      ['1999-12-31', '2010-06-30'],
    ] as const) {
      expect(workingDaysBetween(calendar, from, to)).toBe(walk(from, to));
    }
    // 2008-02-28 Thu → 03-01 Sat: the 29th (a Friday, leap day) only.
    expect(workingDaysBetween(calendar, '2008-02-28', '2008-03-01')).toBe(1);
  });

  it('knows the days themselves', () => {
    expect(isWorkingDay(calendar, '2010-02-20')).toBe(true); // Saturday worked for 春节
    expect(isWorkingDay(calendar, '2010-02-15')).toBe(false); // Monday of 春节
    expect(isWorkingDay(calendar, '2010-02-27')).toBe(false); // an ordinary Saturday
    expect(isWorkingDay(calendar, '2010-02-26')).toBe(true); // an ordinary Friday
  });
});

describe('a year without a calendar file', () => {
  it('counts Monday to Friday only', () => {
    expect(hasCalendar(calendar, 2010)).toBe(true);
    expect(hasCalendar(calendar, 2011)).toBe(false);
    // Tue 2011-02-01 → Tue 2011-02-15: 02–04 (3), 07–11 (8), 14–15 (10); the 2011 春节 is unknown.
    expect(workingDaysBetween(calendar, '2011-02-01', '2011-02-15')).toBe(10);
    // The 2010 example without its calendar: 11, 12, 15–19, 22–24.
    expect(workingDaysBetween(emptyCalendar(), '2010-02-10', '2010-02-24')).toBe(10);
  });
});
