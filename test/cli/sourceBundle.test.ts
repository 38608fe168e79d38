// The command runs from a bundle of the sources (bin/sourceBundle.mjs). A developer who edits a
// source gets that code on the next run with no build step, and a bundle older than the sources is
// never run. Each test works on a copy of the checkout, so editing its sources touches nothing here.

import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let checkout: string;
let cache: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function gazette(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(checkout, 'bin', 'gazette.js'), ...args],
      { env: { ...process.env, GAZETTE_BUNDLE_CACHE: cache, ...env } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

const bundles = async () => (await readdir(cache, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

async function edit(file: string, from: string, to: string): Promise<void> {
  const path = join(checkout, file);
  const text = await readFile(path, 'utf8');
  expect(text).toContain(from);
  await writeFile(path, text.replace(from, to));
}

beforeAll(async () => {
  checkout = await mkdtemp(join(tmpdir(), 'gazette-bundle-'));
  // The code and its configuration; the fonts are data the command reads, not code it loads.
  for (const path of ['bin', 'src', 'templates', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    await cp(join(repo, path), join(checkout, path), { recursive: true, filter: (from) => !from.includes(`${join('templates', 'fonts')}`) });
  }
  await symlink(join(repo, 'node_modules'), join(checkout, 'node_modules'));
  cache = join(checkout, '.bundle-cache');
});

afterAll(async () => {
  await rm(checkout, { recursive: true, force: true });
});

describe('the bundled command', () => {
  it('runs from a bundle it makes on the first run and reuses while the sources are unchanged', async () => {
    const first = await gazette(['check', '--help']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Usage: gazette check [options]');
    const made = await bundles();
    expect(made).toHaveLength(1);

    const again = await gazette(['check', '--help']);
    expect(again.stdout).toBe(first.stdout);
    expect(await bundles()).toEqual(made);
  }, 120_000);

  it('runs an edited source on the next run: the bundle is made again', async () => {
    const before = await bundles();
    // check.ts is loaded on demand, from its own chunk: the edit must reach it.
    await edit('src/cli/check.ts', 'Usage: gazette check [options]', 'Usage: gazette check [options] (edited)');
    const run = await gazette(['check', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: gazette check [options] (edited)');
    expect((await bundles()).filter((name) => !before.includes(name))).toHaveLength(1);
  }, 120_000);

  it('makes the bundle again when the lock file changes (packages are bundled in it)', async () => {
    const before = await bundles();
    const lock = join(checkout, 'package-lock.json');
    await writeFile(lock, `${await readFile(lock, 'utf8')}\n`);
    expect((await gazette(['check', '--help'])).code).toBe(0);
    expect((await bundles()).filter((name) => !before.includes(name))).toHaveLength(1);
  }, 120_000);

  it('never runs a bundle older than the sources: a source that does not compile fails the command', async () => {
    await edit('src/cli/check.ts', 'Usage: gazette check [options] (edited)', 'Usage: gazette check [options] (broken)`;\nexport const = ;\nconst unused = `');
    const run = await gazette(['check', '--help']);
    expect(run.code).not.toBe(0);
    expect(run.stdout).not.toContain('Usage: gazette check [options]');
    expect(run.stderr).toContain('check.ts');
    await edit('src/cli/check.ts', 'Usage: gazette check [options] (broken)`;\nexport const = ;\nconst unused = `', 'Usage: gazette check [options] (mended)');
    expect((await gazette(['check', '--help'])).stdout).toContain('Usage: gazette check [options] (mended)');
  }, 120_000);

  it('keeps a replaced bundle while a process that started from it runs, and removes it after', async () => {
    // A long-running command (a watch) loads chunks of its bundle on demand.
    const script = `const { importSource } = await import(${JSON.stringify(pathToFileURL(join(checkout, 'bin', 'sourceBundle.mjs')).href)});
await importSource(new URL(${JSON.stringify(pathToFileURL(join(checkout, 'src', 'cli', 'main.ts')).href)}));
console.log('ready');
setTimeout(() => {}, 120000);`;
    const running = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, GAZETTE_BUNDLE_CACHE: cache },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => running.stdout.once('data', resolve));
    const record = (await readdir(cache)).find((name) => name.endsWith('.json')) as string;
    const used = (JSON.parse(await readFile(join(cache, record), 'utf8')) as { dir: string }).dir;
    try {
      for (const round of [1, 2, 3]) {
        await edit('src/cli/check.ts', 'Usage: gazette check [options]', `Usage: gazette check [options] (round ${round})`);
        expect((await gazette(['check', '--help'])).stdout).toContain(`(round ${round})`);
      }
      expect(await bundles()).toContain(used);
    } finally {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill();
      await exited;
    }
    await edit('src/cli/check.ts', 'Usage: gazette check [options]', 'Usage: gazette check [options] (round 4)');
    expect((await gazette(['check', '--help'])).stdout).toContain('(round 4)');
    expect(await bundles()).not.toContain(used);
  }, 180_000);

  it('runs the sources through tsx when GAZETTE_SOURCES=tsx, making no bundle', async () => {
    const before = await bundles();
    await edit('src/cli/check.ts', 'Usage: gazette check [options]', 'Usage: gazette check [options] (through tsx)');
    const run = await gazette(['check', '--help'], { GAZETTE_SOURCES: 'tsx' });
    expect(run.stdout).toContain('Usage: gazette check [options] (through tsx)');
    expect(await bundles()).toEqual(before);
  }, 120_000);
});
