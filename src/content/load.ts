// loadContent: walk content/, analyze every file (or take it from the cache), then check what
// spans files — names from site.yaml, ids, URLs, issue numbering, attachments, links — and
// return a whole ContentSet or, when anything is wrong, every message and no content.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, posix, resolve, sep } from 'node:path';
import { attachmentTypes } from '../outputs.ts';
import { analyzeSource, fieldsOf, MAX_ATTACHMENT_BYTES, MAX_MARKDOWN_BYTES, positionFrom, type AnalyzedSource, type FileMessage } from './analyze.ts';
import { cacheKey, type ContentCache } from './cache.ts';
import { buildCalendar, type CalendarSource } from './calendar.ts';
import { buildColumns, type ColumnSource } from './columns.ts';
import { classifyFile, type FileRole } from './layout.ts';
import { checkLinkedPublication, checkSupersededBy } from './lifecycle.ts';
import { isPageLink, splitUrl } from './links.ts';
import { hasErrors, sortMessages } from './messages.ts';
import { siteExamples } from './siteSettings.ts';
import { encodePathSegment } from './sitePath.ts';
import type {
  ArticleDocument,
  Attachment,
  ConferenceDocument,
  ContentMessage,
  ContentSet,
  GazetteDocument,
  GazetteIssue,
  ReleaseDocument,
  SiteConfig,
} from './model.ts';
import { type ArticleData, type ConferenceData, hintExamples, type HintExamples, type IssueData, type ReleaseData, type SiteData } from './schemas.ts';
import { closest, didYouMean } from './suggest.ts';

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

export interface ContentEntry {
  rel: string;
  symlink: boolean;
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

type Entry = ContentEntry;

interface SourceFile {
  rel: string;
  abs: string;
  /** Documents and issues; columns and calendar files are kept apart. */
  role: Exclude<FileRole, { role: 'site' | 'ignored' | 'misplaced' | 'column' | 'calendar' }>;
  source: AnalyzedSource;
}

type Resolved = { ok: true; rel: string; digest: string } | { ok: false; message: Omit<FileMessage, 'line' | 'column'> };

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

/** The validated front matter of any document kind; the role decides which fields are set. */
type DocumentData = Omit<ReleaseData, 'type'> &
  Partial<Omit<ArticleData, keyof ReleaseData>> &
  Partial<Omit<ConferenceData, keyof ReleaseData>>;

type Report = (file: string, at: { line: number; column: number }, message: Omit<FileMessage, 'line' | 'column'>) => void;

function tooLarge(size: number, limit: number): AnalyzedSource {
  return {
    digest: '',
    positions: {},
    body: '',
    bodyOffset: 0,
    bodyLine: 1,
    references: [],
    messages: [{
      line: 1,
      column: 1,
      severity: 'error',
      ruleId: 'file-too-large',
      message: `The file is ${mib(size)}, over the limit of ${mib(limit)} for a Markdown file.`,
      hint: 'Split it into several documents, or move tables and data into an attachment.',
    }],
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function digestFile(absRoot: string, realRoot: string, rel: string, files: Set<string>, cache: ContentCache | undefined, what: string): Promise<Resolved> {
  const extension = posix.extname(rel).toLowerCase();
  if (attachmentTypes[extension] === undefined) {
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'attachment-type',
        message: `"${posix.basename(rel)}" has the type "${extension || '(none)'}", which cannot be published as an ${what === 'file' ? 'image or file' : what}.`,
        expected: Object.keys(attachmentTypes).join(' '),
        hint: 'Convert it to PDF, or to one of the types above.',
      },
    };
  }
  const abs = join(absRoot, rel);
  let info;
  try {
    info = await stat(abs);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    const siblings = [...files].filter((file) => posix.dirname(file) === posix.dirname(rel)).map((file) => posix.basename(file));
    const hint = didYouMean(posix.basename(rel), siblings);
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'missing-attachment',
        message: `The ${what} content/${rel} does not exist.`,
        hint: hint ?? 'Put the file beside the Markdown file, or correct the name (names are case-sensitive).',
      },
    };
  }
  if (!isInside(await realpath(abs), realRoot)) {
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'attachment-outside-content',
        message: `The ${what} content/${rel} is a link to a file outside the content folder.`,
        hint: 'Copy the file into the content folder instead of linking to it.',
      },
    };
  }
  if (info.size > MAX_ATTACHMENT_BYTES) {
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'file-too-large',
        message: `The ${what} content/${rel} is ${mib(info.size)}, over the limit of ${mib(MAX_ATTACHMENT_BYTES)}.`,
        hint: 'Compress it, or split it into several files.',
      },
    };
  }
  const key = cacheKey(rel, info.size, info.mtimeMs);
  const cached = cache?.get(key);
  if (cached !== undefined && 'digest' in cached) return { ok: true, rel, digest: cached.digest };
  const digest = createHash('sha256').update(await readFile(abs)).digest('hex');
  cache?.set(key, { digest });
  return { ok: true, rel, digest };
}

