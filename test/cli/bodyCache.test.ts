// The body cache of the CLI's data folder (src/publish/bodyCache.ts, src/store/sqliteBodyCache.ts):
// a rebuild for a new site.yaml takes the bodies of articles and releases from it and gives the
// bytes a build without it gives; an entry counts only for the source, language and link targets
// it was rendered with.

import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, writeCorpus } from '../../bench/corpus.ts';

const bin = new URL('../../bin/gazette.js', import.meta.url).pathname;
const example = new URL('../../content', import.meta.url).pathname;
const now = '2010-12-31T12:00:00+08:00';
const article = { id: 'huaifuban-2010-93', file: 'gazette/2010/06/huaifuban-2010-93.md', page: 'gazette/2010/06/huaifuban-2010-93/index.html' };

function build(content: string, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', '--content', content, '--data', data, '--now', now, '--no-pdf'], { env: { ...process.env, CI: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`gazette build exited with ${code}:\n${output}`))));
  });
}

async function pages(data: string): Promise<Map<string, string>> {
  const root = join(data, 'objects', 'site');
  const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.html')).sort();
  return new Map(await Promise.all(files.map(async (file) => [file, await readFile(join(root, file), 'utf8')] as [string, string])));
}

const cacheRows = (data: string) => {
  const database = new Database(join(data, 'cache', 'bodies.sqlite'));
  try {
    return database.prepare('SELECT id, key, links, html FROM rendered_bodies ORDER BY id').all() as { id: string; key: string; links: string; html: string }[];
  } finally {
    database.close();
  }
};

function tamper(data: string, id: string, change: { html: string; links?: string }): void {
  const database = new Database(join(data, 'cache', 'bodies.sqlite'));
  try {
    const changed = database
      .prepare('UPDATE rendered_bodies SET html = ?, links = COALESCE(?, links) WHERE id = ?')
      .run(change.html, change.links ?? null, id).changes;
    expect(changed).toBe(1);
  } finally {
    database.close();
  }
}

async function editSite(content: string, publisher: string): Promise<void> {
  const file = join(content, 'site.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/^publisher: .*$/m, `publisher: ${publisher}`));
}

describe('the body cache', () => {
  let work: string;
  let content: string;
  const data = () => join(work, 'data');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gazette-bodies-'));
    content = join(work, 'content');
    await cp(example, content, { recursive: true });
    await build(content, data());
  }, 120_000);

  it('keeps the body of every article and release, with the links it resolved', () => {
    const rows = cacheRows(data());
    expect(rows.length).toBeGreaterThan(10);
    const row = rows.find((candidate) => candidate.id === article.id);
    expect(JSON.parse(row?.links ?? '[]')).toEqual([['../05/huaifu-2010-69.md', '/gazette/2010/05/huaifu-2010-69/']]);
    expect(row?.html).toContain('href="/gazette/2010/05/huaifu-2010-69/"');
  });

  it('gives a rebuild for a new site.yaml the pages a build without the cache gives', async () => {
    await editSite(content, '淮南市人民政府办公厅');
    expect(await build(content, data())).toMatch(/re-rendered/);
    const fresh = join(work, 'fresh');
    await build(content, fresh);
    const rebuilt = await pages(data());
    expect([...rebuilt.keys()]).toEqual([...(await pages(fresh)).keys()]);
    for (const [file, html] of await pages(fresh)) expect(rebuilt.get(file), file).toBe(html);
    expect(rebuilt.get(article.page)).toContain('淮南市人民政府办公厅');
  }, 120_000);

  it('is what a rebuild takes the body from, unless the source or a link target changed since', async () => {
    // The cache's own entry, changed by hand, shows that the rebuild took the body from it.
    tamper(data(), article.id, { html: '<p>缓存里的正文</p>' });
    await editSite(content, '淮南市人民政府办公室');
    await build(content, data());
    expect((await pages(data())).get(article.page)).toContain('<p>缓存里的正文</p>');

    // A link that resolves elsewhere now: the entry no longer counts.
    tamper(data(), article.id, { html: '<p>缓存里的正文</p>', links: JSON.stringify([['../05/huaifu-2010-69.md', '/gazette/2010/05/elsewhere/']]) });
    await editSite(content, '淮南市人民政府办公厅');
    await build(content, data());
    let page = (await pages(data())).get(article.page) ?? '';
    expect(page).not.toContain('缓存里的正文');
    expect(page).toContain('href="/gazette/2010/05/huaifu-2010-69/"');

    // A new source: the entry no longer counts either.
    tamper(data(), article.id, { html: '<p>缓存里的正文</p>' });
    const file = join(content, article.file);
    const corrected = (await readFile(file, 'utf8')).replace(/^date: .*$/m, (line) => `${line}\nchangeNote: 补充施行日期。\nchangeDate: 2010-07-05`);
    await writeFile(file, `${corrected}\n本通知自印发之日起施行。\n`);
    await build(content, data());
    page = (await pages(data())).get(article.page) ?? '';
    expect(page).not.toContain('缓存里的正文');
    expect(page).toContain('本通知自印发之日起施行。');
  }, 180_000);
});

describe('the body cache, with the render threads of a larger build', () => {
  // Past the renderer's threshold for worker threads (64 documents): the main thread checks each
  // cached body's links and sends a body that still fits without the document's Markdown.
  it('gives the pages a build without the cache gives, from cached bodies that fit, and parses those that do not', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gazette-bodies-threads-'));
    const content = join(work, 'content');
    await writeCorpus(generateCorpus(72), content);
    const data = join(work, 'data');
    await build(content, data);
    const [fits, stale] = cacheRows(data);
    if (fits === undefined || stale === undefined) throw new Error('the build kept fewer than two bodies');
    // One entry changed by hand shows the rebuild took it; another names a link that resolves elsewhere now.
    tamper(data, fits.id, { html: '<p>缓存里的正文</p>' });
    tamper(data, stale.id, { html: '<p>不该出现的正文</p>', links: JSON.stringify([['missing.md', '/gazette/elsewhere/']]) });
    await editSite(content, '淮南市人民政府办公厅');
    expect(await build(content, data)).toMatch(/re-rendered/);
    const fresh = join(work, 'fresh');
    await build(content, fresh);
    const rebuilt = await pages(data);
    const expected = await pages(fresh);
    expect([...rebuilt.keys()]).toEqual([...expected.keys()]);
    const fromTamperedEntry = [...rebuilt].filter(([, html]) => html.includes('<p>缓存里的正文</p>')).map(([file]) => file);
    expect(fromTamperedEntry).toHaveLength(1);
    expect([...rebuilt.values()].some((html) => html.includes('不该出现的正文'))).toBe(false);
    for (const [file, html] of expected) if (!fromTamperedEntry.includes(file)) expect(rebuilt.get(file), file).toBe(html);
  }, 180_000);
});
