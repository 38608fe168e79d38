// Permalink pages: the 文号 index (`/wh/`: every public 文号 by issuer, year and number, every
// issue's citation, and a lookup form) and the small resolver pages at `/wh/<key>/` and
// `/qk/<key>/`, which send the reader on to the document or issue with a meta refresh (no
// script: the CSP allows none inline) and say where they go with a visible link.

import type { Element, Root as HastRoot } from 'hast';
import { siteExamples } from '../src/content/siteSettings.ts';
import type { RenderContext } from '../src/render/html/context.ts';
import type { DocumentRecord, IssueRecord } from '../src/content/records.ts';
import { asElement, type Result } from './hast.ts';
import { layout, type Crumb } from './layout.tsx';
import { dateTime, withdrawnMark } from './parts.tsx';

export const PERMALINK_INDEX_PATH = '/wh/';

const crumbs: Crumb[] = [
  { label: '首页', href: '/' },
  { label: '文号索引', href: PERMALINK_INDEX_PATH },
];

/** `2010年第5期（总第53期）`, as the gazette is cited. */
export function issueCitation(issue: Pick<IssueRecord, 'year' | 'number' | 'totalNumber'>): string {
  return `${issue.year}年第${issue.number}期（总第${issue.totalNumber}期）`;
}

/** The `<head>` of a page tree, to add what the layout does not write. */
function headOf(tree: HastRoot): Element {
  const html = tree.children.find((node): node is Element => node.type === 'element' && node.tagName === 'html');
  const head = html?.children.find((node): node is Element => node.type === 'element' && node.tagName === 'head');
  if (head === undefined) throw new Error('The page layout has no <head>.');
  return head;
}

