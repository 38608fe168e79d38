// Values particular to one site that site.yaml may set, and what a site that does not set them
// gets. Everything that differs between two cities' gazettes comes from here, never from a
// constant elsewhere in the code.

import type { SiteConfig } from './model.ts';

/** China Standard Time (no daylight saving): the day of a site that sets no `utcOffset`. */
export const DEFAULT_UTC_OFFSET = '+08:00';

/**
 * The date in the tag URIs of a site that sets no `feeds.tagDate`: the one feed ids have always
 * carried, so a site that published feeds before the setting existed keeps its ids.
 */
export const DEFAULT_TAG_DATE = '2010';

/** Examples of a site that names none: a 文号 and an id in the form any city's would take. */
export const DEFAULT_EXAMPLES: Readonly<SiteExamples> = { docNumber: '市府〔2010〕1号', id: 'shifu-2010-1' };

export interface SiteExamples {
  /** A 文号 of the site, e.g. 淮府〔2010〕69号. */
  docNumber: string;
  /** The id of a document of the site, e.g. huaifu-2010-69. */
  id: string;
}

/** `+08:00`, `-05:30`, `+00:00`: hours 00–14, minutes 00–59. */
export const utcOffsetPattern = /^[+-](?:0\d|1[0-4]):[0-5]\d$/;

/** Offset of the site's calendar dates from UTC, e.g. `+08:00`. */
export function siteUtcOffset(site: Pick<SiteConfig, 'utcOffset'>): string {
  return site.utcOffset ?? DEFAULT_UTC_OFFSET;
}

/** Date part of the tag URIs of the site's feed and entry ids (`tag:<host>,<date>:`). */
export function siteTagDate(site: Pick<SiteConfig, 'feeds'>): string {
  return site.feeds?.tagDate ?? DEFAULT_TAG_DATE;
}

/** The examples the site names, each one it leaves out taken from the defaults. */
export function siteExamples(site: Pick<SiteConfig, 'examples'> | undefined): SiteExamples {
  return { ...DEFAULT_EXAMPLES, ...site?.examples };
}

/** Minutes east of UTC: `+08:00` → 480, `-05:30` → -330. */
export function offsetMinutes(offset: string): number {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (match === null) throw new Error(`offsetMinutes: "${offset}" is not an offset written ±HH:MM`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The calendar date (YYYY-MM-DD) an instant falls on in the site's offset. */
export function localDate(instant: Date, offset: string): string {
  return new Date(instant.getTime() + offsetMinutes(offset) * 60_000).toISOString().slice(0, 10);
}

/** The instant a calendar date (YYYY-MM-DD) starts in the site's offset. */
export function startOfLocalDay(date: string, offset: string): Date {
  return new Date(`${date}T00:00:00${offset}`);
}
