// The static JSON API for partner sites, under /api/v1/: a document's metadata and files, an
// issue's table of contents, and listings per department, topic and special column. Derived
// from the published records like the listing pages: every file is a static object, its bytes
// a function of the records (pretty-printed, keys in a fixed order), its URLs absolute.
// An embargoed document has no file and is in no listing until it is released; a withdrawn one
// keeps its metadata, marked withdrawn, without summary, PDF or attachments.
// The shapes are JSON Schemas in docs/api/, published at /api/v1/schemas/.

import { readFileSync } from 'node:fs';
import type { Column, ContentSet, GazetteDocument } from '../content/model.ts';
import { isPublishedVersion } from '../content/records.ts';
import { keyOfUrlPath, urlPathOfKey } from '../content/sitePath.ts';
import { type Artifact, artifact } from '../outputs.ts';
import { versionPath } from '../render/html/index.ts';
import { documentPdfKey, issuePdfKey } from '../content/keys.ts';
import type { ArtifactRef, DocumentRecord, IssueRecord } from '../store/ports.ts';
import { columnsOf } from './columns.ts';
// Types only: outputs.ts imports this module to register it.
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';

export const API_PATH = '/api/v1/';
/** Newest items on a listing's head; the rest are on its per-year pages. */
export const API_HEAD_SIZE = 100;
/** Every published schema: `docs/api/<name>.schema.json` → `/api/v1/schemas/<name>.schema.json`. */
export const apiSchemaNames = ['common', 'index', 'document', 'issue', 'listing', 'listing-year'] as const;
export type ApiSchemaName = (typeof apiSchemaNames)[number];

export type ListingFacet = 'departments' | 'topics' | 'columns';
const listingFacets: readonly ListingFacet[] = ['departments', 'topics', 'columns'];

export type ApiPage =
  | { kind: 'index' }
  | { kind: 'schema'; name: ApiSchemaName }
  | { kind: 'document'; id: string }
  | { kind: 'issue'; year: number; number: number }
  | { kind: 'head'; facet: ListingFacet; key: string }
  | { kind: 'year'; facet: ListingFacet; key: string; year: string };

export function documentJsonPath(id: string): string {
  return `${API_PATH}documents/${id}.json`;
}

export function issueJsonPath(year: number, number: number): string {
  return `${API_PATH}issues/${year}-${String(number).padStart(2, '0')}.json`;
}

export function listingJsonPath(facet: ListingFacet, key: string, year?: string): string {
  return year === undefined ? `${API_PATH}${facet}/${key}.json` : `${API_PATH}${facet}/${key}/${year}.json`;
}

export function schemaPath(name: ApiSchemaName): string {
  return `${API_PATH}schemas/${name}.schema.json`;
}

function pagePath(page: ApiPage): string {
  switch (page.kind) {
    case 'index':
      return `${API_PATH}index.json`;
    case 'schema':
      return schemaPath(page.name);
    case 'document':
      return documentJsonPath(page.id);
    case 'issue':
      return issueJsonPath(page.year, page.number);
    case 'head':
      return listingJsonPath(page.facet, page.key);
    case 'year':
      return listingJsonPath(page.facet, page.key, page.year);
  }
}

/** What the API needs of the records, indexed once per build input (pages are many). */
interface ApiIndex {
  url: (urlPath: string) => string;
  byId: Map<string, DocumentRecord>;
  /** The documents' content, for attachment titles. */
  sources: Map<string, GazetteDocument>;
  /** Other-language versions, both directions of `translationOf`. */
  translations: Map<string, DocumentRecord[]>;
  /** Documents whose `supersededBy` names the key. */
  supersedes: Map<string, DocumentRecord[]>;
  /** Facet and key (`departments:szf`) → its documents, newest first. */
  listings: Map<string, DocumentRecord[]>;
  columns: Map<string, Column[]>;
  departmentIds: Map<string, string>;
  topicIds: Map<string, string>;
  issues: Map<string, IssueRecord>;
}

const indexes = new WeakMap<DerivedInput, ApiIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function columnsOfRecord(content: ContentSet, record: DocumentRecord): Column[] {
  return content.columns.length === 0 ? [] : columnsOf(content.columns, record);
}

/** The listings a record appears in, as `facet:key`. */
function listingKeys(
  content: ContentSet,
  record: DocumentRecord,
  ids: Pick<ApiIndex, 'departmentIds' | 'topicIds'>,
  columns = columnsOfRecord(content, record),
): { facet: ListingFacet; key: string }[] {
  const keys: { facet: ListingFacet; key: string }[] = [];
  const department = ids.departmentIds.get(record.department);
  if (department !== undefined) keys.push({ facet: 'departments', key: department });
  const topic = ids.topicIds.get(record.category);
  if (topic !== undefined) keys.push({ facet: 'topics', key: topic });
  for (const column of columns) keys.push({ facet: 'columns', key: column.id });
  return keys;
}

