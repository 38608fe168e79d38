// Sitemaps (sitemaps.org 0.9) and robots.txt, from the published records. `/sitemap.xml` is an
// index of one sitemap per part of the site and year: `/sitemaps/gazette-<year>.xml` (the issues
// of that year, their articles and the articles' errata), `/sitemaps/press-<year>.xml` (the
// releases and conferences dated that year) and `/sitemaps/pages.xml` (home, listings and the
// discovery pages); a file over 50,000 URLs or 50 MB continues in `<name>-2.xml`, `<name>-3.xml`,
// …. A change rewrites the files of the years it touches and the index, whose `<lastmod>` tells
// a crawler which files to fetch again. Only published documents are listed: never an embargoed
// or draft one (they are not in the input) nor a withdrawn one. `<lastmod>` is the newest
// content date (publication, correction, withdrawal) in the records, never the build clock.

import { artifact, type Artifact } from '../outputs.ts';
import { isPress, monthOf } from './listings.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';
import { pressMonthPath } from '../../templates/press.tsx';
import { columnTakes } from './columns.ts';
import { listedFacts } from './listedFacts.ts';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';
import { PERMALINK_INDEX_PATH } from './permalinks.ts';

export const SITEMAP_INDEX_KEY = 'sitemap.xml';
export const ROBOTS_KEY = 'robots.txt';
/** The protocol's limits per sitemap file (uncompressed bytes). */
export const SITEMAP_LIMITS = { urls: 50_000, bytes: 50 * 1024 * 1024 };
export type SitemapLimits = typeof SITEMAP_LIMITS;

export interface SitemapEntry {
  urlPath: string;
  /** W3C datetime or YYYY-MM-DD, from the record. */
  lastmod?: string;
  /** The page in every language it exists in (itself included), for `xhtml:link` hreflang. */
  alternates?: { hreflang: string; urlPath: string }[];
}

export type SitemapPart = 'gazette' | 'press' | 'pages';
/** The parts split by year. */
type YearPart = Exclude<SitemapPart, 'pages'>;

/**
 * Discovery pages, listed when the output that writes them is registered (each is built by its
 * own module; the sitemap must not name a page no build writes). Keyed by output name prefix.
 */
const discoveryPages: { output: string; paths: (input: DerivedInput) => string[] }[] = [
  { output: 'permalinks', paths: () => [PERMALINK_INDEX_PATH] },
  { output: 'catalogue', paths: () => ['/xxgk/'] },
  { output: 'statistics', paths: () => ['/xxgk/tongji/'] },
  {
    output: 'columns',
    paths: (input) => ['/zhuanlan/', ...[...input.content.columns].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1)).map((column) => column.urlPath)],
  },
  { output: 'search', paths: () => ['/search/'] },
];

const latest = (dates: Iterable<string | undefined>): string | undefined => {
  let found: string | undefined;
  for (const date of dates) if (date !== undefined && (found === undefined || date > found)) found = date;
  return found;
};

/** hreflang alternates: each published original with its published translations. */
function languageGroups(published: readonly DocumentRecord[]): Map<string, SitemapEntry['alternates']> {
  // Only translations and the originals they name form groups: most records are in none.
  const translations = published.filter((record) => record.translationOf !== undefined);
  const byId = new Map<string, SitemapEntry['alternates']>();
  if (translations.length === 0) return byId;
  const wanted = new Set(translations.map((record) => record.translationOf as string));
  const originals = new Map(published.filter((record) => wanted.has(record.id)).map((record) => [record.id, record]));
  const members = new Map<string, DocumentRecord[]>();
  for (const record of published) {
    const root =
      record.translationOf !== undefined && originals.has(record.translationOf) ? record.translationOf : originals.has(record.id) ? record.id : undefined;
    if (root === undefined) continue;
    const group = members.get(root);
    if (group === undefined) members.set(root, [record]);
    else group.push(record);
  }
  for (const group of members.values()) {
    if (group.length < 2) continue;
    const alternates = group
      .map((record) => ({ hreflang: record.lang, urlPath: record.urlPath }))
      .sort((a, b) => (a.hreflang < b.hreflang ? -1 : a.hreflang > b.hreflang ? 1 : a.urlPath < b.urlPath ? -1 : 1));
    for (const record of group) byId.set(record.id, alternates);
  }
  return byId;
}

