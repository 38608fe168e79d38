// The gazette's archive (`/gazette/`: every year and its issues) and a year's page.

import type { Root as HastRoot } from 'hast';
import type { RenderContext } from '../src/render/html/context.ts';
import type { IssueRecord } from '../src/content/records.ts';
import type { Result } from './hast.ts';
import { layout } from './layout.tsx';
import { dateTime } from './parts.tsx';

/** Newest issue first. */
function byIssueDescending(a: IssueRecord, b: IssueRecord): number {
  return b.year - a.year || b.number - a.number;
}

function issueList(issues: IssueRecord[]): Result {
  return (
    <ul class="issue-list">
      {issues.map((issue) => (
        <li>
          <a href={issue.urlPath}>
            第{issue.number}期（总第{issue.totalNumber}期）
          </a>
          {dateTime(issue.date)}
        </li>
      ))}
    </ul>
  );
}

export function gazetteArchive(ctx: RenderContext, issues: IssueRecord[]): HastRoot {
  const sorted = [...issues].sort(byIssueDescending);
  const years = [...new Set(sorted.map((i) => i.year))];
  const main = (
    <div class="archive">
      <h1>{ctx.site.gazetteTitle}</h1>
      {years.length === 0 ? <p class="empty">尚未发布公报。</p> : undefined}
      {years.map((year) => (
        <section class="archive-year" aria-labelledby={`year-${year}`}>
          <h2 id={`year-${year}`}>
            <a href={`/gazette/${year}/`}>{year}年</a>
          </h2>
          {issueList(sorted.filter((i) => i.year === year))}
        </section>
      ))}
    </div>
  );
  return layout(ctx, {
    title: '政府公报',
    urlPath: '/gazette/',
    section: 'gazette',
    description: `${ctx.site.gazetteTitle}各期目录`,
    breadcrumbs: [{ label: '首页', href: '/' }],
    main: [main],
  });
}

export function gazetteYear(ctx: RenderContext, year: number, issues: IssueRecord[]): HastRoot {
  const ofYear = issues.filter((i) => i.year === year).sort(byIssueDescending);
  const title = `${ctx.site.gazetteTitle} ${year}年`;
  const main = (
    <div class="archive">
      <h1>{title}</h1>
      {ofYear.length === 0 ? <p class="empty">本年度尚未发布公报。</p> : issueList(ofYear)}
      <p class="more">
        <a href="/gazette/">查看全部年份</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: `/gazette/${year}/`,
    section: 'gazette',
    description: `${ctx.site.gazetteTitle}${year}年各期`,
    breadcrumbs: [
      { label: '首页', href: '/' },
      { label: '政府公报', href: '/gazette/' },
    ],
    main: [main],
  });
}
