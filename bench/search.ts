// Search benchmark (BENCH=search): the index of the generated corpus (10,000 documents by
// default), built as the derived output does it; one changed document and the files it rewrites;
// then in Chromium, over the preview server, the bytes a query fetches and the time to answer
// once its shards are loaded (the same script the page runs).

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSiteServer } from '../src/cli/preview.ts';
import { loadContent } from '../src/content/load.ts';
import type { ContentSet, GazetteDocument } from '../src/content/model.ts';
import type { DerivedInput } from '../src/discovery/outputs.ts';
import { searchOutput } from '../src/discovery/search.ts';
import type { Artifact } from '../src/outputs.ts';
import { sha256 } from '../src/publish/digest.ts';
import { createRenderContext, siteAssets } from '../src/render/html/assets.ts';
import { type DocumentRecord, type ObjectHead, type ObjectStore, SITE_PREFIX, type StoredObject } from '../src/store/ports.ts';
import { generateCorpus, writeCorpus } from './corpus.ts';

const queries = ['政务公开', '信息公开', '淮府〔2010〕69号', '69号', '12345', '教育', '市民心声专栏', '按时回复率', '戴启远'];

/** Records as a build would have them, for every document of the corpus. */
function recordsOf(content: ContentSet): DocumentRecord[] {
  const serials = new Map<string, number>();
  return content.documents.map((doc) => {
    const key = `${doc.department.code}/${doc.date.slice(0, 4)}`;
    const serial = (serials.get(key) ?? 0) + 1;
    serials.set(key, serial);
    return {
      id: doc.id,
      kind: doc.kind,
      title: doc.title,
      lang: doc.lang,
      file: doc.file,
      urlPath: doc.urlPath,
      status: 'published',
      version: 1,
      digest: doc.sourceDigest,
      indexNumber: `${key}-${String(serial).padStart(5, '0')}`,
      department: doc.department.name,
      departmentCode: doc.department.code,
      category: doc.category.name,
      date: doc.date,
      ...(doc.kind === 'article' ? { docNumber: doc.docNumber, signedDate: doc.signedDate, section: doc.section.name } : {}),
      artifacts: [],
      contentDigest: doc.sourceDigest,
      firstPublishedAt: `${doc.date}T00:00:00.000Z`,
      updatedAt: `${doc.date}T00:00:00.000Z`,
    };
  });
}

async function renderAll(input: DerivedInput): Promise<Artifact[]> {
  const artifacts: Artifact[] = [];
  for (const page of await searchOutput.all(input)) artifacts.push(...(await searchOutput.render(input, page)));
  return artifacts;
}

