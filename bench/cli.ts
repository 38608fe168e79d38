// The build rows of `npm run bench`, measured as a user meets them: the real `gazette build`
// command in a fresh process (spawn to exit: Node starts and loads the CLI bundle, the stores open,
// content and partners.yaml load, git provenance is read, the build runs, partners are notified),
// on a generated corpus that is a git checkout with three partners whose webhooks and WebSub hub
// answer on loopback. Watch mode is the real `gazette build --watch` process, timed from the
// saved file to its "Published" line, so the watcher's debounce is included.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus, writeCorpus } from './corpus.ts';
import { WATCH_DEBOUNCE_MS } from '../src/cli/watch.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const usageModule = fileURLToPath(new URL('./usage.mjs', import.meta.url));
const NOW = '2011-01-01T00:00:00+08:00';
/** The targets (#14) for these rows. */
const TARGET = { fullDocsPerSecond: 600, rssMiB: 1024, populatedDocsPerSecond: 400, oneShotSeconds: 0.4, watchSeconds: 0.2 };
const SECRETS = {
  BENCH_SECRET_NEWS: 'whsec_YmVuY2gtbmV3cy1zZWNyZXQtMDEyMzQ1Njc4OQ==',
  BENCH_SECRET_XXGK: 'whsec_YmVuY2gteHhnay1zZWNyZXQtMDEyMzQ1Njc4OQ==',
  BENCH_SECRET_WX: 'whsec_YmVuY2gtd2FpeHVhbi1zZWNyZXQtMDEyMzQ1Njc4',
};

interface Run {
  seconds: number;
  rssMiB: number;
  cpuSeconds: number;
  stdout: string;
}

/** A loopback endpoint for every partner webhook and the WebSub hub: 204 to everything. */
async function startReceiver(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((done) => server.close(() => done())) };
}

function partnersYaml(url: string): string {
  return `partners:
  - id: news
    name: 淮南新闻网
    takes: { kinds: [release, conference], languages: [zh-CN], fullText: true }
    webhook: { url: "${url}/news", secret: { env: BENCH_SECRET_NEWS } }
    websubHub: "${url}/hub"
  - id: xxgk
    name: 淮南市政府信息公开网
    takes: { kinds: [article], fullText: true }
    webhook: { url: "${url}/xxgk", secret: { env: BENCH_SECRET_XXGK } }
  - id: waixuan
    name: 淮南对外宣传网
    takes: { kinds: [release], topics: [政务公开, 综合政务], fullText: false }
    webhook: { url: "${url}/waixuan", secret: { env: BENCH_SECRET_WX } }
`;
}

/**
 * BENCH_NODE_ARGS: Node options for every gazette process the bench starts, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/profiles` to see where a row's time goes (Node refuses
 * `--cpu-prof` in NODE_OPTIONS). Rows measured that way are not figures to report.
 */
const extraNodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter((arg) => arg !== ''); // no quoting: no spaces in a path

function gazetteArgs(args: string[]): string[] {
  return ['--max-semi-space-size=64', ...extraNodeArgs, '--import', usageModule, join(repo, 'bin', 'gazette.js'), ...args];
}

/** `gazette <args>` in a fresh process, timed from spawn to exit. */
async function gazette(args: string[], usageFile: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, gazetteArgs(args), {
    cwd: repo,
    env: { ...process.env, ...SECRETS, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`gazette ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}${stdout.slice(-1000)}`);
  return { seconds, stdout, ...(await usage(usageFile)) };
}

async function usage(file: string): Promise<{ rssMiB: number; cpuSeconds: number }> {
  const used = JSON.parse(await readFile(file, 'utf8')) as { maxRssKiB: number; userSeconds: number; systemSeconds: number };
  return { rssMiB: used.maxRssKiB / 1024, cpuSeconds: used.userSeconds + used.systemSeconds };
}

/** A correction, as an editor makes one: new text plus the change note a new version needs. */
async function correct(path: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace('\n---\n', '\nchangeNote: 补充最新情况。\nchangeDate: 2010-12-31\n---\n') + '\n本文已根据最新情况更新。\n');
}

