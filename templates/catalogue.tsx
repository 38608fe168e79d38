// The disclosure catalogue (政府信息公开目录): the index with its facets, a facet value's head
// page (newest entries in a table, then the month archive) and its month pages. A month page
// links only upwards, so a new document rewrites the head pages and its own months, no more.

import type { Root as HastRoot } from 'hast';
import { alternateFeedLinks } from '../src/feeds/discovery.ts';
import { feedHeadKey } from '../src/content/keys.ts';
import { feedFormats } from '../src/feeds/model.ts';
import { CATALOGUE_PATH, facetLabels, facetMonthPath, type FacetName, facetPath, type FacetValue, STATISTICS_PATH } from '../src/discovery/cataloguePaths.ts';
import type { RenderContext } from '../src/render/html/context.ts';
import type { DocumentRecord } from '../src/content/records.ts';
import { chineseMonth } from './format.ts';
import type { Child, Result } from './hast.ts';
import { type Crumb, layout } from './layout.tsx';
import { dateTime, monthArchive, withdrawnMark } from './parts.tsx';

const home: Crumb = { label: '首页', href: '/' };
const catalogueCrumb: Crumb = { label: '政府信息公开', href: CATALOGUE_PATH };

/** What a facet value's pages are called, e.g. 发布机构：淮南市人民政府. */
function facetTitle(value: FacetValue): string {
  switch (value.facet) {
    case 'bumen':
      return `发布机构：${value.label}`;
    case 'zhuti':
      return `主题分类：${value.label}`;
    case 'niandu':
      return `${value.label}政府信息`;
    case 'leibie':
      return `类别：${value.label}`;
  }
}

const feedLabels = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;

/**
 * A feed is written once it has an entry, so a page links its value's feed only when the entries
 * it lists include a published one (a feed never empties again once written). Month pages decide
 * from their own entries, so a change elsewhere never rewrites them.
 */
function hasFeed(entries: readonly DocumentRecord[]): boolean {
  return entries.some((record) => record.status === 'published');
}

/** The value's feeds in the head (with the site-wide ones), when the value has a feed. */
function facetAlternates(ctx: RenderContext, value: FacetValue, entries: readonly DocumentRecord[]) {
  return hasFeed(entries) ? alternateFeedLinks(ctx.site, value.feedContext) : alternateFeedLinks(ctx.site);
}

/**
 * The visible subscription links of a facet value (the same feeds its head announces), absolute
 * like the head's: the address to paste into a feed reader, whichever host serves the page.
 */
function feedLinks(ctx: RenderContext, value: FacetValue, entries: readonly DocumentRecord[]): Result | undefined {
  if (!hasFeed(entries)) return undefined;
  return (
    <p class="catalogue-feeds">
      <span>订阅：</span>
      {feedFormats.map((format) => (
        <a
          href={new URL(feedHeadKey(value.feed, format), ctx.site.baseUrl).href}
          type={format === 'json' ? 'application/feed+json' : `application/${format}+xml`}
        >
          {feedLabels[format]}
        </a>
      ))}
    </p>
  );
}

/** 索引号 may break after its organisation code on narrow columns: `003210001/<wbr>2010-00069`. */
function indexNumberParts(indexNumber: string): Child {
  const slash = indexNumber.indexOf('/');
  if (slash < 0) return indexNumber;
  return [indexNumber.slice(0, slash + 1), <wbr />, indexNumber.slice(slash + 1)];
}