/**
 * The document of one file, checked against site.yaml and the other files. A file with errors of
 * its own is checked on its valid fields as far as they go, and gives no document.
 */
function buildDocument(
  file: SourceFile,
  site: SiteConfig | undefined,
  siteNames: Partial<SiteData> | undefined,
  issues: Map<string, { issue: GazetteIssue }>,
  files: Set<string>,
  resolved: (fromRel: string, target: string) => Resolved,
  report: Report,
): GazetteDocument | undefined {
  const { rel, role, source } = file;
  if (role.role === 'issue') return undefined;
  const at = (path: (string | number)[]) => positionFrom(source.positions, path);
  let ok = true;
  const fail = (path: (string | number)[], message: Omit<FileMessage, 'line' | 'column'>) => {
    report(rel, at(path), message);
    ok = false;
  };

  let issueRef: GazetteIssue | undefined;
  if (role.role === 'article') {
    const issue = issues.get(`${role.year}/${role.nn}`);
    if (issue === undefined && !files.has(`gazette/${role.year}/${role.nn}/index.md`)) {
      report(rel, { line: 1, column: 1 }, {
        severity: 'error',
        ruleId: 'missing-issue',
        message: `The article is in gazette/${role.year}/${role.nn}/, which has no index.md describing the issue.`,
        hint: `Create it with \`gazette new issue --year ${role.year} --issue ${role.nn}\`.`,
      });
    }
    issueRef = issue?.issue;
  }
  const data = fieldsOf(source) as DocumentData | undefined;
  if (data === undefined) return undefined;

  // Names from site.yaml.
  const lookup = <T extends { name: string }>(list: T[] | undefined, field: string, ruleId: string, what: string): T | undefined => {
    const name = (data as unknown as Record<string, unknown>)[field];
    if (list === undefined || typeof name !== 'string') return undefined;
    const found = list.find((entry) => entry.name === name);
    if (found !== undefined) return found;
    const names = list.map((entry) => entry.name);
    const suggestion = closest(name, names);
    fail([field], {
      severity: 'error',
      ruleId,
      message: `"${name}" is not a ${what} in site.yaml.`,
      expected: names.length <= 12 ? names.join('、') : `one of the ${names.length} ${what} names in site.yaml`,
      hint: suggestion !== undefined ? `Did you mean ${suggestion}?` : `Write the name exactly as in site.yaml, or add the ${what} there.`,
    });
    return undefined;
  };
  const department = lookup(siteNames?.departments, 'department', 'unknown-department', 'department (发布机构)');
  const category = lookup(siteNames?.topics, 'category', 'unknown-category', 'topic (主题分类)');
  const section = role.role === 'article' ? lookup(siteNames?.sections, 'section', 'unknown-section', 'section (栏目)') : undefined;

  // Attachments from front matter, then files the body refers to.
  const attachments: Attachment[] = [];
  const assets: Attachment[] = [];
  const digestParts: string[] = [source.digest];
  const names = new Map<string, string>();
  const publish = (resolved: { rel: string; digest: string }, title: string, list: Attachment[], where: { line: number; column: number }): boolean => {
    const name = posix.basename(resolved.rel);
    const owner = names.get(name);
    if (owner !== undefined && owner !== resolved.rel) {
      report(rel, where, {
        severity: 'error',
        ruleId: 'duplicate-output',
        message: `content/${resolved.rel} and content/${owner} would both be published as ${role.urlPath}${name}.`,
        hint: 'Rename one of the two files.',
      });
      ok = false;
      return false;
    }
    if (owner !== undefined) return false;
    names.set(name, resolved.rel);
    digestParts.push(`${resolved.rel}:${resolved.digest}`);
    list.push({ file: resolved.rel, title, name, urlPath: `${role.urlPath}${encodePathSegment(name)}`, sha256: resolved.digest });
    return true;
  };
  for (const [index, attachment] of (data.attachments ?? []).entries()) {
    const result = resolved(rel, attachment.file);
    if (!result.ok) fail(['attachments', index, 'file'], result.message);
    else publish(result, attachment.title, attachments, at(['attachments', index, 'file']));
  }
  for (const reference of source.references) {
    const where = { line: reference.line, column: reference.column };
    const target = splitUrl(reference.url);
    if (target.path === '') continue;
    const targetRel = posix.normalize(posix.join(posix.dirname(rel), target.path));
    if (isPageLink(target.path)) {
      const wanted = target.path.endsWith('/') ? `${targetRel.replace(/\/$/, '')}/index.md` : targetRel;
      if (!files.has(wanted) || classifyFile(wanted)?.role === 'misplaced') {
        const siblings = [...files].filter((f) => posix.dirname(f) === posix.dirname(wanted) && f.endsWith('.md')).map((f) => posix.basename(f));
        const hint = didYouMean(posix.basename(wanted), siblings);
        report(rel, where, {
          severity: 'error',
          ruleId: 'broken-link',
          message: `The link "${reference.url}" points to content/${wanted}, which does not exist.`,
          hint: hint ?? `Correct the path: it is relative to this file, e.g. ../05/${siteExamples(site).id}.md`,
        });
        ok = false;
      }
      continue;
    }
    const result = resolved(rel, target.path);
    if (!result.ok) {
      report(rel, where, result.message.ruleId === 'missing-attachment' ? { ...result.message, ruleId: 'broken-link' } : result.message);
      ok = false;
    } else if (!attachments.some((attachment) => attachment.file === result.rel)) {
      publish(result, posix.basename(result.rel), assets, where);
    }
  }
  if (!ok || source.data === undefined || department === undefined || category === undefined || site === undefined) return undefined;

  const base = {
    id: data.id,
    title: data.title,
    lang: data.lang ?? site.lang,
    file: rel,
    urlPath: role.urlPath,
    department,
    category,
    date: data.date,
    draft: data.draft ?? false,
    ...(data.publishAt !== undefined ? { publishAt: data.publishAt } : {}),
    ...(data.summary !== undefined ? { summary: data.summary } : {}),
    ...(data.translationOf !== undefined ? { translationOf: data.translationOf } : {}),
    tags: data.tags ?? [],
    status: data.status ?? 'published',
    ...(data.withdrawnReason !== undefined ? { withdrawnReason: data.withdrawnReason } : {}),
    ...(data.withdrawnDate !== undefined ? { withdrawnDate: data.withdrawnDate } : {}),
    ...(data.changeNote !== undefined ? { changeNote: data.changeNote, changeDate: data.changeDate as string } : {}),
    changeNoteLine: at(['changeNote']).line,
    ...(data.supersededBy !== undefined ? { supersededBy: data.supersededBy } : {}),
    attachments,
    assets,
    body: '',
    bodyLine: source.bodyLine,
    // With no files, the digest is the Markdown file's own sha256.
    sourceDigest: digestParts.length === 1 ? source.digest : createHash('sha256').update(digestParts.join('\n')).digest('hex'),
  };
  if (role.role === 'article') {
    if (section === undefined || issueRef === undefined) return undefined;
    const article: ArticleDocument = {
      ...base,
      kind: 'article',
      issue: { year: issueRef.year, number: issueRef.number, totalNumber: issueRef.totalNumber },
      section,
      ...(data.docNumber !== undefined ? { docNumber: data.docNumber } : {}),
      signedDate: data.signedDate as string,
      validity: data.validity ?? '有效',
    };
    return withBody(article, file);
  }
  if (source.schema === 'conference') {
    const conference: ConferenceDocument = {
      ...base,
      kind: 'conference',
      time: data.time as string,
      venue: data.venue as string,
      host: data.host as ConferenceData['host'],
      speakers: data.speakers as ConferenceData['speakers'],
      qa: (data.qa ?? []).map((pair, index) => ({ n: index + 1, ...pair })),
    };
    return withBody(conference, file);
  }
  const release: ReleaseDocument = { ...base, kind: 'release' };
  return withBody(release, file);
}

