// The CLI as a user runs it: `gazette build` then `gazette preview`, each opening the default
// embedded stores under --data (files and SQLite; no server, no Java).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFiles, writeSite } from '../publish/site.ts';

const bin = new URL('../../bin/gazette.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: '1', ...env }, ...(cwd === undefined ? {} : { cwd }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('gazette build and preview', () => {
  let work: string;
  let content: string;
  let build: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gazette-cli-'));
    content = await writeSite(sampleFiles(), join(work, 'content'));
    // A PATH with git (for the audit trail's commit) and no java: the default stores need none.
    const path = join(work, 'path');
    await mkdir(path);
    await symlink(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(path, 'git'));
    build = await run(['build', '--content', content, '--data', join(work, 'data'), '--out', join(work, 'out'), '--now', '2010-06-25T08:00:00+08:00'], {
      PATH: path,
    });
  }, 120_000);

  it('publishes the site and mirrors exactly the public objects to --out', async () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/created\s+gazette\/2010\/05\/huaifu-2010-69\.md/);
    expect(build.stdout).toMatch(/scheduled\s+press\/2010\/embargoed\.md/);
    expect(build.stdout).toMatch(/Published 5 new and 0 changed documents, 0 unchanged, 1 scheduled for later, 1 drafts skipped/);
    const files = await filesUnder(join(work, 'out'));
    expect(files).toContain('index.html');
    expect(files).toContain('404.html');
    expect(files).toContain('gazette/2010/05/index.html');
    expect(files).toContain('press/2010/briefing/photo.png');
    expect(files.some((file) => file.includes('embargoed') || file.includes('draft'))).toBe(false);
    expect(await readFile(join(work, 'out/gazette/2010/05/huaifu-2010-69/index.html'), 'utf8')).toContain('淮府〔2010〕69号');
  });

  it('keeps the site as plain files and the records in one SQLite file under --data, without Java, and links --out to them', async () => {
    expect((await readdir(join(work, 'data'))).sort()).toEqual(['cache', 'gazette.sqlite', 'objects', 'published.json']);
    const site = join(work, 'data/objects/site');
    expect(await filesUnder(site)).toEqual(await filesUnder(join(work, 'out')));
    // --out holds hard links to the store's files: the same inode, no second copy of the bytes.
    const [stored, mirrored] = await Promise.all([stat(join(site, 'index.html')), stat(join(work, 'out/index.html'))]);
    expect(mirrored.ino).toBe(stored.ino);
  });

  it('with --jobs 2, renders in worker processes and publishes byte for byte what one process does', async () => {
    const parallel = await run([
      'build',
      '--jobs',
      '2',
      '--content',
      content,
      '--data',
      join(work, 'data-jobs'),
      '--out',
      join(work, 'out-jobs'),
      '--now',
      '2010-06-25T08:00:00+08:00',
    ]);
    expect(parallel.stderr).toBe('');
    expect(parallel.code).toBe(0);
    expect(parallel.stdout).toMatch(/Published 5 new and 0 changed documents, 0 unchanged, 1 scheduled for later, 1 drafts skipped/);
    expect(parallel.stdout).toMatch(/document jobs in 2 worker processes\.\n/);
    // The workers wrote the embedded stores beside the build's own process.
    expect((await readdir(join(work, 'data-jobs'))).sort()).toEqual(['cache', 'gazette.sqlite', 'objects', 'published.json']);
    const files = await filesUnder(join(work, 'out'));
    expect(await filesUnder(join(work, 'out-jobs'))).toEqual(files);
    for (const file of files) {
      expect((await readFile(join(work, 'out-jobs', file))).equals(await readFile(join(work, 'out', file))), file).toBe(true);
    }
  }, 120_000);

  it('says which documents it skipped on the next build', async () => {
    const again = await run(['build', '--content', content, '--data', join(work, 'data'), '--now', '2010-06-26T08:00:00+08:00']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged\s+press\/2010\/hotline\.md/);
    expect(again.stdout).toMatch(/Published 0 new and 0 changed documents, 5 unchanged/);
  }, 120_000);

  it('releases an embargoed document once its time has come, and its history shows both steps', async () => {
    const early = await run(['release', '--content', content, '--data', join(work, 'data'), '--now', '2010-06-29T08:00:00+08:00']);
    expect(early.stdout).toMatch(/0 new and 0 changed documents, 5 unchanged, 1 scheduled for later/);
    const due = await run(['release', '--content', content, '--data', join(work, 'data'), '--now', '2010-06-30T10:00:00+08:00']);
    expect(due.code).toBe(0);
    expect(due.stdout).toMatch(/released\s+press\/2010\/embargoed\.md/);
    expect(due.stdout).toMatch(/1 released from embargo/);
    const history = await run(['history', 'press-2010-embargoed', '--data', join(work, 'data')]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/scheduled/);
    expect(history.stdout).toMatch(/released/);
  }, 120_000);

  it('has `gazette check` refuse deleting a published file, and changing one without a change note', async () => {
    const copy = await writeSite({ ...sampleFiles() }, join(work, 'edited'));
    await rm(join(copy, 'press/2010/hotline-en.md'));
    const hotline = join(copy, 'press/2010/hotline.md');
    await writeFile(hotline, (await readFile(hotline, 'utf8')).replace('一万余件', '一万二千余件'));
    const result = await run(['check', '--content', copy, '--data', join(work, 'data'), '--no-cache', '--now', '2010-06-30T12:00:00+08:00']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/press\/2010\/hotline-en\.md:1:1 .*published-file-deleted/);
    expect(result.stderr).toMatch(/press\/2010\/hotline\.md:\d+:\d+ .*missing-change-note/);
    expect(result.stderr).toContain('withdrawn');
  }, 60_000);

  it('names the files of what the published state refuses as the editor reaches them from where the command runs', async () => {
    const copy = await writeSite({ ...sampleFiles() }, join(work, 'refused', 'site'));
    const hotline = join(copy, 'press/2010/hotline.md');
    await writeFile(hotline, (await readFile(hotline, 'utf8')).replace('一万余件', '一万二千余件'));
    const before = await filesUnder(join(work, 'data'));
    const result = await run(['build', '--content', 'site', '--data', join(work, 'data'), '--now', '2010-06-30T12:00:00+08:00'], {}, join(work, 'refused'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^site\/press\/2010\/hotline\.md:\d+:\d+ .*missing-change-note$/m);
    expect(result.stderr).not.toMatch(/(^|\s)content\/press/);
    expect(result.stderr).toContain('Nothing was published: fix the errors above and build again.');
    // Refused before any write: nothing to finish by running again.
    expect(result.stderr).not.toContain('What was written before the error');
    expect(await filesUnder(join(work, 'data'))).toEqual(before);
  }, 60_000);

  it('publishes nothing from content with errors and says where they are', async () => {
    const broken = await writeSite({
      ...sampleFiles(),
      'press/2010/bad.md': '---\nid: press-bad\ntitle: 日期错误\ndate: 2010-02-30\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n正文\n',
    });
    const result = await run(['build', '--content', broken, '--data', join(work, 'data-broken')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/press\/2010\/bad\.md:4:7/);
    expect(result.stderr).toContain('Nothing was published');
  }, 60_000);

  describe('preview', () => {
    let child: ChildProcess;
    let base: string;

    beforeAll(async () => {
      child = spawn(process.execPath, [bin, 'preview', '--port', '0', '--data', join(work, 'data')], { env: { ...process.env, CI: '1' } });
      base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /http:\/\/localhost:\d+\//.exec(out);
          if (match) resolve(match[0]);
        });
        child.on('exit', (code) => reject(new Error(`preview exited with ${code}: ${out}`)));
      });
    }, 120_000);

    afterAll(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    });

    it('serves pages with their stored type, cache policy and ETag', async () => {
      const response = await fetch(new URL('gazette/2010/05/', base));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toContain('max-age');
      expect(await response.text()).toContain('2010年第5期');
      const etag = response.headers.get('etag') ?? '';
      const cached = await fetch(new URL('gazette/2010/05/', base), { headers: { 'if-none-match': etag } });
      expect(cached.status).toBe(304);
    });

    it('redirects a folder without its slash and answers 404 with the site page', async () => {
      const redirect = await fetch(new URL('gazette/2010/05', base), { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/gazette/2010/05/');
      const missing = await fetch(new URL('no/such/page/', base));
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('<html');
    });

    it('never serves anything outside the public site', async () => {
      for (const path of ['/..%2fprivate%2fstate%2fbuild.json', '/%2e%2e/private/state/build.json', '/../private/state/build.json']) {
        const response = await fetch(base.replace(/\/$/, '') + path);
        expect(response.status).toBe(404);
      }
    });
  });

  it('rejects an unknown option with the usage', async () => {
    const result = await run(['build', '--colour']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Usage: gazette build');
  });

  it('rejects an unknown store set, naming both', async () => {
    const result = await run(['build', '--stores', 'dynamo', '--content', content, '--data', join(work, 'data-bad')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--stores "dynamo" is not a store set. Use --stores embedded');
    expect(result.stderr).toContain('--stores aws-local');
    expect(result.stderr).toContain('--stores SET');
  });
});