/** A resolver page: refresh to `target` at once, canonical the target's absolute URL, and a visible link. */
function redirectPage(
  ctx: RenderContext,
  options: { urlPath: string; heading: string; target: { urlPath: string; title: string; lang?: string; withdrawn?: boolean } },
): HastRoot {
  const { target } = options;
  const main = (
    <div class="permalink">
      <h1>{options.heading}</h1>
      <p>
        正在转到：
        <a href={target.urlPath} lang={target.lang === 'en' ? 'en' : undefined}>
          {target.title}
        </a>
        {target.withdrawn === true ? <span class="withdrawn-mark">已撤回</span> : undefined}
      </p>
      <p class="hint">如果页面没有自动跳转，请点击上面的链接。</p>
    </div>
  );
  const tree = layout(ctx, {
    title: options.heading,
    urlPath: options.urlPath,
    section: 'disclosure',
    breadcrumbs: crumbs,
    canonical: false,
    main: [main],
  });
  const head = headOf(tree);
  const canonical = new URL(target.urlPath.replace(/^\//, ''), ctx.site.baseUrl).href;
  // After the charset and viewport, before anything that takes time to load.
  head.children.splice(
    2,
    0,
    asElement(<meta http-equiv="refresh" content={`0; url=${target.urlPath}`} />),
    asElement(<link rel="canonical" href={canonical} />),
  );
  return tree;
}

/**
 * `/wh/<key>/`: the documents of one 文号. One document (or one original with its translations):
 * a redirect to it. Several originals share the number (a content mistake): a list to choose
 * from. None any more (the 文号 was corrected or the document removed): a pointer to the index.
 */
export function docNumberPage(ctx: RenderContext, urlPath: string, docNumber: string, documents: DocumentRecord[]): HastRoot {
  const originals = documents.filter((record) => record.translationOf === undefined);
  const targets = originals.length > 0 ? originals : documents;
  const [only] = targets;
  if (targets.length === 1 && only !== undefined) {
    return redirectPage(ctx, {
      urlPath,
      heading: docNumber,
      target: { urlPath: only.urlPath, title: only.title, lang: only.lang, withdrawn: only.status === 'withdrawn' },
    });
  }
  const main = (
    <div class="permalink">
      <h1>{docNumber}</h1>
      {targets.length === 0 ? (
        <p>
          目前没有以此文号公开的文件。请在<a href={PERMALINK_INDEX_PATH}>文号索引</a>中查找。
        </p>
      ) : (
        [<p>以下文件使用此文号，请选择：</p>, entryList(targets)]
      )}
    </div>
  );
  return layout(ctx, { title: docNumber, urlPath, section: 'disclosure', breadcrumbs: crumbs, main: [main] });
}

/** `/qk/<key>/`: a redirect to the issue. */
export function issueCitationPage(ctx: RenderContext, urlPath: string, issue: IssueRecord): HastRoot {
  return redirectPage(ctx, { urlPath, heading: `${ctx.site.gazetteTitle} ${issueCitation(issue)}`, target: { urlPath: issue.urlPath, title: issue.title } });
}

function entryList(records: DocumentRecord[]): Result {
  return (
    <ul class="document-list wh-list">
      {records.map((record) => (
        <li>
          <a href={record.urlPath} lang={record.lang === 'en' ? 'en' : undefined}>
            {record.docNumber === undefined ? undefined : [<span class="wh-number">{record.docNumber}</span>, ' ']}
            {record.title}
          </a>
          {withdrawnMark(record)}
          {dateTime(record.date)}
        </li>
      ))}
    </ul>
  );
}

/** One issuer's documents, in the order of the index. */
export interface IssuerGroup {
  /** The issuer's 文号 prefix, e.g. 淮府办. */
  issuer: string;
  /** ASCII anchor for the issuer's section. */
  anchor: string;
  documents: DocumentRecord[];
}

/** `/wh/`: every public 文号 by issuer, the gazette's issues by citation, and the lookup form. */
export function permalinkIndexPage(ctx: RenderContext, groups: IssuerGroup[], issues: IssueRecord[]): HastRoot {
  const newestFirst = [...issues].sort((a, b) => b.year - a.year || b.number - a.number);
  // Examples from this site's own documents and issues, when there are any.
  const docExample = groups[0]?.documents[0]?.docNumber ?? siteExamples(ctx.site).docNumber;
  const issueExample = newestFirst[0] ?? { year: 2010, number: 5, totalNumber: 53 };
  const main = (
    <div class="permalink-index">
      <h1>文号索引</h1>
      <p>
        在地址栏的 <code>/wh/</code> 后输入文号即可直达文件，例如 <code>/wh/{docExample}</code>
        ；六角括号、方括号、圆括号，全角或半角数字，有无“号”字和空格，都能识别。公报期号写在 <code>/qk/</code> 后，例如{' '}
        <code>
          /qk/{issueExample.year}年第{issueExample.number}期
        </code>{' '}
        或 <code>/qk/总第{issueExample.totalNumber}期</code>。
      </p>
      <form class="wh-lookup" action={PERMALINK_INDEX_PATH} method="get" role="search">
        <label for="wh-q">文号或期号</label>
        <input id="wh-q" name="q" type="text" placeholder={docExample} autoComplete="off" />
        <button type="submit">查找</button>
      </form>
      {groups.length === 0 ? (
        <p class="empty">尚无带文号的公开文件。</p>
      ) : (
        [
          <nav class="wh-issuers" aria-label="发文机关代字">
            <ul>
              {groups.map((group) => (
                <li>
                  <a href={`#${group.anchor}`}>{group.issuer}</a>
                </li>
              ))}
            </ul>
          </nav>,
          ...groups.map((group) => (
            <section aria-labelledby={group.anchor}>
              <h2 id={group.anchor}>
                {group.issuer}（{group.documents.length}件）
              </h2>
              {entryList(group.documents)}
            </section>
          )),
        ]
      )}
      <section aria-labelledby="wh-issues">
        <h2 id="wh-issues">公报期号</h2>
        {newestFirst.length === 0 ? (
          <p class="empty">尚未发布公报。</p>
        ) : (
          <ul class="issue-list">
            {newestFirst.map((issue) => (
              <li>
                <a href={issue.urlPath}>{issueCitation(issue)}</a>
                {dateTime(issue.date)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
  return layout(ctx, {
    title: '文号索引',
    urlPath: PERMALINK_INDEX_PATH,
    section: 'disclosure',
    description: `${ctx.site.name}公开文件的文号索引和公报期号`,
    breadcrumbs: [{ label: '首页', href: '/' }],
    main: [main],
  });
}