/** Just enough of an object store for the preview server. */
function memoryStore(artifacts: Artifact[]): ObjectStore {
  const objects = new Map<string, StoredObject>(
    artifacts.map((item) => [
      SITE_PREFIX + item.key,
      { key: SITE_PREFIX + item.key, body: item.body, contentType: item.contentType, cacheControl: item.cacheControl, sha256: sha256(item.body) },
    ]),
  );
  const head = (key: string): ObjectHead | undefined => {
    const found = objects.get(key);
    return (
      found && {
        key,
        size: found.body.byteLength,
        contentType: found.contentType,
        etag: found.sha256 ?? '',
        ...(found.sha256 === undefined ? {} : { sha256: found.sha256 }),
      }
    );
  };
  return {
    put: async () => undefined,
    get: async (key) => objects.get(key),
    head: async (key) => head(key),
    async *list() {},
    async *listKeys() {},
    delete: async () => undefined,
    copy: async () => false,
  };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

export async function benchSearch(size = 10_000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), `gazette-bench-search-${size}-`));
  const lines: string[] = [];
  try {
    const corpus = generateCorpus(size);
    await writeCorpus(corpus, join(dir, 'content'));
    const { content } = await loadContent(join(dir, 'content'));
    if (content === undefined) throw new Error('The generated corpus does not validate.');
    const ctx = createRenderContext(content.site);
    const input: DerivedInput = { content, ctx, documents: recordsOf(content), issues: [] };

    const cpuSeconds = () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    };
    let start = performance.now();
    let cpu = cpuSeconds();
    const artifacts = await renderAll(input);
    const full = (performance.now() - start) / 1000;
    const fullCpu = cpuSeconds() - cpu;
    const shards = artifacts.filter((item) => item.key.endsWith('.bin'));
    const shardBytes = shards.reduce((sum, item) => sum + item.body.byteLength, 0);
    const docBytes = artifacts.filter((item) => item.key.startsWith('search/docs/')).reduce((sum, item) => sum + item.body.byteLength, 0);
    lines.push(
      `search index ${size} docs  built in ${full.toFixed(1)} s (${fullCpu.toFixed(1)} s CPU): ${shards.length} shards (${kb(shardBytes)}, largest ${kb(Math.max(...shards.map((item) => item.body.byteLength)))}), ` +
        `${artifacts.length - shards.length - 2} document files (${kb(docBytes)}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );

    // One release corrected: the whole index is rebuilt; count the files whose bytes changed.
    const edited = content.documents.find((doc) => doc.file === corpus.sampleRelease) as GazetteDocument;
    const changedDoc = { ...edited, body: `${edited.body}\n本文已根据最新情况更新，新增便民服务网点。\n`, sourceDigest: `${edited.sourceDigest}-2` };
    const changedContent: ContentSet = { ...content, documents: content.documents.map((doc) => (doc === edited ? changedDoc : doc)) };
    const changedInput: DerivedInput = {
      ...input,
      content: changedContent,
      documents: input.documents.map((record) => (record.id === edited.id ? { ...record, contentDigest: changedDoc.sourceDigest } : record)),
    };
    start = performance.now();
    cpu = cpuSeconds();
    const rebuilt = await renderAll(changedInput);
    const again = (performance.now() - start) / 1000;
    const againCpu = cpuSeconds() - cpu;
    const before = new Map(artifacts.map((item) => [item.key, sha256(item.body)]));
    const differing = rebuilt.filter((item) => before.get(item.key) !== sha256(item.body));
    lines.push(
      `search index ${size} docs  one document changed: rebuilt in ${again.toFixed(1)} s (${againCpu.toFixed(1)} s CPU), ${differing.length} of ${rebuilt.length} files with new bytes (${differing.filter((item) => item.key.endsWith('.bin')).length} shards)`,
    );

    // The same change as an incremental build makes it: the stored index updated in place.
    const stored = memoryStore([...siteAssets(), ...artifacts]);
    const before0 = input.documents.find((record) => record.id === edited.id) as DocumentRecord;
    const after0 = changedInput.documents.find((record) => record.id === edited.id) as DocumentRecord;
    start = performance.now();
    cpu = cpuSeconds();
    const updated: Artifact[] = [];
    for (const page of await searchOutput.affected({ ...changedInput, objects: stored }, [{ before: before0, after: after0 }], [])) {
      updated.push(...(await searchOutput.render({ ...changedInput, objects: stored }, page)));
    }
    const update = (performance.now() - start) / 1000;
    const updateCpu = cpuSeconds() - cpu;
    const rebuiltBytes = new Map(rebuilt.map((item) => [item.key, sha256(item.body)]));
    const same = updated.every((item) => rebuiltBytes.get(item.key) === sha256(item.body));
    lines.push(
      `search index ${size} docs  same change, updated in place (incremental build): ${(update * 1000).toFixed(0)} ms (${(updateCpu * 1000).toFixed(0)} ms CPU), ` +
        `${updated.length} files written, ${same ? 'identical to' : 'DIFFERENT from'} the full rebuild`,
    );

    const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
    if (!existsSync(chromiumPath)) {
      lines.push('search in the browser: skipped (no Chromium)');
      return lines;
    }
    const { chromium } = await import('playwright-core');
    const server = createSiteServer(memoryStore([...siteAssets(), ...artifacts]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: chromiumPath });
    try {
      for (const query of queries) {
        const page = await browser.newPage();
        let indexBytes = 0;
        page.on('requestfinished', (request) => {
          if (new URL(request.url()).pathname.startsWith('/search/') && !request.url().includes('?')) {
            void request.sizes().then((sizes) => (indexBytes += sizes.responseBodySize + sizes.responseHeadersSize));
          }
        });
        await page.goto(`${base}/search/?q=${encodeURIComponent(query)}`);
        await page.locator('#search-status[data-ms]').waitFor({ timeout: 60_000 });
        const total = Number(await page.locator('#search-status').getAttribute('data-ms'));
        const found = (await page.locator('#search-status').innerText()).replace(/\s+/g, ' ');
        // Shards already loaded: time the ranking alone, as often as it takes to measure.
        const rankMs = await page.evaluate<number>(`(async () => {
          const searcher = GazetteSearch.createSearcher();
          const prepared = await searcher.prepare(${JSON.stringify(query)});
          const start = performance.now();
          let runs = 0;
          while (performance.now() - start < 300 || runs < 3) { searcher.rank(prepared); runs++; }
          return (performance.now() - start) / runs;
        })()`);
        await page.waitForLoadState('networkidle');
        lines.push(
          `search "${query}"  ${found.slice(0, 40)}  index transfer ${kb(indexBytes)}, answer after shard load ${rankMs.toFixed(1)} ms, page total ${total} ms`,
        );
        await page.close();
      }
      // Recall on the corpus: every 50th document, found by its title (in the first ten results)
      // and by a 6-character phrase from the middle of its text (anywhere in the results).
      const samples = artifacts
        .filter((item) => /^search\/docs\/\d+\.json$/.test(item.key))
        .map((item) => ({
          n: Number(/(\d+)\.json$/.exec(item.key)?.[1]),
          doc: JSON.parse(Buffer.from(item.body).toString('utf8')) as { title?: string; text?: string },
        }))
        .filter((item) => item.n % 50 === 0 && item.doc.title !== undefined)
        .map(({ n, doc }) => {
          // Six Han characters in a row, from a run in the middle of the text (not across punctuation).
          const runs = (doc.text ?? '').match(/\p{Script=Han}{6,}/gu) ?? [''];
          const run = [...(runs[Math.floor(runs.length / 2)] as string)];
          const middle = Math.max(0, Math.floor(run.length / 2) - 3);
          return { n, title: doc.title as string, phrase: run.slice(middle, middle + 6).join('') };
        });
      const page = await browser.newPage();
      await page.goto(`${base}/search/`);
      const recall = await page.evaluate<{ title: number; phrase: number; phraseTop: number; total: number }>(`(async (samples) => {
        const searcher = GazetteSearch.createSearcher();
        let title = 0, phrase = 0, phraseTop = 0;
        for (const sample of samples) {
          const byTitle = (await searcher.search(sample.title)).slice(0, 10).map((hit) => hit.n);
          if (byTitle.includes(sample.n)) title++;
          const byPhrase = (await searcher.search(sample.phrase)).map((hit) => hit.n);
          if (byPhrase.includes(sample.n)) phrase++;
          if (byPhrase.slice(0, 10).includes(sample.n)) phraseTop++;
        }
        return { title, phrase, phraseTop, total: samples.length };
      })(${JSON.stringify(samples)})`);
      await page.close();
      const pct = (count: number) => `${((100 * count) / recall.total).toFixed(1)}%`;
      lines.push(
        `search recall over ${recall.total} sampled documents: by title in the first ten ${pct(recall.title)}; ` +
          `by a 6-character phrase of the body anywhere ${pct(recall.phrase)}, in the first ten ${pct(recall.phraseTop)} (generated text repeats phrases across documents)`,
      );
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    return lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
