// Special columns (专栏) as derived pages: the columns index `/zhuanlan/`, each column's head page
// and its month pages, from the public records. Membership is `columnTakes` over a record's facts,
// the same rule that gives a document page its "所属专栏" links (from content, in build.ts).
// Pagination is stable: a changed document touches the index, and the head and month page of
// each column it belongs to, before and after the change.

import type { Root as HastRoot } from 'hast';
import type { Column } from '../content/model.ts';
import { resolveContentLink } from '../content/links.ts';
import { alternateFeedLinks, feedLinks } from '../feeds/discovery.ts';
import { feedHeadKey } from '../content/keys.ts';
import { columnFeedName } from '../feeds/definitions.ts';
import { type FeedFormat, feedFormats } from '../feeds/model.ts';
import type { Artifact } from '../outputs.ts';
import type { RenderContext } from '../render/html/context.ts';
import { markdownToHast } from '../render/markdown.ts';
import { pageArtifact } from '../render/html/page.ts';
import { shiftHeadings } from '../render/shiftHeadings.ts';
import type { DocumentRecord } from '../store/ports.ts';
import {
  COLUMN_HEAD_SIZE,
  COLUMNS_PATH,
  type ColumnSummary,
  columnHead,
  columnMonth,
  columnMonthPath,
  columnsIndex,
  type FeedLink,
} from '../../templates/columns.tsx';
import { type ColumnFacts, columnTakes } from './columns.ts';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';

export type ColumnPage = { kind: 'index' } | { kind: 'head'; column: string } | { kind: 'month'; column: string; month: string };

/** A record's facts for a column rule (records carry department and topic by name). */
export function recordFacts(record: DocumentRecord): ColumnFacts {
  return {
    id: record.id,
    kind: record.kind,
    department: record.department,
    category: record.category,
    date: record.date,
    ...(record.tags === undefined ? {} : { tags: record.tags }),
  };
}

/** Columns in their index order: `order`, then id. */
export function orderedColumns(columns: readonly Column[]): Column[] {
  return [...columns].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Each column's public documents, newest first (withdrawn ones included), computed once per build input. */
const membersCache = new WeakMap<DerivedInput, Map<string, DocumentRecord[]>>();

export function columnMembers(input: DerivedInput, column: Column): DocumentRecord[] {
  let byColumn = membersCache.get(input);
  if (byColumn === undefined) {
    byColumn = new Map();
    membersCache.set(input, byColumn);
  }
  let members = byColumn.get(column.id);
  if (members === undefined) {
    // `documents` is newest first and never holds a scheduled record; the filter keeps it that way.
    members = input.documents.filter((record) => record.status !== 'scheduled' && columnTakes(column.rule, recordFacts(record)));
    byColumn.set(column.id, members);
  }
  return members;
}

function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** Months with their document counts, newest first. */
function monthCounts(records: DocumentRecord[]): { month: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(monthOf(record.date), (counts.get(monthOf(record.date)) ?? 0) + 1);
  return [...counts].map(([month, count]) => ({ month, count })).sort((a, b) => (a.month < b.month ? 1 : -1));
}

function pageId(page: ColumnPage): string {
  switch (page.kind) {
    case 'index':
      return 'columns-index';
    case 'head':
      return `column:${page.column}`;
    case 'month':
      return `column:${page.column}:${page.month}`;
  }
}

const formatLabels: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };
const formatTypes: Record<FeedFormat, string> = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' };

/** The site-wide feeds and the column's own, for a column page's head. */
function columnContext(input: DerivedInput, column: Column): RenderContext {
  const { site } = input.content;
  return { ...input.ctx, feeds: [...alternateFeedLinks(site), ...feedLinks(site, columnFeedName(column.id), `专栏：${column.title}`)] };
}

/**
 * The introduction, sanitized. Its relative links resolve like a document's, but only to what
 * readers may see: a published document (or its files), a withdrawn document's page, an issue page.
 */
