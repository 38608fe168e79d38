// `npm run bench`: build benchmarks on a generated corpus, against the embedded servers.
// Prints, per corpus size: the full build and a one-document change (wall time, documents/s,
// peak RSS). Timings are measured here, never asserted in tests.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentMemo, createFileContentCache, type DocumentMemo, type FileContentCache, loadContent } from '../src/content/load.ts';
import { holdSearchIndex, rememberedContentFiles } from '../src/cli/watch.ts';
import { createSiteRenderer } from '../src/publish/siteRenderer.ts';
import { startLocalStores } from '../src/cli/localStores.ts';
import { availableParallelism } from 'node:os';
import { buildWithSnapshot, memorySnapshotKeeper } from '../src/cli/snapshotFile.ts';
import type { BuildEvent } from '../src/publish/build.ts';
import { generateCorpus, writeCorpus } from './corpus.ts';
import { benchFeeds } from './feeds.ts';
import { benchFunctions } from './functions.ts';
import { benchPdf } from './pdf.ts';
import { benchSearch } from './search.ts';
import { storeFloor } from './store.ts';
import { barePipeline, childCpuSeconds } from './pipeline.ts';

const sizes = (process.env['BENCH_SIZES'] ?? '1000,10000').split(',').map(Number);
const now = new Date('2011-01-01T00:00:00+08:00');

