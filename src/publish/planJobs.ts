// The plan stage of a build: from validated content and the published state, the jobs to run.
// One job per document to render (its page, PDF and feed entry; then its record), each one a
// plain value that can go to a worker process or into an S3 manifest; nothing is written here
// but the 索引号 counters.

import type { ArticleDocument, ContentSet, GazetteDocument, GazetteIssue, IssueRef } from '../content/model.ts';
import { formatIndexNumber } from '../content/indexNumber.ts';
import { relativeLinksIn } from '../content/markdown.ts';
import { hiddenPagesLinked } from './renderJob.ts';
import { changeNoteProblem, checkAgainstPublished } from '../content/lifecycle.ts';
import type { ContentMessage } from '../content/model.ts';
import { columnsOf } from '../discovery/columns.ts';
import { versionPath, type ErratumPageData, type VersionEntry } from '../render/html/index.ts';
import type { DocumentRecord, DocumentVersionRecord, ErratumRef, RecordStore, ScheduledRecord } from '../store/ports.ts';
import type { DocumentPageJob } from './build.ts';
import { type PublishedState, issueKey, planBuild, type IssuePlan, renderDigest } from './plan.ts';

/** One document to render, write and commit. A plain value: it survives JSON and structured clone. */
export interface DocumentJob {
  page: DocumentPageJob;
  digest: string;
  /** A new version (the document's own source changed), or a re-render in place. */
  newVersion: boolean;
  /** A correction of an article whose issue is out: its erratum page and reference. */
  erratum?: { page: ErratumPageData; ref: ErratumRef };
  /** The record being replaced: the commit is conditional on its version. */
  previous?: DocumentRecord;
  /** Released from its embargo by this build (it was staged). */
  released: boolean;
}

export interface PlannedBuild {
  state: PublishedState;
  issues: IssuePlan[];
  /** Documents to publish now. */
  jobs: DocumentJob[];
  /** Embargoed documents to render into the private prefix. */
  scheduledJobs: DocumentJob[];
  /** Staged (embargoed) documents by id. */
  staged: Map<string, ScheduledRecord>;
  /** URL paths of pages not public yet: links to them render as text. */
  hidden: string[];
  drafts: GazetteDocument[];
  scheduled: GazetteDocument[];
  unchanged: GazetteDocument[];
  /** Problems only the published state reveals: errors stop the build before anything is written. */
  problems: ContentMessage[];
}

export interface PlanInput {
  content: ContentSet;
  records: RecordStore;
  fingerprint: string;
  now: Date;
  state: PublishedState;
}