/**
 * The date a document last changed, from its content (publication, correction or withdrawal
 * date), never from the build clock: the same content gives the same sitemap whenever built.
 */
function changedOn(record: DocumentRecord): string {
  let newest = record.date;
  if (record.changeDate !== undefined && record.changeDate > newest) newest = record.changeDate;
  if (record.withdrawnDate !== undefined && record.withdrawnDate > newest) newest = record.withdrawnDate;
  return newest;
}

/** What every sitemap file of one build is made from, computed once per build. */
interface SitemapBasis {
  /** Published records by part and year (`gazette:2010`), in the input's order; issues by year. */
  groups: Map<string, { part: YearPart; year: number; records: DocumentRecord[]; issues: DerivedInput['issues'] }>;
  languages: Map<string, SitemapEntry['alternates']>;
  byId: Map<string, DocumentRecord>;
  /** Ids of the records translating each original. */
  translatedBy: Map<string, string[]>;
}

const groupKey = (part: YearPart, year: number) => `${part}:${year}`;

/** The file group a record's URL is listed in: gazette by its issue's year, press by its date's. */
function groupOf(record: DocumentRecord): { part: YearPart; year: number } {
  if (isPress(record)) return { part: 'press', year: Number(record.date.slice(0, 4)) };
  return { part: 'gazette', year: record.issue?.year ?? Number(record.date.slice(0, 4)) };
}

const bases = new WeakMap<DerivedInput, SitemapBasis>();

function sitemapBasis(input: DerivedInput): SitemapBasis {
  const known = bases.get(input);
  if (known !== undefined) return known;
  const published = input.documents.filter((record) => record.status === 'published');
  const groups: SitemapBasis['groups'] = new Map();
  const groupFor = (part: YearPart, year: number) => {
    const key = groupKey(part, year);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { part, year, records: [], issues: [] }));
    return group;
  };
  for (const issue of input.issues) groupFor('gazette', issue.year).issues.push(issue);
  for (const record of published) {
    if (record.kind !== 'article' && !isPress(record)) continue;
    const { part, year } = groupOf(record);
    groupFor(part, year).records.push(record);
  }
  const translatedBy = new Map<string, string[]>();
  for (const record of input.documents) {
    if (record.translationOf === undefined) continue;
    const list = translatedBy.get(record.translationOf);
    if (list === undefined) translatedBy.set(record.translationOf, [record.id]);
    else list.push(record.id);
  }
  const basis = { groups, languages: languageGroups(published), byId: new Map(input.documents.map((record) => [record.id, record])), translatedBy };
  bases.set(input, basis);
  return basis;
}

const byPath = (a: SitemapEntry, b: SitemapEntry) => (a.urlPath < b.urlPath ? -1 : a.urlPath > b.urlPath ? 1 : 0);

/**
 * Each URL of one part's year, as its file lists it (unsorted): its issues, its documents with
 * their language versions, and their errata. What the file is made from, and what its head
 * counts without making an entry of each.
 */
function eachGroupUrl(
  basis: SitemapBasis,
  part: YearPart,
  year: number,
  visit: (urlPath: string, lastmod: string, alternates?: SitemapEntry['alternates']) => void,
): void {
  const group = basis.groups.get(groupKey(part, year));
  if (group === undefined) return;
  for (const issue of group.issues) visit(issue.urlPath, issue.date);
  for (const record of group.records) {
    visit(record.urlPath, changedOn(record), basis.languages.get(record.id));
    for (const erratum of record.errata ?? []) visit(erratum.urlPath, erratum.date);
  }
}

