// The working-day calendar, calendar/<year>.yaml: the example 2010 schedule and every rule.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentMessage } from '../../src/content/model.ts';
import { validSite, writeContent } from './fixtures.ts';

const exampleContent = resolve(dirname(fileURLToPath(import.meta.url)), '../../content');
const places = (messages: ContentMessage[]) => messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);

async function load(calendar: Record<string, string>) {
  return loadContent(await writeContent({ ...validSite(), ...calendar }));
}

describe('the example calendar (2010, from the State Council schedule)', () => {
  it('lists every day off of each holiday and the eight make-up Saturdays and Sundays', async () => {
    const { content, messages } = await loadContent(exampleContent);
    expect(messages.filter((m) => m.file.startsWith('calendar/'))).toEqual([]);
    const calendar = content?.calendar;
    expect(calendar?.years).toEqual([2010]);
    // 元旦 3 + 春节 7 + 清明节 3 + 劳动节 3 + 端午节 3 + 中秋节 3 + 国庆节 7 days.
    expect(calendar?.holidays.size).toBe(29);
    expect(['2010-02-13', '2010-02-16', '2010-02-19'].map((day) => calendar?.holidays.get(day))).toEqual(['春节', '春节', '春节']);
    expect(calendar?.holidays.get('2010-02-12')).toBeUndefined();
    expect(calendar?.holidays.get('2010-02-20')).toBeUndefined();
    expect(calendar?.holidays.get('2010-10-07')).toBe('国庆节');
    expect([...(calendar?.workdays ?? [])].sort()).toEqual([
      '2010-02-20',
      '2010-02-21',
      '2010-06-12',
      '2010-06-13',
      '2010-09-19',
      '2010-09-25',
      '2010-09-26',
      '2010-10-09',
    ]);
  });
});

