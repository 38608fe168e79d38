// Listing pages (home, archives, press head and month pages): which ones a change touches,
// and the data each is rendered from. Pagination is stable: a new press item touches the head
// page and its own month page; a new issue touches home, the gazette archive and its year page.

import type { DocumentRecord, IssueRecord } from '../store/ports.ts';

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

export const PRESS_HEAD_SIZE = 20;
export const HOME_PRESS_SIZE = 10;

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

export interface Change {
  before?: DocumentRecord;
  after?: DocumentRecord;
}

/** The listing pages that show any of the changed documents or issues. */
export function affectedIndexPages(changes: Change[], changedIssues: IssueRecord[]): IndexPage[] {
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
