// Pages that list documents and issues, rendered from the published records.

import type { DocumentRecord, IssueRecord } from '../../content/records.ts';
import { artifact, type Artifact } from '../../outputs.ts';
import { gazetteArchive, gazetteYear } from '../../../templates/gazette.tsx';
import { homePage } from '../../../templates/home.tsx';
import { issuePage, type IssuePageIssue } from '../../../templates/issue.tsx';
import { notFoundPage } from '../../../templates/notFound.tsx';
import { pressIndex, pressMonth, pressMonthPath } from '../../../templates/press.tsx';
import { markdownToHast } from '../markdown.ts';
import type { LinkResolver, RenderContext } from './context.ts';
import { besidePage } from './documentPage.ts';
import { pageArtifact, pageHtml } from './page.ts';

export type { IssuePageIssue };

export interface IssuePageInput {
  /** Markdown editor's note (the body of the issue's index.md). */
  editorNote?: string;
  /** Resolver for the note's relative links; default: files beside the issue page. */
  resolveLink?: LinkResolver;
  pdfUrl?: string;
  /** URL path of the issue's deposit package (BagIt, ZIP), when published. */
  depositUrl?: string;
  /** Errata published with this issue: the contents end with a 勘误 section listing them. */
  errata?: { title: string; urlPath: string }[];
}

/** `/gazette/<year>/<nn>/`: masthead, editor's note and contents of one issue. */
export function renderIssuePage(ctx: RenderContext, issue: IssuePageIssue, articles: Iterable<DocumentRecord>, input: IssuePageInput = {}): Artifact {
  const editorNote =
    input.editorNote === undefined || input.editorNote.trim() === ''
      ? undefined
      : markdownToHast(input.editorNote, { resolveLink: input.resolveLink ?? besidePage(issue.urlPath) });
  return pageArtifact(issue.urlPath, issuePage(ctx, issue, articles, { editorNote, pdfUrl: input.pdfUrl, depositUrl: input.depositUrl, errata: input.errata }));
}

/** `/gazette/`: every year and its issues. */
export function renderGazetteArchive(ctx: RenderContext, issues: IssueRecord[]): Artifact {
  return pageArtifact('/gazette/', gazetteArchive(ctx, issues));
}

/** `/gazette/<year>/`: the issues of one year (others in `issues` are ignored). */
export function renderGazetteYear(ctx: RenderContext, year: number, issues: IssueRecord[]): Artifact {
  return pageArtifact(`/gazette/${year}/`, gazetteYear(ctx, year, issues));
}

/** `/press/`: the newest 20 press items and the month archive with counts. */
export function renderPressIndex(ctx: RenderContext, records: Iterable<DocumentRecord>): Artifact {
  return pageArtifact('/press/', pressIndex(ctx, records));
}

/** `/press/archive/<yyyy-mm>/`: every press item of one month (others in `records` are ignored). */
export function renderPressMonth(ctx: RenderContext, month: string, records: Iterable<DocumentRecord>): Artifact {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`Month must be YYYY-MM, got "${month}".`);
  return pageArtifact(pressMonthPath(month), pressMonth(ctx, month, records));
}

/** `/`: latest issue with its contents, latest 10 press items, links to the archives. */
export function renderHomePage(ctx: RenderContext, issues: IssueRecord[], records: DocumentRecord[]): Artifact {
  return pageArtifact('/', homePage(ctx, issues, records));
}

/** `404.html`, served for every address without a page. */
export function renderNotFoundPage(ctx: RenderContext): Artifact {
  return artifact('page', '404.html', pageHtml(notFoundPage(ctx)));
}
