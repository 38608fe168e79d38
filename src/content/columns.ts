// Special columns (专栏): `columns/<id>.md` files checked against site.yaml and the documents,
// and turned into ordered Column records. Which documents a column takes is decided by
// src/discovery/columns.ts.

import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { positionFrom, type AnalyzedSource, type FileMessage } from './analyze.ts';
import { classifyFile } from './layout.ts';
import { siteExamples } from './siteSettings.ts';
import { isPageLink, pageLinkTarget, splitUrl } from './links.ts';
import type { Column, SiteConfig } from './model.ts';
import type { ColumnData } from './schemas.ts';
import { closest, didYouMean } from './suggest.ts';

export interface ColumnSource {
  /** Content-relative path, `columns/<id>.md`. */
  rel: string;
  abs: string;
  /** The id, from the file name. */
  id: string;
  urlPath: string;
  source: AnalyzedSource;
}

export interface ColumnContext {
  /** Undefined when site.yaml is invalid (already reported): names are not checked then. */
  site: SiteConfig | undefined;
  /** Ids claimed by the documents' front matter. */
  documentIds: ReadonlySet<string>;
  /** Tags the documents carry. */
  documentTags: ReadonlySet<string>;
  /** Every content-relative file, for links in descriptions. */
  files: ReadonlySet<string>;
}

type Report = (file: string, at: { line: number; column: number }, message: Omit<FileMessage, 'line' | 'column'>) => void;

/** Check every column file and return the valid columns, by `order`, then id. */
export function buildColumns(files: readonly ColumnSource[], context: ColumnContext, report: Report): Column[] {
  const columns: Column[] = [];
  const titles = new Map<string, ColumnSource[]>();
  for (const file of files) {
    const data = file.source.data as ColumnData | undefined;
    if (data === undefined) continue;
    const owners = titles.get(data.title);
    if (owners === undefined) titles.set(data.title, [file]);
    else owners.push(file);
    if (checkColumn(file, data, context, report)) columns.push(toColumn(file, data));
  }
  for (const [title, owners] of titles) {
    if (owners.length < 2) continue;
    for (const owner of owners) {
      const others = owners.filter((other) => other !== owner).map((other) => `content/${other.rel}`);
      report(owner.rel, positionFrom(owner.source.positions, ['title']), {
        severity: 'error',
        ruleId: 'duplicate-column-title',
        message: `The column title "${title}" is also used by ${others.join(', ')}.`,
        hint: 'Readers tell columns apart by their titles: give each column its own, or merge the two files.',
      });
    }
  }
  return columns.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function toColumn(file: ColumnSource, data: ColumnData): Column {
  const rule = data.rule ?? {};
  const body = file.source.body ?? readFileSync(file.abs).subarray(file.source.bodyOffset).toString('utf8');
  return {
    id: file.id,
    title: data.title,
    description: body.trim(),
    ...(data.summary !== undefined ? { summary: data.summary } : {}),
    rule: {
      topics: rule.topics ?? [],
      departments: rule.departments ?? [],
      tags: rule.tags ?? [],
      kinds: rule.kinds ?? [],
      documents: rule.documents ?? [],
      ...(rule.from !== undefined ? { from: rule.from } : {}),
      ...(rule.to !== undefined ? { to: rule.to } : {}),
    },
    order: data.order ?? 0,
    file: file.rel,
    urlPath: file.urlPath,
    sourceDigest: file.source.digest,
  };
}

/** Names from site.yaml, document ids and tags, links of the description; false on an error. */
function checkColumn(file: ColumnSource, data: ColumnData, context: ColumnContext, report: Report): boolean {
  let ok = true;
  const at = (path: (string | number)[]) => positionFrom(file.source.positions, path);
  const error = (path: (string | number)[], message: Omit<FileMessage, 'line' | 'column' | 'severity'>) => {
    report(file.rel, at(path), { severity: 'error', ...message });
    ok = false;
  };
  const rule = data.rule ?? {};
  const names = (field: 'topics' | 'departments', list: { name: string }[] | undefined, what: string, ruleId: string) => {
    if (list === undefined) return;
    const known = list.map((entry) => entry.name);
    for (const [index, name] of (rule[field] ?? []).entries()) {
      if (known.includes(name)) continue;
      error(['rule', field, index], {
        ruleId,
        message: `"${name}" is not a ${what} in site.yaml.`,
        expected: known.length <= 12 ? known.join('、') : `one of the ${known.length} ${what} names in site.yaml`,
        hint: didYouMean(name, known) ?? `Write the name exactly as in site.yaml, or add the ${what} there.`,
      });
    }
  };
  names('topics', context.site?.topics, 'topic (主题分类)', 'unknown-topic');
  names('departments', context.site?.departments, 'department (发布机构)', 'unknown-department');

  for (const [index, id] of (rule.documents ?? []).entries()) {
    if (context.documentIds.has(id)) continue;
    error(['rule', 'documents', index], {
      ruleId: 'unknown-document',
      message: `\`rule.documents\` names "${id}", but no document has that id.`,
      hint: didYouMean(id, context.documentIds) ?? 'Write the `id` of the document, as in its front matter (not its title or file name).',
    });
  }
  for (const [index, tag] of (rule.tags ?? []).entries()) {
    if (context.documentTags.has(tag)) continue;
    const near = closest(tag, context.documentTags);
    // A column may be set up before its first document: a warning, not an error.
    report(file.rel, at(['rule', 'tags', index]), {
      severity: 'warning',
      ruleId: 'unused-tag',
      message: `No document has the tag "${tag}", so it selects nothing yet.`,
      hint:
        near !== undefined ? `Did you mean \`${near}\`? Documents carry it.` : 'Add `tags: [' + tag + ']` to the documents that belong, or check the spelling.',
    });
  }

  for (const reference of file.source.references) {
    const where = { line: reference.line, column: reference.column };
    const { path } = splitUrl(reference.url);
    if (path === '') continue;
    if (!isPageLink(path)) {
      report(file.rel, where, {
        severity: 'error',
        ruleId: 'column-file-link',
        message: `The description links the file "${reference.url}"; a column page publishes no files of its own.`,
        hint: 'Attach the file to a document and link to that document (its .md file) instead.',
      });
      ok = false;
      continue;
    }
    const target = pageLinkTarget(file.rel, path);
    const role = context.files.has(target) ? classifyFile(target)?.role : undefined;
    if (role === undefined || role === 'misplaced') {
      const siblings = [...context.files].filter((f) => posix.dirname(f) === posix.dirname(target) && f.endsWith('.md')).map((f) => posix.basename(f));
      report(file.rel, where, {
        severity: 'error',
        ruleId: 'broken-link',
        message: `The link "${reference.url}" points to content/${target}, which does not exist.`,
        hint:
          didYouMean(posix.basename(target), siblings) ??
          `Correct the path: it is relative to this file, e.g. ../gazette/2010/04/${siteExamples(context.site).id}.md`,
      });
      ok = false;
    }
  }
  return ok;
}
