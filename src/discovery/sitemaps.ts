// Sitemaps (sitemaps.org 0.9) and robots.txt, from the published records. `/sitemap.xml` is an
// index of one sitemap per part of the site: `/sitemaps/gazette.xml` (issues, articles and their
// errata), `/sitemaps/press.xml` (releases and conferences) and `/sitemaps/pages.xml` (home,
// listings and the discovery pages); a part over 50,000 URLs or 50 MB continues in
// `<part>-2.xml`, `<part>-3.xml`, …. Only published documents are listed: never an embargoed
// or draft one (they are not in the input) nor a withdrawn one. `<lastmod>` is the newest
// content date (publication, correction, withdrawal) in the records, never the build clock.

import { artifact, type Artifact } from '../outputs.ts';
import { isPress, monthOf } from './listings.ts';
import type { DocumentRecord } from '../store/ports.ts';
import { pressMonthPath } from '../../templates/press.tsx';
import { columnTakes } from './columns.ts';
import { listedFacts } from './listedFacts.ts';
import type { DerivedInput, DerivedOutput } from './outputs.ts';
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
const parts: readonly SitemapPart[] = ['gazette', 'press', 'pages'];

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
  return latest([record.date, record.changeDate, record.withdrawnDate]) ?? record.date;
}

/**
 * Every URL of each part, in a stable order. `outputs`: names of the registered derived outputs
 * (the discovery pages of those not registered are left out).
 */
