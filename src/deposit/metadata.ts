// The metadata files of a deposit, from the published records alone: per document a Dublin Core
// record (dc.xml, the OAI-PMH `oai_dc` shape every library and archive system imports) and a JSON
// file with the disclosure fields under the names and forms of the site's JSON API
// (/api/v1/documents/<id>.json, docs/api/document.schema.json), plus the issue's contents (目录).
// Everything is a pure function of its input: the same records give the same bytes.

import type { SiteConfig } from '../content/model.ts';
import type { DocumentRecord, IssueRecord } from '../store/ports.ts';

/** What a deposit needs of site.yaml. */
export type DepositSite = Pick<SiteConfig, 'name' | 'baseUrl' | 'publisher' | 'gazetteTitle' | 'sections' | 'departments' | 'topics'>;

/** A file of the deposit as its metadata describes it: where it is in the payload and what it holds. */
export interface DepositFileRef {
  /** Path inside the payload folder (`data/`), e.g. `huaifu-2010-69/huaifu-2010-69.pdf`. */
  path: string;
  role: 'pdf' | 'attachment';
  mediaType: string;
  size: number;
  sha256: string;
  /** Where the site publishes it. */
  url: string;
}

export type DepositIssue = Pick<IssueRecord, 'year' | 'number' | 'totalNumber' | 'date' | 'title' | 'urlPath'>;

