// Phase 7 of loadContent: each issue's table of contents — its published articles (drafts left out)
// in the order of site.yaml's sections, and by file path within a section.

import type { ArticleDocument, GazetteDocument, GazetteIssue, SiteConfig } from './model.ts';

/** Sets `articleIds` of every issue in `issues`. */
export function fillTablesOfContents(issues: readonly GazetteIssue[], documents: readonly GazetteDocument[], site: SiteConfig | undefined): void {
  const sectionOrder = new Map(site?.sections.map((section, index) => [section.name, index]) ?? []);
  const byIssue = new Map<string, ArticleDocument[]>();
  for (const doc of documents) {
    if (doc.kind !== 'article' || doc.draft) continue;
    const key = `${doc.issue.year}/${doc.issue.number}`;
    const list = byIssue.get(key);
    if (list === undefined) byIssue.set(key, [doc]);
    else list.push(doc);
  }
  for (const issue of issues) {
    issue.articleIds = (byIssue.get(`${issue.year}/${issue.number}`) ?? [])
      .sort((a, b) => (sectionOrder.get(a.section.name) ?? 0) - (sectionOrder.get(b.section.name) ?? 0) || (a.file < b.file ? -1 : 1))
      .map((doc) => doc.id);
  }
}