export async function planJobs({ content, records, fingerprint, now, state }: PlanInput): Promise<PlannedBuild> {
  const plan = planBuild(content, state, now);
  const staged = new Map((await records.listScheduled()).map((item) => [item.id, item]));
  const problems = checkAgainstPublished(content, [...state.documents.values()]);
  const indexNumbers = await allocateIndexNumbers(plan.documents, records, staged);
  const issuesByKey = new Map(content.issues.map((issue) => [issueKey(issue.year, issue.number), issue]));
  // What readers may see of other documents now: a file that is due (never a draft, never an
  // embargo before its time); before that, the version that is out, as its record has it (a
  // correction under embargo, or a draft over a published page); else nothing.
  const seen = new Map<string, Shown>();
  for (const doc of content.documents) {
    const shown = shownNow(doc, state.documents.get(doc.id), now);
    if (shown !== undefined) seen.set(doc.id, shown);
  }
  // A link resolves to the URL of the file: hidden unless that page is what is out.
  const hidden = content.documents.filter((doc) => seen.get(doc.id)?.urlPath !== doc.urlPath).map((doc) => doc.urlPath);
  const translations = translationsById(content.documents, seen);
  const replacedBy = replacedByIndex([...seen.values()]);
  const sharers = filesShown(content.documents);
  const orderedIssues = [...content.issues].sort((a, b) => a.year - b.year || a.number - b.number);

  const planned: PlannedBuild = { state, issues: plan.issues, jobs: [], scheduledJobs: [], staged, hidden, drafts: [], scheduled: [], unchanged: [], problems };
  for (const entry of plan.documents) {
    const { doc, record } = entry;
    if (entry.action === 'draft') {
      planned.drafts.push(doc);
      continue;
    }
    const newVersion = record === undefined || (record.contentDigest ?? '') !== doc.sourceDigest;
    const version = record === undefined ? 1 : newVersion ? record.version + 1 : record.version;
    const page: DocumentPageJob = {
      doc,
      indexNumber: indexNumbers.get(doc.id) as string,
      translations: translations.get(doc.id) ?? [],
      ...(doc.kind === 'article' ? { issue: issuesByKey.get(issueKey(doc.issue.year, doc.issue.number)) } : {}),
      version,
      // Filled below for documents that are rendered: the list follows from the version number.
      versions: [],
      ...supersession(doc, seen, replacedBy),
      // Named facts, never `...doc`: spreading a cached document would read its body from disk.
      columns: columnsOf(content.columns, {
        id: doc.id,
        kind: doc.kind,
        department: doc.department.name,
        category: doc.category.name,
        date: doc.date,
        ...(doc.tags === undefined ? {} : { tags: doc.tags }),
      }).map((column) => ({
        title: column.title,
        urlPath: column.urlPath,
      })),
    };
    // The document itself counts through its source digest; the rest are what its page shows of others.
    const { doc: _doc, ...shown } = page;
    const digest = renderDigest(doc, {
      fingerprint,
      ...shown,
      hiddenLinks: hidden.length === 0 ? [] : hiddenPagesLinked(content, doc.file, relativeLinksOf(doc), hidden, doc.urlPath),
    });
    const job: DocumentJob = { page, digest, newVersion, released: staged.has(doc.id), ...(record === undefined ? {} : { previous: record }) };
    if (entry.action === 'scheduled') {
      planned.scheduled.push(doc);
      if (staged.get(doc.id)?.digest !== digest) planned.scheduledJobs.push({ ...job, newVersion: true, released: false });
      continue;
    }
    if (record?.digest === digest) {
      planned.unchanged.push(doc);
      continue;
    }
    if (record !== undefined && newVersion) {
      const problem = changeNoteProblem(doc, record.changeNote);
      if (problem !== undefined) problems.push(problem);
    }
    problems.push(...sharedFileProblems(doc, record, sharers, seen, state));
    const erratum =
      record !== undefined && newVersion && doc.kind === 'article' && doc.status !== 'withdrawn' ? erratumFor(doc, record, state, orderedIssues) : undefined;
    page.errata = [...(record?.errata ?? []), ...(erratum === undefined ? [] : [erratum.ref])].map(({ title, urlPath }) => ({ title, urlPath }));
    planned.jobs.push({ ...job, ...(erratum === undefined ? {} : { erratum }) });
  }
  if (!problems.some((problem) => problem.severity === 'error')) await addHistory(records, [...planned.jobs, ...planned.scheduledJobs]);
  return planned;
}

/**
 * Each rendered page lists its earlier versions: read them for every job in batches (the
 * versions a record names are known by number), never one round trip per document.
 */
async function addHistory(records: RecordStore, jobs: DocumentJob[]): Promise<void> {
  const wanted = jobs.flatMap((job) => {
    const known = job.previous?.version ?? 0;
    return Array.from({ length: known }, (_, i) => ({ id: job.page.doc.id, version: i + 1 }));
  });
  const history = new Map<string, DocumentVersionRecord[]>();
  for (const item of wanted.length === 0 ? [] : await records.getDocumentVersions(wanted)) {
    const list = history.get(item.id);
    if (list === undefined) history.set(item.id, [item]);
    else list.push(item);
  }
  for (const job of jobs) {
    const versions = (history.get(job.page.doc.id) ?? []).sort((a, b) => a.version - b.version);
    job.page.versions = versionEntries(job.page.doc, versions, job.page.version);
  }
}

/** 索引号 for every document: kept from its record, or newly allocated per department and year in (date, id) order. */
async function allocateIndexNumbers(
  plans: { doc: GazetteDocument; record?: DocumentRecord | undefined }[],
  records: RecordStore,
  staged: Map<string, ScheduledRecord>,
): Promise<Map<string, string>> {
  const numbers = new Map<string, string>();
  const groups = new Map<string, GazetteDocument[]>();
  for (const { doc, record } of plans) {
    const kept = record?.indexNumber ?? staged.get(doc.id)?.indexNumber;
    if (kept !== undefined) {
      numbers.set(doc.id, kept);
      continue;
    }
    if (doc.draft) continue;
    const key = `${doc.department.code}\u0000${doc.date.slice(0, 4)}`;
    groups.set(key, [...(groups.get(key) ?? []), doc]);
  }
  for (const [key, docs] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [code = '', year = ''] = key.split('\u0000');
    docs.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
    const first = await records.allocateSerials(code, Number(year), docs.length);
    docs.forEach((doc, i) => numbers.set(doc.id, formatIndexNumber(code, Number(year), first + i)));
  }
  return numbers;
}

/**
 * For each document, the other-language versions of it (both directions of `translationOf`): the
 * one its own file names, and those whose shown version names it. `seen`: what readers may see
 * of each document now (its title, URL and `translationOf` as they are out).
 */
