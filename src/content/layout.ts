// Where a file sits decides what it is: the content layout of spec.md as one function.

import { idPattern, slugPattern, suggestSlug } from './ids.ts';

export type FileRole =
  | { role: 'site' }
  | { role: 'ignored' }
  | { role: 'issue'; year: string; nn: string; urlPath: string }
  | { role: 'article'; year: string; nn: string; slug: string; urlPath: string }
  | { role: 'release'; year: string; slug: string; bundle: boolean; urlPath: string }
  /** A special column (专栏), `columns/<id>.md`. */
  | { role: 'column'; id: string; urlPath: string }
  /** The working-day calendar of one year, `calendar/<year>.yaml`. */
  | { role: 'calendar'; year: string }
  | { role: 'misplaced'; message: string; hint: string; ruleId: 'misplaced-file' | 'invalid-slug' | 'invalid-id' };

const layoutHint =
  'Documents go in gazette/<year>/<nn>/<slug>.md, press/<year>/<slug>.md or press/<year>/<slug>/index.md; ' +
  'an issue is gazette/<year>/<nn>/index.md; a special column is columns/<id>.md.';

/** Classify a content-relative POSIX path. Only `.md`, `site.yaml`, `partners.yaml` and the files
 * of calendar/ matter here; other files are attachments or assets, checked when a document refers
 * to them. */
export function classifyFile(rel: string): FileRole | undefined {
  if (rel === 'site.yaml') return { role: 'site' };
  if (rel === 'partners.yaml') return { role: 'ignored' };
  const parts = rel.split('/');
  if (parts[0] === 'calendar') return calendarFile(rel, parts);
  if (!rel.endsWith('.md')) return undefined;
  const misplaced = (why: string): FileRole => ({ role: 'misplaced', ruleId: 'misplaced-file', message: why, hint: layoutHint });
  if (parts[0] === 'columns') {
    if (parts.length !== 2) return misplaced(`${rel} is in a folder inside columns/; a column is one file columns/<id>.md.`);
    const id = (parts[1] as string).slice(0, -'.md'.length);
    if (!idPattern.test(id)) {
      const suggestion = suggestSlug(id);
      return {
        role: 'misplaced',
        ruleId: 'invalid-id',
        message: `The file name "${id}" is not a valid column id: the name of columns/<id>.md is the column's permanent id, used in its URL /zhuanlan/<id>/; ids are 3–64 lower-case ASCII letters, digits and "-".`,
        hint:
          suggestion !== undefined && idPattern.test(suggestion)
            ? `Rename the file to columns/${suggestion}.md (pinyin is fine, e.g. columns/zhidu-zhixingnian.md).`
            : 'Rename the file with 3–64 lower-case ASCII letters, digits and "-" (pinyin is fine, e.g. columns/zhidu-zhixingnian.md).',
      };
    }
    return { role: 'column', id, urlPath: `/zhuanlan/${id}/` };
  }
  if (parts[0] === 'gazette') {
    const [, year, nn, name] = parts;
    if (parts.length !== 4 || year === undefined || nn === undefined || name === undefined) {
      return misplaced(`${rel} is not inside an issue folder gazette/<year>/<nn>/.`);
    }
    if (!/^\d{4}$/.test(year)) return misplaced(`The year folder "${year}" is not a 4-digit year.`);
    if (!/^\d{2}$/.test(nn) || nn === '00') {
      return {
        role: 'misplaced',
        ruleId: 'misplaced-file',
        message: `The issue folder "${nn}" is not a two-digit issue number (01, 02, … 12).`,
        hint: `Name issue folders with two digits, e.g. gazette/${year}/05/.`,
      };
    }
    if (name === 'index.md') return { role: 'issue', year, nn, urlPath: `/gazette/${year}/${nn}/` };
    const slug = name.slice(0, -'.md'.length);
    if (!slugPattern.test(slug)) return badSlug(rel, slug);
    return { role: 'article', year, nn, slug, urlPath: `/gazette/${year}/${nn}/${slug}/` };
  }
  if (parts[0] === 'press') {
    const [, year, name, inner] = parts;
    if (year === undefined || name === undefined || !/^\d{4}$/.test(year) || parts.length < 3) {
      return misplaced(`${rel} is not inside a year folder press/<year>/.`);
    }
    if (parts.length === 3) {
      const slug = name.slice(0, -'.md'.length);
      if (!slugPattern.test(slug)) return badSlug(rel, slug);
      return { role: 'release', year, slug, bundle: false, urlPath: `/press/${year}/${slug}/` };
    }
    if (parts.length === 4 && inner === 'index.md') {
      if (!slugPattern.test(name)) return badSlug(rel, name);
      return { role: 'release', year, slug: name, bundle: true, urlPath: `/press/${year}/${name}/` };
    }
    return misplaced(`${rel} is inside a press bundle but is not its index.md.`);
  }
  return misplaced(`${rel} is outside gazette/, press/ and columns/, so it would never be published.`);
}

/** `calendar/<year>.yaml`; anything else in calendar/ would be silently ignored, so it is named. */
function calendarFile(rel: string, parts: string[]): FileRole {
  const match = parts.length === 2 ? /^(\d{4})\.(yaml|yml)$/.exec(parts[1] as string) : null;
  if (match !== null && match[2] === 'yaml') return { role: 'calendar', year: match[1] as string };
  return {
    role: 'misplaced',
    ruleId: 'misplaced-file',
    message: `${rel} is not a calendar file: calendar/ holds one file per year, named calendar/<year>.yaml.`,
    hint:
      match !== null
        ? `Rename it to calendar/${match[1] as string}.yaml.`
        : 'Name it after the year it lists, e.g. calendar/2010.yaml, and move other files out of calendar/.',
  };
}

function badSlug(rel: string, slug: string): FileRole {
  const suggestion = suggestSlug(slug);
  return {
    role: 'misplaced',
    ruleId: 'invalid-slug',
    message: `The name "${slug}" in ${rel} cannot be part of a URL: names are lower-case ASCII letters, digits and "-".`,
    hint:
      suggestion !== undefined ? `Rename it to "${suggestion}" (pinyin is fine).` : 'Rename it with lower-case ASCII letters, digits and "-" (pinyin is fine).',
  };
}
