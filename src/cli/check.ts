// `gazette check`: validate content/ and print every problem with its file, line and column.

import { resolve } from 'node:path';
import { createFileContentCache, loadContent, type FileContentCache } from '../content/load.ts';
import { formatMessages, hasErrors } from '../content/messages.ts';
import { loadPartners } from '../delivery/partners.ts';
import { changeNoteProblem, checkAgainstPublished } from '../content/lifecycle.ts';
import type { ContentMessage, ContentSet, GazetteDocument } from '../content/model.ts';
import { readPublishedIndex } from './publishedIndex.ts';
import { parseCommand } from './args.ts';
import { shownPath } from './io.ts';

const help = `Usage: gazette check [options]

Validate the content folder: front matter, names from site.yaml, ids, issue numbering,
attachments, links, special columns and the working-day calendar. Prints every problem as file:line:col, then a summary.
Exits with 1 when there is an error; warnings alone exit with 0.

Options:
  --content DIR   content folder (default: content)
  --cache DIR     cache folder, so unchanged files are not read again (default: .gazette/cache)
  --no-cache      read every file
  --now ISO       the clock for embargo checks, e.g. 2010-06-01T09:00:00+08:00 (default: now)
  --data DIR      local data folder: compare with what the last \`gazette build\` there published
                  (deleted files of published documents, changes without a change note) (default: .gazette)
  -h, --help      show this help
`;

export interface CheckIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  now?: () => Date;
}

export async function runCheck(argv: string[], io: CheckIo): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette check',
    help,
    options: {
      content: { type: 'string', default: 'content' },
      cache: { type: 'string', default: '.gazette/cache' },
      'no-cache': { type: 'boolean', default: false },
      now: { type: 'string' },
      data: { type: 'string', default: '.gazette' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const now = values.now === undefined ? io.now?.() : new Date(values.now);
  if (now !== undefined && Number.isNaN(now.getTime())) {
    io.stderr.write(`gazette check: --now "${values.now}" is not an ISO 8601 date-time. Write it like 2010-06-01T09:00:00+08:00.\n`);
    return 1;
  }
  const contentDir = resolve(io.cwd, values.content);
  let cache: FileContentCache | undefined;
  if (!values['no-cache']) cache = await createFileContentCache(resolve(io.cwd, values.cache, 'content.json'));
  const loaded = await loadContent(contentDir, { ...(cache === undefined ? {} : { cache }), ...(now === undefined ? {} : { now }), workerThreads: true });
  const { content, partial } = loaded;
  // Everything is checked in one run, whatever else is wrong: partners.yaml needs only a valid
  // site.yaml, and the published state only the files whose ids can be read.
  const site = content?.site ?? partial?.site;
  const partners = site === undefined ? undefined : await loadPartners(contentDir, site);
  const checked = content ?? partial;
  const published = checked === undefined ? [] : await againstPublished(checked.documents, partial?.files ?? [], resolve(io.cwd, values.data));
  const messages = [...loaded.messages, ...(partners?.messages ?? []), ...published];
  const shown = shownPath(io, contentDir);
  const failed = content === undefined || partners?.partners === undefined || hasErrors(messages);
  if (messages.length > 0) (failed ? io.stderr : io.stdout).write(formatMessages(messages, { contentDir: shown }));
  try {
    await cache?.save();
  } catch (error) {
    // A read-only checkout still gets its answer; only the next check is slower.
    io.stderr.write(`gazette check: the cache could not be saved (${(error as Error).message}).\n`);
  }
  if (failed || partners?.partners === undefined) return 1;
  io.stdout.write(`✔ ${shown} is valid: ${describeContent(content)}, ${partners.partners.length} partners.\n`);
  return 0;
}

function describeContent(content: ContentSet): string {
  const count = (kind: string) => content.documents.filter((doc) => doc.kind === kind).length;
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  return [
    plural(content.issues.length, 'issue'),
    plural(count('article'), 'article'),
    plural(count('release'), 'release'),
    plural(count('conference'), 'conference'),
    ...(content.columns.length > 0 ? [plural(content.columns.length, 'column')] : []),
    ...(content.calendar.years.length > 0 ? [`calendar ${content.calendar.years.join(', ')}`] : []),
  ].join(', ');
}

/**
 * Problems only the published state shows, from the index the last local build left in `dataDir`.
 * `documents` are those without errors; `failing` lists every document file with its id when it
 * can be read, so a file with errors is neither taken for deleted nor for renamed.
 */
async function againstPublished(
  documents: readonly GazetteDocument[],
  failing: readonly { file: string; id?: string }[],
  dataDir: string,
): Promise<ContentMessage[]> {
  const published = await readPublishedIndex(dataDir);
  if (published === undefined) return []; // nothing was built here yet
  const byId = new Map(published.map((entry) => [entry.id, entry]));
  const built = new Set(documents.map((doc) => doc.file));
  const identified = [...documents, ...failing.filter((file): file is { file: string; id: string } => file.id !== undefined && !built.has(file.file))];
  const unreadable = new Set(failing.filter((file) => file.id === undefined).map((file) => file.file));
  const messages = checkAgainstPublished(
    { documents: identified },
    published.filter((entry) => !unreadable.has(entry.file)),
  );
  const files = new Set(identified.map((file) => file.file));
  for (const doc of documents) {
    const entry = byId.get(doc.id);
    if (entry === undefined || entry.status === 'scheduled' || entry.contentDigest === undefined || entry.contentDigest === doc.sourceDigest) continue;
    // Another file beside the published one with its id is no new version of it: duplicate-id
    // says what is wrong, not a missing change note (a file that replaced it still needs one).
    if (entry.file !== doc.file && files.has(entry.file)) continue;
    const problem = changeNoteProblem(doc, entry.changeNote);
    if (problem !== undefined) messages.push(problem);
  }
  return messages;
}