describe('calendar files', () => {
  it('load into day maps: every day from..to is a holiday', async () => {
    const { content, messages } = await load({
      'calendar/2010.yaml':
        'year: 2010\nholidays:\n  - { name: 端午节, from: 2010-06-14, to: 2010-06-16 }\nworkdays:\n  - { date: 2010-06-12, for: 端午节 }\n  - { date: 2010-06-13 }\n',
      'calendar/2011.yaml': 'year: 2011\nholidays:\n  - { name: 元旦, from: 2011-01-01, to: 2011-01-03 }\n',
    });
    expect(messages).toEqual([]);
    expect(content?.calendar.years).toEqual([2010, 2011]);
    expect([...(content?.calendar.holidays ?? [])]).toEqual([
      ['2010-06-14', '端午节'],
      ['2010-06-15', '端午节'],
      ['2010-06-16', '端午节'],
      ['2011-01-01', '元旦'],
      ['2011-01-02', '元旦'],
      ['2011-01-03', '元旦'],
    ]);
    expect([...(content?.calendar.workdays ?? [])]).toEqual(['2010-06-12', '2010-06-13']);
  });

  it('a site without calendar/ has an empty calendar', async () => {
    const { content } = await load({});
    expect(content?.calendar).toEqual({ years: [], holidays: new Map(), workdays: new Set() });
  });

  it('refuses a year that differs from the file name, and dates outside the year', async () => {
    const { content, messages } = await load({
      'calendar/2010.yaml': 'year: 2011\nholidays:\n  - { name: 元旦, from: 2009-12-31, to: 2010-01-03 }\nworkdays:\n  - { date: 2011-01-08, for: 元旦 }\n',
    });
    expect(content).toBeUndefined();
    expect(places(messages)).toEqual([
      'calendar/2010.yaml:1:7 calendar-year-mismatch',
      'calendar/2010.yaml:3:23 date-outside-year',
      'calendar/2010.yaml:5:13 date-outside-year',
    ]);
    expect(messages[0]?.hint).toContain('year: 2010');
    expect(messages[1]?.hint).toContain('calendar/2009.yaml');
  });

  it('refuses unreal dates, from after to, a weekday as make-up day, a day both off and worked, overlaps and repeats', async () => {
    const { messages } = await load({
      'calendar/2010.yaml': [
        'year: 2010',
        'holidays:',
        '  - { name: 春节, from: 2010-02-19, to: 2010-02-13 }',
        '  - { name: 清明节, from: 2010-04-03, to: 2010-04-05 }',
        '  - { name: 劳动节, from: 2010-04-05, to: 2010-05-03 }',
        '  - { name: 端午节, from: 2010-06-31, to: 2010-06-16 }',
        'workdays:',
        '  - { date: 2010-02-22, for: 春节 }',
        '  - { date: 2010-04-04, for: 清明节 }',
        '  - { date: 2010-06-12, for: 端午节 }',
        '  - { date: 2010-06-12, for: 端午节 }',
        '',
      ].join('\n'),
    });
    // An unreal date is a field error: the file's days are not checked further.
    expect(places(messages)).toEqual(['calendar/2010.yaml:6:24 invalid-date']);

    const { messages: more } = await load({
      'calendar/2010.yaml': [
        'year: 2010',
        'holidays:',
        '  - { name: 春节, from: 2010-02-19, to: 2010-02-13 }',
        '  - { name: 清明节, from: 2010-04-03, to: 2010-04-05 }',
        '  - { name: 劳动节, from: 2010-04-05, to: 2010-05-03 }',
        'workdays:',
        '  - { date: 2010-02-22, for: 春节 }',
        '  - { date: 2010-04-04, for: 清明节 }',
        '  - { date: 2010-06-12, for: 端午节 }',
        '  - { date: 2010-06-12, for: 端午 }',
        '',
      ].join('\n'),
    });
    expect(places(more)).toEqual([
      'calendar/2010.yaml:3:23 invalid-date-range',
      'calendar/2010.yaml:5:24 overlapping-holidays',
      'calendar/2010.yaml:7:13 workday-not-weekend',
      'calendar/2010.yaml:8:13 holiday-and-workday',
      'calendar/2010.yaml:9:30 unknown-holiday',
      'calendar/2010.yaml:10:13 duplicate-entry',
      'calendar/2010.yaml:10:30 unknown-holiday',
    ]);
    const byRule = new Map(more.map((m) => [m.ruleId, m]));
    expect(byRule.get('workday-not-weekend')?.message).toContain('星期一');
    expect(byRule.get('overlapping-holidays')?.message).toBe('2010-04-05 is in both 清明节 (holiday 2) and 劳动节.');
    expect(byRule.get('unknown-holiday')?.severity).toBe('warning');
    expect(more.filter((m) => m.ruleId === 'unknown-holiday').map((m) => m.hint)).toEqual([
      'Write the `name` of the holiday this day is worked for, as in `holidays`.',
      'Write the `name` of the holiday this day is worked for, as in `holidays`.',
    ]);
  });

  it("finds the holiday a make-up day is worked for in another year's file, and suggests near names", async () => {
    const { messages } = await load({
      // 2012 元旦: 2012-01-01 to 01-03 off, Saturday 2011-12-31 worked.
      'calendar/2011.yaml': 'year: 2011\nworkdays:\n  - { date: 2011-12-31, for: 元旦 }\n  - { date: 2011-10-08, for: 国庆 }\n',
      'calendar/2012.yaml':
        'year: 2012\nholidays:\n  - { name: 元旦, from: 2012-01-01, to: 2012-01-03 }\n  - { name: 国庆节, from: 2012-09-30, to: 2012-10-07 }\n',
    });
    expect(places(messages)).toEqual(['calendar/2011.yaml:4:30 unknown-holiday']);
    expect(messages[0]?.hint).toBe('Did you mean `国庆节`?');
  });

  it('refuses unknown fields, YAML tags, anchors and aliases, and misnamed files', async () => {
    const { messages } = await load({
      'calendar/2010.yaml':
        'year: 2010\nholidays:\n  - &cj { name: 春节, from: 2010-02-13, to: 2010-02-19 }\nworkdays:\n  - { date: !!str 2010-02-20, for: 春节 }\n',
      'calendar/2011.yml': 'year: 2011\n',
      'calendar/notes.txt': '见国务院通知。\n',
    });
    expect(places(messages)).toEqual([
      'calendar/2010.yaml:3:5 yaml-anchor',
      'calendar/2010.yaml:5:13 yaml-tag',
      'calendar/2011.yml:1:1 misplaced-file',
      'calendar/notes.txt:1:1 misplaced-file',
    ]);
    expect(messages[2]?.hint).toBe('Rename it to calendar/2011.yaml.');

    const { messages: fields } = await load({
      'calendar/2010.yaml':
        'year: 2010\nholiday:\n  - { name: 春节, from: 2010-02-13, to: 2010-02-19 }\nworkdays:\n  - { date: 2010-02-20, for: 春节, note: 调休 }\n',
    });
    expect(places(fields)).toEqual(['calendar/2010.yaml:2:1 unknown-field', 'calendar/2010.yaml:5:34 unknown-field']);
    expect(fields[0]?.hint).toBe('Did you mean `holidays`?');

    const { messages: empty } = await load({ 'calendar/2010.yaml': '# 2010年节假日安排\n' });
    expect(places(empty)).toEqual(['calendar/2010.yaml:1:1 empty-file']);
  });
});