function descriptionHast(input: DerivedInput, column: Column): HastRoot | undefined {
  if (column.description.trim() === '') return undefined;
  const published = input.documents.filter((record) => record.status === 'published').map((record) => record.urlPath);
  const pages = new Set([...input.documents.map((record) => record.urlPath), ...input.issues.map((issue) => issue.urlPath)]);
  const tree = markdownToHast(column.description, {
    resolveLink: (href) => {
      const target = resolveContentLink(input.content, column.file, href);
      if (target === undefined) return undefined;
      const path = target.split('#')[0] as string;
      return pages.has(path) || published.some((urlPath) => path.startsWith(urlPath)) ? target : undefined;
    },
  });
  // The page's h1 is the column title: the introduction's headings start at h2.
  let top = 7;
  const visit = (node: { type: string; tagName?: string; children?: unknown[] }) => {
    const rank = node.type === 'element' ? /^h([1-6])$/.exec(node.tagName ?? '') : null;
    if (rank) top = Math.min(top, Number(rank[1]));
    for (const child of node.children ?? []) visit(child as typeof node);
  };
  visit(tree);
  if (top < 2) shiftHeadings(tree, 2 - top);
  return tree;
}

function summaries(input: DerivedInput): ColumnSummary[] {
  return orderedColumns(input.content.columns).map((column) => {
    const members = columnMembers(input, column);
    const newest = members.find((record) => record.status === 'published')?.date;
    return { column, count: members.length, ...(newest === undefined ? {} : { newest }) };
  });
}

function render(input: DerivedInput, page: ColumnPage): Artifact[] {
  if (page.kind === 'index') {
    return [pageArtifact(COLUMNS_PATH, columnsIndex({ ...input.ctx, feeds: alternateFeedLinks(input.content.site) }, summaries(input)))];
  }
  const column = input.content.columns.find((entry) => entry.id === page.column);
  if (column === undefined) throw new Error(`No column "${page.column}" to render.`);
  const members = columnMembers(input, column);
  const ctx = columnContext(input, column);
  if (page.kind === 'month') {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(page.month)) throw new Error(`Month must be YYYY-MM, got "${page.month}".`);
    const items = members.filter((record) => monthOf(record.date) === page.month);
    return [pageArtifact(columnMonthPath(column, page.month), columnMonth(ctx, column, page.month, items))];
  }
  // Like the press head page, the head lists what is in force; month pages keep withdrawn ones, marked.
  const latest = members.filter((record) => record.status === 'published').slice(0, COLUMN_HEAD_SIZE);
  const feeds: FeedLink[] =
    members.length === 0
      ? []
      : feedFormats.map((format) => ({ label: formatLabels[format], href: `/${feedHeadKey(columnFeedName(column.id), format)}`, type: formatTypes[format] }));
  const description = descriptionHast(input, column);
  return [
    pageArtifact(
      column.urlPath,
      columnHead(ctx, { column, latest, months: monthCounts(members), feeds, ...(description === undefined ? {} : { description }) }),
    ),
  ];
}

function allPages(input: DerivedInput): ColumnPage[] {
  const pages: ColumnPage[] = [{ kind: 'index' }];
  for (const column of orderedColumns(input.content.columns)) {
    pages.push({ kind: 'head', column: column.id });
    for (const { month } of monthCounts(columnMembers(input, column)).reverse()) pages.push({ kind: 'month', column: column.id, month });
  }
  return pages;
}

function affectedPages(input: DerivedInput, changes: readonly Change[]): ColumnPage[] {
  const pages: ColumnPage[] = [];
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      if (record === undefined || record.status === 'scheduled') continue;
      for (const column of input.content.columns) {
        if (!columnTakes(column.rule, recordFacts(record))) continue;
        pages.push({ kind: 'index' }, { kind: 'head', column: column.id }, { kind: 'month', column: column.id, month: monthOf(record.date) });
      }
    }
  }
  return pages;
}

/** Pages link upwards only once what they link exists: month pages, then head pages, then the index. */
function columnOutput(name: string, wave: number, kind: ColumnPage['kind']): DerivedOutput<ColumnPage> {
  return {
    name,
    wave,
    uses: ['columns'],
    all: (input) => allPages(input).filter((page) => page.kind === kind),
    affected: (input, changes) => affectedPages(input, changes).filter((page) => page.kind === kind),
    id: pageId,
    render,
  };
}

/** For the registry in outputs.ts (no runtime import back, so either module may load first). */
export const columnPagesOutputs = [
  columnOutput('column-months', 20, 'month'),
  columnOutput('column-heads', 21, 'head'),
  columnOutput('columns-index', 22, 'index'),
] as unknown as DerivedOutput<unknown>[];
