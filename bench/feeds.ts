// Feed and delivery benchmarks: full rebuild of every feed and archive for a 10,000-document
// history, the incremental case (one new document), and fan-out of one change to 50 partners.
// On the embedded default (files and SQLite, as `gazette build` uses them) it also prints the
// store's floor: the store alone doing the same reads and writes. Last, the rewrite new feed code
// asks of the feeds function, through the AWS adapters against the emulators, with its CPU set
// beside the function's memory and timeout.
// Run alone with `node --import tsx bench/feeds.ts`, or through `npm run bench` once wired in.
// Timings are printed, never asserted.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYaml } from '../src/content/frontmatter.ts';
import type { GazetteDocument, SiteConfig } from '../src/content/model.ts';
import type { DeliveryStore } from '../src/delivery/store.ts';
import { recordDeliveries } from '../src/delivery/outbox.ts';
import { loadPartners, type Partner } from '../src/delivery/partners.ts';
import { environmentSecrets } from '../src/delivery/secrets.ts';
import { sendPendingDeliveries } from '../src/delivery/send.ts';
import { mapLimit } from '../src/concurrency.ts';
import { feedEntryArtifact } from '../src/feeds/entries.ts';
import { rebuildFeeds } from '../src/publish/rebuildFeeds.ts';
import { startLocalStores } from '../src/cli/localStores.ts';
import type { DocumentRecord, ObjectStore } from '../src/store/ports.ts';
import { createMemoryObjectStore } from '../test/feeds/memoryObjects.ts';
import { functionSpecs, LAMBDA_MB_PER_VCPU } from '../infra/functions.ts';

const paragraph =
  '为深入贯彻《中华人民共和国政府信息公开条例》，推进行政权力公开透明运行，各县区、各部门要健全工作机制，拓宽公开渠道，突出公开重点，强化监督考核。';

/** A synthetic history: records and entry fragments of `size` documents, ~3 KB of HTML each. */
export async function seedHistory(objects: ObjectStore, site: SiteConfig, size: number): Promise<Map<string, DocumentRecord>> {
  const records = new Map<string, DocumentRecord>();
  const body = `<h2>一、总体要求</h2>${`<p>${paragraph}<a href="annex.pdf">附件</a></p>`.repeat(12)}`;
  const puts: Promise<unknown>[] = [];
  for (let i = 0; i < size; i++) {
    const department = site.departments[i % site.departments.length]!;
    const category = site.topics[(i * 7) % site.topics.length]!;
    const kind = i % 3 === 0 ? 'article' : i % 10 === 1 ? 'conference' : 'release';
    const lang = i % 20 === 7 ? 'en' : 'zh-CN';
    const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(i / 3) * 86_400_000).toISOString().slice(0, 10);
    const id = `bench-${String(i).padStart(5, '0')}`;
    const urlPath = kind === 'article' ? `/gazette/${day.slice(0, 4)}/${day.slice(5, 7)}/${id}/` : `/press/${day.slice(0, 4)}/${id}/`;
    const record: DocumentRecord = {
      id,
      kind,
      title: `关于做好${category.name}工作的通知（第${i}号）`,
      lang,
      file: `${id}.md`,
      urlPath,
      status: 'published',
      version: 1,
      digest: id,
      indexNumber: `${department.code}/${day.slice(0, 4)}-${String(i).padStart(5, '0')}`,
      department: department.name,
      departmentCode: department.code,
      category: category.name,
      date: day,
      summary: paragraph,
      artifacts: [{ key: `${urlPath.slice(1)}${id}.pdf`, size: 40_000, sha256: id, contentType: 'application/pdf' }],
      firstPublishedAt: `${day}T02:00:00.000Z`,
      updatedAt: `${day}T02:00:00.000Z`,
      ...(kind === 'article'
        ? {
            docNumber: `淮府〔${day.slice(0, 4)}〕${i}号`,
            signedDate: day,
            validity: '有效' as const,
            section: '市政府文件',
            issue: { year: Number(day.slice(0, 4)), number: 1, totalNumber: 1 },
          }
        : {}),
    };
    records.set(id, record);
    const doc = { department, category, attachments: [] } as unknown as GazetteDocument;
    puts.push(objects.put(feedEntryArtifact(doc, body, record, site)));
    if (puts.length >= 32) await Promise.all(puts.splice(0));
  }
  await Promise.all(puts);
  return records;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** The keys a piece of work reads and the sizes of the objects it writes, in call order. */
function recordingStore(objects: ObjectStore): ObjectStore & { take: () => { reads: string[]; writes: number[] } } {
  const reads: string[] = [];
  const writes: number[] = [];
  return {
    ...objects,
    get: (key) => {
      reads.push(key);
      return objects.get(key);
    },
    put: (input) => {
      writes.push(input.body.byteLength);
      return objects.put(input);
    },
    take: () => ({ reads: reads.splice(0), writes: writes.splice(0) }),
  };
}