/** Every URL of one part's year, in a stable order (by path). */
function groupEntries(basis: SitemapBasis, part: YearPart, year: number): SitemapEntry[] {
  const entries: SitemapEntry[] = [];
  eachGroupUrl(basis, part, year, (urlPath, lastmod, alternates) => entries.push({ urlPath, lastmod, ...(alternates === undefined ? {} : { alternates }) }));
  return entries.sort(byPath);
}

/**
 * The home page, the listings and the discovery pages. `outputs`: names of the registered
 * derived outputs (the discovery pages of those not registered are left out).
 */
function pageEntries(input: DerivedInput, outputs: readonly string[]): SitemapEntry[] {
  const issues = [...input.issues].sort((a, b) => a.year - b.year || a.number - b.number);
  // Listings show withdrawn items too (marked): their dates count for lastmod. One pass over the records.
  let everything = latest(issues.map((issue) => issue.date));
  let press: string | undefined;
  const pressByMonth = new Map<string, { published: boolean; lastmod: string }>();
  for (const record of input.documents) {
    const date = changedOn(record);
    if (everything === undefined || date > everything) everything = date;
    if (!isPress(record)) continue;
    if (press === undefined || date > press) press = date;
    const month = monthOf(record.date);
    const seen = pressByMonth.get(month);
    if (seen === undefined) pressByMonth.set(month, { published: record.status === 'published', lastmod: date });
    else {
      if (record.status === 'published') seen.published = true;
      if (date > seen.lastmod) seen.lastmod = date;
    }
  }
  const years = [...new Set(issues.map((issue) => issue.year))];
  const months = [...pressByMonth].filter(([, month]) => month.published).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const registered = (prefix: string) => outputs.some((name) => name.startsWith(prefix));
  const pages: SitemapEntry[] = [
    { urlPath: '/', lastmod: everything },
    { urlPath: '/gazette/', lastmod: latest(issues.map((issue) => issue.date)) },
    ...years.map((year) => ({ urlPath: `/gazette/${year}/`, lastmod: latest(issues.filter((issue) => issue.year === year).map((issue) => issue.date)) })),
    { urlPath: '/press/', lastmod: press },
    ...months.map(([month, { lastmod }]) => ({ urlPath: pressMonthPath(month), lastmod })),
    ...discoveryPages.filter((page) => registered(page.output)).flatMap((page) => page.paths(input).map((urlPath) => ({ urlPath, lastmod: everything }))),
  ];
  // A column page's date is its newest member's.
  for (const column of input.content.columns) {
    const page = pages.find((candidate) => candidate.urlPath === column.urlPath);
    if (page !== undefined) page.lastmod = latest(input.documents.filter((record) => columnTakes(column.rule, record)).map((record) => changedOn(record)));
  }
  return pages;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] as string);
}

const resolvedBases = new Map<string, string>();

