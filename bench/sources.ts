// The mirror a publishing function (render, release, finalize) makes of the source bucket when its
// /tmp is empty, as in a new Lambda container: the generated corpus uploaded by `gazette publish`'s
// code (src/aws/uploadSources.ts) to a source bucket on s3rver, then synced into an empty folder
// with the source pack (one GET for the Markdown and YAML) and without it (one GET per file), two
// runs each, alternated. Timed in this process around the call: the function's own wait, not S3's
// (s3rver runs on this machine, in its own process, and writes three files per object; S3 answers
// each GET after a round trip of its own, so on AWS the GETs one by one cost more, not less).
// `npm run bench` runs it (`BENCH=sources` alone); or `node --import tsx bench/sources.ts`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOURCE_PACK } from '../src/aws/sourcePack.ts';
import { syncSource } from '../src/aws/syncSource.ts';
import { uploadSources } from '../src/aws/uploadSources.ts';
import { startEmbeddedServers } from '../src/local/servers.ts';
import { createAwsClients } from '../src/store/clients.ts';
import { createS3ObjectStore, ensureBucket } from '../src/store/s3.ts';
import { generateCorpus, writeCorpus } from './corpus.ts';

const PREFIX = 'content/';

async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

export async function benchSourceMirror(size = 10_000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-sources-'));
  const servers = await startEmbeddedServers({ dataDir: join(dir, 'servers'), quiet: true, dynamodbInMemory: true });
  const clients = createAwsClients({ region: 'us-east-1', s3Endpoint: servers.s3Endpoint, dynamodbEndpoint: servers.dynamodbEndpoint });
  try {
    const contentDir = join(dir, 'content');
    await writeCorpus(generateCorpus(size, undefined, { unpublished: true }), contentDir);
    const bucket = 'gazette-bench-source';
    await ensureBucket(clients.s3, bucket);
    const store = createS3ObjectStore({ client: clients.s3, bucket });
    const upload = await measured(() =>
      uploadSources({ client: clients.s3, store, bucket, prefix: PREFIX, contentDir, commit: 'bench', author: 'Bench <bench@example.org>' }),
    );
    const pack = upload.value.pack;
    const lines = [
      `sources ${size} docs  gazette publish's upload to an empty source bucket on s3rver: ${upload.value.uploaded.length} files in ${upload.seconds.toFixed(1)} s` +
        (pack === undefined || 'error' in pack
          ? `; NO source pack: ${pack?.error ?? 'not written'}`
          : `, then the source pack: ${pack.files} Markdown and YAML files, ${(pack.bytes / 1024 / 1024).toFixed(1)} MB`),
    ];
    const packBody = (await store.get(PREFIX + SOURCE_PACK))?.body;
    const runs: { pack: boolean; seconds: number; cpuSeconds: number; downloaded: number; fromPack: number }[] = [];
    for (const withPack of [false, true, false, true]) {
      if (withPack && packBody !== undefined) await store.put({ key: PREFIX + SOURCE_PACK, body: packBody, contentType: 'application/zip' });
      else await store.delete([PREFIX + SOURCE_PACK]);
      const into = await mkdtemp(join(dir, 'mirror-'));
      const sync = await measured(() => syncSource({ source: store, prefix: PREFIX, dir: join(into, 'content') }));
      runs.push({ pack: withPack, seconds: sync.seconds, cpuSeconds: sync.cpuSeconds, downloaded: sync.value.downloaded, fromPack: sync.value.fromPack });
      await rm(into, { recursive: true, force: true });
    }
    const show = (withPack: boolean) =>
      runs
        .filter((run) => run.pack === withPack)
        .map((run) => `${run.seconds.toFixed(2)} s (${run.cpuSeconds.toFixed(2)} s CPU; ${run.downloaded} files, ${run.fromPack} from the pack)`)
        .join(', ');
    lines.push(
      `sources ${size} docs  a publishing function's first sync into an empty /tmp, against s3rver, in-process: one GET per file ${show(false)}; with the source pack ${show(true)}`,
    );
    return lines;
  } finally {
    clients.destroy();
    await servers.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchSourceMirror(Number(process.env['BENCH_SOURCES_SIZE'] ?? 10_000))) console.log(line);
}
