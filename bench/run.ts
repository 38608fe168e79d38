// `npm run bench`: benchmarks on a generated corpus, on the machine it runs on. Every build row is
// the real `gazette build` in a fresh process on the embedded default stores (see cli.ts), each
// printed beside the target or anchor. Timings are measured here, never asserted in tests.

import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCliBuild } from './cli.ts';
import { generateCorpus } from './corpus.ts';
import { benchFeeds } from './feeds.ts';
import { benchFunctions } from './functions.ts';
import { benchPdf } from './pdf.ts';
import { barePipeline } from './pipeline.ts';
import { benchSearch } from './search.ts';
import { benchSourceMirror } from './sources.ts';

const sizes = (process.env['BENCH_SIZES'] ?? '1000,10000').split(',').map(Number);

/**
 * The anchor on the same corpus and machine: the bare unified pipeline on every core, and
 * on one thread, which says how much this machine gains from the second thread (on a shared
 * two-core VM, threads that allocate this much compete for more than the cores).
 */
async function renderFloor(size: number): Promise<string> {
  const corpus = generateCorpus(size);
  const single = await barePipeline(corpus, 1);
  const bare = await barePipeline(corpus);
  const rate = (run: { documents: number; seconds: number }) => run.documents / run.seconds;
  return (
    `build ${size} docs  render floor (anchor): the bare unified pipeline (remark-parse, remark-gfm, remark-rehype, hast-util-to-html; no templates, ` +
    `sanitizing or storage) on the corpus's ${bare.documents} Markdown bodies, ${availableParallelism()} worker threads: ${bare.seconds.toFixed(1)} s, ` +
    `${rate(bare).toFixed(0)} docs/s, ${bare.cpuSeconds.toFixed(1)} s of CPU; one worker thread: ${single.seconds.toFixed(1)} s, ` +
    `${rate(single).toFixed(0)} docs/s (${availableParallelism()} threads give ${(rate(bare) / rate(single)).toFixed(2)}× its rate)`
  );
}

const sections = (process.env['BENCH'] ?? 'build,pdf,feeds,functions,sources,search').split(',');
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
  for (const size of sizes) {
    print(await benchCliBuild(size, { pdf: false, watchEdits: Number(process.env['BENCH_WATCH_EDITS'] ?? 5) }));
    print([await renderFloor(size)]);
  }
  // With PDFs (fonts parsed in the build's worker threads) and the same partners.
  const pdfSize = Number(process.env['BENCH_PDF_SIZE'] ?? 1000);
  if (pdfSize > 0) print(await benchCliBuild(pdfSize, { pdf: true, watchEdits: 0 }));
}
if (sections.includes('pdf')) print(await benchPdf());
if (sections.includes('feeds')) print(await benchFeeds(10_000));
if (sections.includes('functions')) print(await benchFunctions());
if (sections.includes('sources')) print(await benchSourceMirror(10_000));
if (sections.includes('search')) print(await benchSearch(Number(process.env['BENCH_SEARCH_SIZE'] ?? 10_000)));