export function sitemapEntries(input: DerivedInput, outputs: readonly string[]): Record<SitemapPart, SitemapEntry[]> {
  const published = input.documents.filter((record) => record.status === 'published');
  const languages = languageGroups(published);
  const entry = (record: DocumentRecord): SitemapEntry => ({
    urlPath: record.urlPath,
    lastmod: changedOn(record),
    ...(languages.has(record.id) ? { alternates: languages.get(record.id) } : {}),
  });
  const byPath = (a: SitemapEntry, b: SitemapEntry) => (a.urlPath < b.urlPath ? -1 : a.urlPath > b.urlPath ? 1 : 0);
  const issues = [...input.issues].sort((a, b) => a.year - b.year || a.number - b.number);

  const gazette: SitemapEntry[] = [
    ...issues.map((issue) => ({ urlPath: issue.urlPath, lastmod: issue.date })),
    ...published
      .filter((record) => record.kind === 'article')
      .flatMap((record) => [entry(record), ...(record.errata ?? []).map((erratum) => ({ urlPath: erratum.urlPath, lastmod: erratum.date }))]),
  ].sort(byPath);
  const press = published.filter(isPress).map(entry).sort(byPath);

  // Listings show withdrawn items too (marked): their dates count for lastmod.
  const everything = latest([...input.documents.map((record) => changedOn(record)), ...issues.map((issue) => issue.date)]);
  const pressRecords = input.documents.filter(isPress);
  const years = [...new Set(issues.map((issue) => issue.year))];
  const months = [...new Set(published.filter(isPress).map((record) => monthOf(record.date)))].sort();
  const pressByMonth = new Map<string, DocumentRecord[]>();
  for (const record of pressRecords) {
    const month = monthOf(record.date);
    const list = pressByMonth.get(month);
    if (list === undefined) pressByMonth.set(month, [record]);
    else list.push(record);
  }
  const registered = (prefix: string) => outputs.some((name) => name.startsWith(prefix));
  const pages: SitemapEntry[] = [
    { urlPath: '/', lastmod: everything },
    { urlPath: '/gazette/', lastmod: latest(issues.map((issue) => issue.date)) },
    ...years.map((year) => ({ urlPath: `/gazette/${year}/`, lastmod: latest(issues.filter((issue) => issue.year === year).map((issue) => issue.date)) })),
    { urlPath: '/press/', lastmod: latest(pressRecords.map((record) => changedOn(record))) },
    ...months.map((month) => ({
      urlPath: pressMonthPath(month),
      lastmod: latest((pressByMonth.get(month) ?? []).map((record) => changedOn(record))),
    })),
    ...discoveryPages.filter((page) => registered(page.output)).flatMap((page) => page.paths(input).map((urlPath) => ({ urlPath, lastmod: everything }))),
  ];
  // A column page's date is its newest member's.
  for (const column of input.content.columns) {
    const page = pages.find((candidate) => candidate.urlPath === column.urlPath);
    if (page !== undefined) page.lastmod = latest(input.documents.filter((record) => columnTakes(column.rule, record)).map((record) => changedOn(record)));
  }
  return { gazette, press, pages };
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

/** A part's entries as sitemap files within the limits: `sitemaps/<part>.xml`, `sitemaps/<part>-2.xml`, …. */
export function sitemapFiles(baseUrl: string, part: SitemapPart, entries: readonly SitemapEntry[], limits: SitemapLimits = SITEMAP_LIMITS): SitemapFile[] {
  const frame = Buffer.byteLength(XML_DECLARATION + URLSET_OPEN + URLSET_CLOSE);
  const files: SitemapFile[] = [];
  let chunk: string[] = [];
  let bytes = frame;
  let lastmod: string | undefined;
  const flush = () => {
    const key = `sitemaps/${part}${files.length === 0 ? '' : `-${files.length + 1}`}.xml`;
    files.push({ key, body: XML_DECLARATION + URLSET_OPEN + chunk.join('') + URLSET_CLOSE, ...(lastmod === undefined ? {} : { lastmod }) });
    chunk = [];
    bytes = frame;
    lastmod = undefined;
  };
  for (const entry of entries) {
    const { element, size } = measuredElement(baseUrl, entry);
    if (frame + size > limits.bytes) throw new Error(`The sitemap entry for ${entry.urlPath} alone is over ${limits.bytes} bytes.`);
    if (chunk.length > 0 && (chunk.length >= limits.urls || bytes + size > limits.bytes)) flush();
    chunk.push(element);
    bytes += size;
    lastmod = latest([lastmod, entry.lastmod]);
  }
  // An empty part still has its (empty) file, so the index never names a missing one.
  if (chunk.length > 0 || files.length === 0) flush();
  return files;
}

/** The sitemap index naming every file. */
export function sitemapIndex(baseUrl: string, files: readonly SitemapFile[]): string {
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

const computed = new WeakMap<DerivedInput, SitemapFile[]>();

/** Every sitemap file of this build's records, computed once per build; `registered`: the names of the registered outputs. */
function allSitemapFiles(input: DerivedInput, registered: readonly string[]): SitemapFile[] {
  const known = computed.get(input);
  if (known !== undefined) return known;
  const entries = sitemapEntries(input, registered);
  const files = parts.flatMap((part) => sitemapFiles(input.content.site.baseUrl, part, entries[part]));
  computed.set(input, files);
  return files;
}

type SitemapPage = { kind: 'parts' } | { kind: 'index' };

function sitemapOutput(name: string, wave: number, kind: SitemapPage['kind'], registered: () => readonly string[]): DerivedOutput<SitemapPage> {
  return {
    name,
    wave,
    // The column pages are listed, with their newest member's date.
    uses: ['columns'],
    all: () => [{ kind }],
    // Any change may move a lastmod or a URL: render again, the build writes what differs.
    affected: (_input, changes, changedIssues) => (changes.length > 0 || changedIssues.length > 0 ? [{ kind }] : []),
    shows: listedFacts,
    id: () => kind,
    render(input): Artifact[] {
      const files = allSitemapFiles(input, registered());
      if (kind === 'parts') return files.map((file) => artifact('xml', file.key, file.body));
      const baseUrl = input.content.site.baseUrl;
      return [artifact('xml', SITEMAP_INDEX_KEY, sitemapIndex(baseUrl, files)), artifact('text', ROBOTS_KEY, robotsTxt(baseUrl))];
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