const published = (stdout: string) => stdout.match(/Published [^\n]*/g)?.at(-1) ?? '(no summary line)';
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** Watch mode: the real `gazette build --watch`; each save timed from its write to the build's "Published" line. */
async function watchRows(root: string, dataDir: string, files: string[], args: string[]): Promise<{ times: number[]; lines: string[] }> {
  const child: ChildProcess = spawn(process.execPath, gazetteArgs(['build', '--watch', ...args]), {
    cwd: repo,
    env: { ...process.env, ...SECRETS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let waiting: { pattern: RegExp; from: number; done: (at: number) => void } | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (waiting !== undefined && waiting.pattern.test(stdout.slice(waiting.from))) {
      const { done } = waiting;
      waiting = undefined;
      done(performance.now());
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const until = (pattern: RegExp, from: number) =>
    new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`gazette build --watch printed no ${pattern} in 10 minutes:\n${stderr.slice(-2000)}`)), 600_000);
      waiting = { pattern, from, done: (at) => (clearTimeout(timer), done(at)) };
      if (pattern.test(stdout.slice(from))) {
        waiting = undefined;
        clearTimeout(timer);
        done(performance.now());
      }
    });
  try {
    await until(/Watching content\/ for changes/, 0);
    // Let the first build's background work (search index read, cache write) settle, as an editor's pause would.
    await new Promise((done) => setTimeout(done, 2000));
    const times: number[] = [];
    const lines: string[] = [];
    for (const file of files) {
      const from = stdout.length;
      const path = join(root, file);
      const text = await readFile(path, 'utf8');
      const edited = text.replace('\n---\n', '\nchangeNote: 补充最新情况。\nchangeDate: 2010-12-31\n---\n') + '\n本文已根据最新情况更新。\n';
      const saved = performance.now();
      await writeFile(path, edited);
      const at = await until(/Published [^\n]*\n/, from);
      times.push((at - saved) / 1000);
      lines.push(published(stdout.slice(from)));
      await until(/Watching content\/ for changes/, from);
      await new Promise((done) => setTimeout(done, 300));
    }
    return { times, lines };
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => child.once('exit', done));
    void dataDir;
  }
}

