import { describe, expect, it } from 'vitest';
import { dateProblem, instantProblem, isCalendarDate, isClockTime } from '../../src/content/dates.ts';

describe('dates', () => {
  it('accepts real calendar dates, including 29 February of leap years', () => {
    expect(['2010-05-31', '2012-02-29', '2000-02-29'].map(isCalendarDate)).toEqual([true, true, true]);
  });

  it('explains dates that do not exist or are written another way', () => {
    expect(dateProblem('2010-02-30')).toBe('2010-02-30 does not exist: 2010-02 has 28 days.');
    expect(dateProblem('1900-02-29')).toBe('1900-02-29 does not exist: 1900-02 has 28 days.');
    expect(dateProblem('2010-13-01')).toBe('2010-13-01 has no month 13.');
    expect(dateProblem('2010/05/31')).toBe('"2010/05/31" is not written as YYYY-MM-DD.');
  });

  it('checks HH:MM times', () => {
    expect(['09:30', '23:59', '9:30', '24:00', '09:60'].map(isClockTime)).toEqual([true, true, false, false, false]);
  });

  it('requires an offset on publishAt', () => {
    expect(instantProblem('2010-12-08T10:00:00+08:00')).toBeUndefined();
    expect(instantProblem('2010-12-08T02:00Z')).toBeUndefined();
    expect(instantProblem('2010-12-08T10:00:00')).toBe('"2010-12-08T10:00:00" has no time zone offset.');
    expect(instantProblem('2010-02-30T10:00:00+08:00')).toBe('2010-02-30 does not exist: 2010-02 has 28 days.');
    expect(instantProblem('2010-12-08T25:00:00+08:00')).toBe('"2010-12-08T25:00:00+08:00" has an impossible time of day.');
  });
});
