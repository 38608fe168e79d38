// Phase 3 of loadContent: the issues, from each issue folder's index.md — number, 总期号, date,
// title (the site's gazette title and the number when none is given) and the editor's note — and
// their numbering checked across issues. Articles are listed in them in phase 7 (tablesOfContents.ts).

import type { GazetteIssue, SiteConfig } from './model.ts';
import { checkIssueNumbering } from './crossFileChecks.ts';
import { readBody } from './lazyBody.ts';
import type { IssueData } from './schemas.ts';
import type { Report, SourceFile } from './sourceFiles.ts';

/** An issue and the source it was read from, by `year/nn` of its folder. */
export type IssueIndex = Map<string, { issue: GazetteIssue; source: SourceFile }>;

export function readIssues(documents: readonly SourceFile[], site: SiteConfig | undefined, report: Report): IssueIndex {
  const issues: IssueIndex = new Map();
  for (const file of documents) {
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
  return issues;
}
