import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check.ts';
import { article, release, validSite, writeContent } from '../content/fixtures.ts';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/gazette.js');

function gazette(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...argv], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
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
      'partners.yaml': 'partners:\n  - id: news\n    name: 新闻网\n    takes:\n      kinds: [release]\n      topics: [不存在的主题]\n      fullText: true\n    webhook:\n      url: https://hooks.news.example/\n      secret: { env: NEWS_SECRET }\n',
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

  it('explains unknown options and a missing content folder', async () => {
    const root = await writeContent(validSite());
    const unknown = await run(dirname(root), '--contnet', 'x');
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining("Unknown option '--contnet'. Did you mean `--content`?") });
    const missing = await run(dirname(root), '--content', 'nowhere', '--no-cache');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nowhere:1:1  There is no content folder at');
  });
});
