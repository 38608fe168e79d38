// `gazette new`: write a valid scaffold for an issue, article, release or conference, with a
// fresh id and today's date (an article: its issue's), so an editor starts from something
// `gazette check` accepts. Documents start as drafts: their placeholders are never published.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYaml, splitFrontMatter } from '../content/frontmatter.ts';
import { idPattern, slugPattern } from '../content/ids.ts';
import { DEFAULT_UTC_OFFSET, localDate, utcOffsetPattern } from '../content/siteSettings.ts';
import { parseCommand } from './args.ts';

const kinds = ['issue', 'article', 'release', 'conference'] as const;
type Kind = (typeof kinds)[number];

const help = `Usage: gazette new <issue|article|release|conference> [options]

Write a new file that passes \`gazette check\`, with a fresh id and today's date (an article: its
issue's), and print its path. Articles, releases and conferences start as drafts (\`draft: true\`):
remove that line once the placeholders are replaced. Existing files are never overwritten.

Options:
  --content DIR   content folder (default: content)
  --year Y        year of the issue or release (default: this year; articles: the latest issue)
  --issue NN      issue number (issue: the next one; article: the latest issue of the year)
  --slug S        file or folder name: lower-case letters, digits and "-" (default: the id)
  --title T       title (default: a placeholder to replace)
  -h, --help      show this help
`;

export interface NewIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

class UsageError extends Error {}

interface IssueInfo {
  year: number;
  number: number;
  totalNumber: number;
  /** The issue's date: an article in it is dated so, as the catalogue and feeds file it. */
  date?: string;
}

export async function runNew(argv: string[], io: NewIo, now: Date): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette new',
    help,
    positionals: true,
    options: {
      content: { type: 'string', default: 'content' },
      year: { type: 'string' },
      issue: { type: 'string' },
      slug: { type: 'string' },
      title: { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  try {
    const kind = positionals[0];
    if (positionals.length !== 1 || !kinds.includes(kind as Kind)) {
      throw new UsageError(`say what to create: one of ${kinds.join(', ')}${kind === undefined ? '' : ` (not "${positionals.join(' ')}")`}.`);
    }
    const root = resolve(io.cwd, values.content);
    if (!existsSync(join(root, 'site.yaml'))) {
      throw new UsageError(`there is no site.yaml in ${relative(io.cwd, root) || '.'}; pass --content with the content folder.`);
    }
    const file = await scaffold(kind as Kind, root, {
      today: await siteToday(root, now),
      year: optionalInteger(values.year, '--year'),
      issue: optionalInteger(values.issue, '--issue'),
      slug: values.slug,
      title: values.title,
    });
    io.stdout.write(
      `Created ${relative(io.cwd, file)}\n` +
        (kind === 'issue'
          ? 'Edit it, then run `gazette check`.\n'
          : 'It is a draft (`draft: true`): checked, never published. Write it, remove that line, then run `gazette check`.\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gazette new: ${error.message}\n\n${help}`);
      return 1;
    }
    if (error instanceof ScaffoldError) {
      io.stderr.write(`gazette new: ${error.message}\nNothing was written.\n`);
      return 1;
    }
    throw error;
  }
}

class ScaffoldError extends Error {}

interface ScaffoldOptions {
  today: string;
  year: number | undefined;
  issue: number | undefined;
  slug: string | undefined;
  title: string | undefined;
}

async function scaffold(kind: Kind, root: string, options: ScaffoldOptions): Promise<string> {
  const site = await readSiteNames(root);
  const ids = await existingIds(root);
  const issues = await existingIssues(root);
  const thisYear = Number(options.today.slice(0, 4));
  const values: Record<string, string> = {
    date: options.today,
    section: site.section,
    department: site.department,
    category: site.category,
    title: JSON.stringify(options.title ?? placeholderTitles[kind]),
  };
  let target: string;
  if (kind === 'issue') {
    const year = options.year ?? thisYear;
    const inYear = issues.filter((issue) => issue.year === year);
    const number = options.issue ?? Math.max(0, ...inYear.map((issue) => issue.number)) + 1;
    const earlier = issues.filter((issue) => issue.year < year || (issue.year === year && issue.number < number));
    const previous = earlier.sort((a, b) => a.year - b.year || a.number - b.number).at(-1);
    Object.assign(values, { year: String(year), number: String(number), totalNumber: String((previous?.totalNumber ?? 0) + 1) });
    target = join(root, 'gazette', String(year), pad(number), 'index.md');
  } else if (kind === 'article') {
    const candidates = issues.filter(
      (issue) => (options.year === undefined || issue.year === options.year) && (options.issue === undefined || issue.number === options.issue),
    );
    const issue = candidates.sort((a, b) => a.year - b.year || a.number - b.number).at(-1);
    if (issue === undefined) {
      throw new ScaffoldError(
        options.year === undefined && options.issue === undefined
          ? 'there is no issue yet; create one first with `gazette new issue`.'
          : `there is no issue ${options.year ?? ''}${options.issue !== undefined ? `/${pad(options.issue)}` : ''}; create it first with \`gazette new issue\`.`,
      );
    }
    const id = freshId(`gz-${issue.year}-${pad(issue.number)}`, ids);
    // Dated as its issue (发布日期), not today: an article of a past issue is filed under that issue's month.
    Object.assign(values, { id, year: String(issue.year), ...(issue.date === undefined ? {} : { date: issue.date }) });
    target = join(root, 'gazette', String(issue.year), pad(issue.number), `${slugOf(options.slug, id)}.md`);
  } else {
    const year = options.year ?? thisYear;
    const id = freshId(`press-${year}`, ids);
    Object.assign(values, { id, year: String(year) });
    const slug = slugOf(options.slug, id);
    target = kind === 'release' ? join(root, 'press', String(year), `${slug}.md`) : join(root, 'press', String(year), slug, 'index.md');
  }
  // A release is either press/<year>/<slug>.md or the bundle press/<year>/<slug>/index.md: never both.
  const twin = kind === 'release' ? join(target.slice(0, -'.md'.length), 'index.md') : kind === 'conference' ? `${dirname(target)}.md` : undefined;
  for (const path of [target, twin]) {
    if (path !== undefined && existsSync(path)) {
      throw new ScaffoldError(`${relative(dirname(root), path)} already exists; choose another --slug${kind === 'issue' ? ' or --issue' : ''}.`);
    }
  }
  const template = await readFile(join(templatesDir(), `${kind}.md`), 'utf8');
  const text = template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text, { flag: 'wx' });
  return target;
}

const placeholderTitles: Record<Kind, string> = {
  issue: '',
  article: '（文件标题）',
  release: '（新闻稿标题）',
  conference: '（新闻发布会标题）',
};

function templatesDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates', 'scaffolds');
}

