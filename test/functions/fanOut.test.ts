// A full rebuild through the fan-out, with the bundled functions in fresh Node processes against
// the embedded servers (the test plays SQS: the fake records each message, the test delivers it):
// render plans and hands out chunks; renderJob runs them (one delivered twice); the chunk that
// completes the build sends it on; finalize writes the listings. The public bytes equal those of
// the same content built in one process.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_REBUILD_EVENT } from '../../src/aws/deployRebuild.ts';
import { finalizeFromSource } from '../../src/aws/fanOut.ts';
import { JOBS_PREFIX } from '../../src/content/keys.ts';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite } from '../../src/publish/build.ts';
import { readBuildState, writeBuildState } from '../../src/publish/buildState.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { RENDER_CODE_FILE, type RenderCodeParts } from '../../src/publish/renderCode.ts';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { type FakeCloudFront, startFakeCloudFront } from './fakeCloudFront.ts';
import { bundled, bundleInto, type FakeScheduler, type FakeSqs, invokeBundle, s3Notification, sqsRecord, startFakeScheduler, startFakeSqs } from './harness.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

let work: string;
let bundles: { render: string; renderJob: string; finalize: string };
let stores: EmulatorStores;
let source: SourceBucket;
let sqs: FakeSqs;
let scheduler: FakeScheduler;
let cloudFront: FakeCloudFront;
/** The render function's environment as the stack sets it (set by the first test). */
let renderEnv: Record<string, string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-fanout-'));
  const dir = join(work, 'bundles');
  const [render, renderJob, finalize] = await Promise.all([bundleInto(dir, 'render'), bundled('renderJob'), bundleInto(dir, 'finalize')]);
  bundles = { render, renderJob, finalize };
  [stores, source, sqs, scheduler, cloudFront] = await Promise.all([
    createEmulatorStores(),
    createSourceBucket(),
    startFakeSqs(),
    startFakeScheduler(),
    startFakeCloudFront(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sqs.close(), scheduler.close(), cloudFront.close()]);
  await rm(work, { recursive: true, force: true });
});

async function publicObjects(objects: ObjectStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const head of objects.listKeys(SITE_PREFIX)) found.set(head.key, sha256((await objects.get(head.key))?.body ?? new Uint8Array()));
  return found;
}

async function publicPage(objects: ObjectStore, path: string): Promise<string> {
  return Buffer.from((await objects.get(`${SITE_PREFIX}${path}`))?.body ?? []).toString('utf8');
}

/** `files` built in one process into `into` (a full build first, then each change): its public objects. */
async function builtInOneProcess(files: Record<string, string | Buffer>, into: EmulatorStores): Promise<Map<string, string>> {
  const { content } = await loadContent(await writeSite(files));
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0 });
  try {
    await buildSite({ content: content as ContentSet, objects: into.objects, records: into.records, renderer, now: new Date() }); // eslint-disable-line no-restricted-syntax
  } finally {
    await renderer.close();
  }
  return publicObjects(into.objects);
}

/** The sample site, and an issue whose editor's note links a release under embargo for decades (the link checks do not read notes). */
function fanOutFiles(): Record<string, string | Buffer> {
  const files = sampleFiles();
  return {
    ...files,
    'press/2010/far-off.md': String(files['press/2010/embargoed.md'])
      .replace('id: press-2010-embargoed', 'id: press-2010-far-off')
      .replace('publishAt: 2010-06-30T10:00:00+08:00', 'publishAt: 2099-06-30T10:00:00+08:00'),
    'gazette/2010/05/index.md': String(files['gazette/2010/05/index.md']).replace(
      '本期刊登市政府文件两件。',
      '本期刊登市政府文件两件。另见[待发布的新闻稿](../../../press/2010/far-off.md)。',
    ),
  };
}

