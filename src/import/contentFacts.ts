// What an import needs to know of the content folder: site.yaml's names, the target issue, and
// the articles already there (their ids, 文号, departments, sections and topics), read leniently so
// a Word file can be imported while another file is broken.

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYaml, splitFrontMatter } from '../content/frontmatter.ts';

export interface ExistingArticle {
  id?: string;
  docNumber?: string;
  department?: string;
  section?: string;
  category?: string;
}

export interface ContentFacts {
  departments: string[];
  topics: string[];
  sections: string[];
  issue: { year: number; number: number; date: string; folder: string };
  /** Every document id in the folder (articles, releases, conferences). */
  ids: Set<string>;
  articles: ExistingArticle[];
}

/** Something about the content folder keeps the import from starting; the message says what to do. */
export class ContentFactsError extends Error {}

export async function readContentFacts(root: string, year: number, number: number): Promise<ContentFacts> {
  if (!existsSync(join(root, 'site.yaml'))) throw new ContentFactsError(`there is no site.yaml in ${root}; pass --content with the content folder.`);
  const site = parseYaml(await readFile(join(root, 'site.yaml'), 'utf8')).data as Record<string, { name?: unknown }[] | undefined> | undefined;
  const names = (list: string) => (site?.[list] ?? []).map((entry) => entry?.name).filter((name): name is string => typeof name === 'string');
  const [departments, topics, sections] = [names('departments'), names('topics'), names('sections')];
  if (departments.length === 0 || topics.length === 0 || sections.length === 0) {
    throw new ContentFactsError('site.yaml lists no departments, topics or sections; run `gazette check` and fix site.yaml first.');
  }
  const folder = join(root, 'gazette', String(year), String(number).padStart(2, '0'));
  const indexFile = join(folder, 'index.md');
  if (!existsSync(indexFile)) {
    throw new ContentFactsError(
      `there is no issue ${year}/${String(number).padStart(2, '0')} (no ${join('gazette', String(year), String(number).padStart(2, '0'), 'index.md')}); create it first with \`gazette new issue --year ${year} --issue ${number}\`.`,
    );
  }
  const issue = frontMatterOf(await readFile(indexFile, 'utf8'));
  if (typeof issue?.['date'] !== 'string')
    throw new ContentFactsError(`the issue ${year}/${String(number).padStart(2, '0')} has no date in its index.md; run \`gazette check\` and fix it first.`);
  const ids = new Set<string>();
  const articles: ExistingArticle[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.md') || entry.name.startsWith('.')) continue;
    const data = frontMatterOf(await readFile(join(entry.parentPath, entry.name), 'utf8'));
    if (data === undefined) continue;
    const text = (key: string) => (typeof data[key] === 'string' ? data[key] : undefined);
    const id = text('id');
    if (id !== undefined) ids.add(id);
    if (text('section') !== undefined) {
      articles.push({ id, docNumber: text('docNumber'), department: text('department'), section: text('section'), category: text('category') });
    }
  }
  return { departments, topics, sections, issue: { year, number, date: issue['date'], folder }, ids, articles };
}

function frontMatterOf(text: string): Record<string, unknown> | undefined {
  const yaml = splitFrontMatter(text).yaml;
  if (yaml === undefined) return undefined;
  const data = parseYaml(yaml).data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}
