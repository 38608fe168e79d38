// loadContent: walk content/, analyze every file (or take it from the cache), then check what
// spans files — names from site.yaml, ids, URLs, issue numbering, attachments, links — and
// return a whole ContentSet or, when anything is wrong, every message and no content.
// The phases run here in order; their parts live beside it: the tree and the files documents
// refer to (sourceFiles.ts), one file's analysis (analyze.ts), a document from its source
// (buildDocument.ts), the checks across files (crossFileChecks.ts, lifecycle.ts, links.ts),
// columns and the calendar (columns.ts, calendar.ts). Every rule id is in rules.ts.

import { statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { analyzeSource, fieldsOf, MAX_MARKDOWN_BYTES, type AnalyzedSource, type FileMessage } from './analyze.ts';
import { cacheKey, type ContentCache } from './cache.ts';
import { buildCalendar, type CalendarSource } from './calendar.ts';
import { buildColumns, type ColumnSource } from './columns.ts';
import { classifyFile, type FileRole } from './layout.ts';
import { checkLinkedPublication, checkSupersededBy } from './lifecycle.ts';
import { isPageLink, splitUrl } from './links.ts';
import { hasErrors, sortMessages } from './messages.ts';
import type { ArticleDocument, ContentMessage, ContentSet, GazetteDocument, GazetteIssue, SiteConfig } from './model.ts';
import { hintExamples, type HintExamples, type IssueData, type SiteData } from './schemas.ts';
import { type SourceFile, type Resolved, tooLarge, digestFile, realpathOrSelf, isInside, forEachLimit, walk, type ContentEntry } from './sourceFiles.ts';
import { buildDocument, readBody } from './buildDocument.ts';
import { checkIssueNumbering, checkUniqueIds, checkUniqueDocNumbers, checkTranslations, buildRoutes } from './crossFileChecks.ts';

export { createFileContentCache, createMemoryContentCache, type ContentCache, type FileContentCache } from './cache.ts';
export { changeNoteProblem, checkAgainstPublished, type PublishedDocument } from './lifecycle.ts';
export { resolveContentLink } from './links.ts';

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
}

/** Opaque: pass the same one to every load of one process (watch mode). */
export interface DocumentMemo {
  readonly kind: 'document-memo';
}

/** One file's document, with the digests of what it was built from. */
interface MemoEntry {
  document: GazetteDocument;
  digest: string;
  site: string | undefined;
  listing: readonly ContentEntry[];
  issue: string | undefined;
  files: string;
}

type DocumentMemoMap = Map<string, MemoEntry>;

export function createDocumentMemo(): DocumentMemo {
  return new Map<string, MemoEntry>() as unknown as DocumentMemo;
}

/** The listing and `stat` of the content tree, as `loadContent` uses them. */
export interface ContentFiles {
  /** Every file below `root`: content-relative POSIX paths, sorted; dot-files and dot-folders left out. */
  list(root: string): ContentEntry[];
  /** Size and modification time of a file; undefined when it is gone. */
  stat(abs: string, rel: string): { size: number; mtimeMs: number } | undefined;
}

