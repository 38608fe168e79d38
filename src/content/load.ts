// loadContent: walk content/, analyze every file (or take it from the cache), then check what
// spans files — names from site.yaml, ids, URLs, issue numbering, attachments, links — and
// return a whole ContentSet or, when anything is wrong, every message and no content.
// The phases run here in order, one file each:
//   1. every source file on its own ........................ readSources.ts (analyze.ts per file)
//   2. the files documents refer to ........................ referencedFiles.ts
//   3. the issues and their numbering ...................... issueIndex.ts
//   4. the documents ....................................... documents.ts (buildDocument.ts per file)
//   5. the rules across documents .......................... crossFileChecks.ts, lifecycle.ts
//   6. special columns and the working-day calendar ........ columns.ts, calendar.ts
//   7. the issues' tables of contents ...................... tablesOfContents.ts
// Every rule id a phase reports is in the catalogue, rules.ts.

import { statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fieldsOf } from './analyze.ts';
import type { ContentCache } from './cache.ts';
import { buildCalendar } from './calendar.ts';
import { buildColumns } from './columns.ts';
import { buildRoutes, checkTranslations, checkUniqueDocNumbers, checkUniqueIds } from './crossFileChecks.ts';
import { buildDocuments, type DocumentMemo } from './documents.ts';
import { readIssues } from './issueIndex.ts';
import { checkAnswerLinks, checkLinkedPublication, checkSupersededBy } from './lifecycle.ts';
import { hasErrors, sortMessages } from './messages.ts';
import type { ContentMessage, ContentSet, GazetteDocument, SiteConfig } from './model.ts';
import { type ContentFiles, readSources } from './readSources.ts';
import { resolveReferencedFiles } from './referencedFiles.ts';
import type { SiteData } from './schemas.ts';
import { type Report, type SourceFile, walk } from './sourceFiles.ts';
import { fillTablesOfContents } from './tablesOfContents.ts';

export { createFileContentCache, createMemoryContentCache, type ContentCache, type FileContentCache } from './cache.ts';
export { createDocumentMemo, type DocumentMemo } from './documents.ts';
export { changeNoteProblem, checkAgainstPublished, type PublishedDocument } from './lifecycle.ts';
export { resolveContentLink } from './links.ts';
export type { ContentFiles } from './readSources.ts';
export type { ContentEntry } from './sourceFiles.ts';
export { walk } from './sourceFiles.ts';

export interface LoadOptions {
  cache?: ContentCache;
  /** Files read at the same time (default 32). */
  concurrency?: number;
  /** The clock, for `link-to-embargoed`: a document without `publishAt` is published at `now`.
   * Without it, such a document is taken to be published on its own `date`. */
  now?: Date;
  /** How the tree is listed and stat-ed; default the file system each time. Watch mode passes
   * one that remembers both until the file system reports a change. */
  files?: ContentFiles;
  /**
   * Documents built by earlier loads of this process (`createDocumentMemo`): a file whose bytes,
   * site.yaml, issue index.md and referenced files have the same digests as then, in the very same
   * tree listing, gives the document built then. Only useful with `files` that keep the listing.
   */
  documents?: DocumentMemo;
  /** Analyze files missing from the cache on worker threads when there are thousands (the command on one machine; not in a Lambda function). */
  workerThreads?: boolean;
}

/** The file system itself, every time. */
export const directContentFiles: ContentFiles = {
  list: (root) => walk(root),
  stat: (abs) => statSync(abs, { throwIfNoEntry: false }),
};

export interface LoadResult {
  /** The validated site; undefined when any message is an error, so nothing is half-published. */
  content?: ContentSet;
  /** Every message of every file, sorted by file, line and column. */
  messages: ContentMessage[];
  /**
   * Without `content`: what could still be checked, so `gazette check` also compares
   * partners.yaml and the published state in the same run. Never published from.
   */
  partial?: PartialContent;
}

export interface PartialContent {
  /** site.yaml, when it is valid. */
  site?: SiteConfig;
  /** The documents of the files without errors. */
  documents: GazetteDocument[];
  /** Every document file, with its id when that is valid. */
  files: { file: string; id?: string }[];
}