/** `urlPath` resolved against the site's base URL; a sitemap resolves 10,000s, mostly plain ASCII paths. */
function absolute(baseUrl: string, urlPath: string): string {
  const relative = urlPath.replace(/^\//, '');
  if (!/^[A-Za-z0-9/_.~-]+$/.test(relative) || /(^|\/)\.\.?(\/|$)/.test(relative)) return new URL(relative, baseUrl).href;
  let base = resolvedBases.get(baseUrl);
  if (base === undefined) resolvedBases.set(baseUrl, (base = new URL('./', baseUrl).href));
  return base + relative;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const URLSET_OPEN = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n';
const URLSET_CLOSE = '</urlset>\n';

function urlElement(baseUrl: string, entry: SitemapEntry): string {
  const lines = [`  <url>\n    <loc>${escapeXml(absolute(baseUrl, entry.urlPath))}</loc>\n`];
  if (entry.lastmod !== undefined) lines.push(`    <lastmod>${escapeXml(entry.lastmod)}</lastmod>\n`);
  for (const alternate of entry.alternates ?? []) {
    lines.push(`    <xhtml:link rel="alternate" hreflang="${escapeXml(alternate.hreflang)}" href="${escapeXml(absolute(baseUrl, alternate.urlPath))}"/>\n`);
  }
  lines.push('  </url>\n');
  return lines.join('');
}

/** Elements of entries without alternates, by base URL then path and lastmod: a process that
 * builds again (watch mode) renders only the entries that changed. */
const elements = new Map<string, Map<string, { element: string; size: number }>>();
const ELEMENTS_LIMIT = 200_000;

function measuredElement(baseUrl: string, entry: SitemapEntry): { element: string; size: number } {
  if (entry.alternates !== undefined) {
    const element = urlElement(baseUrl, entry);
    return { element, size: Buffer.byteLength(element) };
  }
  let known = elements.get(baseUrl);
  if (known === undefined) elements.set(baseUrl, (known = new Map<string, { element: string; size: number }>()));
  const key = `${entry.urlPath}\n${entry.lastmod ?? ''}`;
  let found = known.get(key);
  if (found === undefined) {
    if (known.size >= ELEMENTS_LIMIT) known.clear();
    const element = urlElement(baseUrl, entry);
    known.set(key, (found = { element, size: Buffer.byteLength(element) }));
  }
  return found;
}

/** One sitemap file: its key (relative to the site root), body and newest lastmod. */
export interface SitemapFile {
  key: string;
  body: string;
  lastmod?: string;
}

/** The key of a group's `n`th file (0 first): `sitemaps/press-2010.xml`, `sitemaps/press-2010-2.xml`, …. */
const fileKey = (name: string, n: number) => `sitemaps/${name}${n === 0 ? '' : `-${n + 1}`}.xml`;

const FRAME_BYTES = Buffer.byteLength(XML_DECLARATION + URLSET_OPEN + URLSET_CLOSE);

/** A group's entries as sitemap files within the limits (`name`: `press-2010`, `pages`). */
export function sitemapFiles(baseUrl: string, name: string, entries: readonly SitemapEntry[], limits: SitemapLimits = SITEMAP_LIMITS): SitemapFile[] {
  const files: SitemapFile[] = [];
  let chunk: string[] = [];
  let bytes = FRAME_BYTES;
  let lastmod: string | undefined;
  const flush = () => {
    files.push({
      key: fileKey(name, files.length),
      body: XML_DECLARATION + URLSET_OPEN + chunk.join('') + URLSET_CLOSE,
      ...(lastmod === undefined ? {} : { lastmod }),
    });
    chunk = [];
    bytes = FRAME_BYTES;
    lastmod = undefined;
  };
  for (const entry of entries) {
    const { element, size } = measuredElement(baseUrl, entry);
    if (FRAME_BYTES + size > limits.bytes) throw new Error(`The sitemap entry for ${entry.urlPath} alone is over ${limits.bytes} bytes.`);
    if (chunk.length > 0 && (chunk.length >= limits.urls || bytes + size > limits.bytes)) flush();
    chunk.push(element);
    bytes += size;
    lastmod = latest([lastmod, entry.lastmod]);
  }
  // An empty group still has its (empty) file: a year whose last URL went is emptied, not left stale.
  if (chunk.length > 0 || files.length === 0) flush();
  return files;
}

const pageFilesOf = new WeakMap<DerivedInput, { outputs: string; files: SitemapFile[] }>();

/** The pages file(s), made once per build: the parts output writes them, the index names them. */
function pageFiles(input: DerivedInput, outputs: readonly string[], limits: SitemapLimits = SITEMAP_LIMITS): SitemapFile[] {
  const baseUrl = input.content.site.baseUrl;
  if (limits !== SITEMAP_LIMITS) return sitemapFiles(baseUrl, 'pages', pageEntries(input, outputs), limits);
  const known = pageFilesOf.get(input);
  if (known !== undefined && known.outputs === outputs.join()) return known.files;
  const files = sitemapFiles(baseUrl, 'pages', pageEntries(input, outputs));
  pageFilesOf.set(input, { outputs: outputs.join(), files });
  return files;
}

/** What the index names of a file. */
export interface SitemapFileHead {
  key: string;
  lastmod?: string;
}

// An upper bound of an entry's bytes, from its path's. Resolved against the base, a path adds at
// most 3 characters a byte (percent-encoded, which XML leaves as is) or 6 (`'` escaped as
// `&apos;`, left as is by the URL); the base's own part is at most the base resolved alone.
const ELEMENT_FRAME_BYTES = Buffer.byteLength('  <url>\n    <loc></loc>\n    <lastmod></lastmod>\n  </url>\n');
const ALTERNATE_FRAME_BYTES = Buffer.byteLength('    <xhtml:link rel="alternate" hreflang="" href=""/>\n');
const hrefBound = (base: number, urlPath: string) => base + 6 * Buffer.byteLength(urlPath);

/**
 * The files of one part's year, named as its render names them, without making their bodies
 * when they surely fit in one file (the URLs counted, the bytes bounded).
 */
function groupFileHeads(input: DerivedInput, basis: SitemapBasis, part: YearPart, year: number, limits: SitemapLimits): SitemapFileHead[] {
  if (!basis.groups.has(groupKey(part, year))) return [];
  const baseUrl = input.content.site.baseUrl;
  const base = Buffer.byteLength(escapeXml(absolute(baseUrl, '/')));
  let urls = 0;
  let bytes = FRAME_BYTES;
  let lastmod: string | undefined;
  eachGroupUrl(basis, part, year, (urlPath, date, alternates) => {
    urls += 1;
    bytes += ELEMENT_FRAME_BYTES + hrefBound(base, urlPath) + 6 * date.length;
    for (const alternate of alternates ?? []) bytes += ALTERNATE_FRAME_BYTES + 6 * alternate.hreflang.length + hrefBound(base, alternate.urlPath);
    if (lastmod === undefined || date > lastmod) lastmod = date;
  });
  if (urls <= limits.urls && bytes <= limits.bytes) return [{ key: fileKey(`${part}-${year}`, 0), ...(lastmod === undefined ? {} : { lastmod }) }];
  return sitemapFiles(baseUrl, `${part}-${year}`, groupEntries(basis, part, year), limits).map(({ key, lastmod: newest }) => ({
    key,
    ...(newest === undefined ? {} : { lastmod: newest }),
  }));
}

/** Every file the index names, in order: the gazette's years, the press years (oldest first), then the pages. */
export function sitemapFileHeads(input: DerivedInput, registered: readonly string[], limits: SitemapLimits = SITEMAP_LIMITS): SitemapFileHead[] {
  const basis = sitemapBasis(input);
  const heads: SitemapFileHead[] = [];
  for (const part of ['gazette', 'press'] as const) {
    const years = [...basis.groups.values()]
      .filter((group) => group.part === part)
      .map((group) => group.year)
      .sort((a, b) => a - b);
    for (const year of years) heads.push(...groupFileHeads(input, basis, part, year, limits));
  }
  for (const { key, lastmod } of pageFiles(input, registered, limits)) {
    heads.push({ key, ...(lastmod === undefined ? {} : { lastmod }) });
  }
  return heads;
}

/** The sitemap index naming every file. */
export function sitemapIndex(baseUrl: string, files: readonly SitemapFileHead[]): string {
  const items = files.map(
    (file) =>
      `  <sitemap>\n    <loc>${escapeXml(absolute(baseUrl, `/${file.key}`))}</loc>\n${file.lastmod === undefined ? '' : `    <lastmod>${escapeXml(file.lastmod)}</lastmod>\n`}  </sitemap>\n`,
  );
  return `${XML_DECLARATION}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items.join('')}</sitemapindex>\n`;
}

/** robots.txt: everything may be crawled (private/ is never served); where the sitemap is. */
export function robotsTxt(baseUrl: string): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${absolute(baseUrl, `/${SITEMAP_INDEX_KEY}`)}\n`;
}

/** A file group to render (a part's year, or the pages), or the index with robots.txt. */
export type SitemapPage = { kind: 'group'; part: YearPart; year: number } | { kind: 'pages' } | { kind: 'index' };

/** The groups a change touches: each record's before and after, and the language versions naming it. */
function touchedGroups(input: DerivedInput, changes: readonly Change[], changedIssues: readonly IssueRecord[]): SitemapPage[] {
  const basis = sitemapBasis(input);
  const pages = new Map<string, SitemapPage>([['pages', { kind: 'pages' }]]);
  const add = (record: DocumentRecord | undefined) => {
    if (record === undefined || (record.kind !== 'article' && !isPress(record))) return;
    const { part, year } = groupOf(record);
    pages.set(groupKey(part, year), { kind: 'group', part, year });
  };
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      if (record === undefined) continue;
      add(record);
      // Every language version of one original lists the others among its alternates: the
      // group it is in, and the group it heads when it is translated itself (a translation of a
      // translation is grouped under the one it names, while that one is published).
      const original = record.translationOf ?? record.id;
      add(basis.byId.get(original));
      for (const id of basis.translatedBy.get(original) ?? []) add(basis.byId.get(id));
      for (const id of basis.translatedBy.get(record.id) ?? []) add(basis.byId.get(id));
    }
  }
  for (const issue of changedIssues) pages.set(groupKey('gazette', issue.year), { kind: 'group', part: 'gazette', year: issue.year });
  return [...pages.values()];
}

function sitemapOutput(name: string, wave: number, kind: 'parts' | 'index', registered: () => readonly string[]): DerivedOutput<SitemapPage> {
  return {
    name,
    wave,
    // The column pages are listed, with their newest member's date.
    uses: ['columns'],
    all(input) {
      if (kind === 'index') return [{ kind: 'index' }];
      const groups = [...sitemapBasis(input).groups.values()].map(({ part, year }): SitemapPage => ({ kind: 'group', part, year }));
      return [...groups, { kind: 'pages' }];
    },
    // A change may move a lastmod or a URL: render its years again (the build writes what differs).
    affected(input, changes, changedIssues) {
      if (changes.length === 0 && changedIssues.length === 0) return [];
      return kind === 'index' ? [{ kind: 'index' }] : touchedGroups(input, changes, changedIssues);
    },
    shows: listedFacts,
    id: (page) => (page.kind === 'group' ? `${page.part}-${page.year}` : page.kind),
    render(input, page): Artifact[] {
      const baseUrl = input.content.site.baseUrl;
      const files =
        page.kind === 'group'
          ? sitemapFiles(baseUrl, `${page.part}-${page.year}`, groupEntries(sitemapBasis(input), page.part, page.year))
          : page.kind === 'pages'
            ? pageFiles(input, registered())
            : undefined;
      if (files !== undefined) return files.map((file) => artifact('xml', file.key, file.body));
      return [
        artifact('xml', SITEMAP_INDEX_KEY, sitemapIndex(baseUrl, sitemapFileHeads(input, registered()))),
        artifact('text', ROBOTS_KEY, robotsTxt(baseUrl)),
      ];
    },
  };
}

/**
 * For the registry in outputs.ts, which passes the names of the outputs it holds (read when
 * rendering): after every page they list (the last waves), the part sitemaps before the index
 * that names them.
 */
export function sitemapOutputs(registered: () => readonly string[]): DerivedOutput<SitemapPage>[] {
  return [sitemapOutput('sitemap-parts', 90, 'parts', registered), sitemapOutput('sitemap-index', 91, 'index', registered)];
}