/** The catalogue table: 索引号, 标题, 文号, 成文日期, 发布日期; withdrawn entries marked, no summary. */
export function catalogueTable(caption: string, entries: DocumentRecord[]): Result {
  return (
    <section class="table-scroll" aria-label={`${caption}（表格，可横向滚动）`} tabIndex={0}>
      <table class="catalogue-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">索引号</th>
            <th scope="col">标题</th>
            <th scope="col">文号</th>
            <th scope="col">成文日期</th>
            <th scope="col">发布日期</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((record) => (
            <tr>
              <td class="index-number">{indexNumberParts(record.indexNumber)}</td>
              <th scope="row" class="entry-title">
                <a href={record.urlPath} lang={record.lang === 'en' ? 'en' : undefined}>
                  {record.title}
                </a>
                {withdrawnMark(record)}
                {record.status === 'published' && record.summary !== undefined ? <p class="entry-summary">{record.summary}</p> : undefined}
              </th>
              <td>{record.docNumber ?? '—'}</td>
              <td class="date">{record.signedDate === undefined ? '—' : dateTime(record.signedDate)}</td>
              <td class="date">{dateTime(record.date)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export interface CatalogueIndexData {
  /** Entries in the whole catalogue. */
  total: number;
  facets: { facet: FacetName; values: { value: FacetValue; count: number }[] }[];
}

export function catalogueIndexPage(ctx: RenderContext, data: CatalogueIndexData): HastRoot {
  const title = '政府信息公开目录';
  const main = (
    <div class="catalogue">
      <h1>{title}</h1>
      <p class="catalogue-intro">
        本目录收录{ctx.site.name}及其部门主动公开的政府信息，共{data.total}
        条，包括政府公报刊登的文件、新闻发布稿和新闻发布会。可按发布机构、主题分类、年度或类别浏览；已撤回的信息仍列出并注明“已撤回”。
      </p>
      <p class="more">
        <a href={STATISTICS_PATH}>信息统计排行</a>
      </p>
      {data.facets.map(({ facet, values }) => (
        <section class="catalogue-facet" aria-labelledby={`facet-${facet}`}>
          <h2 id={`facet-${facet}`}>{facetLabels[facet]}</h2>
          {values.length === 0 ? (
            <p class="empty">暂无信息。</p>
          ) : (
            <ul class="facet-values">
              {values.map(({ value, count }) => (
                <li>
                  <a href={facetPath(value.facet, value.value)}>{value.label}</a>
                  <span class="count">（{count}条）</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: CATALOGUE_PATH,
    section: 'disclosure',
    description: `${ctx.site.name}政府信息公开目录：按发布机构、主题分类、年度和类别浏览主动公开的政府信息`,
    breadcrumbs: [home],
    alternates: alternateFeedLinks(ctx.site),
    main: [main],
  });
}

export interface CatalogueFacetData {
  value: FacetValue;
  /** Every entry of the value, newest first. */
  entries: DocumentRecord[];
  headSize: number;
  months: { month: string; count: number }[];
}

export function catalogueFacetPage(ctx: RenderContext, data: CatalogueFacetData): HastRoot {
  const { value } = data;
  const title = facetTitle(value);
  const head = data.entries.slice(0, data.headSize);
  const main = (
    <div class="catalogue">
      <h1>{title}</h1>
      <p class="catalogue-total">
        共{data.entries.length}条信息{data.entries.length > head.length ? `，下表为最新${head.length}条，其余请按月查看` : ''}。
      </p>
      {feedLinks(ctx, value, data.entries)}
      <section aria-labelledby="latest-title">
        <h2 id="latest-title">最新信息</h2>
        {head.length === 0 ? <p class="empty">暂无信息。</p> : catalogueTable(`${title}：最新${head.length}条`, head)}
      </section>
      {monthArchive(data.months, (month) => facetMonthPath(value.facet, value.value, month), '条', '暂无信息。')}
      <p class="more">
        <a href={CATALOGUE_PATH}>返回政府信息公开目录</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: facetPath(value.facet, value.value),
    section: 'disclosure',
    description: `${ctx.site.name}政府信息公开目录·${title}`,
    breadcrumbs: [home, catalogueCrumb],
    alternates: facetAlternates(ctx, value, data.entries),
    main: [main],
  });
}

export interface CatalogueMonthData {
  value: FacetValue;
  month: string;
  /** The month's entries, newest first. */
  entries: DocumentRecord[];
}

export function catalogueMonthPage(ctx: RenderContext, data: CatalogueMonthData): HastRoot {
  const { value } = data;
  const parent = facetTitle(value);
  const title = `${parent}（${chineseMonth(data.month)}）`;
  const main = (
    <div class="catalogue">
      <h1>{title}</h1>
      <p class="catalogue-total">本月共{data.entries.length}条信息。</p>
      {feedLinks(ctx, value, data.entries)}
      {data.entries.length === 0 ? <p class="empty">本月暂无信息。</p> : catalogueTable(title, data.entries)}
      <p class="more">
        <a href={facetPath(value.facet, value.value)}>返回{parent}</a>
      </p>
    </div>
  );
  return layout(ctx, {
    title,
    urlPath: facetMonthPath(value.facet, value.value, data.month),
    section: 'disclosure',
    description: `${ctx.site.name}政府信息公开目录·${title}`,
    breadcrumbs: [home, catalogueCrumb, { label: parent, href: facetPath(value.facet, value.value) }],
    alternates: facetAlternates(ctx, value, data.entries),
    main: [main],
  });
}
