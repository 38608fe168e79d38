// `gazette check` reports column and calendar problems like every content problem.

import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { article, validSite, writeContent } from './fixtures.ts';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/gazette.js');

function gazette(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...argv], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

describe('gazette check with columns and a calendar (spawned)', () => {
  it('prints column and calendar problems with file:line:col and exits with 1', async () => {
    const root = await writeContent({
      ...validSite(),
      'columns/zhidu-zhixingnian.md': '---\ntitle: 制度执行年活动\nrule:\n  topics: [政务公]\n---\n按照梳理、完善、落实三个步骤推进。\n',
      'calendar/2010.yaml': 'year: 2010\nholidays:\n  - { name: 春节, from: 2010-02-13, to: 2010-02-19 }\nworkdays:\n  - { date: 2010-02-22, for: 春节 }\n',
    });
    const { code, stdout, stderr } = await gazette(dirname(root), 'check', '--no-cache');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter((line) => line.startsWith('content/'))).toEqual([
      'content/calendar/2010.yaml:5:13  2010-02-22 is a 星期一, a working day anyway; `workdays` lists only the Saturdays and Sundays worked (调休上班).  workday-not-weekend',
      'content/columns/zhidu-zhixingnian.md:4:12  "政务公" is not a topic (主题分类) in site.yaml.  unknown-topic',
    ]);
    expect(stderr).toContain('    hint: Did you mean `政务公开`?\n');
    expect(stderr).toContain('✖ 2 errors in 2 files');
  });

  it('counts columns and calendar years when the content is valid', async () => {
    const root = await writeContent({
      ...validSite(),
      'gazette/2010/05/huaifu-2010-69.md': article({ tags: '[制度执行年]' }),
      'columns/zhidu-zhixingnian.md': '---\ntitle: 制度执行年活动\nrule: { tags: [制度执行年] }\n---\n',
      'calendar/2010.yaml': 'year: 2010\nholidays:\n  - { name: 春节, from: 2010-02-13, to: 2010-02-19 }\n',
    });
    const { code, stdout } = await gazette(dirname(root), 'check', '--no-cache');
    expect(stdout).toBe('✔ content is valid: 2 issues, 3 articles, 1 release, 1 conference, 1 column, calendar 2010, 0 partners.\n');
    expect(code).toBe(0);
  });
});
