// Permalinks as static objects: `/wh/<key>/` for every public 文号, `/qk/<key>/` for every issue
// citation, and the index `/wh/`. Which key a spelling has is decided once, in permalinkRules.js,
// shared with the CloudFront Function and the preview server that map what readers type onto
// these objects. Embargoed and draft documents are not in the input, so they get no page until
// their release changes them; withdrawn ones keep theirs (it leads to the withdrawal notice).

import type { Artifact } from '../outputs.ts';
import { pageArtifact } from '../render/html/page.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';
import { docNumberPage, issueCitationPage, type IssuerGroup, PERMALINK_INDEX_PATH, permalinkIndexPage } from '../../templates/permalink.tsx';
import type { Change, DerivedInput, DerivedOutput } from './outputs.ts';
import { docNumberKey, issueCitationKey } from './permalinkRules.js';

export { docNumberKey, issueCitationKey, PERMALINK_INDEX_PATH };
export { permalinkUri } from './permalinkRules.js';

/** The resolver page of a 文号, or undefined when the text is not one. */
export function docNumberPath(docNumber: string): string | undefined {
  const key = docNumberKey(docNumber);
  return key === undefined ? undefined : `/wh/${key}/`;
}

/** The citations an issue is reached by: `2010年第5期` and `总第53期`. */
export function issueCitationPaths(issue: Pick<IssueRecord, 'year' | 'number' | 'totalNumber'>): string[] {
  return [`/qk/${issueCitationKey(`${issue.year}年第${issue.number}期`)}/`, `/qk/${issueCitationKey(`总第${issue.totalNumber}期`)}/`];
}

/** The 文号 a key stands for: `6dee-5e9c-2010-69` → 淮府〔2010〕69号. */
export function docNumberOfKey(key: string): string {
  const parts = key.split('-');
  const serial = parts.pop();
  const year = parts.pop();
  return `${String.fromCodePoint(...parts.map((hex) => Number.parseInt(hex, 16)))}〔${year}〕${serial}号`;
}

type PermalinkPage = { kind: 'index' } | { kind: 'doc'; key: string } | { kind: 'issue'; key: string };

/** The 文号 prefix: what comes before the year. */
function issuerOf(docNumber: string): string {
  return /^(.*?)[〔[(（【［]?\d{4}/u.exec(docNumber)?.[1] ?? docNumber;
}

const collator = new Intl.Collator('zh-Hans-CN-u-co-pinyin');
const byText = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

const indexed = new WeakMap<readonly DocumentRecord[], Map<string, DocumentRecord[]>>();

/** Every public document under a 文号 key (computed once per build's input). */
function documentsByKey(documents: readonly DocumentRecord[]): Map<string, DocumentRecord[]> {
  const known = indexed.get(documents);
  if (known !== undefined) return known;
  const byKey = new Map<string, DocumentRecord[]>();
  indexed.set(documents, byKey);
  for (const record of documents) {
    if (record.docNumber === undefined || (record.status !== 'published' && record.status !== 'withdrawn')) continue;
    const key = docNumberKey(record.docNumber);
    if (key === undefined) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), record]);
  }
  return byKey;
}

/** The index's groups: issuers in pinyin order, each by year and number (translations with their original). */
export function issuerGroups(documents: readonly DocumentRecord[]): IssuerGroup[] {
  const entries: { record: DocumentRecord; issuer: string; year: number; serial: number }[] = [];
  for (const [key, records] of documentsByKey(documents)) {
    const originals = records.filter((record) => record.translationOf === undefined);
    const parts = key.split('-');
    for (const record of originals.length > 0 ? originals : records) {
      entries.push({ record, issuer: issuerOf(record.docNumber ?? ''), year: Number(parts.at(-2)), serial: Number(parts.at(-1)) });
    }
  }
  entries.sort((a, b) => byText(a.issuer, b.issuer) || a.year - b.year || a.serial - b.serial || (a.record.id < b.record.id ? -1 : 1));
  const groups: IssuerGroup[] = [];
  for (const entry of entries) {
    const last = groups.at(-1);
    if (last?.issuer === entry.issuer) last.documents.push(entry.record);
    else
      groups.push({
        issuer: entry.issuer,
        anchor: `wh-${[...entry.issuer].map((char) => char.codePointAt(0)?.toString(16)).join('-')}`,
        documents: [entry.record],
      });
  }
  return groups;
}

function issueByKey(issues: readonly IssueRecord[], key: string): IssueRecord | undefined {
  return issues.find((issue) => issueCitationPaths(issue).includes(`/qk/${key}/`));
}

const keyOfPath = (path: string) => path.slice(4, -1);

function allPages(input: DerivedInput): PermalinkPage[] {
  return [
    ...[...documentsByKey(input.documents).keys()].sort().map((key): PermalinkPage => ({ kind: 'doc', key })),
    ...input.issues.flatMap((issue) => issueCitationPaths(issue).map((path): PermalinkPage => ({ kind: 'issue', key: keyOfPath(path) }))),
    // The index links documents and issues only; written after the resolver pages all the same.
    { kind: 'index' },
  ];
}

function affectedPages(changes: readonly Change[], changedIssues: readonly IssueRecord[]): PermalinkPage[] {
  const pages: PermalinkPage[] = [];
  for (const { before, after } of changes) {
    for (const record of [before, after]) {
      const key = record?.docNumber === undefined ? undefined : docNumberKey(record.docNumber);
      if (key !== undefined) pages.push({ kind: 'doc', key });
    }
  }
  for (const issue of changedIssues) {
    for (const path of issueCitationPaths(issue)) pages.push({ kind: 'issue', key: keyOfPath(path) });
  }
  if (pages.length > 0) pages.push({ kind: 'index' });
  return pages;
}

const output: DerivedOutput<PermalinkPage> = {
  name: 'permalinks',
  // Links only documents and issues, after the listings; the search page (wave 89) links the index.
  wave: 3,
  all: allPages,
  affected: (_input, changes, changedIssues) => affectedPages(changes, changedIssues),
  id: (page) => (page.kind === 'index' ? 'index' : `${page.kind}:${page.key}`),
  render(input, page): Artifact[] {
    switch (page.kind) {
      case 'index':
        return [pageArtifact(PERMALINK_INDEX_PATH, permalinkIndexPage(input.ctx, issuerGroups(input.documents), input.issues))];
      case 'doc': {
        const path = `/wh/${page.key}/`;
        const documents = documentsByKey(input.documents).get(page.key) ?? [];
        return [pageArtifact(path, docNumberPage(input.ctx, path, documents[0]?.docNumber ?? docNumberOfKey(page.key), documents))];
      }
      case 'issue': {
        const issue = issueByKey(input.issues, page.key);
        // Issues are never taken down; a citation of no issue has no page.
        return issue === undefined ? [] : [pageArtifact(`/qk/${page.key}/`, issueCitationPage(input.ctx, `/qk/${page.key}/`, issue))];
      }
    }
  },
};

/** For the registry in outputs.ts (no runtime import back, so either module may load first). */
export const permalinkOutput = output as unknown as DerivedOutput<unknown>;