function slugOf(slug: string | undefined, id: string): string {
  if (slug === undefined) return id;
  if (!slugPattern.test(slug)) throw new UsageError(`--slug "${slug}" must be lower-case ASCII letters, digits and "-" (pinyin is fine).`);
  return slug;
}

/** `<prefix>-<n>` with the smallest n no document uses yet. */
function freshId(prefix: string, ids: Set<string>): string {
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (!ids.has(id) && idPattern.test(id)) return id;
  }
}

function pad(number: number): string {
  return String(number).padStart(2, '0');
}

function optionalInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} "${value}" must be a positive whole number.`);
  return Number(value);
}

/** The calendar date at `now` in the site's offset (site.yaml `utcOffset`, read leniently): the site's day. */
async function siteToday(root: string, now: Date): Promise<string> {
  const data = parseYaml(await readFile(join(root, 'site.yaml'), 'utf8')).data as { utcOffset?: unknown } | null | undefined;
  const offset = typeof data?.utcOffset === 'string' && utcOffsetPattern.test(data.utcOffset) ? data.utcOffset : DEFAULT_UTC_OFFSET;
  return localDate(now, offset);
}

async function readSiteNames(root: string): Promise<{ section: string; department: string; category: string }> {
  const data = parseYaml(await readFile(join(root, 'site.yaml'), 'utf8')).data as Record<string, { name?: unknown }[] | undefined> | undefined;
  const first = (list: string) => {
    const name = data?.[list]?.[0]?.name;
    if (typeof name !== 'string') throw new ScaffoldError(`site.yaml has no ${list}; run \`gazette check\` and fix site.yaml first.`);
    return name;
  };
  return { section: first('sections'), department: first('departments'), category: first('topics') };
}

async function markdownFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.md')).map((entry) => join(entry.parentPath, entry.name));
}

/** Ids of every document, read leniently so a scaffold can be made while other files are broken. */
async function existingIds(root: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const file of await markdownFiles(root)) {
    const match = /^id:\s*["']?([^"'\s#]+)/m.exec(splitFrontMatter(await readFile(file, 'utf8')).yaml ?? '');
    if (match !== null) ids.add(match[1] as string);
  }
  return ids;
}

async function existingIssues(root: string): Promise<IssueInfo[]> {
  const issues: IssueInfo[] = [];
  for (const file of await markdownFiles(join(root, 'gazette')).catch(() => [])) {
    if (!file.endsWith(`${join('/', 'index.md')}`)) continue;
    const data = parseYaml(splitFrontMatter(await readFile(file, 'utf8')).yaml ?? '').data as Partial<IssueInfo> | undefined;
    if (typeof data?.year === 'number' && typeof data.number === 'number' && typeof data.totalNumber === 'number') {
      issues.push({ year: data.year, number: data.number, totalNumber: data.totalNumber, ...(typeof data.date === 'string' ? { date: data.date } : {}) });
    }
  }
  return issues;
}
