// A document from its analyzed source (phase 4 of loadContent): names from site.yaml resolved, URL,
// attachments and assets checked, the body kept on disk until a renderer reads it.

import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { fieldsOf, positionFrom, type FileMessage } from './analyze.ts';
import { classifyFile } from './layout.ts';
import { readLazily } from './lazyBody.ts';
import { isPageLink, splitUrl } from './links.ts';
import { siteExamples } from './siteSettings.ts';
import { encodePathSegment } from './sitePath.ts';
import type { ArticleDocument, Attachment, ConferenceDocument, GazetteDocument, GazetteIssue, ReleaseDocument, SiteConfig } from './model.ts';
import { type ArticleData, type ConferenceData, type ReleaseData, type SiteData } from './schemas.ts';
import { closest, didYouMean } from './suggest.ts';
import { type Report, type SourceFile, type Resolved } from './sourceFiles.ts';

/** The validated front matter of any document kind; the role decides which fields are set. */
export type DocumentData = Omit<ReleaseData, 'type'> & Partial<Omit<ArticleData, keyof ReleaseData>> & Partial<Omit<ConferenceData, keyof ReleaseData>>;

/**
 * The document of one file, checked against site.yaml and the other files. A file with errors of
 * its own is checked on its valid fields as far as they go, and gives no document.
 */
export function buildDocument(
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
      report(
        rel,
        { line: 1, column: 1 },
        {
          severity: 'error',
          ruleId: 'missing-issue',
          message: `The article is in gazette/${role.year}/${role.nn}/, which has no index.md describing the issue.`,
          hint: `Create it with \`gazette new issue --year ${role.year} --issue ${role.nn}\`.`,
        },
      );
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
    links: [...new Set(source.references.map((reference) => reference.url))],
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

/** Set the body, or (from the cache) a property that reads it from the file on first use. */
export function withBody<T extends GazetteDocument>(document: T, file: SourceFile): T {
  const { body, bodyOffset } = file.source;
  if (body !== undefined) {
    document.body = body;
    return document;
  }
  return readLazily(document, file.abs, bodyOffset);
}
