// The issues stage of finalize: each gazette issue whose articles, errata or templates changed.
// Writes: the issue's deposit package (src/deposit), its page and whole-issue PDF, then its record
// (ISSUE#…), which the listings and derived outputs read.
// Links to: the issue's articles (committed by the document jobs before finalize), its PDF and
// deposit package (written here before the page).
// Needs written before it: every document record and page of the build (the jobs' commit point).

import type { ContentSet, GazetteIssue } from '../content/model.ts';
import { issueDepositArtifact, issuePdfFor } from '../deposit/issueDeposit.ts';
import { outputFormats } from '../outputs.ts';
import type { DocumentRecord, ErratumRef, IssueRecord, ObjectStore, RecordStore } from '../store/ports.ts';
import type { SiteRenderer } from './build.ts';
import { issueKey, type PublishedState } from './plan.ts';
import { issueListing } from './planJobs.ts';
import { issueRecord } from './records.ts';
import { artifactRef, type WriteOptions, writeArtifacts } from './writes.ts';

export interface IssuesStageInput {
  content: ContentSet;
  objects: ObjectStore;
  records: RecordStore;
  renderer: SiteRenderer;
  now: Date;
  /** The published state: the issue records written are set in it. */
  state: PublishedState;
  writing: Omit<WriteOptions, 'skipUnchanged'>;
  /** Counted: issues written. */
  summary: { issuesWritten: number };
}

/** Write every issue that changed; returns their records (for the listings and derived outputs they touch). */
export async function writeIssues(input: IssuesStageInput): Promise<IssueRecord[]> {
  const { content, objects, records, renderer, now, state, writing, summary } = input;
  const orderedIssues = [...content.issues].sort((a, b) => a.year - b.year || a.number - b.number);
  const plannedIssues = content.issues.map((issue) => ({ issue, record: state.issues.get(issueKey(issue.year, issue.number)) }));
  const changedIssues: IssueRecord[] = [];
  const errataByIssue = errataByListingIssue(state, orderedIssues);
  for (const { issue, record: previous } of plannedIssues) {
    const articles = issue.articleIds
      .map((id) => state.documents.get(id))
      .filter((record): record is DocumentRecord => record !== undefined && record.status !== 'scheduled');
    if (articles.length === 0 && previous === undefined) continue; // nothing of it is public yet
    const errata = errataByIssue.get(issueKey(issue.year, issue.number)) ?? [];
    // The whole-issue PDF is the version of record: once published it is never rewritten.
    const keptPdf = previous?.artifacts?.find((ref) => ref.contentType === outputFormats.pdf.mediaType);
    // Not yet out, it waits (with the deposit package, which holds it) for a correction under embargo.
    const pdfWaiting = keptPdf === undefined && renderer.issuePdfWaits(articles);
    const next = issueRecord(issue, articles, renderer.pageFingerprint, previous, now, errata, renderer.issueHiddenLinks(issue), pdfWaiting);
    if (previous?.digest === next.digest) continue;
    const artifacts = await renderer.issueArtifacts(issue, articles, { pdf: pdfWaiting ? 'waiting' : keptPdf === undefined ? 'new' : 'kept', errata });
    // The deposit package for the reading points (src/deposit), written before the page that links it.
    const deposit =
      renderer.pdf && !pdfWaiting
        ? [await issueDepositArtifact({ objects, site: content.site, issue: next, articles, issuePdf: issuePdfFor(issue, artifacts, keptPdf) })]
        : [];
    await writeArtifacts(objects, deposit, { ...writing, skipUnchanged: true });
    await writeArtifacts(objects, artifacts, { ...writing, skipUnchanged: false });
    const refs = [...artifacts, ...deposit].map(artifactRef);
    const written = { ...next, artifacts: keptPdf === undefined ? refs : [...refs, keptPdf] };
    await records.putIssue(written, previous?.version ?? 0);
    // The state (and the snapshot made of it) holds the record as written, artifacts included.
    state.issues.set(issueKey(issue.year, issue.number), written);
    changedIssues.push(next);
    summary.issuesWritten++;
  }
  return changedIssues;
}

/** The errata each issue lists (by issue key): an erratum is listed by the issue out at its date. */
function errataByListingIssue(state: PublishedState, orderedIssues: GazetteIssue[]): Map<string, ErratumRef[]> {
  const listed = new Map<string, ErratumRef[]>();
  for (const record of state.documents.values()) {
    if (record.issue === undefined) continue;
    for (const erratum of record.errata ?? []) {
      const target = issueListing({ issue: record.issue, date: erratum.date }, orderedIssues);
      if (target === undefined) continue;
      const key = issueKey(target.year, target.number);
      const list = listed.get(key);
      if (list === undefined) listed.set(key, [erratum]);
      else list.push(erratum);
    }
  }
  for (const list of listed.values()) list.sort((a, b) => (a.date === b.date ? (a.urlPath < b.urlPath ? -1 : 1) : a.date < b.date ? -1 : 1));
  return listed;
}