function rssMiB(): string {
  return (process.resourceUsage().maxRSS / 1024).toFixed(0);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** Wall time per build phase, from the build's own phase events (the last phase runs to the end). */
function phaseTimer(): { onEvent: (event: BuildEvent) => void; stop: () => void; report: () => string } {
  const phases: [string, number][] = [['load', performance.now()]];
  let end = 0;
  return {
    onEvent: (event) => {
      if (event.type === 'phase') phases.push([event.phase, performance.now()]);
    },
    stop: () => {
      end = performance.now();
    },
    report: () => {
      return phases.map(([name, at], i) => `${name} ${((phases[i + 1]?.[1] ?? end) - at).toFixed(0)} ms`).join(', ');
    },
  };
}

/** What watch mode keeps between builds of one process (see src/cli/watch.ts). */
interface WarmSession {
  cache: FileContentCache;
  files: ReturnType<typeof rememberedContentFiles>;
  documents: DocumentMemo;
  snapshots: ReturnType<typeof memorySnapshotKeeper>;
}

async function buildOnce(root: string, dataDir: string, stores: Awaited<ReturnType<typeof startLocalStores>>, pdf: boolean, onEvent?: (event: BuildEvent) => void, warm?: WarmSession) {
  const cache = warm?.cache ?? (await createFileContentCache(join(dataDir, 'cache', 'content.json')));
  const { content, messages } = await loadContent(root, { cache, ...(warm === undefined ? {} : { files: warm.files, documents: warm.documents }) });
  if (content === undefined) throw new Error(`The generated corpus does not validate:\n${messages.slice(0, 5).map((m) => `${m.file}:${m.line} ${m.message}`).join('\n')}`);
  if (warm === undefined) await cache.save();
  const renderer = await createSiteRenderer(content, { pdf });
  try {
    // As the CLI does: trust the records snapshot of the last build when the table's lease allows.
    const clock = () => new Date(); // eslint-disable-line no-restricted-syntax
    return await buildWithSnapshot(
      { content, objects: stores.objects, records: stores.records, renderer, now, feeds: { partners: [], deliveries: stores.deliveries }, ...(onEvent === undefined ? {} : { onEvent }) },
      warm?.snapshots ?? dataDir,
      clock,
    );
  } finally {
    await renderer.close();
  }
}

export async function benchBuild(size: number, pdf: boolean): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), `gazette-bench-${size}-`));
  const root = join(dir, 'content');
  const dataDir = join(dir, 'data');
  const corpus = generateCorpus(size);
  await writeCorpus(corpus, root);
  // The issue's anchor on this corpus and machine, before any server runs.
  const bare = pdf ? undefined : await barePipeline(corpus);
  const stores = await startLocalStores(dataDir);
  try {
    const label = `build ${size} docs${pdf ? ' with PDFs' : ' (HTML, no PDFs)'}`;
    // Count what the full build asks of the object store, for the stand-in floor below.
    const load = { puts: 0, bytes: 0 };
    const put = stores.objects.put.bind(stores.objects);
    stores.objects.put = (input) => {
      load.puts++;
      load.bytes += input.body.byteLength;
      return put(input);
    };
    const childrenBefore = childCpuSeconds();
    const cpuBefore = process.cpuUsage();
    const full = await timed(() => buildOnce(root, dataDir, stores, pdf));
    const ownCpu = process.cpuUsage(cpuBefore);
    const childrenAfter = childCpuSeconds();
    const cpu: [string, number, number][] = [
      ['the build process (main thread and render workers)', (ownCpu.user + ownCpu.system) / 1e6, ownCpu.system / 1e6],
      ...[...childrenAfter].map(([name, used]): [string, number, number] => [
        name,
        used.seconds - (childrenBefore.get(name)?.seconds ?? 0),
        used.system - (childrenBefore.get(name)?.system ?? 0),
      ]),
    ];
    const cpuTotal = cpu.reduce((sum, [, seconds]) => sum + seconds, 0);
    stores.objects.put = put;
    // A correction, as an editor makes one: new text plus the change note a new version needs.
    const editPath = join(root, corpus.sampleRelease);
    const original = await readFile(editPath, 'utf8');
    await writeFile(editPath, original.replace('\n---\n', '\nchangeNote: 补充最新情况。\nchangeDate: 2010-12-31\n---\n') + '\n本文已根据最新情况更新。\n');
    const phases = phaseTimer();
    const one = await timed(() => buildOnce(root, dataDir, stores, pdf, phases.onEvent));
    phases.stop();
    const again = await timed(() => buildOnce(root, dataDir, stores, pdf));
    // Watch mode: one process builds again after each save, keeping caches and the snapshot in memory.
    const warm: WarmSession = {
      cache: await createFileContentCache(join(dataDir, 'cache', 'content.json')),
      files: rememberedContentFiles(),
      documents: createDocumentMemo(),
      snapshots: memorySnapshotKeeper(dataDir),
    };
    await buildOnce(root, dataDir, stores, pdf, undefined, warm);
    await holdSearchIndex(stores.objects, warm.snapshots); // what watch mode does after its first build
    // Saves one after another, each the first correction of another release (as an editor works
    // through a list): the first is timed by phase, all of them for the median.
    const releases = (await readdir(join(root, 'press'), { recursive: true })).filter((file) => file.endsWith('.md')).sort();
    const edits = Number(process.env['BENCH_WATCH_EDITS'] ?? 5);
    const warmPhases = phaseTimer();
    const warmTimes: number[] = [];
    let warmOne: Awaited<ReturnType<typeof buildOnce>> | undefined;
    for (let k = 0; k < edits; k++) {
      let at = Math.floor(((k + 0.5) * releases.length) / edits);
      while ((await readFile(join(root, 'press', releases[at] as string), 'utf8')).includes('changeNote:')) at++; // not corrected yet
      const rel = `press/${releases[at]}`;
      const path = join(root, rel);
      await writeFile(path, (await readFile(path, 'utf8')).replace('\n---\n', '\nchangeNote: 补充最新情况。\nchangeDate: 2010-12-31\n---\n') + '\n本文已根据最新情况更新。\n');
      warm.files.changed(rel, false); // what the file watcher reports
      const run = await timed(() => buildOnce(root, dataDir, stores, pdf, k === 0 ? warmPhases.onEvent : undefined, warm));
      if (k === 0) warmPhases.stop();
      warmOne ??= run.value;
      warmTimes.push(run.seconds * 1000);
    }
    const sortedTimes = [...warmTimes].sort((a, b) => a - b);
    const median = sortedTimes[Math.floor(sortedTimes.length / 2)] ?? 0;
    await warm.snapshots.flush();
    const floor = await storeFloor(stores, { ...load, records: corpus.documents });
    return [
      `${label}  full: ${full.seconds.toFixed(2)} s, ${(corpus.documents / full.seconds).toFixed(0)} docs/s ` +
        `(${full.value.created} published, ${full.value.objectsWritten} objects, ${full.value.feedsWritten} feed documents)`,
      `${label}  one changed: ${(one.seconds * 1000).toFixed(0)} ms (${one.value.updated} updated, ` +
        `${one.value.objectsWritten} objects written, ${one.value.feedsWritten} feed documents); nothing changed: ${(again.seconds * 1000).toFixed(0)} ms`,
      `${label}  one changed, by phase: ${phases.report()}`,
      `${label}  one changed in watch mode (build --watch, warm process; from the save being noticed): median ${median.toFixed(0)} ms of ${edits} saves ` +
        `(${warmTimes.map((ms) => ms.toFixed(0)).join(', ')} ms; the first: ${warmOne?.updated} updated, ${warmOne?.objectsWritten} objects written)`,
      `${label}  one changed in watch mode, the first save by phase: ${warmPhases.report()}`,
      `${label}  stand-in floor: s3rver alone takes ${floor.putSeconds.toFixed(1)} s for the full build's ${load.puts} PUTs (${(load.bytes / 1048576).toFixed(0)} MiB, 16 in flight), ` +
        `DynamoDB Local ${floor.recordSeconds.toFixed(1)} s for its ${corpus.documents} records: at most ${(corpus.documents / Math.max(floor.putSeconds, floor.recordSeconds)).toFixed(0)} docs/s before any rendering`,
      `${label}  CPU of the full build by process: ${cpu.map(([name, seconds, system]) => `${name} ${seconds.toFixed(1)} s (${system.toFixed(1)} s in the kernel)`).join(', ')}; ` +
        `${cpuTotal.toFixed(1)} s in all, so at least ${(cpuTotal / availableParallelism()).toFixed(1)} s of wall time on ${availableParallelism()} cores (measured ${full.seconds.toFixed(1)} s)`,
      ...(bare === undefined
        ? []
        : [
            `${label}  render floor: the bare unified pipeline (remark-parse, remark-gfm, remark-rehype, hast-util-to-html; no templates, sanitizing or storage) on the corpus's ${bare.documents} Markdown bodies, ` +
              `${availableParallelism()} worker threads: ${bare.seconds.toFixed(1)} s, ${(bare.documents / bare.seconds).toFixed(0)} docs/s, ${bare.cpuSeconds.toFixed(1)} s of CPU`,
          ]),
      `${label}  peak RSS of the build process (render workers included; s3rver and DynamoDB Local are separate processes): ${rssMiB()} MiB`,
    ];
  } finally {
    await stores.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const sections = (process.env['BENCH'] ?? 'build,pdf,feeds,functions,search').split(',');
const print = (lines: string[]) => lines.forEach((line) => console.log(line));
if (process.env['BENCH_SECTION'] === undefined) {
  console.log(`gazette bench — node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}`); // eslint-disable-line no-restricted-syntax
}
if (sections.length > 1 && process.env['BENCH_SECTION'] === undefined) {
  // Each section in a process of its own, one after the other: none inherits another's heap
  // (the 10,000-document build leaves over a gigabyte behind) or its warm caches.
  for (const section of sections) {
    const status = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
        stdio: 'inherit',
        env: { ...process.env, BENCH: section, BENCH_SECTION: section },
      });
      child.on('exit', (code) => done(code));
    });
    if (status !== 0) {
      console.error(`bench section ${section} failed (exit ${status})`);
      process.exit(1);
    }
  }
  process.exit(0);
}
if (sections.includes('build')) {
  for (const size of sizes) print(await benchBuild(size, false));
  const pdfSize = Number(process.env['BENCH_PDF_SIZE'] ?? 1000);
  if (pdfSize > 0) print(await benchBuild(pdfSize, true));
}
if (sections.includes('pdf')) print(await benchPdf());
if (sections.includes('feeds')) print(await benchFeeds(10_000));
if (sections.includes('functions')) print(await benchFunctions());
if (sections.includes('search')) print(await benchSearch(Number(process.env['BENCH_SEARCH_SIZE'] ?? 10_000)));