const absolute = (site: DepositSite, urlPath: string) => new URL(urlPath.replace(/^\//, ''), site.baseUrl).href;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] as string);
}

/** 期号 as the masthead writes it: 2010年第5期（总第53期）. */
export function issueLabel(issue: DepositIssue): string {
  return `${issue.year}年第${issue.number}期（总第${issue.totalNumber}期）`;
}

function dcRecord(elements: [name: string, value: string | undefined, lang?: string][]): string {
  const lines = elements
    .filter((element): element is [string, string, string?] => element[1] !== undefined && element[1] !== '')
    .map(([name, value, lang]) => `  <dc:${name}${lang === undefined ? '' : ` xml:lang="${escapeXml(lang)}"`}>${escapeXml(value)}</dc:${name}>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '  xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">',
    ...lines,
    '</oai_dc:dc>',
    '',
  ].join('\n');
}

/**
 * Simple Dublin Core of one document: creator is the issuing department (发布机构), date the
 * publication date (发布日期), identifiers the page URL, 索引号 and 文号, relation the issue.
 * DC has no element for 成文日期 or 有效性: those are in metadata.json.
 */
export function documentDublinCore(site: DepositSite, issue: DepositIssue, record: DocumentRecord): string {
  return dcRecord([
    ['title', record.title, record.lang],
    ['creator', record.department],
    ['subject', record.category],
    ...(record.tags ?? []).map((tag): [string, string] => ['subject', tag]),
    ['description', record.status === 'withdrawn' ? undefined : record.summary],
    ['publisher', site.publisher],
    ['date', record.date],
    ['type', 'Text'],
    ['format', record.status === 'withdrawn' ? undefined : 'application/pdf'],
    ['identifier', absolute(site, record.urlPath)],
    ['identifier', `索引号 ${record.indexNumber}`],
    ['identifier', record.docNumber === undefined ? undefined : `文号 ${record.docNumber}`],
    ['language', record.lang],
    ['relation', `${site.gazetteTitle} ${issueLabel(issue)} ${absolute(site, issue.urlPath)}`],
  ]);
}

/** Simple Dublin Core of the issue as a whole. */
export function issueDublinCore(site: DepositSite, issue: DepositIssue): string {
  return dcRecord([
    ['title', issue.title],
    ['creator', site.publisher],
    ['publisher', site.publisher],
    ['date', issue.date],
    ['type', 'Text'],
    ['format', 'application/pdf'],
    ['identifier', absolute(site, issue.urlPath)],
    ['identifier', `期号 ${issueLabel(issue)}`],
    ['relation', site.gazetteTitle],
  ]);
}

/** JSON with two-space indentation and a final newline, as the site's API writes it. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The disclosure fields of one document (索引号 indexNumber, 文号 docNumber, 发布机构
 * department, 成文日期 signedDate, 有效性 validity, 期号 issue), named as in the site's JSON API,
 * with the files of the deposit that belong to it.
 */
export function documentMetadata(site: DepositSite, issue: DepositIssue, record: DocumentRecord, files: DepositFileRef[]): unknown {
  const withdrawn = record.status === 'withdrawn';
  const department = site.departments.find((entry) => entry.name === record.department);
  const topic = site.topics.find((entry) => entry.name === record.category);
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    lang: record.lang,
    status: withdrawn ? 'withdrawn' : 'published',
    version: record.version,
    digest: record.digest,
    indexNumber: record.indexNumber,
    ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
    department: { name: record.department, ...(department === undefined ? {} : { id: department.id }) },
    topic: { name: record.category, ...(topic === undefined ? {} : { id: topic.id }) },
    date: record.date,
    ...(record.signedDate === undefined ? {} : { signedDate: record.signedDate }),
    ...(record.validity === undefined ? {} : { validity: record.validity }),
    issue: {
      year: issue.year,
      number: issue.number,
      totalNumber: issue.totalNumber,
      ...(record.section === undefined ? {} : { section: record.section }),
      url: absolute(site, issue.urlPath),
    },
    ...(withdrawn || record.summary === undefined ? {} : { summary: record.summary }),
    tags: record.tags ?? [],
    url: absolute(site, record.urlPath),
    ...(record.changeNote === undefined || record.version < 2
      ? {}
      : { changeNote: record.changeNote, ...(record.changeDate === undefined ? {} : { changeDate: record.changeDate }) }),
    // The API's link object, with what the record knows of the other document: its id.
    ...(record.supersededBy === undefined ? {} : { supersededBy: { id: record.supersededBy } }),
    ...(withdrawn
      ? {
          withdrawn: {
            ...(record.withdrawnDate === undefined ? {} : { date: record.withdrawnDate }),
            ...(record.withdrawnReason === undefined ? {} : { reason: record.withdrawnReason }),
          },
        }
      : {}),
    files,
  };
}

/** The issue's contents (目录): sections in site.yaml order, each article with its folder in the bag. */
export function issueContents(
  site: DepositSite,
  issue: DepositIssue,
  articles: { record: DocumentRecord; folder: string }[],
  pdf: DepositFileRef | undefined,
): unknown {
  const named = new Map<string, { record: DocumentRecord; folder: string }[]>();
  for (const article of articles) {
    const name = article.record.section ?? '';
    named.set(name, [...(named.get(name) ?? []), article]);
  }
  // Sections in site.yaml order; one no longer in site.yaml follows, under its name.
  const order = [
    ...site.sections.map((section) => section.name),
    ...[...named.keys()].filter((name) => !site.sections.some((section) => section.name === name)),
  ];
  return {
    year: issue.year,
    number: issue.number,
    totalNumber: issue.totalNumber,
    date: issue.date,
    title: issue.title,
    url: absolute(site, issue.urlPath),
    publisher: site.publisher,
    ...(pdf === undefined ? {} : { pdf }),
    sections: order.flatMap((name) => {
      const items = named.get(name);
      if (items === undefined) return [];
      const id = site.sections.find((section) => section.name === name)?.id;
      return [
        {
          ...(id === undefined ? {} : { id }),
          name,
          items: items.map(({ record, folder }) => ({
            id: record.id,
            title: record.title,
            status: record.status === 'withdrawn' ? 'withdrawn' : 'published',
            date: record.date,
            ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
            indexNumber: record.indexNumber,
            url: absolute(site, record.urlPath),
            folder: `${folder}/`,
          })),
        },
      ];
    }),
  };
}
