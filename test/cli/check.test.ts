import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check.ts';
import { loadContent } from '../../src/content/load.ts';
import { article, release, validSite, writeContent } from '../content/fixtures.ts';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/gazette.js');

function gazette(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...argv], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** `content/<file> <rule>` of each problem check printed. */
function fileRules(printed: string): string[] {
  return printed
    .split('\n')
    .filter((line) => line.startsWith('content/'))
    .map((line) => line.replace(/^(\S+?):\d.* (\S+)$/, '$1 $2'));
}

describe('gazette check (spawned)', () => {
  it('prints every problem with its position and exits with 1', async () => {
    const root = await writeContent({
      ...validSite(),
      'gazette/2010/05/huaifu-2010-69.md': article({ signdDate: '2010-04-20', signedDate: undefined, docNumber: '淮府（2010）69号' }),
      'press/2010/hotline-12345.md': release({ department: '新闻办' }),
    });
    const { code, stdout, stderr } = await gazette(dirname(root), 'check');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n');
    expect(lines.filter((line) => line.startsWith('content/'))).toEqual([
      'content/gazette/2010/05/huaifu-2010-69.md:2:1  `signedDate` (成文日期) is missing.  missing-field',
      'content/gazette/2010/05/huaifu-2010-69.md:6:12  In "淮府（2010）69号", the year is in （）, but a 文号 uses the 六角括号 〔〕.  invalid-doc-number',
      'content/gazette/2010/05/huaifu-2010-69.md:9:1  `signdDate` is not a field of this front matter.  unknown-field',
      'content/press/2010/hotline-12345.md:5:13  "新闻办" is not a department (发布机构) in site.yaml.  unknown-department',
    ]);
    expect(stderr).toContain('    hint: Write it as 淮府〔2010〕69号\n');
    expect(stderr).toContain('    hint: Did you mean `signedDate`?\n');
    expect(lines).toContain('✖ 4 errors in 2 files');
  });

  it('lists the problems of single files and across files in one run, and a build of the same tree publishes nothing', async () => {
    const root = await writeContent({
      ...validSite(),
      // Its own problems (a date that does not exist, a misspelt field), and ones across files:
      // an unknown department, a broken link, another document's 文号.
      'gazette/2010/05/huaifu-2010-69.md': article(
        { date: '2010-05-32', department: '淮南市政府', docNumber: '淮府办〔2010〕72号', signdDate: '2010-04-20', signedDate: undefined },
        '现就进一步推进政务公开工作提出如下意见，详见[目录](gkml-2011.pdf)。\n',
      ),
      // Valid on its own, and superseded by the file with errors: that id exists, nothing to report.
      'gazette/2010/05/c-old.md': article({
        id: 'huaifu-2009-12',
        docNumber: '淮府〔2009〕12号',
        signedDate: '2009-03-01',
        validity: '失效',
        supersededBy: 'huaifu-2010-69',
      }),
      // An article whose issue has no index.md.
      'gazette/2010/07/orphan.md': article({ id: 'huaifu-2010-90', docNumber: '淮府〔2010〕90号' }),
      'partners.yaml':
        'partners:\n  - id: news\n    name: 新闻网\n    takes:\n      kinds: [release]\n      topics: [不存在的主题]\n      fullText: true\n    webhook:\n      url: https://hooks.news.example/\n      secret: { env: NEWS_SECRET }\n',
    });
    const check = await gazette(dirname(root), 'check', '--no-cache');
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('');
    expect(
      check.stderr
        .split('\n')
        .filter((line) => line.startsWith('content/'))
        .map((line) => line.replace(/ {2}.* {2}/, ' ')),
    ).toEqual([
      'content/gazette/2010/05/b-notice.md:6:12 duplicate-doc-number',
      'content/gazette/2010/05/huaifu-2010-69.md:2:1 missing-field',
      'content/gazette/2010/05/huaifu-2010-69.md:5:13 unknown-department',
      'content/gazette/2010/05/huaifu-2010-69.md:6:12 duplicate-doc-number',
      'content/gazette/2010/05/huaifu-2010-69.md:7:7 invalid-date',
      'content/gazette/2010/05/huaifu-2010-69.md:9:1 unknown-field',
      'content/gazette/2010/05/huaifu-2010-69.md:11:23 broken-link',
      'content/gazette/2010/07/orphan.md:1:1 missing-issue',
      'content/partners.yaml:6:16 unknown-topic',
    ]);
    // Each says what was expected or what to do, as the other messages do.
    expect(check.stderr).toContain('    hint: Did you mean 淮南市人民政府?\n');
    expect(check.stderr).toContain('The 文号 淮府办〔2010〕72号 is also the 文号 of content/gazette/2010/05/b-notice.md.');
    expect(check.stderr).toContain('✖ 9 errors in 4 files');

    const build = await gazette(dirname(root), 'build', '--data', 'data');
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('Nothing was published');
    expect(existsSync(join(dirname(root), 'data', 'objects'))).toBe(false);
    expect(existsSync(join(dirname(root), 'data', 'published.json'))).toBe(false);
  }, 60_000);

  it('exits with 0 and counts what it found when the content is valid', async () => {
    const root = await writeContent(validSite());
    const { code, stdout } = await gazette(dirname(root), 'check', '--content', 'content');
    expect(stdout).toBe('✔ content is valid: 2 issues, 3 articles, 1 release, 1 conference, 0 partners.\n');
    expect(code).toBe(0);
    expect(existsSync(join(dirname(root), '.gazette', 'cache', 'content.json'))).toBe(true);
  });

  it('checks partners.yaml with the content and positions its problems', async () => {
    const root = await writeContent({
      ...validSite(),
      'partners.yaml':
        'partners:\n  - id: news\n    name: 新闻网\n    takes:\n      kinds: [release]\n      topics: [不存在的主题]\n      fullText: true\n    webhook:\n      url: https://hooks.news.example/\n      secret: { env: NEWS_SECRET }\n',
    });
    const { code, stderr } = await gazette(dirname(root), 'check');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^content\/partners\.yaml:6:\d+ .*不存在的主题/m);
  });
});