export async function benchCliBuild(size: number, options: { pdf: boolean; watchEdits?: number }): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), `gazette-bench-cli-${size}-`));
  const root = join(dir, 'content');
  const dataDir = join(dir, 'data');
  const usageFile = join(dir, 'usage.json');
  const receiver = await startReceiver();
  try {
    const corpus = generateCorpus(size, undefined, { unpublished: true });
    await writeCorpus(corpus, root);
    await writeFile(join(root, 'partners.yaml'), partnersYaml(receiver.url));
    // A checkout, as content is kept: the build reads its commit for the audit trail.
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.org', ...args], { cwd: root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'corpus');
    const args = ['--content', root, '--data', dataDir, '--now', NOW, ...(options.pdf ? [] : ['--no-pdf'])];
    const label = `gazette build, ${size} docs${options.pdf ? ' with PDFs' : ' (no PDFs)'}, 3 partners`;
    const lines: string[] = [];

    const full = await gazette(['build', ...args], usageFile);
    const rate = size / full.seconds;
    lines.push(
      `${label}  full build into empty embedded stores, fresh process: ${full.seconds.toFixed(2)} s, ${rate.toFixed(0)} docs/s, peak RSS ${full.rssMiB.toFixed(0)} MiB, ` +
        `CPU ${full.cpuSeconds.toFixed(1)} s (${(full.cpuSeconds / availableParallelism()).toFixed(1)} s of wall on ${availableParallelism()} cores)` +
        (options.pdf
          ? ''
          : `  | target ≥ ${TARGET.fullDocsPerSecond} docs/s and ≤ ${TARGET.rssMiB} MiB at 10,000: ${verdict(rate >= TARGET.fullDocsPerSecond && full.rssMiB <= TARGET.rssMiB)}; Eleventy 17.8 s, Hugo 7.4 s`) +
        `; ${published(full.stdout)}; partner requests so far ${receiver.requests()}`,
    );

    await correct(join(root, corpus.sampleRelease));
    const one = await gazette(['build', ...args], usageFile);
    lines.push(
      `${label}  one changed document, one-shot \`gazette build\` (spawn to exit): ${one.seconds.toFixed(2)} s, peak RSS ${one.rssMiB.toFixed(0)} MiB, CPU ${one.cpuSeconds.toFixed(2)} s` +
        (options.pdf
          ? ''
          : `  | target ≤ ${TARGET.oneShotSeconds} s at 10,000: ${verdict(one.seconds <= TARGET.oneShotSeconds)}; Hugo 7.6 s, Eleventy 16.2 s`) +
        `; ${published(one.stdout)}`,
    );
    const none = await gazette(['build', ...args], usageFile);
    lines.push(
      `${label}  nothing changed, one-shot \`gazette build\`: ${none.seconds.toFixed(2)} s, CPU ${none.cpuSeconds.toFixed(2)} s; ${published(none.stdout)}`,
    );

    if (options.watchEdits !== 0) {
      const releases = (await readdir(join(root, 'press'), { recursive: true }))
        .filter((file) => file.endsWith('.md') && !corpus.unpublished.includes(`press/${file}`))
        .sort();
      const edits = options.watchEdits ?? 5;
      const picks = Array.from({ length: edits }, (_, k) => `press/${releases[Math.floor(((k + 0.5) * releases.length) / edits)]}`).filter(
        (file) => file !== corpus.sampleRelease,
      );
      const watched = await watchRows(root, dataDir, picks, args);
      const sorted = [...watched.times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      lines.push(
        `${label}  one changed document in watch mode (\`gazette build --watch\`, from the saved file to "Published", ${WATCH_DEBOUNCE_MS} ms debounce included): ` +
          `median ${(median * 1000).toFixed(0)} ms of ${sorted.length} saves (${watched.times.map((s) => (s * 1000).toFixed(0)).join(', ')} ms)` +
          `  | target ≤ ${TARGET.watchSeconds * 1000} ms: ${verdict(median <= TARGET.watchSeconds)}; first: ${watched.lines[0] ?? ''}`,
      );
    }

    // A template change: site.yaml shapes every page (and the render fingerprint), so every page is compared or rewritten.
    const siteFile = join(root, 'site.yaml');
    await writeFile(siteFile, (await readFile(siteFile, 'utf8')).replace('publisher: 淮南市人民政府办公室', 'publisher: 淮南市人民政府办公厅'));
    const populated = await gazette(['build', ...args], usageFile);
    const populatedRate = size / populated.seconds;
    lines.push(
      `${label}  full rebuild into the populated store (site.yaml changed: every page re-rendered and compared), fresh process: ${populated.seconds.toFixed(2)} s, ` +
        `${populatedRate.toFixed(0)} docs/s, peak RSS ${populated.rssMiB.toFixed(0)} MiB, CPU ${populated.cpuSeconds.toFixed(1)} s` +
        (options.pdf ? '' : `  | target ≥ ${TARGET.populatedDocsPerSecond} docs/s at 10,000: ${verdict(populatedRate >= TARGET.populatedDocsPerSecond)}`) +
        `; ${published(populated.stdout)}; partner requests in all ${receiver.requests()}`,
    );
    return lines;
  } finally {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const size = Number(process.env['BENCH_SIZES']?.split(',')[0] ?? 1000);
  for (const line of await benchCliBuild(size, { pdf: process.env['BENCH_PDF'] === '1' })) console.log(line);
}
