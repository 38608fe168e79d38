// Special columns (专栏): the index of every column (`/zhuanlan/`), a column's head page
// (`/zhuanlan/<id>/`: introduction, newest documents, month archive, feeds) and its month pages
// (`/zhuanlan/<id>/<yyyy-mm>/`). A month page lists only its own month, so a new document
// re-renders the index, the head page and one month page of each column it belongs to.

import type { Root as HastRoot } from 'hast';
import type { Column } from '../src/content/model.ts';
import type { RenderContext } from '../src/render/html/context.ts';
import type { DocumentRecord } from '../src/content/records.ts';
import { chineseMonth, kindLabels } from './format.ts';
import type { Result } from './hast.ts';
import { layout } from './layout.tsx';
import { dateTime, monthArchive, withdrawnMark } from './parts.tsx';

export const COLUMNS_PATH = '/zhuanlan/';
export const COLUMN_HEAD_SIZE = 20;

/** One column as the index lists it. */
export interface ColumnSummary {
  column: Column;
  /** Documents listed on its month pages (withdrawn ones included). */
  count: number;
  /** 发布日期 of its newest published document. */
  newest?: string;
}

/** `/zhuanlan/<id>/2010-05/` */
export function columnMonthPath(column: Pick<Column, 'urlPath'>, month: string): string {
  return `${column.urlPath}${month}/`;
}

const crumbs = [
  { label: '首页', href: '/' },
  { label: '专栏', href: COLUMNS_PATH },
];

/** A column's documents: title, kind, 发布机构, date; withdrawn ones marked. */
function columnDocumentList(records: DocumentRecord[]): Result {
  return (
    <ul class="document-list column-documents">
      {records.map((record) => (
        <li>
          <a href={record.urlPath} lang={record.lang === 'en' ? 'en' : undefined}>
            {record.title}
          </a>
          <span class="kind">{kindLabels[record.kind]}</span>
          {withdrawnMark(record)}
          <span class="department">{record.department}</span>
          {dateTime(record.date)}
        </li>
      ))}
    </ul>
  );
}

/** A subscription link shown on the page: the format's name and the feed's site path. */
export interface FeedLink {
  label: string;
  href: string;
  type: string;
}

/** The visible subscription links of a column: the feeds its head announces, by format. */
function feedList(title: string, feeds: FeedLink[]): Result | undefined {
  if (feeds.length === 0) return undefined;
  return (
    <nav class="column-feeds" aria-label={`订阅专栏“${title}”`}>
      <span class="column-feeds-label">订阅本专栏：</span>
      <ul>
        {feeds.map((feed) => (
          <li>
            <a href={feed.href} type={feed.type}>
              {feed.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** `/zhuanlan/`: every column, in column order, with its count and newest date. */
export function columnsIndex(ctx: RenderContext, columns: ColumnSummary[]): HastRoot {
  const main = (
    <div class="columns">
      <h1>专栏</h1>
      {columns.length === 0 ? (
        <p class="empty">尚无专栏。</p>
      ) : (
        <ul class="column-list">
          {columns.map(({ column, count, newest }) => (
            <li>
              <h2>
                <a href={column.urlPath}>{column.title}</a>
              </h2>
              {column.summary === undefined ? undefined : <p class="column-summary">{column.summary}</p>}
              <p class="column-stats">
                <span class="count">共{count}件</span>
                {newest === undefined ? undefined : <span class="column-newest">最近更新：{dateTime(newest)}</span>}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return layout(ctx, {
    title: '专栏',
    urlPath: COLUMNS_PATH,
    section: 'columns',
    description: `${ctx.site.name}专题专栏`,
    breadcrumbs: [{ label: '首页', href: '/' }],
    main: [main],
  });
}

export interface ColumnHeadData {
  column: Column;
  /** The introduction, already converted and sanitized. */
  description?: HastRoot;
  /** Newest published documents first (the caller cuts to COLUMN_HEAD_SIZE). */
  latest: DocumentRecord[];
  /** Months with their document counts, newest first. */
  months: { month: string; count: number }[];
  /** The column's feeds, to show as links (none while the column is empty). */
  feeds: FeedLink[];
}

/** `/zhuanlan/<id>/`: introduction, newest documents, month archive and feeds. */
export function columnHead(ctx: RenderContext, data: ColumnHeadData): HastRoot {
  const { column, months } = data;
  const main = (
    <div class="columns column">
      <h1>{column.title}</h1>
      {data.description === undefined ? undefined : <div class="column-description">{data.description}</div>}
      {feedList(column.title, data.feeds)}
      <section aria-labelledby="latest-title">
        <h2 id="latest-title">最新文件</h2>
        {data.latest.length === 0 ? <p class="empty">本专栏尚无文件。</p> : columnDocumentList(data.latest)}
      </section>
      {months.length === 0 ? undefined : monthArchive(months, (month) => columnMonthPath(column, month), '件')}
    </div>
  );
  return layout(ctx, {
    title: column.title,
    urlPath: column.urlPath,
    section: 'columns',
    description: column.summary ?? `专栏：${column.title}`,
    breadcrumbs: crumbs,
    main: [main],
  });
}

/** `/zhuanlan/<id>/<yyyy-mm>/`: every document of the column in one month, withdrawn ones marked. */
export function columnMonth(ctx: RenderContext, column: Column, month: string, items: DocumentRecord[]): HastRoot {
  const title = `${column.title} · ${chineseMonth(month)}`;
  const main = (
    <div class="columns column">
      <h1>{title}</h1>
      {items.length === 0 ? <p class="empty">本月没有文件。</p> : columnDocumentList(items)}
      <p class="more">
        <a href={column.urlPath}>返回专栏“{column.title}”</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: columnMonthPath(column, month),
    section: 'columns',
    description: title,
    breadcrumbs: [...crumbs, { label: column.title, href: column.urlPath }],
    main: [main],
  });
}
