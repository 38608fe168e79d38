// Calendar dates (YYYY-MM-DD), times (HH:MM) and embargo instants (ISO 8601 with offset).

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why a `YYYY-MM-DD` string is not a real date, or undefined when it is one. */
export function dateProblem(value: string): string | undefined {
  const match = datePattern.exec(value);
  if (match === null) return `"${value}" is not written as YYYY-MM-DD.`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return `${value} has no month ${month}.`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${value} does not exist: ${year}-${match[2]} has ${days} days.`;
  return undefined;
}

export function isCalendarDate(value: string): boolean {
  return dateProblem(value) === undefined;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `HH:MM`, 00:00–23:59. */
export function isClockTime(value: string): boolean {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  return match !== null && Number(match[1]) < 24 && Number(match[2]) < 60;
}

const instantPattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Why a `publishAt` value is not an ISO 8601 date-time with offset, or undefined. */
export function instantProblem(value: string): string | undefined {
  const match = instantPattern.exec(value);
  if (match === null) {
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(value)) return `"${value}" has no time zone offset.`;
    return `"${value}" is not an ISO 8601 date-time.`;
  }
  const day = dateProblem(match[1] as string);
  if (day !== undefined) return day;
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return `"${value}" has an impossible time of day.`;
  if (match[6] !== undefined && (Number(match[6]) > 14 || Number(match[7]) > 59)) return `"${value}" has an impossible offset.`;
  return undefined;
}
