// The home page: the latest gazette issue with its contents, the latest press items, and the
// way into both archives.

import type { Root as HastRoot } from 'hast';
import type { RenderContext } from '../src/render/html/context.ts';
import type { DocumentRecord, IssueRecord } from '../src/content/records.ts';
import { issueLabel } from './format.ts';
import { layout } from './layout.tsx';
import { dateTime, documentList } from './parts.tsx';
import { pressItems } from './press.tsx';
import { tocGroups, tocList } from './toc.tsx';

export const HOME_PRESS_SIZE = 10;

export function homePage(ctx: RenderContext, issues: IssueRecord[], records: DocumentRecord[]): HastRoot {
  const { site } = ctx;
  const latest = [...issues].sort((a, b) => b.year - a.year || b.number - a.number)[0];
  const press = pressItems(records).slice(0, HOME_PRESS_SIZE);
  const main = (
    <div class="home">
      <h1>{site.name}</h1>
      <section class="home-gazette" aria-labelledby="home-gazette-title">
        <h2 id="home-gazette-title">{site.gazetteTitle}</h2>
        {latest === undefined ? (
          <p class="empty">尚未发布公报。</p>
        ) : (
          <div class="latest-issue">
            <p class="masthead-number">
              <a href={latest.urlPath}>{issueLabel(latest)}</a>
              {dateTime(latest.date)}
            </p>
            {tocList(tocGroups(site.sections, latest, records), 3, 'home-toc')}
          </div>
        )}
        <p class="more">
          <a href="/gazette/">往期公报</a>
        </p>
      </section>
      <section class="home-press" aria-labelledby="home-press-title">
        <h2 id="home-press-title">新闻发布</h2>
        {press.length === 0 ? <p class="empty">尚无新闻发布。</p> : documentList(press, { showKind: true })}
        <p class="more">
          <a href="/press/">更多新闻发布</a>
        </p>
      </section>
    </div>
  );
  return layout(ctx, {
    title: site.name,
    urlPath: '/',
    section: 'home',
    description: `${site.name}：${site.gazetteTitle}与新闻发布`,
    main: [main],
  });
}