/**
 * What the store alone takes to do the same I/O as a run: read the same keys (16 in flight, as the
 * rebuild reads), then accept objects of the same sizes (precomputed bodies, 48 in flight: the
 * rebuild's 16 documents of 3 formats each). No feed work. On the embedded store this is its floor
 * under the feed figures.
 */
async function storeFloor(objects: ObjectStore, io: { reads: string[]; writes: number[] }, tag: string): Promise<string> {
  const filler = Buffer.alloc(Math.max(0, ...io.writes), '淮南市人民政府公报');
  const reading = await timed(() => mapLimit(io.reads, 16, (key) => objects.get(key)));
  const writing = await timed(() =>
    mapLimit(io.writes, 48, (bytes, i) =>
      objects.put({ key: `private/bench-floor/${tag}/${i}`, body: filler.subarray(0, bytes), contentType: 'application/octet-stream' }),
    ),
  );
  const bytes = io.writes.reduce((sum, size) => sum + size, 0);
  const mib = `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
  return `${(reading.ms + writing.ms).toFixed(0)} ms (reading ${io.reads.length} objects ${reading.ms.toFixed(0)} ms, writing ${io.writes.length} objects, ${mib}, ${writing.ms.toFixed(0)} ms)`;
}

export async function benchRebuild(label: string, store: ObjectStore, site: SiteConfig, partners: Partner[], size: number, floor = false): Promise<string[]> {
  const objects = recordingStore(store);
  const records = await seedHistory(objects, site, size);
  objects.take();
  const full = await timed(() => rebuildFeeds({ objects, site, partners, documents: records.values() }));
  const fullIo = objects.take();
  const extra: DocumentRecord = {
    ...[...records.values()].at(-1)!,
    id: 'bench-new',
    version: 1,
    updatedAt: '2099-01-01T00:00:00.000Z',
    urlPath: '/press/2099/bench-new/',
  };
  await objects.put(
    feedEntryArtifact(
      {
        department: site.departments.find((d) => d.name === extra.department),
        category: site.topics.find((t) => t.name === extra.category),
        attachments: [],
      } as unknown as GazetteDocument,
      '<p>新文件</p>',
      extra,
      site,
    ),
  );
  records.set(extra.id, extra);
  objects.take();
  const one = await timed(() => rebuildFeeds({ objects, site, partners, documents: records.values() }));
  const oneIo = objects.take();
  const none = await timed(() => rebuildFeeds({ objects, site, partners, documents: records.values() }));
  // What a template or site.yaml change costs once archives exist: every subscription document re-rendered, archives checked.
  const heads = await timed(() => rebuildFeeds({ objects, site, partners, documents: records.values(), full: true }));
  const lines = [
    `feeds ${size} docs (${label})  full rebuild: ${full.ms.toFixed(0)} ms, ${full.value.written.length} objects (target ≤ 2000 ms)`,
    `feeds ${size} docs (${label})  one new document: ${one.ms.toFixed(0)} ms, ${one.value.written.length} objects (target ≤ 100 ms); nothing changed: ${none.ms.toFixed(0)} ms`,
    `feeds ${size} docs (${label})  re-render every subscription document, archives kept (--full): ${heads.ms.toFixed(0)} ms, ${heads.value.written.length} objects rewritten`,
  ];
  if (floor) {
    lines.push(
      `feeds ${size} docs (${label})  the store alone doing the full rebuild's reads and writes, no feed work: ${await storeFloor(store, fullIo, 'full')}`,
      `feeds ${size} docs (${label})  the store alone doing one new document's reads and writes, no feed work: ${await storeFloor(store, oneIo, 'one')}`,
    );
  }
  return lines;
}

export async function benchFanOut(store: DeliveryStore, site: SiteConfig, count: number): Promise<string> {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  try {
    const run = Date.now(); // eslint-disable-line no-restricted-syntax -- unique partner ids per bench run
    const partnersOf = (round: string): Partner[] =>
      Array.from({ length: count }, (_, i) => ({
        id: `bench-${run}-${round}-${i}`,
        name: `合作网站${i}`,
        takes: { fullText: true },
        webhook: { url: `http://127.0.0.1:${port}/hook/${i}`, secret: { env: 'BENCH_SECRET' } },
      }));
    const after = {
      id: 'bench-change',
      kind: 'release',
      title: '一次变更',
      lang: 'zh-CN',
      urlPath: '/press/2011/bench-change/',
      status: 'published',
      version: 1,
      digest: 'd',
      department: site.departments[0]!.name,
      category: site.topics[0]!.name,
      artifacts: [],
      updatedAt: '2011-01-01T00:00:00.000Z',
    } as unknown as DocumentRecord;
    const clock = { now: () => new Date(performance.timeOrigin + performance.now()), sleep: async () => {} };
    const fanOut = async (partners: Partner[]) => {
      await recordDeliveries({ store, site, partners, changes: [{ after }] });
      return sendPendingDeliveries({ store, partners, secrets: environmentSecrets({ BENCH_SECRET: secret }), clock, mode: 'local' });
    };
    const cold = await timed(() => fanOut(partnersOf('cold')));
    received = 0;
    const { ms } = await timed(() => fanOut(partnersOf('warm')));
    void cold;
    return `delivery fan-out of one change to ${count} partners on loopback (outbox + signed sends): ${ms.toFixed(0)} ms, ${received} received (target ≤ 1000 ms); first run (cold outbox): ${cold.ms.toFixed(0)} ms`;
  } finally {
    server.close();
  }
}

