// `npm run bench`: build benchmarks on a generated corpus, against the embedded servers.
// Prints, per corpus size: the full build and a one-document change (wall time, documents/s,
// peak RSS). Timings are measured here, never asserted in tests.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileContentCache, loadContent } from '../src/content/load.ts';
import { buildSite } from '../src/publish/build.ts';
import { createSiteRenderer } from '../src/publish/siteRenderer.ts';
import { startLocalStores } from '../src/cli/localStores.ts';
import { generateCorpus, writeCorpus } from './corpus.ts';

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

async function buildOnce(root: string, dataDir: string, stores: Awaited<ReturnType<typeof startLocalStores>>) {
  const cache = await createFileContentCache(join(dataDir, 'cache', 'content.json'));
  const { content, messages } = await loadContent(root, { cache });
  if (content === undefined) throw new Error(`The generated corpus does not validate:\n${messages.slice(0, 5).map((m) => `${m.file}:${m.line} ${m.message}`).join('\n')}`);
  await cache.save();
  const renderer = await createSiteRenderer(content);
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now });
  } finally {
    await renderer.close();
  }
}

export async function benchBuild(size: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), `gazette-bench-${size}-`));
  const root = join(dir, 'content');
  const dataDir = join(dir, 'data');
  const corpus = generateCorpus(size);
  await writeCorpus(corpus, root);
  const stores = await startLocalStores(dataDir);
  try {
    const full = await timed(() => buildOnce(root, dataDir, stores));
    // A correction, as an editor makes one: new text plus the change note a new version needs.
    const editPath = join(root, corpus.sampleRelease);
    const original = await readFile(editPath, 'utf8');
    await writeFile(editPath, original.replace('\n---\n', '\nchangeNote: 补充最新情况。\nchangeDate: 2010-12-31\n---\n') + '\n本文已根据最新情况更新。\n');
    const one = await timed(() => buildOnce(root, dataDir, stores));
    const again = await timed(() => buildOnce(root, dataDir, stores));
    return [
      `build ${size} docs  full: ${full.seconds.toFixed(2)} s, ${(corpus.documents / full.seconds).toFixed(0)} docs/s ` +
        `(${full.value.created} published, ${full.value.objectsWritten} objects)`,
      `build ${size} docs  one changed: ${(one.seconds * 1000).toFixed(0)} ms (${one.value.updated} updated, ` +
        `${one.value.objectsWritten} objects written); nothing changed: ${(again.seconds * 1000).toFixed(0)} ms`,
      `build ${size} docs  peak RSS of the build process: ${rssMiB()} MiB`,
    ];
  } finally {
    await stores.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const lines: string[] = [`gazette bench — node ${process.version}, ${new Date().toISOString()}`]; // eslint-disable-line no-restricted-syntax
console.log(lines[0]);
for (const size of sizes) {
  for (const line of await benchBuild(size)) {
    console.log(line);
    lines.push(line);
  }
}
