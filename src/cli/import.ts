// `gazette import file.docx --issue 2010/06`: a department's Word document → an article of an
// issue, then the article checked by the real checker, so the editor sees at once what is left.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { loadContent } from '../content/load.ts';
import { formatMessages, hasErrors } from '../content/messages.ts';
import { idPattern, slugPattern } from '../content/ids.ts';
import { ContentFactsError, readContentFacts } from '../import/contentFacts.ts';
import { planImport, type Finding, type ImportOptions } from '../import/importDocx.ts';
import { DocxError } from '../import/readDocx.ts';
import { parseCommand } from './args.ts';
import { shownPath } from './io.ts';

const help = `Usage: gazette import <file.docx> --issue YYYY/NN [options]

Turn a department's Word document (.docx) into an article of a gazette issue:
content/gazette/<year>/<nn>/<slug>.md with its front matter (title, 文号, 发布机构, 成文日期 …) and
body (headings 一、（一）1.（1）, tables, footnotes), its images and embedded files saved beside it.
Prints what was read, every guess to check and what is missing, then checks the new article as
\`gazette check\` does. Exits with 1 while the article has errors; the files stay for you to fix.
Existing files are never overwritten without --force.

Options:
  --issue YYYY/NN    the issue the article appears in, e.g. 2010/06 (required; create it with \`gazette new issue\`)
  --content DIR      content folder (default: content)
  --id ID            the article's id (default: from the 文号, named like earlier documents with that prefix;
                     otherwise the next free gz-<year>-<nn>-<n>)
  --slug S           file name without .md (default: the id)
  --department NAME  发布机构, a department name of site.yaml (default: the 落款)
  --section NAME     section of the issue (default: that of earlier documents with the same 文号 prefix)
  --category NAME    主题分类 (default: a topic the title names, else the department's usual one)
  --force            replace files an earlier import wrote
  --now ISO          the clock for the check (default: now)
  -h, --help         show this help
`;

export interface ImportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  now?: () => Date;
}

class UsageError extends Error {}