/**
 * In-memory objects that keep private state and entry fragments but drop published feed bodies
 * after counting them: the CPU cost of building feeds, without holding a gigabyte of output.
 */
function feedSink(): ObjectStore & { bytes: () => number } {
  const inner = createMemoryObjectStore();
  let bytes = 0;
  return {
    ...inner,
    bytes: () => bytes,
    put: async (input) => {
      if (!input.key.startsWith('site/feeds/')) return inner.put(input);
      bytes += input.body.byteLength;
      // Subscription documents keep their sha256 (the --full run compares it); archives only exist.
      const sha256 = input.key.includes('/archive/') ? undefined : createHash('sha256').update(input.body).digest('hex');
      inner.objects.set(input.key, { ...input, body: new Uint8Array(0), etag: '"dropped"', ...(sha256 === undefined ? {} : { sha256 }) });
    },
  };
}

/** `size` documents; `withServers: false` skips the parts on the embedded stores (files and SQLite). */
export async function benchFeeds(size = 10_000, withServers = true): Promise<string[]> {
  const site = parseYaml(await readFile('content/site.yaml', 'utf8')).data as SiteConfig;
  const { partners = [] } = await loadPartners('content', site);
  const sink = feedSink();
  const lines = await benchRebuild('in memory, feed bodies counted then dropped', sink, site, partners, size);
  lines.push(`feeds ${size} docs  bytes of feeds written by the full rebuild and the increment: ${(sink.bytes() / 1024 / 1024).toFixed(0)} MiB`);
  if (!withServers) return lines;
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-feeds-'));
  const stores = await startLocalStores(dir);
  try {
    lines.push(...(await benchRebuild('embedded default: file object store', stores.objects, site, partners, size, true)));
    lines.push(await benchFanOut(stores.deliveries, site, 50));
  } finally {
    await stores.stop();
    await rm(dir, { recursive: true, force: true });
  }
  lines.push(...(await benchRewriteOnEmulators(site, partners, size)));
  return lines;
}

/**
 * The rewrite a deploy of new feed code asks of the feeds function (every feed document, archive
 * pages too), through the AWS adapters against s3rver (in its own process). This process's CPU is
 * what the function's share of a vCPU must do: the feed work and the AWS SDK's cost per request.
 * Lambda gives a function one vCPU at 1,769 MB and a share in proportion below it, so the CPU time
 * is scaled to the feeds function's memory and set beside its timeout (infra/functions.ts). A floor:
 * the function also queries the records (here they are given), and its vCPU is not this machine's
 * core. s3rver answers slower than S3 (it writes three files per object), so the wall time is not S3's.
 */
async function benchRewriteOnEmulators(site: SiteConfig, partners: Partner[], size: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-feeds-aws-'));
  const stores = await startLocalStores(dir, { stores: 'aws-local' });
  try {
    const records = await seedHistory(stores.objects, site, size);
    await rebuildFeeds({ objects: stores.objects, site, partners, documents: records.values(), codeVersion: 'before' });
    const cpu = process.cpuUsage();
    const rewrite = await timed(() => rebuildFeeds({ objects: stores.objects, site, partners, documents: records.values(), codeVersion: 'after' }));
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const { memoryMb, timeoutSeconds } = functionSpecs.feeds;
    const share = Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU);
    return [
      `feeds ${size} docs (AWS adapters on s3rver)  new feed code, every feed document written again: ${rewrite.ms.toFixed(0)} ms, ${rewrite.value.written.length} objects, ${cpuMs.toFixed(0)} ms of this process's CPU`,
      `feeds ${size} docs (AWS adapters on s3rver)  that CPU at the feeds function's ${memoryMb} MB (${share.toFixed(2)} of a vCPU): ${(cpuMs / share / 1000).toFixed(1)} s, the records' query and S3's waits not included; its timeout: ${timeoutSeconds} s`,
    ];
  } finally {
    await stores.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = Number(process.env['BENCH_FEED_SIZE'] ?? 10_000);
  for (const line of await benchFeeds(size, process.env['BENCH_FEED_SERVERS'] !== '0')) console.log(line);
}
