// The disclosure catalogue (政府信息公开目录) under /xxgk/: the index with its facets and counts,
// one head page per facet value (by department, topic, year and kind: the newest entries and
// the month archive) and one page per facet value and month. Pagination is stable like the
// press archive: a new document touches the index, the head pages of its facet values and its
// own month pages, nothing else.

import type { SiteConfig } from '../content/model.ts';
import type { Artifact } from '../outputs.ts';
import { monthOf, newestFirst } from './listings.ts';
import { pageArtifact } from '../render/html/page.ts';
import type { DocumentRecord } from '../store/ports.ts';
import { catalogueFacetPage, catalogueIndexPage, catalogueMonthPage } from '../../templates/catalogue.tsx';
import {
  CATALOGUE_PATH,
  catalogueKindLabels,
  catalogueKinds,
  facetMonthPath,
  type FacetName,
  facetNames,
  facetPath,
  type FacetValue,
} from './cataloguePaths.ts';
import { listedFacts } from './listedFacts.ts';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';

/** Entries on a facet's head page; the rest are on its month pages. */
export const CATALOGUE_HEAD_SIZE = 20;

/**
 * The catalogue's entries: every public record (published or withdrawn, never scheduled) that
 * is a document of its own: translations are listed with the document they translate, not here.
 */
export function catalogueEntries(documents: readonly DocumentRecord[]): DocumentRecord[] {
  return documents.filter((record) => (record.status === 'published' || record.status === 'withdrawn') && record.translationOf === undefined).sort(newestFirst);
}

/** Every value of every facet: all departments, topics and kinds of site.yaml, and the years that have entries (newest first). */
export function facetValues(site: SiteConfig, entries: readonly DocumentRecord[]): FacetValue[] {
  const years = [...new Set(entries.map((record) => record.date.slice(0, 4)))].sort().reverse();
  return [
    ...site.departments.map((department): FacetValue => ({
      facet: 'bumen',
      value: department.id,
      label: department.name,
      feed: `departments/${department.id}`,
      feedContext: { department: department.name },
    })),
    ...site.topics.map((topic): FacetValue => ({
      facet: 'zhuti',
      value: topic.id,
      label: topic.name,
      feed: `topics/${topic.id}`,
      feedContext: { topic: topic.name },
    })),
    ...years.map((year): FacetValue => ({ facet: 'niandu', value: year, label: `${year}年`, feed: 'all', feedContext: {} })),
    ...catalogueKinds.map((kind): FacetValue => ({
      facet: 'leibie',
      value: kind,
      label: catalogueKindLabels[kind],
      feed: kind === 'article' ? 'gazette' : 'press',
      feedContext: { section: kind === 'article' ? 'gazette' : 'press' },
    })),
  ];
}

/** The facet values a record is listed under (a department or topic no longer in site.yaml has none). */
function valuesOf(site: SiteConfig, record: DocumentRecord): { facet: FacetName; value: string }[] {
  const found: { facet: FacetName; value: string }[] = [];
  const department = site.departments.find((entry) => entry.name === record.department);
  if (department !== undefined) found.push({ facet: 'bumen', value: department.id });
  const topic = site.topics.find((entry) => entry.name === record.category);
  if (topic !== undefined) found.push({ facet: 'zhuti', value: topic.id });
  found.push({ facet: 'niandu', value: record.date.slice(0, 4) });
  found.push({ facet: 'leibie', value: record.kind });
  return found;
}

/** Months with their entry counts, newest first. */
export function monthCounts(entries: readonly DocumentRecord[]): { month: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(monthOf(entry.date), (counts.get(monthOf(entry.date)) ?? 0) + 1);
  return [...counts].map(([month, count]) => ({ month, count })).sort((a, b) => (a.month < b.month ? 1 : -1));
}

export type CataloguePage =
  { kind: 'index' } | { kind: 'facet'; facet: FacetName; value: string } | { kind: 'month'; facet: FacetName; value: string; month: string };

export function cataloguePageId(page: CataloguePage): string {
  switch (page.kind) {
    case 'index':
      return 'index';
    case 'facet':
      return `${page.facet}/${page.value}`;
    case 'month':
      return `${page.facet}/${page.value}/${page.month}`;
  }
}

/** Every catalogue page: the index, each facet value's head page, and its months. */
export function allCataloguePages(input: DerivedInput): CataloguePage[] {
  const { values, byValue } = catalogueData(input);
  const pages: CataloguePage[] = [{ kind: 'index' }];
  for (const value of values) {
    pages.push({ kind: 'facet', facet: value.facet, value: value.value });
    const taken = byValue.get(`${value.facet}/${value.value}`) ?? [];
    for (const { month } of monthCounts(taken)) pages.push({ kind: 'month', facet: value.facet, value: value.value, month });
  }
  return pages;
}