describe('runCheck', () => {
  async function run(cwd: string, ...argv: string[]) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await runCheck(argv, { stdout, stderr, cwd });
    return { code, out, err };
  }

  it('passes with warnings, printing them', async () => {
    const root = await writeContent({ ...validSite(), 'press/2010/hotline-12345.md': release({}, '<iframe src="https://v.example.com/1"></iframe>\n') });
    const { code, out } = await run(dirname(root), '--no-cache');
    expect(code).toBe(0);
    expect(out).toContain('content/press/2010/hotline-12345.md:8:1  warning: This HTML contains <iframe>');
    expect(out).toContain('⚠ 1 warning in 1 file');
    expect(existsSync(join(dirname(root), '.gazette'))).toBe(false);
  });

  it('compares with what was published even when the content has errors, without taking a file with errors for deleted', async () => {
    const root = await writeContent({
      ...validSite(),
      // Published, now with an error and an unreadable id: still there, not deleted.
      'gazette/2010/05/a-speech.md': article({ id: 'Speech 2010', section: '领导讲话', docNumber: undefined }),
      // Published, now with an error of its own but a readable id.
      'press/2010/hotline-12345.md': release({ date: '2010-12-32' }),
    });
    await mkdir(join(dirname(root), '.gazette'));
    await writeFile(
      join(dirname(root), '.gazette', 'published.json'),
      JSON.stringify([
        { id: 'speech-2010-daiqiyuan', file: 'gazette/2010/05/a-speech.md', version: 1, status: 'published' },
        { id: 'press-2010-hotline-12345', file: 'press/2010/hotline-12345.md', version: 1, status: 'published' },
        { id: 'press-2010-gone', file: 'press/2010/gone.md', version: 2, status: 'published' },
      ]),
    );
    const { code, err } = await run(dirname(root), '--no-cache');
    expect(code).toBe(1);
    expect(
      err
        .split('\n')
        .filter((line) => line.startsWith('content/'))
        .map((line) => line.replace(/ {2}.* {2}/, ' ')),
    ).toEqual([
      'content/gazette/2010/05/a-speech.md:2:5 invalid-id',
      'content/press/2010/gone.md:1:1 published-file-deleted',
      'content/press/2010/hotline-12345.md:4:7 invalid-date',
    ]);
  });

  it('says only duplicate-id of a new file that takes a published document\u2019s id, no missing change note', async () => {
    const root = await writeContent(validSite());
    // Published as it is now; then a new file takes its id.
    const { content } = await loadContent(root);
    const contentDigest = content?.documents.find((doc) => doc.id === 'press-2010-hotline-12345')?.sourceDigest;
    await writeFile(join(root, 'press/2010/hotline-copy.md'), release({ title: '12345市长公开电话再创新高' }));
    await mkdir(join(dirname(root), '.gazette'));
    await writeFile(
      join(dirname(root), '.gazette', 'published.json'),
      JSON.stringify([{ id: 'press-2010-hotline-12345', file: 'press/2010/hotline-12345.md', version: 1, status: 'published', contentDigest }]),
    );
    const { code, err } = await run(dirname(root), '--no-cache');
    expect(code).toBe(1);
    const rules = fileRules(err);
    expect(rules).toEqual(['content/press/2010/hotline-12345.md duplicate-id', 'content/press/2010/hotline-copy.md duplicate-id']);
  });

  it('still asks a published document moved to another file and changed for its change note', async () => {
    const root = await writeContent(validSite());
    await mkdir(join(dirname(root), '.gazette'));
    await writeFile(
      join(dirname(root), '.gazette', 'published.json'),
      JSON.stringify([{ id: 'press-2010-hotline-12345', file: 'press/2010/hotline-old.md', version: 1, status: 'published', contentDigest: 'a'.repeat(64) }]),
    );
    const { code, err } = await run(dirname(root), '--no-cache');
    expect(code).toBe(1);
    const rules = fileRules(err);
    expect(rules).toContain('content/press/2010/hotline-12345.md missing-change-note');
  });

  it('explains unknown options and a missing content folder', async () => {
    const root = await writeContent(validSite());
    const unknown = await run(dirname(root), '--contnet', 'x');
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining("Unknown option '--contnet'. Did you mean `--content`?") });
    const missing = await run(dirname(root), '--content', 'nowhere', '--no-cache');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nowhere:1:1  There is no content folder at');
  });
});
