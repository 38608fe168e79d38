import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runNew } from '../../src/cli/new.ts';
import { loadContent } from '../../src/content/load.ts';
import { issue, release, siteYaml, writeContent } from '../content/fixtures.ts';

const now = new Date('2010-12-07T18:30:00Z'); // 2010-12-08 02:30 in Beijing

async function run(root: string, ...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runNew([...argv, '--content', 'content'], { stdout, stderr, cwd: dirname(root) }, now);
  return { code, out, err };
}

describe('gazette new', () => {
  it('scaffolds each kind so that the site still loads without errors', async () => {
    const root = await writeContent({
      'site.yaml': siteYaml,
      'gazette/2010/11/index.md': issue(2010, 11, 59, '2010-11-30'),
      'press/2010/hotline.md': release({ id: 'press-2010-1' }),
    });
    const issueRun = await run(root, 'issue');
    expect(issueRun).toMatchObject({ code: 0, out: expect.stringContaining(join('content', 'gazette', '2010', '12', 'index.md')) });
    const created = await readFile(join(root, 'gazette/2010/12/index.md'), 'utf8');
    expect(created).toContain('number: 12\ntotalNumber: 60\ndate: 2010-12-08');

    expect((await run(root, 'article', '--title', '关于做好2011年元旦春节期间政务公开工作的通知')).code).toBe(0);
    expect((await run(root, 'release', '--slug', 'yuandan-rexian')).code).toBe(0);
    expect((await run(root, 'conference')).code).toBe(0);

    const { content, messages } = await loadContent(root);
    expect(messages).toEqual([]);
    const ids = content?.documents.map((doc) => `${doc.kind} ${doc.id} ${doc.urlPath}`);
    expect(ids).toEqual([
      'article gz-2010-12-1 /gazette/2010/12/gz-2010-12-1/',
      'release press-2010-1 /press/2010/hotline/',
      'conference press-2010-3 /press/2010/press-2010-3/',
      'release press-2010-2 /press/2010/yuandan-rexian/',
    ]);
    expect(content?.documents[0]?.title).toBe('关于做好2011年元旦春节期间政务公开工作的通知');
    // Documents start as drafts (a draft is in no issue's table of contents yet), so their placeholders are never published; the article has its issue's date.
    expect(content?.documents.map((doc) => `${doc.id} ${doc.draft}`)).toEqual([
      'gz-2010-12-1 true',
      'press-2010-1 false',
      'press-2010-3 true',
      'press-2010-2 true',
    ]);
    expect(content?.documents[0]?.date).toBe('2010-12-08');
    expect(content?.issues.at(-1)?.articleIds).toEqual([]);

    // A draft line removed with placeholders left: check names each one, with its place.
    const conferenceFile = join(root, 'press/2010/press-2010-3/index.md');
    await writeFile(conferenceFile, (await readFile(conferenceFile, 'utf8')).replace(/^draft: true.*\n/m, ''));
    const placeholders = (await loadContent(root)).messages.filter((message) => message.ruleId === 'placeholder');
    // The title, the host, a speaker, the question, the answer and the 发布词.
    expect(placeholders.map((message) => message.line)).toEqual([4, 11, 13, 15, 18, 23]);
    expect(placeholders[0]?.message).toContain('"（新闻发布会标题）" is still the placeholder `gazette new` wrote');
  });

  it('keeps a draft with other errors free of placeholder errors: it is still a draft', async () => {
    const root = await writeContent({ 'site.yaml': siteYaml, 'press/2010/hotline.md': release({ id: 'press-2010-1' }) });
    expect((await run(root, 'release', '--slug', 'yuandan-rexian')).code).toBe(0);
    const file = join(root, 'press/2010/yuandan-rexian.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^date: .*$/m, 'date: 2010-13-45'));
    const rules = (await loadContent(root)).messages.map((message) => message.ruleId);
    expect(rules).toContain('invalid-date');
    expect(rules).not.toContain('placeholder');
  });

  it('dates an article as its issue, not today', async () => {
    const root = await writeContent({ 'site.yaml': siteYaml, 'gazette/2010/06/index.md': issue(2010, 6, 54, '2010-06-30') });
    expect((await run(root, 'article', '--title', '关于规范政府信息公开查阅点服务工作的通知')).code).toBe(0);
    const created = await readFile(join(root, 'gazette/2010/06/gz-2010-06-1.md'), 'utf8');
    expect(created).toContain('signedDate: 2010-06-30\ndate: 2010-06-30\n');
  });

  it('refuses to overwrite and explains missing prerequisites', async () => {
    const root = await writeContent({ 'site.yaml': siteYaml, 'gazette/2010/05/index.md': issue(2010, 5, 53, '2010-05-31') });
    const again = await run(root, 'issue', '--issue', '5', '--year', '2010');
    expect(again.code).toBe(1);
    expect(again.err).toContain('gazette/2010/05/index.md already exists');
    const noIssue = await run(root, 'article', '--year', '2009');
    expect(noIssue).toMatchObject({ code: 1, err: expect.stringContaining('there is no issue 2009') });
    const badKind = await run(root, 'speech');
    expect(badKind).toMatchObject({ code: 1, err: expect.stringContaining('one of issue, article, release, conference (not "speech")') });
    const badSlug = await run(root, 'release', '--slug', 'Hot Line');
    expect(badSlug).toMatchObject({ code: 1, err: expect.stringContaining('--slug "Hot Line"') });
  });
});