/** Where a cached document's body is, until it is first read (or set). */
const lazyBodies = new WeakMap<object, { abs: string; offset: number; text?: string }>();

/**
 * One getter and setter for every lazy body (defined once, not a closure per document: a warm
 * load of 10,000 documents builds no functions).
 */
const lazyBody: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object): string {
    const lazy = lazyBodies.get(this) as { abs: string; offset: number; text?: string };
    return (lazy.text ??= readBody(lazy.abs, lazy.offset));
  },
  set(this: object, value: string) {
    const lazy = lazyBodies.get(this);
    if (lazy !== undefined) lazy.text = value;
  },
};

/** Set the body, or (from the cache) a property that reads it from the file on first use. */
function withBody<T extends GazetteDocument>(document: T, file: SourceFile): T {
  const { body, bodyOffset } = file.source;
  if (body !== undefined) {
    document.body = body;
    return document;
  }
  lazyBodies.set(document, { abs: file.abs, offset: bodyOffset });
  Object.defineProperty(document, 'body', lazyBody);
  return document;
}

function readBody(abs: string, offset: number): string {
  return readFileSync(abs).subarray(offset).toString('utf8');
}

function realpathOrSelf(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function checkIssueNumbering(entries: { issue: GazetteIssue; source: SourceFile }[], report: Report): void {
  const sorted = [...entries].sort((a, b) => a.issue.year - b.issue.year || a.issue.number - b.issue.number);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as (typeof sorted)[number];
    const current = sorted[i] as (typeof sorted)[number];
    const { issue } = current;
    const at = (path: string[]) => positionFrom(current.source.source.positions, path);
    const sameYear = previous.issue.year === issue.year;
    if (sameYear && issue.number > previous.issue.number + 1) {
      const missing = Array.from({ length: issue.number - previous.issue.number - 1 }, (_, k) => String(previous.issue.number + 1 + k).padStart(2, '0'));
      report(issue.file, at(['number']), {
        severity: 'error',
        ruleId: 'issue-number-gap',
        message: `Issue ${issue.year} 第${issue.number}期 follows 第${previous.issue.number}期: ${missing.map((nn) => `gazette/${issue.year}/${nn}/`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
        hint: 'Add the missing issue, or correct `number` and the folder name.',
      });
    }
    const consecutive = sameYear ? issue.number === previous.issue.number + 1 : issue.year === previous.issue.year + 1 && issue.number === 1;
    const expected = previous.issue.totalNumber + 1;
    if ((consecutive && issue.totalNumber !== expected) || issue.totalNumber <= previous.issue.totalNumber) {
      report(issue.file, at(['totalNumber']), {
        severity: 'error',
        ruleId: 'total-number-sequence',
        message: `\`totalNumber\` (总期号) is ${issue.totalNumber}, but the previous issue ${previous.issue.file} is 总第${previous.issue.totalNumber}期.`,
        expected: consecutive ? String(expected) : `more than ${previous.issue.totalNumber}`,
        hint: consecutive ? `Write totalNumber: ${expected}` : 'Each issue\'s 总期号 is one more than the previous issue\'s.',
      });
    }
  }
}

