// Phase 2 of loadContent: the files documents refer to — attachments and the images and files their
// bodies link to. Each path is checked (relative, inside content/, an allowed type, present, not a
// link out of the tree, within the size limit) and hashed once, however many documents name it;
// the work is bounded and cached, so that documents can then be built synchronously.

import { posix } from 'node:path';
import { fieldsOf } from './analyze.ts';
import type { ContentCache } from './cache.ts';
import { isPageLink, splitUrl } from './links.ts';
import { digestFile, forEachLimit, type Resolved, type SourceFile } from './sourceFiles.ts';

export interface ReferencedFiles {
  /** What `target`, as written in the document at `from`, resolved to. Only for pairs the documents name. */
  readonly resolved: (from: string, target: string) => Resolved;
  /** One string that changes when any file the document at `from` refers to changes (or stops resolving). */
  readonly fingerprint: (from: string) => string;
}

export interface ReferencedFilesInput {
  absRoot: string;
  realRoot: string;
  /** Every file of the tree (content-relative), for "did you mean" hints. */
  files: Set<string>;
  cache: ContentCache | undefined;
  limit: number;
}

export async function resolveReferencedFiles(documents: readonly SourceFile[], input: ReferencedFilesInput): Promise<ReferencedFiles> {
  const wanted: [string, string, 'attachment' | 'file'][] = [];
  for (const file of documents) {
    const data = fieldsOf(file.source) as { attachments?: { file: string }[] } | undefined;
    if (data === undefined || file.role.role === 'issue') continue;
    for (const attachment of data.attachments ?? []) wanted.push([file.rel, attachment.file, 'attachment']);
    for (const reference of file.source.references) {
      const { path } = splitUrl(reference.url);
      if (path !== '' && !isPageLink(path)) wanted.push([file.rel, path, 'file']);
    }
  }
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
      pending = digestFile(input.absRoot, input.realRoot, rel, input.files, input.cache, what);
      digests.set(rel, pending);
    }
    return pending;
  };
  const results = new Map<string, Resolved>();
  await forEachLimit(wanted, input.limit, async ([from, target, what]) => {
    results.set(`${from}\u0000${target}`, await resolveFile(from, target, what));
  });
  const resolved = (from: string, target: string) => results.get(`${from}\u0000${target}`) as Resolved;
  const byDocument = new Map<string, string[]>();
  for (const [from, target] of wanted) {
    const list = byDocument.get(from);
    if (list === undefined) byDocument.set(from, [target]);
    else list.push(target);
  }
  return {
    resolved,
    fingerprint: (from) =>
      (byDocument.get(from) ?? [])
        .map((target) => {
          const result = resolved(from, target);
          return result.ok ? `${result.rel}:${result.digest}` : '!';
        })
        .join('|'),
  };
}