export type { ContentEntry } from './sourceFiles.ts';
export { walk } from './sourceFiles.ts';

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
  const report = (file: string, at: { line: number; column: number }, message: Omit<FileMessage, 'line' | 'column'>) => {
    messages.push({ file, line: at.line, column: at.column, ...message });
  };
  let realRoot: string;
  try {
    realRoot = await realpath(absRoot);
    if (!(await stat(realRoot)).isDirectory()) throw new Error('not a folder');
  } catch {
    report('.', { line: 1, column: 1 }, {
      severity: 'error',
      ruleId: 'missing-content-folder',
      message: `There is no content folder at ${absRoot}.`,
      hint: 'Run the command from the project folder, or pass --content with the right folder.',
    });
    return { messages };
  }
  const cache = options.cache;
  const limit = options.concurrency ?? 32;
  const fileSystem = options.files ?? directContentFiles;
  const entries = fileSystem.list(absRoot);
  const files = new Set(entries.map((entry) => entry.rel));

  // 1. Every source file on its own. Unchanged files cost one `stat` (synchronous: for
  // thousands of small files it is several times faster than the thread pool).
  let siteSource: AnalyzedSource | undefined;
  const sources: SourceFile[] = [];
  const columnFiles: ColumnSource[] = [];
  const calendarFiles: CalendarSource[] = [];
  const accept = (rel: string, role: FileRole, abs: string, source: AnalyzedSource) => {
    for (const message of source.messages) messages.push({ file: rel, ...message });
    if (role.role === 'site') siteSource = source;
    else if (role.role === 'column') columnFiles.push({ rel, abs, id: role.id, urlPath: role.urlPath, source });
    else if (role.role === 'calendar') calendarFiles.push({ rel, year: role.year, source });
    else if (role.role !== 'ignored' && role.role !== 'misplaced') sources.push({ rel, role, abs, source });
  };
  const toRead: { rel: string; role: FileRole; abs: string; key: string; size: number }[] = [];
  const found: { rel: string; role: FileRole; abs: string; size: number; mtimeMs: number }[] = [];
  for (const entry of entries) {
    const role = classifyFile(entry.rel);
    if (role === undefined || role.role === 'ignored') continue;
    if (role.role === 'misplaced') {
      report(entry.rel, { line: 1, column: 1 }, { severity: 'error', ruleId: role.ruleId, message: role.message, hint: role.hint });
      continue;
    }
    const abs = join(absRoot, entry.rel);
    if (entry.symlink && !isInside(realpathOrSelf(abs), realRoot)) {
      report(entry.rel, { line: 1, column: 1 }, {
        severity: 'error',
        ruleId: 'outside-content',
        message: `${entry.rel} is a link to a file outside the content folder.`,
        hint: 'Copy the file into content/ instead of linking to it.',
      });
      continue;
    }
    const info = fileSystem.stat(abs, entry.rel);
    if (info === undefined) continue; // Deleted while we were walking.
    found.push({ rel: entry.rel, role, abs, size: info.size, mtimeMs: info.mtimeMs });
  }
  const analyze = async ({ rel, role, abs, key, size }: (typeof toRead)[number], examples?: HintExamples) => {
    const source = size > MAX_MARKDOWN_BYTES ? tooLarge(size, MAX_MARKDOWN_BYTES) : analyzeSource(role, await readFile(abs), examples);
    // Document bodies stay out of the cache: they are read again only for pages being rendered.
    cache?.set(key, { source: role.role === 'article' || role.role === 'release' ? { ...source, body: undefined } : source });
    accept(rel, role, abs, source);
  };
  // site.yaml first: the hints of every other file give its names and examples, so a file's
  // analysis is cached under the examples it was given as well as its own size and time.
  const siteFile = found.find((file) => file.role.role === 'site');
  if (siteFile !== undefined) {
    const key = cacheKey(siteFile.rel, siteFile.size, siteFile.mtimeMs);
    const cached = cache?.get(key);
    if (cached !== undefined && 'source' in cached) accept(siteFile.rel, siteFile.role, siteFile.abs, cached.source);
    else await analyze({ ...siteFile, key });
  }
  const examples = hintExamples(fieldsOf(siteSource) as Partial<SiteData> | undefined);
  const variant = JSON.stringify(examples);
  for (const file of found) {
    if (file === siteFile) continue;
    const key = `${cacheKey(file.rel, file.size, file.mtimeMs)}\u0000${variant}`;
    const cached = cache?.get(key);
    if (cached !== undefined && 'source' in cached) accept(file.rel, file.role, file.abs, cached.source);
    else toRead.push({ rel: file.rel, role: file.role, abs: file.abs, key, size: file.size });
  }
  await forEachLimit(toRead, limit, (file) => analyze(file, examples));
  sources.sort((a, b) => (a.rel < b.rel ? -1 : 1));

  if (siteSource === undefined && !files.has('site.yaml')) {
    report('site.yaml', { line: 1, column: 1 }, {
      severity: 'error',
      ruleId: 'missing-site-config',
      message: 'There is no site.yaml in the content folder.',
      hint: 'Create content/site.yaml with the site name, departments, topics and sections (see docs/authoring.md).',
    });
  }
  const siteData = siteSource?.data as SiteData | undefined;
  const site: SiteConfig | undefined = siteData === undefined ? undefined : siteData;
  // Names are checked against a site.yaml with errors too, as far as its lists are valid.
  const siteNames = fieldsOf(siteSource) as Partial<SiteData> | undefined;

  // 2. Files referred to by documents: attachments and body assets.
  const digests = new Map<string, Promise<Resolved>>();
  const resolveFile = (fromRel: string, target: string, what: 'attachment' | 'file'): Promise<Resolved> => {
    const normalized = target.replace(/\\/g, '/');
    if (normalized.startsWith('/') || /^[a-zA-Z]:\//.test(normalized)) {
      return Promise.resolve({
        ok: false,
        message: {
          severity: 'error',
          ruleId: 'attachment-outside-content',
          message: `The ${what} path "${target}" is absolute; it must be relative to this file.`,
          hint: 'Put the file beside the Markdown file and write only its name, e.g. file: report.pdf',
        },
      });
    }
    const rel = posix.normalize(posix.join(posix.dirname(fromRel), normalized));
    if (rel === '..' || rel.startsWith('../')) {
      return Promise.resolve({
        ok: false,
        message: {
          severity: 'error',
          ruleId: 'attachment-outside-content',
          message: `The ${what} "${target}" is outside the content folder.`,
          hint: 'Copy the file into the content folder, beside the Markdown file.',
        },
      });
    }
    let pending = digests.get(rel);
    if (pending === undefined) {
      pending = digestFile(absRoot, realRoot, rel, files, cache, what);
      digests.set(rel, pending);
    }
    return pending;
  };

  // 3. Issues.
  const issues = new Map<string, { issue: GazetteIssue; source: SourceFile }>();
  for (const file of sources) {
    if (file.role.role !== 'issue' || file.source.data === undefined) continue;
    const data = file.source.data as IssueData;
    const note = data.editorNote ?? (file.source.body ?? readBody(file.abs, file.source.bodyOffset)).trim();
    issues.set(`${file.role.year}/${file.role.nn}`, {
      source: file,
      issue: {
        year: data.year,
        number: data.number,
        totalNumber: data.totalNumber,
        date: data.date,
        title: data.title ?? `${site?.gazetteTitle ?? ''} ${data.year}年第${data.number}期`.trim(),
        ...(note !== '' ? { editorNote: note } : {}),
        file: file.rel,
        urlPath: file.role.urlPath,
        sourceDigest: file.source.digest,
        articleIds: [],
      },
    });
  }
  checkIssueNumbering([...issues.values()], report);

  // 4. Documents.
  const documents: GazetteDocument[] = [];
  // Referenced files are stat-ed and hashed first (bounded, cached); documents are then built
  // synchronously, which keeps a warm load of a large site cheap.
  const wanted: [string, string, 'attachment' | 'file'][] = [];
  for (const file of sources) {
    const data = fieldsOf(file.source) as { attachments?: { file: string }[] } | undefined;
    if (data === undefined || file.role.role === 'issue') continue;
    for (const attachment of data.attachments ?? []) wanted.push([file.rel, attachment.file, 'attachment']);
    for (const reference of file.source.references) {
      const { path } = splitUrl(reference.url);
      if (path !== '' && !isPageLink(path)) wanted.push([file.rel, path, 'file']);
    }
  }
  const resolvedFiles = new Map<string, Resolved>();
  await forEachLimit(wanted, limit, async ([from, target, what]) => {
    resolvedFiles.set(`${from}\u0000${target}`, await resolveFile(from, target, what));
  });
  const resolved = (from: string, target: string) => resolvedFiles.get(`${from}\u0000${target}`) as Resolved;
  const referenced = new Map<string, string[]>();
  for (const [from, target] of wanted) {
    const list = referenced.get(from);
    if (list === undefined) referenced.set(from, [target]);
    else list.push(target);
  }
  const memo = options.documents as DocumentMemoMap | undefined;
  for (const file of sources) {
    if (file.role.role === 'issue') continue;
    // What a document is built from besides its own source: site.yaml, the tree (links are
    // checked against it), its issue's index.md and the files it refers to.
    const issueDigest = file.role.role === 'article' ? issues.get(`${file.role.year}/${file.role.nn}`)?.source.source.digest : undefined;
    const referencedFiles = (referenced.get(file.rel) ?? []).map((target) => {
      const result = resolved(file.rel, target);
      return result.ok ? `${result.rel}:${result.digest}` : '!';
    }).join('|');
    const kept = memo?.get(file.rel);
    if (
      kept !== undefined && kept.digest === file.source.digest && kept.site === siteSource?.digest && kept.listing === entries &&
      kept.issue === issueDigest && kept.files === referencedFiles
    ) {
      documents.push(kept.document);
      continue;
    }
    const reported = messages.length;
    const document = buildDocument(file, site, siteNames, issues, files, resolved, report);
    if (document === undefined) continue;
    documents.push(document);
    if (messages.length === reported) {
      memo?.set(file.rel, { document, digest: file.source.digest, site: siteSource?.digest, listing: entries, issue: issueDigest, files: referencedFiles });
    } else {
      memo?.delete(file.rel);
    }
  }
  documents.sort((a, b) => (a.file < b.file ? -1 : 1));

  // 5. Rules across documents.
  checkUniqueIds(sources, report);
  checkUniqueDocNumbers(sources, report);
  checkTranslations(sources, report);
  checkSupersededBy(sources, report);
  checkLinkedPublication(sources, options.now, report);
  const routes = buildRoutes(documents, [...issues.values()].map((entry) => entry.issue), sources, report);

  // 6. Special columns and the working-day calendar.
  columnFiles.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  const documentIds = new Set(sources.map((file) => (fieldsOf(file.source) as { id?: unknown } | undefined)?.id).filter((id): id is string => typeof id === 'string'));
  const documentTags = new Set(sources.flatMap((file) => (fieldsOf(file.source) as { tags?: string[] } | undefined)?.tags ?? []));
  const columns = buildColumns(columnFiles, { site, documentIds, documentTags, files }, report);
  for (const column of columns) routes.set(column.file, column.urlPath);
  const calendar = buildCalendar(calendarFiles, report);

  // 7. Tables of contents.
  const sectionOrder = new Map(site?.sections.map((section, index) => [section.name, index]) ?? []);
  const issueList = [...issues.values()].map((entry) => entry.issue).sort((a, b) => a.year - b.year || a.number - b.number);
  const byIssue = new Map<string, ArticleDocument[]>();
  for (const doc of documents) {
    if (doc.kind !== 'article' || doc.draft) continue;
    const key = `${doc.issue.year}/${doc.issue.number}`;
    const list = byIssue.get(key);
    if (list === undefined) byIssue.set(key, [doc]);
    else list.push(doc);
  }
  for (const issue of issueList) {
    issue.articleIds = (byIssue.get(`${issue.year}/${issue.number}`) ?? [])
      .sort((a, b) => (sectionOrder.get(a.section.name) ?? 0) - (sectionOrder.get(b.section.name) ?? 0) || (a.file < b.file ? -1 : 1))
      .map((doc) => doc.id);
  }

  const sorted = sortMessages(messages);
  if (hasErrors(sorted) || site === undefined) {
    const identities = sources.filter((file) => file.role.role !== 'issue').map((file) => {
      const id = (fieldsOf(file.source) as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' ? { file: file.rel, id } : { file: file.rel };
    });
    return { messages: sorted, partial: { ...(site === undefined ? {} : { site }), documents, files: identities } };
  }
  return { content: { root: absRoot, site, issues: issueList, documents, routes, columns, calendar }, messages: sorted };
}

