// An issue's table of contents: its articles grouped by section in site order, each with its
// 文号. Used on the issue page and, for the latest issue, on the home page.

import { h } from 'hastscript';
import type { Section } from '../src/content/model.ts';
import type { DocumentRecord, IssueRecord } from '../src/content/records.ts';
import type { Result } from './hast.ts';
import { withdrawnMark } from './parts.tsx';

export interface TocGroup {
  section: string;
  articles: DocumentRecord[];
}

type IssueKey = Pick<IssueRecord, 'year' | 'number' | 'articleIds'>;

/**
 * Published articles of the issue, grouped by section (site order, unknown sections last).
 * Withdrawn ones only when asked: the issue page keeps them, marked; the home page does not.
 */
export function tocGroups(sections: Section[], issue: IssueKey, records: Iterable<DocumentRecord>, options: { withdrawn?: boolean } = {}): TocGroup[] {
  const position = new Map(issue.articleIds.map((id, i) => [id, i]));
  const inIssue = [...records].filter(
    (r) =>
      r.kind === 'article' &&
      (r.status === 'published' || (options.withdrawn === true && r.status === 'withdrawn')) &&
      (position.has(r.id) || (r.issue?.year === issue.year && r.issue.number === issue.number)),
  );
  // Listed articles in the issue's order; any the issue does not list yet follow, by id.
  inIssue.sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const order = sections.map((s) => s.name);
  for (const r of inIssue) if (!order.includes(r.section ?? '')) order.push(r.section ?? '');
  return order.map((section) => ({ section, articles: inIssue.filter((r) => (r.section ?? '') === section) })).filter((group) => group.articles.length > 0);
}

/** The grouped contents; section names are headings of rank `rank`. */
export function tocList(groups: TocGroup[], rank: number, idPrefix: string): Result {
  const tag = `h${rank}`;
  return (
    <div class="toc-groups">
      {groups.map((group, i) => (
        <section class="toc-section" aria-labelledby={`${idPrefix}-${i + 1}`}>
          {h(tag, { id: `${idPrefix}-${i + 1}` }, group.section === '' ? '其他' : group.section)}
          <ol>
            {group.articles.map((r) => (
              <li>
                <a href={r.urlPath} lang={r.lang === 'en' ? 'en' : undefined}>
                  {r.title}
                </a>
                {r.docNumber === undefined ? undefined : <span class="doc-number">{r.docNumber}</span>}
                {withdrawnMark(r)}
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}

/** The trailing 勘误 section of an issue's contents: errata of articles in earlier issues. */
export function tocErrata(errata: { title: string; urlPath: string }[], rank: number, idPrefix: string): Result | undefined {
  if (errata.length === 0) return undefined;
  return (
    <section class="toc-section toc-errata" aria-labelledby={`${idPrefix}-errata`}>
      {h(`h${rank}`, { id: `${idPrefix}-errata` }, '勘误')}
      <ol>
        {errata.map((erratum) => (
          <li>
            <a href={erratum.urlPath}>{erratum.title}</a>
          </li>
        ))}
      </ol>
    </section>
  );
}
