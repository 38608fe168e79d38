// Watch mode as an editor uses it: `gazette preview --build --watch` keeps serving the site and
// publishes again after each save: an edit, a new file, a mistake (nothing published, the
// message names the file and line), and its fix.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { readPublishedIndex } from '../../src/cli/publishedIndex.ts';
import { readSnapshot } from '../../src/cli/snapshotFile.ts';
import { folderCopy, verifySiteCopy } from '../../src/manifest/verify.ts';
import type { StateSnapshot } from '../../src/publish/snapshot.ts';

const bin = new URL('../../bin/gazette.js', import.meta.url).pathname;

describe('gazette preview --build --watch', () => {
  let work: string;
  let content: string;
  let child: ChildProcess;
  let base: string;
  let stdout = '';
  let stderr = '';

  /** Resolve when `pattern` appears in the output after `from` (characters already seen). */
  function waitFor(stream: () => string, pattern: RegExp, from: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`)), 60_000);
      const check = () => {
        const text = stream().slice(from);
        if (pattern.test(text)) {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          resolve(text);
        }
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      check();
    });
  }
  const watching = /Watching content\/ for changes/;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gazette-watch-'));
    content = await writeSite(sampleFiles(), join(work, 'content'));
    child = spawn(
      process.execPath,
      [bin, 'preview', '--build', '--watch', '--port', '0', '--content', content, '--data', join(work, 'data'), '--now', '2010-06-25T08:00:00+08:00'],
      {
        env: { ...process.env, CI: '1' },
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = await waitFor(() => stdout, /http:\/\/localhost:\d+\//, 0);
    base = (/http:\/\/localhost:\d+\//.exec(ready) as RegExpExecArray)[0];
    await waitFor(() => stdout, watching, 0);
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    await rm(work, { recursive: true, force: true });
  });

  const page = async (path: string) => {
    const response = await fetch(new URL(path, base));
    return { status: response.status, text: await response.text() };
  };

  it('publishes an edit as soon as the file is saved', async () => {
    expect((await page('press/2010/hotline/')).text).toContain('一万余件');
    const from = stdout.length;
    const file = join(content, 'press/2010/hotline.md');
    const edited = (await readFile(file, 'utf8'))
      .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 更正受理数量。\nchangeDate: 2010-06-20\n')
      .replace('一万余件', '一万二千余件');
    await writeFile(file, edited);
    const output = await waitFor(() => stdout, /Published 0 new and 1 changed documents[\s\S]*Watching/, from);
    expect(output).toMatch(/updated\s+press\/2010\/hotline\.md/);
    const after = await page('press/2010/hotline/');
    expect(after.text).toContain('一万二千余件');
    expect(after.text).toContain('更正受理数量');
  }, 90_000);

  it('publishes a new file', async () => {
    const from = stdout.length;
    await writeFile(
      join(content, 'press/2010/open-day.md'),
      '---\nid: press-2010-open-day\ntitle: 市政府开放日活动举行\ndate: 2010-06-21\ndepartment: 淮南市人民政府新闻办公室\ncategory: 政务公开\n---\n市民代表走进市政府，旁听常务会议。\n',
    );
    await waitFor(() => stdout, /Published 1 new and 0 changed documents[\s\S]*Watching/, from);
    const added = await page('press/2010/open-day/');
    expect(added.status).toBe(200);
    expect(added.text).toContain('市民代表走进市政府');
  }, 90_000);

  it('waits for an attachment copied in pieces, and publishes it whole, in one build', async () => {
    const photo = await readFile(join(content, 'press/2010/briefing/photo.png'));
    const from = stdout.length;
    const folder = join(content, 'press/2010/visit');
    await mkdir(folder);
    await writeFile(
      join(folder, 'index.md'),
      '---\nid: press-2010-visit\ntitle: 市领导走访企业\ndate: 2010-06-22\ndepartment: 淮南市人民政府新闻办公室\ncategory: 政务公开\n---\n走访现场。\n\n![走访现场](photo.png)\n',
    );
    // Copied in from a slow share: half the photo, a pause longer than the short wait, then the rest.
    await writeFile(join(folder, 'photo.png'), photo.subarray(0, 30));
    await new Promise((done) => setTimeout(done, 150));
    await appendFile(join(folder, 'photo.png'), photo.subarray(30));
    await waitFor(() => stdout, /Published 1 new[\s\S]*Watching/, from);
    // No build ran between the two pieces, and none after.
    await new Promise((done) => setTimeout(done, 800));
    expect(stdout.slice(from).match(/Watching content\//g)).toHaveLength(1);
    const served = await fetch(new URL('press/2010/visit/photo.png', base));
    expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true);
  }, 90_000);

  it('publishes nothing from a broken save, says where the mistake is, and publishes the fix', async () => {
    const fromErr = stderr.length;
    const from = stdout.length;
    const bad = join(content, 'press/2010/bad.md');
    await writeFile(bad, '---\nid: press-bad\ntitle: 日期错误\ndate: 2010-02-30\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n正文\n');
    const errors = await waitFor(() => stderr, /Nothing was published/, fromErr);
    expect(errors).toMatch(/press\/2010\/bad\.md:4:7/);
    // It waits for the next save: it does not ask for a build the editor need not run.
    expect(errors).toContain('Nothing was published: fix the errors above and save; the site is built again then.');
    await waitFor(() => stdout, watching, from);
    expect((await page('press/2010/bad/')).status).toBe(404);
    expect(child.exitCode).toBeNull(); // still watching
    const fixed = stdout.length;
    await writeFile(bad, '---\nid: press-bad\ntitle: 日期更正\ndate: 2010-02-28\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n正文\n');
    await waitFor(() => stdout, /Published 1 new[\s\S]*Watching/, fixed);
    expect((await page('press/2010/bad/')).text).toContain('日期更正');
  }, 90_000);

  it('writes the records snapshot, the content cache and the published index for other runs once the saves pause, while it keeps running', async () => {
    const snapshotFile = join(work, 'data/cache/published-state.json');
    const deadline = performance.now() + 30_000;
    let version: number | undefined;
    while (performance.now() < deadline) {
      version = (await readSnapshot(snapshotFile))?.documents.find((record) => record.id === 'press-2010-hotline')?.version;
      if (version === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(version).toBe(2);
    expect(child.exitCode).toBeNull();
    expect((await stat(join(work, 'data/cache/content.json'))).size).toBeGreaterThan(0);
    // What `gazette check` compares content with: the edit's version.
    expect((await readPublishedIndex(join(work, 'data')))?.find((entry) => entry.id === 'press-2010-hotline')?.version).toBe(2);
  }, 60_000);

  it('stops on Ctrl+C and leaves the records snapshot for the next run', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const snapshot = (await readSnapshot(join(work, 'data/cache/published-state.json'))) as StateSnapshot;
    expect(snapshot.documents.find((record) => record.id === 'press-2010-hotline')?.version).toBe(2);
    expect(snapshot.documents.some((record) => record.id === 'press-bad')).toBe(true);
    expect((await stat(join(work, 'data/cache/content.json'))).size).toBeGreaterThan(0);
    expect((await readPublishedIndex(join(work, 'data')))?.some((entry) => entry.id === 'press-bad')).toBe(true);
  }, 60_000);

  it('starts again on the folder it left and patches the manifest it read while waiting for the first save', async () => {
    stdout = '';
    stderr = '';
    child = spawn(process.execPath, [bin, 'build', '--watch', '--content', content, '--data', join(work, 'data'), '--now', '2010-06-25T08:00:00+08:00'], {
      env: { ...process.env, CI: '1' },
    });
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stdout, watching, 0);
    const from = stdout.length;
    const file = join(content, 'press/2010/open-day.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 补充旁听人数。\nchangeDate: 2010-06-22\n') +
        '共有二十名市民代表参加。\n',
    );
    await waitFor(() => stdout, /Published 0 new and 1 changed documents[\s\S]*Watching/, from);
    // The manifest this save patched (the list read back from the last process's manifest) names
    // every file of the site with the bytes it now has, and nothing else.
    const site = join(work, 'data', 'objects', 'site');
    const report = await verifySiteCopy(folderCopy(site), { allowUnsigned: true });
    expect(report.problems).toEqual([]);
    const page = await readFile(join(site, 'press/2010/open-day/index.html'));
    expect(page.toString('utf8')).toContain('共有二十名市民代表参加');
    expect(report.manifest?.files.find((listed) => listed.path === 'press/2010/open-day/index.html')?.sha256).toBe(
      createHash('sha256').update(page).digest('hex'),
    );
  }, 90_000);
});