function apiIndex(input: DerivedInput): ApiIndex {
  const cached = indexes.get(input);
  if (cached !== undefined) return cached;
  const { content } = input;
  const baseUrl = content.site.baseUrl;
  const index: ApiIndex = {
    url: (urlPath) => new URL(urlPath.replace(/^\//, ''), baseUrl).href,
    byId: new Map(input.documents.map((record) => [record.id, record])),
    sources: new Map(content.documents.map((doc) => [doc.id, doc])),
    translations: new Map(),
    supersedes: new Map(),
    listings: new Map(),
    columns: new Map(),
    departmentIds: new Map(content.site.departments.map((department) => [department.name, department.id])),
    topicIds: new Map(content.site.topics.map((topic) => [topic.name, topic.id])),
    issues: new Map(input.issues.map((issue) => [`${issue.year}-${issue.number}`, issue])),
  };
  for (const record of input.documents) {
    const original = record.translationOf === undefined ? undefined : index.byId.get(record.translationOf);
    if (original !== undefined) {
      push(index.translations, original.id, record);
      push(index.translations, record.id, original);
    }
    if (record.supersededBy !== undefined) push(index.supersedes, record.supersededBy, record);
    const columns = columnsOfRecord(content, record);
    index.columns.set(record.id, columns);
    // input.documents is newest first, so every listing is too.
    for (const { facet, key } of listingKeys(content, record, index, columns)) push(index.listings, `${facet}:${key}`, record);
  }
  indexes.set(input, index);
  return index;
}

/** Bytes of one API file: two-space indentation, a final newline; same value, same bytes. */
function jsonArtifact(urlPath: string, value: unknown): Artifact {
  return artifact('json', urlPath.slice(1), `${JSON.stringify(value, null, 2)}\n`);
}

function link(index: ApiIndex, record: DocumentRecord) {
  return { id: record.id, lang: record.lang, title: record.title, url: index.url(record.urlPath), json: index.url(documentJsonPath(record.id)) };
}

/** One document in a listing or a table of contents. */
function listItem(index: ApiIndex, record: DocumentRecord) {
  return {
    id: record.id,
    title: record.title,
    kind: record.kind,
    status: record.status === 'withdrawn' ? 'withdrawn' : 'published',
    date: record.date,
    ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
    url: index.url(record.urlPath),
    json: index.url(documentJsonPath(record.id)),
  };
}

function fileOf(index: ApiIndex, ref: ArtifactRef) {
  return { url: index.url(urlPathOfKey(ref.key)), mediaType: ref.contentType, size: ref.size, sha256: ref.sha256 };
}

/**
 * Attachments as published: those of the document's content whose bytes are in its record, while
 * the content file is the published version; else (a correction under embargo) the titles its
 * record keeps, never the file's new ones.
 */
function attachmentsOf(index: ApiIndex, record: DocumentRecord) {
  const doc = index.sources.get(record.id);
  if (!isPublishedVersion(doc, record)) {
    return record.artifacts.flatMap((ref) => (ref.title === undefined ? [] : [{ title: ref.title, ...fileOf(index, ref) }]));
  }
  const refs = new Map(record.artifacts.map((ref) => [ref.key, ref]));
  return doc.attachments.flatMap((attachment) => {
    const ref = refs.get(keyOfUrlPath(attachment.urlPath));
    return ref === undefined ? [] : [{ title: attachment.title, ...fileOf(index, ref) }];
  });
}

function renderDocument(index: ApiIndex, record: DocumentRecord) {
  const withdrawn = record.status === 'withdrawn';
  const department = index.departmentIds.get(record.department);
  const topic = index.topicIds.get(record.category);
  const pdf = withdrawn ? undefined : record.artifacts.find((ref) => ref.key === documentPdfKey(record.urlPath));
  const issue = record.issue;
  const issueRecord = issue === undefined ? undefined : index.issues.get(`${issue.year}-${issue.number}`);
  const replacement = record.supersededBy === undefined ? undefined : index.byId.get(record.supersededBy);
  const byId = (a: DocumentRecord, b: DocumentRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    lang: record.lang,
    status: withdrawn ? 'withdrawn' : 'published',
    version: record.version,
    digest: record.digest,
    ...(record.contentDigest === undefined ? {} : { contentDigest: record.contentDigest }),
    indexNumber: record.indexNumber,
    url: index.url(record.urlPath),
    json: index.url(documentJsonPath(record.id)),
    department: {
      name: record.department,
      ...(department === undefined ? {} : { id: department, json: index.url(listingJsonPath('departments', department)) }),
    },
    topic: { name: record.category, ...(topic === undefined ? {} : { id: topic, json: index.url(listingJsonPath('topics', topic)) }) },
    date: record.date,
    ...(record.publishAt === undefined ? {} : { publishAt: record.publishAt }),
    ...(record.signedDate === undefined ? {} : { signedDate: record.signedDate }),
    ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
    ...(record.validity === undefined ? {} : { validity: record.validity }),
    ...(issue === undefined
      ? {}
      : {
          issue: {
            year: issue.year,
            number: issue.number,
            totalNumber: issue.totalNumber,
            ...(record.section === undefined ? {} : { section: record.section }),
            ...(issueRecord === undefined ? {} : { url: index.url(issueRecord.urlPath), json: index.url(issueJsonPath(issue.year, issue.number)) }),
          },
        }),
    // A withdrawn document's text is no longer public, its summary included.
    ...(withdrawn || record.summary === undefined ? {} : { summary: record.summary }),
    tags: record.tags ?? [],
    columns: (index.columns.get(record.id) ?? []).map((column) => ({
      id: column.id,
      title: column.title,
      url: index.url(column.urlPath),
      json: index.url(listingJsonPath('columns', column.id)),
    })),
    ...(pdf === undefined ? {} : { pdf: fileOf(index, pdf) }),
    attachments: withdrawn ? [] : attachmentsOf(index, record),
    // Earlier versions keep their page at `v<n>/`; a withdrawal takes them down.
    versions: withdrawn ? [] : Array.from({ length: record.version - 1 }, (_, i) => ({ version: i + 1, url: index.url(versionPath(record.urlPath, i + 1)) })),
    ...(record.changeNote === undefined || record.version < 2
      ? {}
      : { changeNote: record.changeNote, ...(record.changeDate === undefined ? {} : { changeDate: record.changeDate }) }),
    translations: [...(index.translations.get(record.id) ?? [])].sort(byId).map((other) => link(index, other)),
    ...(replacement === undefined ? {} : { supersededBy: link(index, replacement) }),
    supersedes: [...(index.supersedes.get(record.id) ?? [])].sort(byId).map((other) => link(index, other)),
    errata: withdrawn
      ? []
      : (record.errata ?? []).map((erratum) => ({ title: erratum.title, version: erratum.version, date: erratum.date, url: index.url(erratum.urlPath) })),
    ...(withdrawn
      ? {
          withdrawn: {
            ...(record.withdrawnDate === undefined ? {} : { date: record.withdrawnDate }),
            ...(record.withdrawnReason === undefined ? {} : { reason: record.withdrawnReason }),
          },
        }
      : {}),
    // From content, never the build clock: the same content gives the same bytes, whenever built.
    published: record.publishAt ?? record.date,
    updated: [record.publishAt ?? record.date, record.changeDate, record.withdrawnDate].reduce<string>(
      (latest, next) => (next !== undefined && next.slice(0, 10) > latest.slice(0, 10) ? next : latest),
      record.publishAt ?? record.date,
    ),
  };
}

/** Errata an issue's contents list: corrections dated after the article's issue, in the first issue on or after their date. */
function errataListedIn(input: DerivedInput, index: ApiIndex, issue: IssueRecord) {
  const issues = [...input.content.issues].sort((a, b) => a.year - b.year || a.number - b.number);
  const listed: { title: string; date: string; url: string; document: string }[] = [];
  for (const record of input.documents) {
    if (record.issue === undefined || record.status === 'withdrawn') continue;
    const own = record.issue;
    for (const erratum of record.errata ?? []) {
      const target = issues.find((other) => (other.year > own.year || (other.year === own.year && other.number > own.number)) && other.date >= erratum.date);
      if (target?.year === issue.year && target.number === issue.number) {
        listed.push({ title: erratum.title, date: erratum.date, url: index.url(erratum.urlPath), document: index.url(documentJsonPath(record.id)) });
      }
    }
  }
  return listed.sort((a, b) => (a.date === b.date ? (a.url < b.url ? -1 : 1) : a.date < b.date ? -1 : 1));
}

/** What the API says of an issue wherever it names one: 期号, 总期号, date, title, page and JSON. */
function issueSummary(index: ApiIndex, issue: IssueRecord) {
  return {
    year: issue.year,
    number: issue.number,
    totalNumber: issue.totalNumber,
    date: issue.date,
    title: issue.title,
    url: index.url(issue.urlPath),
    json: index.url(issueJsonPath(issue.year, issue.number)),
  };
}

function renderIssue(input: DerivedInput, index: ApiIndex, issue: IssueRecord) {
  const sections = input.content.site.sections;
  const articles = issue.articleIds.flatMap((id) => index.byId.get(id) ?? []);
  const named = new Map<string, DocumentRecord[]>();
  for (const record of articles) push(named, record.section ?? '', record);
  // Sections in site.yaml order; one no longer in site.yaml follows, under its name.
  const order = [...sections.map((section) => section.name), ...[...named.keys()].filter((name) => !sections.some((section) => section.name === name))];
  const pdf = issue.artifacts?.find((ref) => ref.key === issuePdfKey(issue));
  return {
    ...issueSummary(index, issue),
    ...(pdf === undefined ? {} : { pdf: fileOf(index, pdf) }),
    sections: order.flatMap((name) => {
      const items = named.get(name);
      if (items === undefined) return [];
      const id = sections.find((section) => section.name === name)?.id;
      return [{ ...(id === undefined ? {} : { id }), name, items: items.map((record) => listItem(index, record)) }];
    }),
    errata: errataListedIn(input, index, issue),
  };
}

function facetName(input: DerivedInput, facet: ListingFacet, key: string): string | undefined {
  const { site, columns } = input.content;
  if (facet === 'departments') return site.departments.find((department) => department.id === key)?.name;
  if (facet === 'topics') return site.topics.find((topic) => topic.id === key)?.name;
  return columns.find((column) => column.id === key)?.title;
}

function yearsOf(records: DocumentRecord[]): Map<string, DocumentRecord[]> {
  const years = new Map<string, DocumentRecord[]>();
  for (const record of records) push(years, record.date.slice(0, 4), record);
  return years;
}

function renderHead(input: DerivedInput, index: ApiIndex, facet: ListingFacet, key: string) {
  const records = index.listings.get(`${facet}:${key}`) ?? [];
  const column = facet === 'columns' ? input.content.columns.find((entry) => entry.id === key) : undefined;
  return {
    facet,
    id: key,
    name: facetName(input, facet, key) ?? key,
    ...(column === undefined ? {} : { url: index.url(column.urlPath) }),
    json: index.url(listingJsonPath(facet, key)),
    total: records.length,
    items: records.slice(0, API_HEAD_SIZE).map((record) => listItem(index, record)),
    years: [...yearsOf(records).entries()].map(([year, list]) => ({
      year: Number(year),
      count: list.length,
      json: index.url(listingJsonPath(facet, key, year)),
    })),
  };
}

function renderYear(input: DerivedInput, index: ApiIndex, facet: ListingFacet, key: string, year: string) {
  const records = (index.listings.get(`${facet}:${key}`) ?? []).filter((record) => record.date.startsWith(`${year}-`));
  return {
    facet,
    id: key,
    name: facetName(input, facet, key) ?? key,
    year: Number(year),
    head: index.url(listingJsonPath(facet, key)),
    json: index.url(listingJsonPath(facet, key, year)),
    total: records.length,
    items: records.map((record) => listItem(index, record)),
  };
}

function listingEntries(input: DerivedInput, index: ApiIndex, facet: ListingFacet) {
  const { site, columns } = input.content;
  const entries =
    facet === 'departments'
      ? site.departments.map((d) => ({ id: d.id, name: d.name }))
      : facet === 'topics'
        ? site.topics.map((t) => ({ id: t.id, name: t.name }))
        : columns.map((c) => ({ id: c.id, name: c.title }));
  return entries.map((entry) => ({ ...entry, json: index.url(listingJsonPath(facet, entry.id)) }));
}

function renderIndex(input: DerivedInput, index: ApiIndex) {
  const { site } = input.content;
  return {
    site: {
      name: site.name,
      ...(site.nameEn === undefined ? {} : { nameEn: site.nameEn }),
      url: site.baseUrl,
      publisher: site.publisher,
      gazetteTitle: site.gazetteTitle,
    },
    version: 1,
    documentTemplate: index.url(documentJsonPath('{id}')).replace(encodeURIComponent('{id}'), '{id}'),
    schemas: Object.fromEntries(apiSchemaNames.map((name) => [name, index.url(schemaPath(name))])),
    issues: [...input.issues].sort((a, b) => b.year - a.year || b.number - a.number).map((issue) => issueSummary(index, issue)),
    departments: listingEntries(input, index, 'departments'),
    topics: listingEntries(input, index, 'topics'),
    columns: listingEntries(input, index, 'columns'),
  };
}

const schemaDir = new URL('../../docs/api/', import.meta.url);

/** A schema as published: the file in docs/api/ with `$id` made absolute for this site. */
function renderSchema(index: ApiIndex, name: ApiSchemaName) {
  const schema = JSON.parse(readFileSync(new URL(`${name}.schema.json`, schemaDir), 'utf8')) as Record<string, unknown>;
  return { ...schema, $id: index.url(schemaPath(name)) };
}

function renderPage(input: DerivedInput, page: ApiPage): Artifact[] {
  const index = apiIndex(input);
  const path = pagePath(page);
  switch (page.kind) {
    case 'index':
      return [jsonArtifact(path, renderIndex(input, index))];
    case 'schema':
      return [jsonArtifact(path, renderSchema(index, page.name))];
    case 'document': {
      const record = index.byId.get(page.id);
      return record === undefined ? [] : [jsonArtifact(path, renderDocument(index, record))];
    }
    case 'issue': {
      const issue = index.issues.get(`${page.year}-${page.number}`);
      return issue === undefined ? [] : [jsonArtifact(path, renderIssue(input, index, issue))];
    }
    case 'head':
      return [jsonArtifact(path, renderHead(input, index, page.facet, page.key))];
    case 'year':
      return [jsonArtifact(path, renderYear(input, index, page.facet, page.key, page.year))];
  }
}

function allPages(input: DerivedInput): ApiPage[] {
  const index = apiIndex(input);
  const pages: ApiPage[] = [{ kind: 'index' }, ...apiSchemaNames.map((name) => ({ kind: 'schema' as const, name }))];
  for (const record of input.documents) pages.push({ kind: 'document', id: record.id });
  for (const issue of input.issues) pages.push({ kind: 'issue', year: issue.year, number: issue.number });
  for (const facet of listingFacets) {
    for (const { id } of listingEntries(input, index, facet)) {
      pages.push({ kind: 'head', facet, key: id });
      for (const year of yearsOf(index.listings.get(`${facet}:${id}`) ?? []).keys()) pages.push({ kind: 'year', facet, key: id, year });
    }
  }
  return pages;
}

/** A change rewrites its document, the documents whose files name it, its listings before and after, and its issue. */
function affectedPages(input: DerivedInput, changes: readonly Change[], changedIssues: readonly IssueRecord[]): ApiPage[] {
  const index = apiIndex(input);
  const pages: ApiPage[] = apiSchemaNames.map((name) => ({ kind: 'schema' as const, name }));
  if (changedIssues.length > 0) pages.push({ kind: 'index' });
  const documents = new Set<string>();
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      if (record === undefined) continue;
      documents.add(record.id);
      if (record.translationOf !== undefined) documents.add(record.translationOf);
      if (record.supersededBy !== undefined) documents.add(record.supersededBy);
      for (const other of [...(index.translations.get(record.id) ?? []), ...(index.supersedes.get(record.id) ?? [])]) documents.add(other.id);
      for (const { facet, key } of listingKeys(input.content, record, index)) {
        pages.push({ kind: 'head', facet, key }, { kind: 'year', facet, key, year: record.date.slice(0, 4) });
      }
      if (record.issue !== undefined) pages.push({ kind: 'issue', year: record.issue.year, number: record.issue.number });
    }
  }
  for (const id of documents) pages.push({ kind: 'document', id });
  for (const issue of changedIssues) pages.push({ kind: 'issue', year: issue.year, number: issue.number });
  return pages;
}

/** The API in three waves: files nothing else of the API links first, then the heads that link year pages, then the index. */
function apiOutput(name: string, wave: number, kinds: ApiPage['kind'][]): DerivedOutput<ApiPage> {
  return {
    name,
    wave,
    // Each document's JSON names its columns, and the index lists them.
    uses: ['columns'],
    all: (input) => allPages(input).filter((page) => kinds.includes(page.kind)),
    affected: (input, changes, issues) => affectedPages(input, changes, issues).filter((page) => kinds.includes(page.kind)),
    id: pagePath,
    render: renderPage,
  };
}

export const apiOutputs = [
  apiOutput('api-files', 40, ['schema', 'document', 'issue', 'year']),
  apiOutput('api-heads', 41, ['head']),
  apiOutput('api-index', 42, ['index']),
] as unknown as DerivedOutput<unknown>[];