describe('a full rebuild fanned out to render jobs and one finalize', () => {
  it('publishes exactly what one process publishes, counting a redelivered chunk once', async () => {
    await source.publish(await writeSite(fanOutFiles()), 'f00d', '李编辑 <li@huainan.gov.cn>');
    const common = {
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.url,
      SOURCE_BUCKET: source.bucket,
      SITE_BUCKET: stores.bucket,
      TABLE_NAME: stores.table,
      DISTRIBUTION_ID: 'E2GAZETTE0TEST',
    };
    renderEnv = {
      ...common,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      SCHEDULE_GROUP: 'Gazette-embargo',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/Gazette-SchedulerRole',
      RELEASE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:Gazette-Release',
      RELEASE_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:123456789012:Gazette-ReleaseFailures',
      RENDER_JOBS_QUEUE_URL: `${sqs.url}/123456789012/Gazette-RenderJobs`,
      FANOUT_THRESHOLD: '1',
      FANOUT_CHUNK_SIZE: '2',
      FANOUT_WHOLE_LISTINGS_AT: '1',
      FINALIZE_QUEUE_URL: `${sqs.url}/123456789012/Gazette-Finalize`,
      CONTENT_DIR: join(work, 'render', 'content'),
    };
    const jobsEnv = { ...common, FINALIZE_QUEUE_URL: `${sqs.url}/123456789012/Gazette-Finalize`, CONTENT_DIR: join(work, 'jobs', 'content') };
    /** Upload `files` (`changed` among them), let render fan the change out to one chunk and run it: the finalize message it sent. */
    const fannedOutChange = async (files: Record<string, string | Buffer>, commit: string, changed: string): Promise<string> => {
      const sent = sqs.messages.length;
      await source.publish(await writeSite(files), commit, '李编辑 <li@huainan.gov.cn>');
      const run = await invokeBundle(bundles.render, [{ Records: [sqsRecord(s3Notification(source.bucket, `content/${changed}`))] }], renderEnv);
      expect(run.logs.filter((log) => log['level'] === 'error')).toEqual([]);
      expect(sqs.messages.slice(sent).map((body) => (JSON.parse(body) as { type: string }).type)).toEqual(['chunk']);
      await invokeBundle(bundles.renderJob, [{ Records: [sqsRecord(sqs.messages[sent])] }], jobsEnv);
      return sqs.messages[sent + 1] as string;
    };
    const finalized = async (message: string) => {
      const run = await invokeBundle(
        bundles.finalize,
        [{ Records: [sqsRecord(message)] }],
        { ...common, CONTENT_DIR: join(work, 'finalize', 'content') },
        { remainingTimeMs: 900_000 },
      );
      expect(run.logs.filter((log) => log['level'] === 'error')).toEqual([]);
      expect(run.results).toEqual([{ batchItemFailures: [] }]);
      return run;
    };
    /** The fanned-out site's public bytes are `expected`, no more and no less. */
    const expectPublished = async (expected: Map<string, string>) => {
      const fannedOut = await publicObjects(stores.objects);
      expect([...fannedOut.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, digest] of expected) expect(fannedOut.get(key), key).toBe(digest);
    };
    const render = await invokeBundle(bundles.render, [{ Records: [sqsRecord(s3Notification(source.bucket, 'content/site.yaml'))] }], renderEnv);
    expect(render.logs.filter((log) => log['level'] === 'error')).toEqual([]);
    expect(render.results).toEqual([{ batchItemFailures: [] }]);
    // Six documents (the embargo is long over), two per chunk: three messages, and no listing yet.
    const chunks = sqs.messages.map((body) => JSON.parse(body) as { type: string });
    expect(chunks.map((message) => message.type)).toEqual(['chunk', 'chunk', 'chunk']);
    expect(await stores.objects.head(`${SITE_PREFIX}index.html`)).toBeUndefined();

    // The first chunk is delivered twice (SQS delivers at least once): it converges and counts once.
    const [first, second, third] = sqs.messages.map((body) => ({ Records: [sqsRecord(body)] }));
    const jobs = await invokeBundle(bundles.renderJob, [first, second, first, third], jobsEnv);
    expect(jobs.logs.filter((log) => log['level'] === 'error')).toEqual([]);
    expect(jobs.results).toEqual(Array.from({ length: 4 }, () => ({ batchItemFailures: [] })));
    const finalizeMessages = sqs.messages.slice(3);
    expect(finalizeMessages.map((body) => (JSON.parse(body) as { type: string }).type)).toEqual(['finalize']);
    expect((await stores.records.getDocument('press-2010-hotline'))?.version).toBe(1);

    const finalize = await finalized(finalizeMessages[0] as string);
    const manifests: string[] = [];
    for await (const head of stores.objects.listKeys(JOBS_PREFIX)) manifests.push(head.key);
    expect(manifests).toEqual([]);

    // The same content, built in one process.
    const alone = await createEmulatorStores();
    const expected = await builtInOneProcess(fanOutFiles(), alone);
    // Nothing leads to the release under embargo yet, from either.
    expect([...expected.keys()].filter((key) => key.includes('far-off'))).toEqual([]);
    expect(await publicPage(stores.objects, 'gazette/2010/05/index.html')).toContain('待发布的新闻稿');
    expect(await publicPage(stores.objects, 'gazette/2010/05/index.html')).not.toContain('/press/2010/far-off/');
    await expectPublished(expected);

    // A later fan-out of two corrections: its finalize compares only the pages that show them (its
    // own unfinished mark, from before it fanned out, is no stopped build to recover from), and the
    // site is what one process makes of the same change.
    const corrected = (files: Record<string, string | Buffer>) => {
      const correct = (file: string, note: string) =>
        String(files[file]).replace('category: 综合政务\n', `category: 综合政务\nchangeNote: ${note}\nchangeDate: 2010-06-26\n`) + '受理量已更正。\n';
      return {
        ...files,
        'press/2010/hotline.md': correct('press/2010/hotline.md', '受理量更正。'),
        'press/2010/hotline-en.md': correct('press/2010/hotline-en.md', 'Figures corrected.'),
      };
    };
    const comparedBy = (run: { logs: Record<string, unknown>[] }) => {
      const { summary } = run.logs.find((log) => log['message'] === 'Finalize: finalized.') as {
        summary: { objectsWritten: number; objectsUnchanged: number };
      };
      return summary.objectsWritten + summary.objectsUnchanged;
    };
    const finalizeAgain = await finalized(await fannedOutChange(corrected(fanOutFiles()), 'f00e', 'press/2010/hotline.md'));
    expect(comparedBy(finalizeAgain)).toBeLessThan(comparedBy(finalize) / 2);
    await expectPublished(await builtInOneProcess(corrected(fanOutFiles()), alone));
    expect(await publicPage(stores.objects, 'press/2010/hotline/index.html')).toContain('受理量已更正');

    // A fan-out whose first finalize attempt stops after its issue's record and page, before the
    // listings (a timeout, say): SQS delivers the message again, and the retry leaves the site as one
    // process makes it (the record, already written, no longer shows what changed).
    const revised = (files: Record<string, string | Buffer>) => ({
      ...corrected(files),
      'gazette/2010/05/huaifu-2010-69.md': String(files['gazette/2010/05/huaifu-2010-69.md'])
        .replace('进一步推进政务公开工作的意见\n', '进一步推进政务公开工作的意见（修订）\n')
        .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 标题更正。\nchangeDate: 2010-06-27\n'),
    });
    const finalizeMessage = await fannedOutChange(revised(fanOutFiles()), 'f00f', 'gazette/2010/05/huaifu-2010-69.md');
    // The fault: the site bucket refuses every page but the issue's own.
    const stopping: ObjectStore = {
      ...stores.objects,
      put: async (input) => {
        if (input.key.startsWith(SITE_PREFIX) && !input.key.startsWith(`${SITE_PREFIX}gazette/2010/05/`)) throw new Error('The attempt stops here.');
        return stores.objects.put(input);
      },
    };
    /** A finalize attempt of the build `message` names, on the bucket above: it stops there. */
    const attemptStopping = (message: string) =>
      expect(
        finalizeFromSource((JSON.parse(message) as { buildId: string }).buildId, {
          source: source.store,
          objects: stopping,
          records: stores.records,
          contentDir: join(work, 'attempt', 'content'),
          clock: { now: () => new Date() }, // eslint-disable-line no-restricted-syntax
          waitMs: 60_000,
        }),
      ).rejects.toThrow('The attempt stops here.');
    await attemptStopping(finalizeMessage);
    expect(await publicPage(stores.objects, 'gazette/2010/05/index.html')).toContain('意见（修订）');
    await finalized(finalizeMessage);
    await expectPublished(await builtInOneProcess(revised(fanOutFiles()), alone));

    // The same after a build beside it finished first and marked the state complete, so that the
    // fan-out's own unfinished mark is gone when its finalize begins: the retry still converges.
    const retitled = (files: Record<string, string | Buffer>) => ({
      ...revised(files),
      'gazette/2010/05/huaifu-2010-69.md': String(revised(files)['gazette/2010/05/huaifu-2010-69.md'])
        .replace('意见（修订）\n', '意见（修订稿）\n')
        .replace('changeNote: 标题更正。\nchangeDate: 2010-06-27\n', 'changeNote: 标题再次更正。\nchangeDate: 2010-06-28\n'),
    });
    const besideMessage = await fannedOutChange(retitled(fanOutFiles()), 'f010', 'gazette/2010/05/huaifu-2010-69.md');
    const marked = await readBuildState(stores.objects);
    expect(marked?.complete).toBe(false);
    await writeBuildState(stores.objects, {
      fingerprint: marked?.fingerprint ?? '',
      ...(marked?.parts === undefined ? {} : { parts: marked.parts }),
      complete: true,
    });
    await attemptStopping(besideMessage);
    await finalized(besideMessage);
    await expectPublished(await builtInOneProcess(retitled(fanOutFiles()), alone));

    // After a deploy: unchanged render code publishes nothing; a changed template rebuilds every document.
    const deployed = async (env: Record<string, string> = renderEnv) => {
      const before = sqs.messages.length;
      const run = await invokeBundle(bundles.render, [DEPLOY_REBUILD_EVENT], env);
      expect(run.logs.filter((log) => log['level'] === 'error')).toEqual([]);
      expect(run.logs.some((log) => log['message'] === 'Published after a deploy.')).toBe(true);
      return sqs.messages.slice(before).map((body) => JSON.parse(body) as { type: string });
    };
    expect(await deployed()).toEqual([]);
    // A bundle of changed templates carries their new parts (infra/bundle.ts, src/publish/renderCode.ts).
    // A deploy brings the same code parts to every function's bundle (here the two that read them: render and finalize).
    const deploy = (codeParts: RenderCodeParts) =>
      Promise.all([bundles.render, bundles.finalize].map((bundle) => writeFile(join(dirname(bundle), RENDER_CODE_FILE), JSON.stringify(codeParts))));
    const release = (list: string[]) =>
      list.map((part) => (part.startsWith('templates/home.tsx\0') ? 'templates/home.tsx\0a new release of the templates\0' : part));
    const carried = JSON.parse(await readFile(join(dirname(bundles.render), RENDER_CODE_FILE), 'utf8')) as RenderCodeParts;
    // A new release of the sitemaps' code: no document is rendered again, and every listing and
    // derived page goes to the finalize function at once (the site has more documents than
    // FANOUT_WHOLE_LISTINGS_AT), which compares each with the bucket: more than an incremental
    // finalize compares, and nothing to write.
    const sitemapsRelease = (name: string) =>
      deploy({
        all: carried.all.map((part) => (part.startsWith('src/discovery/sitemaps.ts\0') ? `src/discovery/sitemaps.ts\0${name}\0` : part)),
        pages: carried.pages,
        feeds: carried.feeds,
      });
    // On a site smaller than FANOUT_WHOLE_LISTINGS_AT the render function renders them itself.
    await sitemapsRelease('a new release');
    expect(await deployed({ ...renderEnv, FANOUT_WHOLE_LISTINGS_AT: '1000' })).toEqual([]);
    expect(await deployed()).toEqual([]);
    await sitemapsRelease('a newer release');
    expect((await deployed()).map((message) => message.type)).toEqual(['finalize']);
    const whole = await finalized(sqs.messages.at(-1) as string);
    const { summary: wholeSummary } = whole.logs.find((log) => log['message'] === 'Finalize: finalized.') as { summary: { objectsWritten: number } };
    expect(wholeSummary.objectsWritten).toBe(0);
    expect(comparedBy(whole)).toBeGreaterThan(comparedBy(finalizeAgain));
    // Finalize kept the parts it rendered with: the same deploy again finds nothing to do.
    expect(await deployed()).toEqual([]);
    await deploy({ all: release(carried.all), pages: release(carried.pages), feeds: carried.feeds });
    expect((await deployed()).map((message) => message.type)).toEqual(['chunk', 'chunk', 'chunk']);
  }, 240_000);

  it('after a deploy before any upload, has nothing to rebuild', async () => {
    const empty = await createSourceBucket();
    const run = await invokeBundle(bundles.render, [DEPLOY_REBUILD_EVENT], {
      ...renderEnv,
      SOURCE_BUCKET: empty.bucket,
      CONTENT_DIR: join(work, 'empty', 'content'),
    });
    expect(run.results).toEqual([{ batchItemFailures: [] }]);
    expect(run.logs.map((log) => log['message'])).toContain('Deployed before any content was uploaded: nothing to rebuild.');
  }, 60_000);
});