function translationsById(documents: GazetteDocument[], seen: Map<string, Shown>): Map<string, DocumentPageJob['translations']> {
  const result = new Map<string, DocumentPageJob['translations']>();
  const link = (fromId: string, to: Shown | undefined) => {
    if (to === undefined) return;
    const list = result.get(fromId) ?? [];
    if (list.some((other) => other.id === to.id)) return;
    list.push({ id: to.id, lang: to.lang, title: to.title, urlPath: to.urlPath });
    result.set(fromId, list);
  };
  for (const doc of documents) {
    // A page lists the original its own file names, as it is out.
    if (doc.translationOf !== undefined) link(doc.id, seen.get(doc.translationOf));
    // An original lists a translation as that translation is out.
    const shown = seen.get(doc.id);
    if (shown?.translationOf !== undefined) link(shown.translationOf, shown);
  }
  return result;
}

/** What readers may see of a document: what a link to it, a translation list or a supersession note shows. */
type Shown = Pick<GazetteDocument, 'id' | 'lang' | 'title' | 'urlPath' | 'translationOf'> & { supersededBy?: string | undefined };

/**
 * What readers may see of `doc` now: its file once due; before, the version its record has out
 * (named facts, never `...doc`: spreading a cached document would read its body); else nothing.
 */
function shownNow(doc: GazetteDocument, record: DocumentRecord | undefined, now: Date): Shown | undefined {
  if (!doc.draft && (doc.publishAt === undefined || Date.parse(doc.publishAt) <= now.getTime())) return doc;
  if (record === undefined || (record.status !== 'published' && record.status !== 'withdrawn')) return undefined;
  return {
    id: doc.id,
    lang: record.lang,
    title: record.title,
    urlPath: record.urlPath,
    ...(record.translationOf === undefined ? {} : { translationOf: record.translationOf }),
    ...(record.supersededBy === undefined ? {} : { supersededBy: record.supersededBy }),
  };
}

/** The version list a page shows: the stored versions, then the one being published. */
function versionEntries(doc: GazetteDocument, history: DocumentVersionRecord[], version: number): VersionEntry[] {
  const entries = history
    .filter((item) => item.version < version)
    .map((item) => ({
      version: item.version,
      date: item.version === 1 ? item.date : (item.changeDate ?? item.date),
      ...(item.version > 1 && item.changeNote !== undefined ? { changeNote: item.changeNote } : {}),
      urlPath: versionPath(doc.urlPath, item.version),
    }));
  // The current version is the page itself; its copy at v<n>/ appears when it is replaced.
  entries.push({
    version,
    date: version === 1 ? doc.date : (doc.changeDate ?? doc.date),
    ...(version > 1 && doc.changeNote !== undefined ? { changeNote: doc.changeNote } : {}),
    urlPath: doc.urlPath,
  });
  return entries;
}

/**
 * Links between a document and those it replaces or is replaced by (`supersededBy`): the one its
 * own file names, and those whose shown version names it, each as it is out.
 */
function supersession(doc: GazetteDocument, seen: Map<string, Shown>, replacedBy: Map<string, Shown[]>): Pick<DocumentPageJob, 'supersededBy' | 'supersedes'> {
  const replacement = doc.supersededBy === undefined ? undefined : seen.get(doc.supersededBy);
  const supersedes = (replacedBy.get(doc.id) ?? []).map((other) => ({ title: other.title, urlPath: other.urlPath }));
  return { supersedes, ...(replacement === undefined ? {} : { supersededBy: { title: replacement.title, urlPath: replacement.urlPath } }) };
}

/** For each file a body shows (an image, a linked file), the documents whose bodies show it. */
function filesShown(documents: GazetteDocument[]): Map<string, GazetteDocument[]> {
  const index = new Map<string, GazetteDocument[]>();
  for (const doc of documents) {
    for (const asset of doc.assets ?? []) {
      const shown = index.get(asset.file);
      if (shown === undefined) index.set(asset.file, [doc]);
      else shown.push(doc);
    }
  }
  return index;
}

/**
 * A page published now puts out the files its body shows. One that another document's body shows
 * too, while that document is not out (a draft, or under embargo) and has not put the file out
 * itself, would go out early: refused, on the page that would publish it (foreign-file).
 */