function checkUniqueIds(sources: SourceFile[], report: Report): void {
  // Ids of every valid front matter count, including documents that failed later checks.
  const claims = new Map<string, SourceFile[]>();
  for (const file of sources) {
    const id = (fieldsOf(file.source) as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') continue;
    const owners = claims.get(id);
    if (owners === undefined) claims.set(id, [file]);
    else owners.push(file);
  }
  for (const [id, owners] of claims) {
    if (owners.length < 2) continue;
    for (const owner of owners) {
      const others = owners.filter((other) => other !== owner).map((other) => `content/${other.rel}`);
      report(owner.rel, positionFrom(owner.source.positions, ['id']), {
        severity: 'error',
        ruleId: 'duplicate-id',
        message: `The id "${id}" is also claimed by ${others.join(', ')}.`,
        hint: 'Ids are permanent and unique: keep it on the original document and give the other one a new id.',
      });
    }
  }
}

/**
 * A 文号 names one document. The same 文号 twice is a typing slip or the same document filed
 * twice; a translation carries its original's 文号 and is no repeat.
 */
function checkUniqueDocNumbers(sources: SourceFile[], report: Report): void {
  const claims = new Map<string, { file: SourceFile; id?: string; translationOf?: string }[]>();
  for (const file of sources) {
    const data = fieldsOf(file.source) as { id?: string; docNumber?: string; translationOf?: string } | undefined;
    if (data?.docNumber === undefined) continue;
    const claim = { file, ...(data.id === undefined ? {} : { id: data.id }), ...(data.translationOf === undefined ? {} : { translationOf: data.translationOf }) };
    const owners = claims.get(data.docNumber);
    if (owners === undefined) claims.set(data.docNumber, [claim]);
    else owners.push(claim);
  }
  for (const [docNumber, claimants] of claims) {
    // Each original with its translations is one document.
    const originals = claimants.filter((claim) => claim.translationOf === undefined || !claimants.some((other) => other.id === claim.translationOf));
    if (originals.length < 2) continue;
    for (const owner of originals) {
      const others = originals.filter((other) => other !== owner).map((other) => `content/${other.file.rel}`);
      report(owner.file.rel, positionFrom(owner.file.source.positions, ['docNumber']), {
        severity: 'error',
        ruleId: 'duplicate-doc-number',
        message: `The 文号 ${docNumber} is also the 文号 of ${others.join(', ')}.`,
        expected: 'a 文号 used by one document only (a translation may repeat its original\'s, with `translationOf`)',
        hint: 'Check the 文号 against the signed original and correct the wrong one; if both files are the same document, keep one (a published one is withdrawn, not deleted).',
      });
    }
  }
}

function checkTranslations(sources: SourceFile[], report: Report): void {
  const ids = new Set(sources.map((file) => (fieldsOf(file.source) as { id?: unknown } | undefined)?.id).filter((id): id is string => typeof id === 'string'));
  for (const file of sources) {
    const data = fieldsOf(file.source) as { id?: string; translationOf?: string } | undefined;
    const target = data?.translationOf;
    if (target === undefined) continue;
    const at = positionFrom(file.source.positions, ['translationOf']);
    if (target === data?.id) {
      report(file.rel, at, { severity: 'error', ruleId: 'unknown-translation', message: 'A document cannot be a translation of itself.', hint: 'Write the id of the original document.' });
    } else if (!ids.has(target)) {
      const hint = didYouMean(target, ids);
      report(file.rel, at, {
        severity: 'error',
        ruleId: 'unknown-translation',
        message: `\`translationOf\` names "${target}", but no document has that id.`,
        hint: hint ?? 'Write the `id` of the original document, as in its front matter.',
      });
    }
  }
}

function buildRoutes(documents: GazetteDocument[], issues: GazetteIssue[], sources: SourceFile[], report: Report): Map<string, string> {
  const routes = new Map<string, string>();
  const pages = new Map<string, string[]>();
  for (const file of sources) {
    const owners = pages.get(file.role.urlPath);
    if (owners === undefined) pages.set(file.role.urlPath, [file.rel]);
    else owners.push(file.rel);
  }
  for (const [urlPath, owners] of pages) {
    if (owners.length < 2) continue;
    const positions = new Map(sources.map((file) => [file.rel, file.source.positions]));
    for (const owner of owners) {
      report(owner, positionFrom(positions.get(owner) ?? {}, ['id']), {
        severity: 'error',
        ruleId: 'duplicate-output',
        message: `${urlPath} would be published from ${owners.map((file) => `content/${file}`).join(' and ')}.`,
        hint: 'Keep one of them: a release is either press/<year>/<slug>.md or the bundle press/<year>/<slug>/index.md.',
      });
    }
  }
  checkForeignFiles(documents, report);
  for (const issue of issues) routes.set(issue.file, issue.urlPath);
  for (const doc of documents) routes.set(doc.file, doc.urlPath);
  for (const doc of documents) {
    for (const file of [...doc.attachments, ...(doc.assets ?? [])]) if (!routes.has(file.file)) routes.set(file.file, file.urlPath);
  }
  return routes;
}

/**
 * A body may link the files of its own document only: a file another document lists as an
 * attachment, or one inside another bundle's folder, would be published again beside this page,
 * even while that document is a draft or under embargo.
 */
function checkForeignFiles(documents: GazetteDocument[], report: Report): void {
  const owners = new Map<string, GazetteDocument>();
  for (const doc of documents) for (const file of doc.attachments) owners.set(file.file, doc);
  const bundles = documents.filter((doc) => doc.file.endsWith('/index.md') && doc.file.startsWith('press/'));
  for (const doc of documents) {
    for (const asset of doc.assets ?? []) {
      const owner =
        owners.get(asset.file) ??
        bundles.find((bundle) => bundle !== doc && asset.file.startsWith(bundle.file.slice(0, -'index.md'.length)));
      if (owner === undefined || owner === doc) continue;
      report(doc.file, { line: doc.bodyLine, column: 1 }, {
        severity: 'error',
        ruleId: 'foreign-file',
        message: `The body links content/${asset.file}, a file of content/${owner.file}; it would be published again beside this page, whatever the state of that document.`,
        expected: 'links to this document\'s own files, or to another document\'s page',
        hint: `Link to the document instead, e.g. [${owner.title}](${posix.relative(posix.dirname(doc.file), owner.file)}), where its files are listed.`,
      });
    }
  }
}

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** Every file below root (content-relative POSIX paths); dot-files and dot-folders are skipped,
 * symbolic links to folders are not followed. Synchronous: a few hundred folders list faster
 * without the thread pool. */
export function walk(root: string): Entry[] {
  const found: Entry[] = [];
  const visit = (dir: string, prefix: string): void => {
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      if (child.name.startsWith('.')) continue;
      const rel = prefix === '' ? child.name : `${prefix}/${child.name}`;
      if (child.isDirectory()) visit(join(dir, child.name), rel);
      else if (child.isFile()) found.push({ rel, symlink: false });
      else if (child.isSymbolicLink()) found.push({ rel, symlink: true });
    }
  };
  visit(root, '');
  return found.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
