// The press office's pages: the head page (`/press/`: newest items and the month archive) and
// one page per month (`/press/archive/<yyyy-mm>/`). A month page lists only its own month and
// links nowhere that changes, so a new item re-renders just the head page and its month.

import type { Root as HastRoot } from 'hast';
import type { RenderContext } from '../src/render/html/context.ts';
import type { DocumentRecord } from '../src/content/records.ts';
import { chineseMonth } from './format.ts';
import { layout } from './layout.tsx';
import { documentList, monthArchive } from './parts.tsx';

export const PRESS_HEAD_SIZE = 20;

/**
 * Published releases and conferences, newest first (date, then id, for a stable order).
 * Withdrawn ones only when asked: month pages keep them, marked; head pages leave them out.
 */
export function pressItems(records: Iterable<DocumentRecord>, options: { withdrawn?: boolean } = {}): DocumentRecord[] {
  return [...records]
    .filter((r) => (r.kind === 'release' || r.kind === 'conference') && (r.status === 'published' || (options.withdrawn === true && r.status === 'withdrawn')))
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export function pressMonthPath(month: string): string {
  return `/press/archive/${month}/`;
}

/** Months with their item counts, newest first. */
function monthCounts(items: DocumentRecord[]): { month: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.date.slice(0, 7), (counts.get(item.date.slice(0, 7)) ?? 0) + 1);
  return [...counts].map(([month, count]) => ({ month, count })).sort((a, b) => (a.month < b.month ? 1 : -1));
}

export function pressIndex(ctx: RenderContext, records: Iterable<DocumentRecord>): HastRoot {
  const items = pressItems(records);
  // Counted as the month pages list them, withdrawn items included.
  const months = monthCounts(pressItems(records, { withdrawn: true }));
  const main = (
    <div class="press">
      <h1>新闻发布</h1>
      <section aria-labelledby="latest-title">
        <h2 id="latest-title">最新发布</h2>
        {items.length === 0 ? <p class="empty">尚无新闻发布。</p> : documentList(items.slice(0, PRESS_HEAD_SIZE), { showKind: true })}
      </section>
      {monthArchive(months, pressMonthPath, '条')}
    </div>
  );
  return layout(ctx, {
    title: '新闻发布',
    urlPath: '/press/',
    section: 'press',
    description: `${ctx.site.name}新闻发布与新闻发布会`,
    breadcrumbs: [{ label: '首页', href: '/' }],
    main: [main],
  });
}

export function pressMonth(ctx: RenderContext, month: string, records: Iterable<DocumentRecord>): HastRoot {
  const items = pressItems(records, { withdrawn: true }).filter((r) => r.date.startsWith(`${month}-`));
  const title = `${chineseMonth(month)}新闻发布`;
  const main = (
    <div class="press">
      <h1>{title}</h1>
      {items.length === 0 ? <p class="empty">本月没有新闻发布。</p> : documentList(items, { showKind: true })}
      <p class="more">
        <a href="/press/">返回新闻发布首页</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: pressMonthPath(month),
    section: 'press',
    description: title,
    breadcrumbs: [
      { label: '首页', href: '/' },
      { label: '新闻发布', href: '/press/' },
    ],
    main: [main],
  });
}
