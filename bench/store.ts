// `node --import tsx bench/store.ts [records] [objects]`: raw write throughput of the storage
// adapters against the embedded servers on this machine: S3 PUTs (2–8 KB HTML) with N in flight,
// and RecordStore.putDocuments (new documents, one transaction each). Measured here, never
// asserted in tests.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServers } from '../src/local/servers.ts';
import { createAwsClients } from '../src/store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../src/store/dynamodb.ts';
import type { DocumentRecord, ObjectStore, RecordStore } from '../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../src/store/s3.ts';
import { mapLimit } from '../src/concurrency.ts';

const recordCount = Number(process.argv[2] ?? 2000);
const objectCount = Number(process.argv[3] ?? 3000);
const paragraph = '<p>淮南市推进政务公开，打造亲民政府。依托市政府门户网站“市民心声”专栏，实现民主监督。</p>\n';

function htmlBody(i: number): Uint8Array {
  const paragraphs = 10 + (i % 30); // ≈ 2–8 KB
  return new TextEncoder().encode(`<!doctype html><html lang="zh-CN"><body>${paragraph.repeat(paragraphs)}<p>${i}</p></body></html>`);
}

export function record(i: number): DocumentRecord {
  const id = `bench-${String(i).padStart(6, '0')}`;
  const date = `2010-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  return {
    id,
    kind: (['article', 'release', 'conference'] as const)[i % 3] ?? 'article',
    title: `淮南市人民政府关于政务公开工作的通知（第${i}号）`,
    lang: 'zh-CN',
    file: `content/gazette/2010/01/${id}.md`,
    urlPath: `/gazette/2010/01/${id}/`,
    status: 'published',
    version: 1,
    digest: 'a'.repeat(64),
    indexNumber: `003210045/2010-${String(i).padStart(5, '0')}`,
    department: '淮南市人民政府办公室',
    departmentCode: '003210045',
    category: '政务公开',
    date,
    summary: '从提高行政效率、改善服务质量、方便群众办事入手，进一步拓宽公开形式。',
    artifacts: [
      { key: `site/gazette/2010/01/${id}/index.html`, size: 4096, sha256: 'b'.repeat(64), contentType: 'text/html; charset=utf-8' },
      { key: `site/gazette/2010/01/${id}/${id}.pdf`, size: 90_000, sha256: 'c'.repeat(64), contentType: 'application/pdf' },
    ],
    firstPublishedAt: `${date}T00:00:00.000Z`,
    updatedAt: `${date}T00:00:00.000Z`,
  };
}

async function timed(label: string, count: number, work: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(
    `${label.padEnd(46)} ${String(count).padStart(6)} in ${seconds.toFixed(2).padStart(6)} s = ${(count / seconds).toFixed(0).padStart(5)}/s\n`,
  );
}

/**
 * What the stand-ins alone take to accept a build's writes: `puts` objects of `bytes` in all
 * (16 in flight, as the build writes) and `records` new document records (the build's
 * transactions of 25). No rendering, no reads: the floor under a full build's time.
 */
export async function storeFloor(
  stores: { objects: ObjectStore; records: RecordStore },
  load: { puts: number; bytes: number; records: number },
): Promise<{ putSeconds: number; recordSeconds: number }> {
  const size = Math.max(1, Math.round(load.bytes / Math.max(1, load.puts)));
  const body = new Uint8Array(size).fill(0x61);
  const putStart = performance.now();
  await mapLimit(
    Array.from({ length: load.puts }, (_, i) => i),
    16,
    (i) => stores.objects.put({ key: `floor/${i}.html`, body, contentType: 'text/html; charset=utf-8' }),
  );
  const putSeconds = (performance.now() - putStart) / 1000;
  const entries = Array.from({ length: load.records }, (_, i) => ({ record: { ...record(2_000_000 + i), id: `floor-${i}` }, expectedVersion: 0 }));
  const recordStart = performance.now();
  await stores.records.putDocuments(entries);
  return { putSeconds, recordSeconds: (performance.now() - recordStart) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // BENCH_DIR=/dev/shm measures without disk syncs; the default is a disk directory, like the CLI's .gazette/.
  const dataDir = await mkdtemp(join(process.env['BENCH_DIR'] ?? tmpdir(), 'gazette-bench-store-'));
  const servers = await startEmbeddedServers({ dataDir, dynamodbInMemory: process.env['BENCH_DYNAMODB_IN_MEMORY'] === '1' });
  const clients = createAwsClients({ region: 'us-east-1', s3Endpoint: servers.s3Endpoint, dynamodbEndpoint: servers.dynamodbEndpoint });
  try {
    await ensureBucket(clients.s3, 'bench');
    const objects = createS3ObjectStore({ client: clients.s3, bucket: 'bench' });
    const bodies = Array.from({ length: objectCount }, (_, i) => htmlBody(i));
    // Warm up connections and the JIT, then measure.
    await mapLimit(bodies.slice(0, 500), 16, (body, i) => objects.put({ key: `warm/${i}.html`, body, contentType: 'text/html' }));
    // Alternate the settings so machine load and warm-up affect both alike.
    for (const [round, inFlight] of [16, 32, 16, 32].entries()) {
      await timed(`S3 put, ${inFlight} in flight`, objectCount, () =>
        mapLimit(bodies, inFlight, (body, i) => objects.put({ key: `site/${round}/${i}/index.html`, body, contentType: 'text/html; charset=utf-8' })),
      );
    }

    // [documents per transaction, transactions in flight]; 1 document per transaction is the naive path.
    for (const [transactionSize, concurrency] of [
      [1, 16],
      [25, 4],
    ] as const) {
      const table = `bench-${transactionSize}-${concurrency}`;
      await ensureTable(clients.dynamodb, table);
      const records = createDynamoRecordStore({ client: clients.dynamodb, table, transactionSize, concurrency });
      await records.putDocuments(Array.from({ length: 100 }, (_, i) => ({ record: record(1_000_000 + i), expectedVersion: 0 })));
      const entries = Array.from({ length: recordCount }, (_, i) => ({ record: record(i), expectedVersion: 0 }));
      const shape = `${transactionSize} doc/tx, ${concurrency} tx in flight`;
      await timed(`putDocuments new, ${shape}`, recordCount, () => records.putDocuments(entries));
      const updates = entries.map(({ record: r }) => ({ record: { ...r, version: 2 }, expectedVersion: 1 }));
      await timed(`putDocuments update, ${shape}`, recordCount, () => records.putDocuments(updates));
      let listed = 0;
      await timed('listDocuments (all kinds)', recordCount + 100, async () => {
        for await (const _ of records.listDocuments()) listed++;
      });
      if (listed !== recordCount + 100) throw new Error(`listed ${listed}, expected ${recordCount + 100}`);
    }
  } finally {
    clients.destroy();
    await servers.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
