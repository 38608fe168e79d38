// The source files of a content tree: walking it, what each file is, reading and hashing the files
// documents refer to (inside the tree only), and the size limits: the parts phases 1 and 2 of loadContent
// (readSources.ts, referencedFiles.ts) share.

import { createHash } from 'node:crypto';
import { readdirSync, realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { attachmentTypes } from '../outputs.ts';
import { MAX_ATTACHMENT_BYTES, type AnalyzedSource, type FileMessage } from './analyze.ts';
import { cacheKey, type ContentCache } from './cache.ts';
import { type FileRole } from './layout.ts';
import { didYouMean } from './suggest.ts';

/** A file or link in the content tree, relative to its root. */
export interface ContentEntry {
  rel: string;
  symlink: boolean;
}

export type Entry = ContentEntry;

export interface SourceFile {
  rel: string;
  abs: string;
  /** Documents and issues; columns and calendar files are kept apart. */
  role: Exclude<FileRole, { role: 'site' | 'ignored' | 'misplaced' | 'column' | 'calendar' }>;
  source: AnalyzedSource;
}

export type Resolved = { ok: true; rel: string; digest: string } | { ok: false; message: Omit<FileMessage, 'line' | 'column'> };

export type Report = (file: string, at: { line: number; column: number }, message: Omit<FileMessage, 'line' | 'column'>) => void;

export function tooLarge(size: number, limit: number): AnalyzedSource {
  return {
    digest: '',
    positions: {},
    body: '',
    bodyOffset: 0,
    bodyLine: 1,
    references: [],
    messages: [
      {
        line: 1,
        column: 1,
        severity: 'error',
        ruleId: 'file-too-large',
        message: `The file is ${mib(size)}, over the limit of ${mib(limit)} for a Markdown file.`,
        hint: 'Split it into several documents, or move tables and data into an attachment.',
      },
    ],
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function digestFile(
  absRoot: string,
  realRoot: string,
  rel: string,
  files: Set<string>,
  cache: ContentCache | undefined,
  what: string,
): Promise<Resolved> {
  const abs = join(absRoot, rel);
  let info;
  try {
    info = await stat(abs);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    const siblings = [...files].filter((file) => posix.dirname(file) === posix.dirname(rel)).map((file) => posix.basename(file));
    const hint = didYouMean(posix.basename(rel), siblings);
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'missing-attachment',
        message: `The ${what} content/${rel} does not exist.`,
        hint: hint ?? 'Put the file beside the Markdown file, or correct the name (names are case-sensitive).',
      },
    };
  }
  // After existence: a file that is not there is first of all missing, whatever its name says.
  const extension = posix.extname(rel).toLowerCase();
  if (attachmentTypes[extension] === undefined) {
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'attachment-type',
        message: `"${posix.basename(rel)}" has the type "${extension || '(none)'}", which cannot be published as an ${what === 'file' ? 'image or file' : what}.`,
        expected: Object.keys(attachmentTypes).join(' '),
        hint: 'Convert it to PDF, or to one of the types above.',
      },
    };
  }
  if (!isInside(await realpath(abs), realRoot)) {
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'attachment-outside-content',
        message: `The ${what} content/${rel} is a link to a file outside the content folder.`,
        hint: 'Copy the file into the content folder instead of linking to it.',
      },
    };
  }
  if (info.size > MAX_ATTACHMENT_BYTES) {
    return {
      ok: false,
      message: {
        severity: 'error',
        ruleId: 'file-too-large',
        message: `The ${what} content/${rel} is ${mib(info.size)}, over the limit of ${mib(MAX_ATTACHMENT_BYTES)}.`,
        hint: 'Compress it, or split it into several files.',
      },
    };
  }
  const key = cacheKey(rel, info.size, info.mtimeMs);
  const cached = cache?.get(key);
  if (cached !== undefined && 'digest' in cached) return { ok: true, rel, digest: cached.digest };
  const digest = createHash('sha256')
    .update(await readFile(abs))
    .digest('hex');
  cache?.set(key, { digest });
  return { ok: true, rel, digest };
}

export function realpathOrSelf(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** A dot-file or anything in a dot-folder is no content: `walk` skips it. */
const isDotName = (name: string) => name.startsWith('.');

/** Whether a content-relative POSIX path names a file the loader reads: no part of it a dot-name. */
export function isContentPath(rel: string): boolean {
  return rel !== '' && !rel.endsWith('/') && !rel.split('/').some(isDotName);
}

/** Every file below root (content-relative POSIX paths); dot-files and dot-folders are skipped,
 * symbolic links to folders are not followed. Synchronous: a few hundred folders list faster
 * without the thread pool. */
export function walk(root: string): Entry[] {
  const found: Entry[] = [];
  const visit = (dir: string, prefix: string): void => {
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      if (isDotName(child.name)) continue;
      const rel = prefix === '' ? child.name : `${prefix}/${child.name}`;
      if (child.isDirectory()) visit(join(dir, child.name), rel);
      else if (child.isFile()) found.push({ rel, symlink: false });
      else if (child.isSymbolicLink()) found.push({ rel, symlink: true });
    }
  };
  visit(root, '');
  return found.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
