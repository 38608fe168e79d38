// The page of one gazette issue: masthead, editor's note, contents by section, PDF edition.

import type { Root as HastRoot } from 'hast';
import type { RenderContext } from '../src/render/html/context.ts';
import type { DocumentRecord, IssueRecord } from '../src/content/records.ts';
import { shiftHeadings } from '../src/render/shiftHeadings.ts';
import { issueLabel } from './format.ts';
import { layout } from './layout.tsx';
import { dateTime } from './parts.tsx';
import { tocErrata, tocGroups, tocList } from './toc.tsx';

/** What the issue page needs: an IssueRecord or a loaded GazetteIssue both fit. */
export type IssuePageIssue = Pick<IssueRecord, 'year' | 'number' | 'totalNumber' | 'date' | 'title' | 'urlPath' | 'articleIds'>;

export interface IssuePageOptions {
  /** The editor's note, already converted from Markdown. */
  editorNote?: HastRoot;
  /** URL path of the whole issue as PDF, when published. */
  pdfUrl?: string;
  /** URL path of the issue's deposit package for reading points (a zipped BagIt bag), when published. */
  depositUrl?: string | undefined;
  /** Errata published with this issue, listed after the sections under 勘误. */
  errata?: { title: string; urlPath: string }[];
}

export function issuePage(ctx: RenderContext, issue: IssuePageIssue, articles: Iterable<DocumentRecord>, options: IssuePageOptions): HastRoot {
  const { site } = ctx;
  const label = issueLabel(issue);
  const defaultTitle = `${site.gazetteTitle} ${issue.year}年第${issue.number}期`;
  const groups = tocGroups(site.sections, issue, articles, { withdrawn: true });
  const errata = options.errata ?? [];
  // Under the h2 编者按: the note's own headings start at h3.
  if (options.editorNote !== undefined) shiftHeadings(options.editorNote, 1);
  const main = (
    <div class="issue">
      <header class="masthead">
        <h1>
          <span class="masthead-title">{site.gazetteTitle}</span>
          <span class="masthead-number">{label}</span>
        </h1>
        {issue.title === defaultTitle ? undefined : <p class="issue-title">{issue.title}</p>}
        <p class="masthead-meta">
          <span>主办：{site.publisher}</span>
          {dateTime(issue.date)}
        </p>
      </header>
      {options.pdfUrl === undefined ? undefined : (
        <p class="pdf-link">
          <a href={options.pdfUrl} type="application/pdf">
            本期 PDF 版
          </a>
          {options.depositUrl === undefined
            ? undefined
            : [
                ' ',
                <a href={options.depositUrl} type="application/zip">
                  查阅点存档包（BagIt 格式 ZIP）
                </a>,
              ]}
        </p>
      )}
      {options.editorNote === undefined ? undefined : (
        <section class="editor-note" aria-labelledby="editor-note-title">
          <h2 id="editor-note-title">编者按</h2>
          <div class="document-body">{options.editorNote}</div>
        </section>
      )}
      <nav class="toc" aria-labelledby="toc-title">
        <h2 id="toc-title">目录</h2>
        {groups.length === 0 && errata.length === 0 ? <p class="empty">本期暂无已发布的文件。</p> : tocList(groups, 3, 'toc-section')}
        {tocErrata(errata, 3, 'toc-section')}
      </nav>
    </div>
  );
  return layout(ctx, {
    title: `${site.gazetteTitle} ${label}`,
    urlPath: issue.urlPath,
    section: 'gazette',
    description: `${site.gazetteTitle}${label}目录`,
    breadcrumbs: [
      { label: '首页', href: '/' },
      { label: '政府公报', href: '/gazette/' },
      { label: `${issue.year}年`, href: `/gazette/${issue.year}/` },
    ],
    main: [main],
  });
}
