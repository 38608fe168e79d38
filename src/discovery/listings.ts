// Listing pages (home, archives, press head and month pages, the not-found page) as rows of the
// derived-output table (outputs.ts): which ones a change touches, and how each is rendered, from
// the published records. Pagination is stable: a new press item touches the head page and its
// own month page; a new issue touches home, the gazette archive and its year page.

import type { Artifact } from '../outputs.ts';
import { alternateFeedLinks } from '../feeds/discovery.ts';
import { renderGazetteArchive, renderGazetteYear, renderHomePage, renderNotFoundPage, renderPressIndex, renderPressMonth } from '../render/html/index.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';
import { listedFacts } from './listedFacts.ts';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';

export type IndexPage =
  | { kind: 'home' }
  | { kind: 'gazette-archive' }
  | { kind: 'gazette-year'; year: number }
  | { kind: 'press-index' }
  | { kind: 'press-month'; month: string }
  | { kind: 'not-found' };

export function indexPageId(page: IndexPage): string {
  switch (page.kind) {
    case 'gazette-year':
      return `gazette-year:${page.year}`;
    case 'press-month':
      return `press-month:${page.month}`;
    default:
      return page.kind;
  }
}

export function isPress(record: DocumentRecord): boolean {
  return record.kind === 'release' || record.kind === 'conference';
}

/** Newest first: by date, then id, so equal dates have a stable order. */
export function newestFirst(a: { date: string; id: string }, b: { date: string; id: string }): number {
  return a.date === b.date ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.date < b.date ? 1 : -1;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** Every listing page of a site, for a full build. */
export function allIndexPages(documents: Iterable<DocumentRecord>, issues: Iterable<IssueRecord>): IndexPage[] {
  const pages: IndexPage[] = [{ kind: 'home' }, { kind: 'gazette-archive' }, { kind: 'press-index' }, { kind: 'not-found' }];
  const years = new Set<number>();
  for (const issue of issues) years.add(issue.year);
  for (const year of [...years].sort()) pages.push({ kind: 'gazette-year', year });
  const months = new Set<string>();
  for (const record of documents) if (isPress(record)) months.add(monthOf(record.date));
  for (const month of [...months].sort()) pages.push({ kind: 'press-month', month });
  return pages;
}

/** The listing pages that show any of the changed documents or issues. */
export function affectedIndexPages(changes: readonly Change[], changedIssues: readonly IssueRecord[]): IndexPage[] {
  const pages = new Map<string, IndexPage>();
  const add = (page: IndexPage) => pages.set(indexPageId(page), page);
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      if (record === undefined) continue;
      if (isPress(record)) {
        add({ kind: 'press-index' });
        add({ kind: 'press-month', month: monthOf(record.date) });
        add({ kind: 'home' });
      }
    }
  }
  for (const issue of changedIssues) {
    add({ kind: 'home' });
    add({ kind: 'gazette-archive' });
    add({ kind: 'gazette-year', year: issue.year });
  }
  return [...pages.values()];
}

function renderListing(input: DerivedInput, page: IndexPage): Artifact {
  const section = page.kind === 'gazette-archive' || page.kind === 'gazette-year' ? 'gazette' : page.kind.startsWith('press') ? 'press' : undefined;
  // A listing announces the feeds of its part of the site.
  const ctx = { ...input.ctx, feeds: alternateFeedLinks(input.ctx.site, section === undefined ? {} : { section }) };
  // Listings decide themselves how withdrawn documents show (month pages keep them, marked).
  const { issues, documents } = input;
  switch (page.kind) {
    case 'home':
      return renderHomePage(ctx, issues, documents);
    case 'gazette-archive':
      return renderGazetteArchive(ctx, issues);
    case 'gazette-year':
      return renderGazetteYear(ctx, page.year, issues);
    case 'press-index':
      return renderPressIndex(ctx, documents);
    case 'press-month':
      return renderPressMonth(ctx, page.month, documents);
    case 'not-found':
      return renderNotFoundPage(ctx);
  }
}

/**
 * Listings link each other: the year, month and not-found pages first, then the archives that
 * link them, the home page last; every derived output comes after them (its pages' navigation
 * links the listings), so a crash between two writes never leaves a reachable link to a listing
 * not yet written.
 */
const listingWaves = { pages: 0, archives: 1, home: 2 } as const;

/** The last wave of the listings: feeds link them, so an incremental build writes its feeds once it is written. */
export const LISTINGS_WAVE = listingWaves.home;

function listingOutput(name: string, wave: number, kinds: readonly IndexPage['kind'][]): DerivedOutput<IndexPage> {
  const ofWave = (pages: IndexPage[]) => pages.filter((page) => kinds.includes(page.kind));
  return {
    name,
    wave,
    all: (input) => ofWave(allIndexPages(input.documents, input.issues)),
    affected: (_input, changes, changedIssues) => ofWave(affectedIndexPages(changes, changedIssues)),
    shows: listedFacts,
    id: indexPageId,
    render: (input, page) => [renderListing(input, page)],
  };
}

/** For the registry in outputs.ts. */
export const listingOutputs: DerivedOutput<IndexPage>[] = [
  listingOutput('listing-pages', listingWaves.pages, ['gazette-year', 'press-month', 'not-found']),
  listingOutput('listing-archives', listingWaves.archives, ['gazette-archive', 'press-index']),
  listingOutput('listing-home', listingWaves.home, ['home']),
];