/** Load and validate the content tree at `root`. */
export async function loadContent(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const absRoot = resolve(root);
  const messages: ContentMessage[] = [];
  const report: Report = (file, at, message) => {
    messages.push({ file, line: at.line, column: at.column, ...message });
  };
  let realRoot: string;
  try {
    realRoot = await realpath(absRoot);
    if (!(await stat(realRoot)).isDirectory()) throw new Error('not a folder');
  } catch {
    report(
      '.',
      { line: 1, column: 1 },
      {
        severity: 'error',
        ruleId: 'missing-content-folder',
        message: `There is no content folder at ${absRoot}.`,
        hint: 'Run the command from the project folder, or pass --content with the right folder.',
      },
    );
    return { messages };
  }
  const cache = options.cache;
  const limit = options.concurrency ?? 32;
  const fileSystem = options.files ?? directContentFiles;
  const entries = fileSystem.list(absRoot);
  const files = new Set(entries.map((entry) => entry.rel));

  // 1. Every source file on its own.
  const sources = await readSources(
    { absRoot, realRoot, entries, files: fileSystem, cache, limit, ...(options.workerThreads === true ? { workerThreads: true } : {}) },
    messages,
    report,
  );
  if (sources.site === undefined && !files.has('site.yaml')) {
    report(
      'site.yaml',
      { line: 1, column: 1 },
      {
        severity: 'error',
        ruleId: 'missing-site-config',
        message: 'There is no site.yaml in the content folder.',
        hint: 'Create content/site.yaml with the site name, departments, topics and sections (see docs/authoring.md).',
      },
    );
  }
  const site = sources.site?.data as SiteConfig | undefined;
  // Names are checked against a site.yaml with errors too, as far as its lists are valid.
  const siteNames = fieldsOf(sources.site) as Partial<SiteData> | undefined;
  const documentSources = sources.documents;

  // 2. Files referred to by documents: attachments and body assets.
  const references = await resolveReferencedFiles(documentSources, { absRoot, realRoot, files, cache, limit });

  // 3. Issues.
  const issues = readIssues(documentSources, site, report);

  // 4. Documents.
  const documents = buildDocuments(
    { sources: documentSources, site, siteNames, siteDigest: sources.site?.digest, issues, entries, files, references, memo: options.documents },
    messages,
    report,
  );

  // 5. Rules across documents.
  checkUniqueIds(documentSources, report);
  checkUniqueDocNumbers(documentSources, report);
  checkTranslations(documentSources, report);
  checkSupersededBy(documentSources, report);
  checkLinkedPublication(documentSources, options.now, report);
  checkAnswerLinks(documentSources, report);
  const routes = buildRoutes(
    documents,
    [...issues.values()].map((entry) => entry.issue),
    documentSources,
    report,
  );

  // 6. Special columns and the working-day calendar.
  const columnFiles = sources.columns.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  const documentIds = new Set(
    documentSources.map((file) => (fieldsOf(file.source) as { id?: unknown } | undefined)?.id).filter((id): id is string => typeof id === 'string'),
  );
  const documentTags = new Set(documentSources.flatMap((file) => (fieldsOf(file.source) as { tags?: string[] } | undefined)?.tags ?? []));
  const columns = buildColumns(columnFiles, { site, documentIds, documentTags, files }, report);
  for (const column of columns) routes.set(column.file, column.urlPath);
  const calendar = buildCalendar(sources.calendars, report);

  // 7. Tables of contents.
  const issueList = [...issues.values()].map((entry) => entry.issue).sort((a, b) => a.year - b.year || a.number - b.number);
  fillTablesOfContents(issueList, documents, site);

  const sorted = sortMessages(messages);
  if (hasErrors(sorted) || site === undefined) {
    return { messages: sorted, partial: partialContent(site, documents, documentSources) };
  }
  return { content: { root: absRoot, site, issues: issueList, documents, routes, columns, calendar }, messages: sorted };
}

/** What a load with errors still gives `gazette check`. */
function partialContent(site: SiteConfig | undefined, documents: GazetteDocument[], sources: readonly SourceFile[]): PartialContent {
  const identities = sources
    .filter((file) => file.role.role !== 'issue')
    .map((file) => {
      const id = (fieldsOf(file.source) as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' ? { file: file.rel, id } : { file: file.rel };
    });
  return { ...(site === undefined ? {} : { site }), documents, files: identities };
}
