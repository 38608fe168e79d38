// Feed dates: RFC 3339 for Atom and JSON Feed, RFC 822 (with four-digit years) for RSS.
// Input is always an ISO 8601 date-time with an offset or `Z`, from content or the injected clock.

import { isCalendarDate } from '../content/dates.ts';

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const isoWithOffset = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parse(iso: string): RegExpExecArray {
  const match = isoWithOffset.exec(iso);
  if (match === null || Number.isNaN(Date.parse(iso)) || !isCalendarDate(iso.slice(0, 10))) throw new Error(`Not an ISO 8601 date-time with offset: ${iso}`);
  return match;
}

/** RFC 3339 without fractional seconds, keeping the original offset. */
export function rfc3339(iso: string): string {
  const [, y, mo, d, h, mi, s, zone] = parse(iso);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
}

/** RFC 822 / RFC 1123 date-time in the original offset, e.g. `Mon, 31 May 2010 00:00:00 +0800`. */
export function rfc822(iso: string): string {
  const [, y, mo, d, h, mi, s, zone = 'Z'] = parse(iso);
  const weekday = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay();
  const offset = zone === 'Z' ? '+0000' : zone.replace(':', '');
  return `${days[weekday]}, ${d} ${months[Number(mo) - 1]} ${y} ${h}:${mi}:${s} ${offset}`;
}

/** A calendar date (YYYY-MM-DD) as the start of that day in the site's offset. */
export function startOfDay(date: string, offset: string): string {
  return `${date}T00:00:00${offset}`;
}

/** The later of two ISO date-times (by instant). */
export function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}