function sharedFileProblems(
  doc: GazetteDocument,
  record: DocumentRecord | undefined,
  sharers: Map<string, GazetteDocument[]>,
  seen: Map<string, Shown>,
  state: PublishedState,
): ContentMessage[] {
  const problems: ContentMessage[] = [];
  const out = (holder: DocumentRecord | undefined, sha256: string | undefined) =>
    sha256 !== undefined && holder?.artifacts.some((ref) => ref.sha256 === sha256) === true;
  for (const asset of doc.assets ?? []) {
    if (out(record, asset.sha256)) continue; // these bytes are out already, through this page
    // Another body shows it, and that document is not out by its file, nor were these bytes with its page.
    const later = sharers.get(asset.file)?.find((other) => other !== doc && seen.get(other.id) !== other && !out(state.documents.get(other.id), asset.sha256));
    if (later === undefined) continue;
    problems.push({
      file: doc.file,
      line: doc.bodyLine,
      column: 1,
      severity: 'error',
      ruleId: 'foreign-file',
      message: `The body shows content/${asset.file}, which content/${later.file} shows too, ${later.draft ? 'a draft' : `under embargo until ${later.publishAt}`}; this page would publish the file before it.`,
      expected: "files of this document's own, or files of documents that are out",
      hint: `Give this document its own copy of the file (under another name), or remove it from this page until content/${later.file} is out.`,
    });
  }
  return problems;
}

/** For each document, those whose `supersededBy` names it. */
function replacedByIndex(documents: Shown[]): Map<string, Shown[]> {
  const index = new Map<string, Shown[]>();
  for (const doc of documents) {
    if (doc.supersededBy !== undefined) index.set(doc.supersededBy, [...(index.get(doc.supersededBy) ?? []), doc]);
  }
  return index;
}

/**
 * A correction to an article of an issue that is out produces an erratum (勘误): its own page,
 * linked both ways with the article, listed in the contents of the next issue. The issue's PDF,
 * the version of record, is never rewritten.
 */
function erratumFor(
  doc: ArticleDocument,
  record: DocumentRecord,
  state: PublishedState,
  orderedIssues: GazetteIssue[],
): { page: ErratumPageData; ref: ErratumRef } | undefined {
  if (!state.issues.has(issueKey(doc.issue.year, doc.issue.number))) return undefined;
  const version = record.version + 1;
  const date = doc.changeDate ?? doc.date;
  const target = issueListing({ issue: doc.issue, date }, orderedIssues);
  const ref: ErratumRef = { version, title: `关于《${doc.title}》的勘误`, urlPath: `${doc.urlPath}kanwu-v${version}/`, date };
  return {
    ref,
    page: {
      id: `${doc.id}-kanwu-v${version}`,
      title: ref.title,
      date,
      issueLabel: target === undefined ? '下一期公报' : `${target.year}年第${target.number}期（总第${target.totalNumber}期）`,
      corrected: { title: doc.title, urlPath: doc.urlPath, version: record.version, versionUrl: versionPath(doc.urlPath, record.version) },
      changeNote: doc.changeNote ?? '',
      urlPath: ref.urlPath,
    },
  };
}

/** The issue whose contents list an erratum: the first after the article's issue dated on or after the change. */
export function issueListing(erratum: { issue: IssueRef; date: string }, orderedIssues: GazetteIssue[]): GazetteIssue | undefined {
  return orderedIssues.find(
    (issue) => (issue.year > erratum.issue.year || (issue.year === erratum.issue.year && issue.number > erratum.issue.number)) && issue.date >= erratum.date,
  );
}

/**
 * The relative links of a document's body, from the file's analysis (`doc.links`: no body is read,
 * or a site with one embargoed release would read the text of every document on every build),
 * and of a conference's answers (Markdown in its front matter). Its digest names the hidden pages
 * they lead into (`hiddenPagesLinked`), so the page renders again, with the links, when they are out.
 */
function relativeLinksOf(doc: GazetteDocument): readonly string[] {
  if (doc.kind !== 'conference' && doc.links !== undefined) return doc.links;
  let links = answerLinksMemo.get(doc);
  if (links === undefined) {
    const texts = [...(doc.links === undefined ? [doc.body] : []), ...(doc.kind === 'conference' ? doc.qa.map((pair) => pair.answer) : [])];
    links = [...new Set([...(doc.links ?? []), ...texts.flatMap(relativeLinksIn)])];
    answerLinksMemo.set(doc, links);
  }
  return links;
}

/** Per document object (a process that builds again keeps them while their sources are unchanged). */
const answerLinksMemo = new WeakMap<GazetteDocument, string[]>();

/**
 * The jobs cut into chunks of at most `size`, each chunk one unit of work for a worker (a
 * process, a Lambda invocation): documents of one chunk share the worker's fonts and clients.
 */
export function chunkJobs<T>(jobs: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunkJobs: size must be a positive integer, got ${size}.`);
  const chunks: T[][] = [];
  for (let i = 0; i < jobs.length; i += size) chunks.push(jobs.slice(i, i + size));
  return chunks;
}