/**
 * The pages a change shows on: the index (its counts), and for the record before and after the
 * change, the head page of each of its facet values and that value's page of its month. A
 * change of department, topic or date so touches the old pages and the new ones.
 */
export function affectedCataloguePages(input: DerivedInput, changes: readonly Change[]): CataloguePage[] {
  const pages: CataloguePage[] = [];
  const site = input.content.site;
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      // Scheduled records are never listed; translations are not catalogue entries.
      if (record === undefined || record.status === 'scheduled' || record.translationOf !== undefined) continue;
      for (const { facet, value } of valuesOf(site, record)) {
        pages.push({ kind: 'facet', facet, value });
        pages.push({ kind: 'month', facet, value, month: monthOf(record.date) });
      }
      pages.push({ kind: 'index' });
    }
  }
  return pages;
}

interface CatalogueData {
  entries: DocumentRecord[];
  values: FacetValue[];
  /** Entries by `facet/value`, newest first. */
  byValue: Map<string, DocumentRecord[]>;
}

// Rendering a page needs the whole catalogue; it is worked out once per build input.
const computed = new WeakMap<DerivedInput, CatalogueData>();

function catalogueData(input: DerivedInput): CatalogueData {
  let data = computed.get(input);
  if (data === undefined) {
    const site = input.content.site;
    const entries = catalogueEntries(input.documents);
    const values = facetValues(site, entries);
    const byValue = new Map<string, DocumentRecord[]>(values.map((value) => [`${value.facet}/${value.value}`, []]));
    for (const record of entries) {
      for (const { facet, value } of valuesOf(site, record)) byValue.get(`${facet}/${value}`)?.push(record);
    }
    data = { entries, values, byValue };
    computed.set(input, data);
  }
  return data;
}

function renderCatalogue(input: DerivedInput, page: CataloguePage): Artifact[] {
  const { entries, values, byValue } = catalogueData(input);
  if (page.kind === 'index') {
    const facets = facetNames.map((facet) => ({
      facet,
      values: values.filter((value) => value.facet === facet).map((value) => ({ value, count: byValue.get(`${facet}/${value.value}`)?.length ?? 0 })),
    }));
    return [pageArtifact(CATALOGUE_PATH, catalogueIndexPage(input.ctx, { total: entries.length, facets }))];
  }
  const value = values.find((entry) => entry.facet === page.facet && entry.value === page.value) ?? lostValue(page);
  const taken = byValue.get(`${page.facet}/${page.value}`) ?? [];
  if (page.kind === 'facet') {
    return [
      pageArtifact(
        facetPath(page.facet, page.value),
        catalogueFacetPage(input.ctx, { value, entries: taken, headSize: CATALOGUE_HEAD_SIZE, months: monthCounts(taken) }),
      ),
    ];
  }
  const inMonth = taken.filter((record) => monthOf(record.date) === page.month);
  return [pageArtifact(facetMonthPath(page.facet, page.value, page.month), catalogueMonthPage(input.ctx, { value, month: page.month, entries: inMonth }))];
}

/**
 * A value an old record names that is no longer a facet value (its department left site.yaml,
 * or its year's last entry moved): its pages are rewritten empty, so nothing stale stays listed.
 */
function lostValue(page: { facet: FacetName; value: string }): FacetValue {
  const label = page.facet === 'niandu' ? `${page.value}年` : page.value;
  return { facet: page.facet, value: page.value, label, feed: 'all', feedContext: {} };
}

/** Pages linking only to documents and to each other upwards come first: months, heads, index. */
function catalogueOutput(name: string, wave: number, kind: CataloguePage['kind']): DerivedOutput<CataloguePage> {
  return {
    name,
    wave,
    all: (input) => allCataloguePages(input).filter((page) => page.kind === kind),
    affected: (input, changes) => affectedCataloguePages(input, changes).filter((page) => page.kind === kind),
    shows: listedFacts,
    id: cataloguePageId,
    render: renderCatalogue,
  };
}

/**
 * For the registry in outputs.ts (no runtime import back, so either module may load first).
 * The index links the statistics index, so it comes after the statistics' waves (10–12).
 */
export const catalogueOutputs = [
  catalogueOutput('catalogue-months', 10, 'month'),
  catalogueOutput('catalogue-facets', 11, 'facet'),
  catalogueOutput('catalogue-index', 13, 'index'),
] as unknown as DerivedOutput<unknown>[];