export async function runImport(argv: string[], io: ImportIo): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette import',
    help,
    positionals: true,
    options: {
      issue: { type: 'string' },
      content: { type: 'string', default: 'content' },
      id: { type: 'string' },
      slug: { type: 'string' },
      department: { type: 'string' },
      section: { type: 'string' },
      category: { type: 'string' },
      force: { type: 'boolean', default: false },
      now: { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const source = positionals[0];
  try {
    if (positionals.length !== 1 || source === undefined)
      throw new UsageError(positionals.length === 0 ? 'name the Word file to import.' : `import one file at a time (got ${positionals.length}).`);
    const issue = /^(\d{4})\/(\d{1,2})$/.exec(values.issue ?? '');
    if (issue === null)
      throw new UsageError(
        values['issue'] === undefined
          ? 'say which issue the article appears in: --issue 2010/06.'
          : `--issue "${values['issue']}" is not written YYYY/NN, e.g. 2010/06.`,
      );
    const options: ImportOptions = {};
    for (const key of ['id', 'slug', 'department', 'section', 'category'] as const) if (typeof values[key] === 'string') options[key] = values[key];
    if (options.id !== undefined && !idPattern.test(options.id))
      throw new UsageError(`--id "${options.id}" is not an id: 3–64 lower-case letters, digits and "-".`);
    if (options.slug !== undefined && !slugPattern.test(options.slug))
      throw new UsageError(`--slug "${options.slug}" must be lower-case ASCII letters, digits and "-" (pinyin is fine).`);
    const now = typeof values['now'] === 'string' ? new Date(values['now']) : io.now?.();
    if (now !== undefined && Number.isNaN(now.getTime()))
      throw new UsageError(`--now "${values['now'] as string}" is not an ISO 8601 date-time, e.g. 2010-06-01T09:00:00+08:00.`);

    const root = resolve(io.cwd, values['content']);
    const shownRoot = shownPath(io, root);
    const sourcePath = resolve(io.cwd, source);
    let bytes: Buffer;
    try {
      bytes = await readFile(sourcePath);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new ImportFailure(
        source,
        code === 'ENOENT'
          ? 'there is no such file. Check the path and the file name.'
          : code === 'EISDIR'
            ? 'this is a folder; name the .docx file inside it.'
            : `it cannot be read (${(error as Error).message}).`,
      );
    }
    const facts = await readContentFacts(root, Number(issue[1]), Number(issue[2]));
    let plan;
    try {
      plan = await planImport(bytes, facts, options);
    } catch (error) {
      if (error instanceof DocxError) throw new ImportFailure(source, error.message);
      throw error;
    }

    const folder = facts.issue.folder;
    const targets = plan.files.map((file) => ({ ...file, path: join(folder, file.name) }));
    for (const target of targets) {
      // Names are built from the slug and a fixed pattern; this guards the invariant, not input.
      if (dirname(resolve(target.path)) !== resolve(folder)) throw new Error(`Refusing to write ${target.path}: outside ${folder}`);
    }
    const shown = (path: string) => `${shownRoot === '.' ? '' : `${shownRoot}/`}${relative(root, path).replace(/\\/g, '/')}`;
    const existing = targets.filter((target) => existsSync(target.path));
    if (existing.length > 0 && values['force'] !== true) {
      io.stderr.write(
        `gazette import: ${existing.map((target) => shown(target.path)).join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'}.\n` +
          'Pass --force to replace what an earlier import wrote, or --slug and --id to import under another name.\nNothing was written.\n',
      );
      return 1;
    }
    await mkdir(folder, { recursive: true });
    // The article last: until it exists, nothing refers to the images and attachments.
    for (const target of [...targets.slice(1), targets[0]!]) await writeFile(target.path, target.bytes, { flag: values['force'] === true ? 'w' : 'wx' });

    const article = targets[0]!;
    const articleShown = shown(article.path);
    const extras = targets.length - 1;
    io.stdout.write(
      `Imported ${source} as ${articleShown}${
        extras > 0
          ? `, with ${extras} file${extras === 1 ? '' : 's'} beside it (${targets
              .slice(1)
              .map((t) => t.name)
              .join(', ')})`
          : ''
      }.\n`,
    );
    io.stdout.write(report(articleShown, plan.findings, plan.warnings));

    const loaded = await loadContent(root, now === undefined ? {} : { now });
    const rel = relative(root, article.path).replace(/\\/g, '/');
    const own = loaded.messages.filter((message) => message.file === rel);
    const others = loaded.messages.filter((message) => message.file !== rel && message.severity === 'error').length;
    if (own.length > 0) io.stdout.write(`\n\`gazette check\` on ${articleShown}:\n${formatMessages(own, { contentDir: shownRoot })}`);
    if (others > 0) io.stdout.write(`(${others} error${others === 1 ? '' : 's'} in other files not shown: run \`gazette check\`.)\n`);
    if (hasErrors(own)) {
      io.stdout.write(`\n${articleShown} does not pass \`gazette check\` yet: fix what is listed above (and the guesses), then run \`gazette check\`.\n`);
      return 1;
    }
    io.stdout.write(`\n✔ ${articleShown} passes \`gazette check\`. Check the guesses above before you publish.\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gazette import: ${error.message}\n\n${help}`);
      return 1;
    }
    if (error instanceof ImportFailure || error instanceof ContentFactsError) {
      io.stderr.write(`gazette import: ${error.message}\nNothing was written.\n`);
      return 1;
    }
    throw error;
  }
}

/** The Word file itself is the problem: the message names it, says what it is and how to fix it. */
class ImportFailure extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}

const headings: Record<Finding['certainty'], string> = {
  read: 'Read from the document',
  guess: 'Guesses to check',
  missing: 'Not found: add these',
};

/** Findings grouped by certainty, each with the field, the value, the text it came from and what to check. */
function report(file: string, findings: Finding[], warnings: string[]): string {
  const lines: string[] = [];
  for (const certainty of ['read', 'guess', 'missing'] as const) {
    const group = findings.filter((finding) => finding.certainty === certainty);
    if (group.length === 0) continue;
    lines.push('', `${headings[certainty]} (${file}):`);
    for (const finding of group) {
      const value = finding.value === '' ? '' : ` ${finding.value}`;
      const from = finding.from === '' || finding.from === finding.value ? '' : `  ← “${finding.from}”`;
      lines.push(`  ${finding.field}:${value}${from}`, `      ${finding.check}`);
    }
  }
  if (warnings.length > 0) lines.push('', 'Word conversion notes:', ...warnings.map((warning) => `  ${warning}`));
  return `${lines.join('\n')}\n`;
}
