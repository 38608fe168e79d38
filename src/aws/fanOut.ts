// A full rebuild on AWS fans out: the render function plans the build, writes the document jobs
// to S3 in chunks (private/jobs/<build>/), records the build in the table, and sends one SQS
// message per chunk to the RenderJobs queue. Many renderJob invocations run the chunks at once
// (render, write, commit: documentJobs.ts); each counts its chunk done in the table, and the one
// that completes the count sends the build to the Finalize queue, whose function runs the finalize
// step once under the table's build lease (finalize.ts, lease.ts). A build with no chunk (its
// every listing and derived page to render again on a large site, and few documents or none) goes
// to the Finalize queue at once: comparing those pages with the bucket needs finalize's time.
//
// Every step can run twice (SQS delivers at least once): a chunk run again converges on the
// records its first run committed, is counted once, and a second finalize rewrites nothing.

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadContent } from '../content/load.ts';
import { formatMessages } from '../content/messages.ts';
import type { ContentSet } from '../content/model.ts';
import { type BuildSummary, emptySummary, type JobContext, type JobRunner, type SiteRenderer } from '../publish/build.ts';
import { extendPending, markUnfinished, readBuildState, readPendingBuilds, stoppedBuildIn } from '../publish/buildState.ts';
import { type JobSettings, runDocumentJobs } from '../publish/documentJobs.ts';
import { finalizeBuild, loadPublishedState } from '../publish/finalize.ts';
import type { ManifestSigner } from '../publish/signedManifest.ts';
import { createJobRenderer } from '../publish/jobRenderer.ts';
import { acquireLease, type LeaseClock } from '../publish/lease.ts';
import { chunkJobs, type DocumentJob } from '../publish/planJobs.ts';
import { createSiteRenderer } from '../publish/siteRenderer.ts';
import type { CdnInvalidator } from '../publish/takeDowns.ts';
import { buildChunkKey, buildJobsPrefix, buildManifestKey } from '../content/keys.ts';
import type { DocumentRecord, ObjectStore, RecordStore, ScheduledRecord } from '../store/ports.ts';
import { requireEnv } from './env.ts';
import { SOURCE_PREFIX } from './publishFromSource.ts';
import { syncSource } from './syncSource.ts';

/** What the finalize step of a fanned-out build needs besides the content and the table. */
export interface FanOutManifest {
  buildId: string;
  /** The build's clock. */
  now: string;
  context: JobContext;
  settings: JobSettings;
  chunks: number;
  /** Each job's document and the record it replaced, for the listings that show a change. */
  jobs: { id: string; previous?: DocumentRecord }[];
  released: ScheduledRecord[];
}

/** The messages of the RenderJobs and Finalize queues. */
export type FanOutMessage = { type: 'chunk'; buildId: string; chunk: number } | { type: 'finalize'; buildId: string };

export function fanOutMessageOf(body: string): FanOutMessage {
  const message = JSON.parse(body) as Partial<FanOutMessage>;
  if (typeof message.buildId !== 'string' || (message.type === 'chunk' ? typeof message.chunk !== 'number' : message.type !== 'finalize')) {
    throw new Error(`Not a render job or finalize message: ${body.slice(0, 200)}`);
  }
  return message as FanOutMessage;
}

/** The build's progress in the table: chunks in all, chunks done (each counted once). */
export interface FanOutStore {
  startBuild(buildId: string, chunks: number, createdAt: string): Promise<void>;
  /** Count a chunk done; true when every chunk of the build is (also when this chunk was counted before). */
  chunkDone(buildId: string, chunk: number): Promise<boolean>;
}

export function createFanOutStore({ client, table }: { client: DynamoDBDocumentClient; table: string }): FanOutStore {
  const key = (buildId: string) => ({ pk: `BUILD#${buildId}`, sk: 'FANOUT' });
  return {
    async startBuild(buildId, chunks, createdAt) {
      await client.send(
        new PutCommand({ TableName: table, Item: { ...key(buildId), chunks, done: 0, createdAt }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },
    async chunkDone(buildId, chunk) {
      try {
        // Counted and remembered in one atomic update; a chunk counted before fails the condition.
        const output = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: key(buildId),
            UpdateExpression: 'ADD #done :one, #counted :chunk',
            ConditionExpression: 'attribute_exists(pk) AND NOT contains(#counted, :name)',
            ExpressionAttributeNames: { '#done': 'done', '#counted': 'counted' },
            ExpressionAttributeValues: { ':one': 1, ':chunk': new Set([String(chunk)]), ':name': String(chunk) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Number(output.Attributes?.['done']) >= Number(output.Attributes?.['chunks']);
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        // Counted before: that run may have stopped before sending the build on, so say again whether it is complete.
        const item = (await client.send(new GetCommand({ TableName: table, Key: key(buildId), ConsistentRead: true }))).Item;
        if (item === undefined)
          throw new Error(`Build ${buildId} is not recorded in the table: its render function did not finish starting it.`, { cause: error });
        return Number(item['done']) >= Number(item['chunks']);
      }
    },
  };
}

export interface FanOutOptions {
  objects: ObjectStore;
  store: FanOutStore;
  sqs: SQSClient;
  renderJobsQueueUrl: string;
  /** Documents per chunk (one renderJob invocation). */
  chunkSize: number;
  /** Fewer documents than this are rendered by the render function itself. */
  threshold: number;
  /**
   * A build that renders every listing and derived page again on a site of this many documents is
   * finalized by the finalize function (sent straight to its queue when there is no chunk to
   * render): such a build took 55 s of the render function's bundle, cold, on the emulators at
   * 10,000 documents (26,798 pages compared; about 18 s of it mirroring and loading the
   * sources), and the render function has 120 s.
   */
  wholeListingsAt?: number;
  /** The finalize function's queue: a build with no chunk is sent there at once. */
  finalizeQueueUrl: string;
}

/**
 * The job runner of a publishing function (render, release) as the stack configures it: none
 * without RENDER_JOBS_QUEUE_URL (the function renders everything itself); with it, the finalize
 * queue is required too, and the thresholds may be tuned by FANOUT_THRESHOLD, FANOUT_CHUNK_SIZE
 * and FANOUT_WHOLE_LISTINGS_AT.
 */
export function jobRunnerFromEnv(
  { objects, dynamodb }: { objects: ObjectStore; dynamodb: DynamoDBDocumentClient },
  env: NodeJS.ProcessEnv = process.env,
): JobRunner | undefined {
  const renderJobsQueueUrl = env['RENDER_JOBS_QUEUE_URL'];
  if (renderJobsQueueUrl === undefined || renderJobsQueueUrl === '') return undefined;
  const { TABLE_NAME: table, FINALIZE_QUEUE_URL: finalizeQueueUrl } = requireEnv(['TABLE_NAME', 'FINALIZE_QUEUE_URL'], env);
  return fanOutRunner({
    objects,
    store: createFanOutStore({ client: dynamodb, table }),
    sqs: new SQSClient({ region: env['AWS_REGION'] ?? 'us-east-1' }),
    renderJobsQueueUrl,
    finalizeQueueUrl,
    threshold: Number(env['FANOUT_THRESHOLD'] ?? 200),
    chunkSize: Number(env['FANOUT_CHUNK_SIZE'] ?? 25),
    // A site this large has its listings and derived pages rendered whole by the finalize function.
    wholeListingsAt: Number(env['FANOUT_WHOLE_LISTINGS_AT'] ?? 2000),
  });
}

/** The job runner of the render and release functions: hands the jobs on when there are many. */
export function fanOutRunner(options: FanOutOptions): JobRunner {
  return {
    minJobs: options.threshold,
    ...(options.wholeListingsAt === undefined ? {} : { minDocumentsForWholeListings: options.wholeListingsAt }),
    async run(jobs, input) {
      // Under the build's id: its pending mark, which every chunk extends before it commits.
      const buildId = input.buildId;
      const chunks = chunkJobs(jobs, options.chunkSize);
      const manifest: FanOutManifest = {
        buildId,
        now: input.settings.now,
        // The renderJob function reads sources from its own folder.
        context: { ...input.context, root: '' },
        settings: { ...input.settings, root: '' },
        chunks: chunks.length,
        jobs: jobs.map((job) => ({ id: job.page.doc.id, ...(job.previous === undefined ? {} : { previous: job.previous }) })),
        released: input.released,
      };
      // Chunks and the manifest first, then the count, then the messages: a message never names a missing chunk.
      await Promise.all(chunks.map((chunk, i) => putJson(options.objects, buildChunkKey(buildId, i), chunk)));
      await putJson(options.objects, buildManifestKey(buildId), manifest);
      if (chunks.length === 0) {
        // Nothing to render, only the listings and derived pages: the build goes to finalize at once.
        await sendToFinalize(options.sqs, options.finalizeQueueUrl, buildId);
        return { fannedOut: { buildId, chunks: 0, jobs: 0 } };
      }
      await options.store.startBuild(buildId, chunks.length, input.settings.now);
      const messages: FanOutMessage[] = chunks.map((_, chunk) => ({ type: 'chunk', buildId, chunk }));
      for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10);
        const sent = await options.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: options.renderJobsQueueUrl,
            Entries: batch.map((message, j) => ({ Id: String(i + j), MessageBody: JSON.stringify(message) })),
          }),
        );
        if ((sent.Failed ?? []).length > 0)
          throw new Error(`SQS refused ${sent.Failed?.length} render job message(s) of build ${buildId}: ${JSON.stringify(sent.Failed)}`);
      }
      return { fannedOut: { buildId, chunks: chunks.length, jobs: jobs.length } };
    },
  };
}

export interface RunChunkOptions {
  objects: ObjectStore;
  /** The source bucket: the chunk's attachments and images are fetched from it. */
  source: ObjectStore;
  records: RecordStore;
  store: FanOutStore;
  sqs: SQSClient;
  finalizeQueueUrl: string;
  /** Local folder the chunk's source files are fetched into (Lambda's /tmp). */
  contentDir: string;
  /** The wall clock, and how long this invocation may still run: it commits nothing after that. */
  clock: LeaseClock;
  remainingMs: () => number;
}

/** One renderJob invocation: run a chunk's jobs, count it done, and send the build on when it was the last. */
export async function runFanOutChunk(message: { buildId: string; chunk: number }, options: RunChunkOptions): Promise<{ jobs: number; complete: boolean }> {
  const { objects, records } = options;
  const manifest = await getJson<FanOutManifest>(objects, buildManifestKey(message.buildId));
  if (manifest === undefined) return { jobs: 0, complete: false }; // finalized and cleaned up: a late redelivery
  const jobs = (await getJson<DocumentJob[]>(objects, buildChunkKey(message.buildId, message.chunk))) ?? [];
  await fetchSources(options.source, options.contentDir, jobs);
  // The build stays marked pending past any commit of this invocation (Lambda ends it at its
  // timeout): if the build dies, the next finalizer knows from the mark when to list its records.
  await extendPending(records, message.buildId, options.clock, options.remainingMs());
  const root = resolve(options.contentDir);
  await runDocumentJobs(jobs, createJobRenderer({ ...manifest.context, root }), { objects, records }, { ...manifest.settings, root });
  const complete = await options.store.chunkDone(message.buildId, message.chunk);
  if (complete) await sendToFinalize(options.sqs, options.finalizeQueueUrl, message.buildId);
  return { jobs: jobs.length, complete };
}

/** The files a chunk's documents publish or embed (attachments, images), fetched unless already here. */
async function fetchSources(source: ObjectStore, dir: string, jobs: DocumentJob[]): Promise<void> {
  const root = resolve(dir);
  const files = new Set(
    jobs.flatMap((job) => [...job.page.doc.attachments, ...((job.page.doc as { assets?: { file: string }[] }).assets ?? [])].map((file) => file.file)),
  );
  for (const file of files) {
    const path = resolve(root, file);
    if (!path.startsWith(root + sep)) throw new Error(`A job names a file outside the content folder: ${file}`);
    const stored = await source.get(`${SOURCE_PREFIX}${file}`);
    if (stored === undefined)
      throw new Error(`The source bucket has no ${SOURCE_PREFIX}${file}, which a render job publishes: was it deleted since the build was planned?`);
    const there = await stat(path).catch(() => undefined);
    if (there?.size === stored.body.byteLength && (await readFile(path)).equals(stored.body)) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, stored.body);
  }
}

export interface FinalizeFanOutOptions {
  content: ContentSet;
  renderer: SiteRenderer;
  objects: ObjectStore;
  records: RecordStore;
  clock: LeaseClock;
  /** How long to wait for the lease (the function's remaining time, less a margin). */
  waitMs: number;
  cdn?: CdnInvalidator;
  /** The signing key of the site's manifest (src/aws/signingKey.ts). */
  manifest?: ManifestSigner;
}

/** The finalize step of a fanned-out build, under the lease; then its job manifests are removed. */
export async function finalizeFanOut(buildId: string, options: FinalizeFanOutOptions): Promise<BuildSummary | undefined> {
  const { objects, records } = options;
  const manifest = await getJson<FanOutManifest>(objects, buildManifestKey(buildId));
  if (manifest === undefined) return undefined; // finalized before (a redelivered message)
  const summary = emptySummary();
  const lease = await acquireLease(records, options.clock, { waitMs: options.waitMs });
  try {
    // Read once the lease is held: the build state as the last build to finalize left it, and the
    // records of every build whose jobs committed so far (the pending marks first, so what a dead
    // build committed is in them).
    const previousBuild = await readBuildState(objects);
    // This build's own mark, from before it fanned out, is no build to recover: its changes are all
    // in the manifest's jobs. Nor is the mark of a build still running beside it, which lists its
    // own. Any other mark is a build that stopped between its first write and its listings.
    const recovering = await stoppedBuildIn(previousBuild, buildId, records, options.clock);
    // An attempt of this finalize that stops midway (a timeout; the message comes again) may leave
    // its issues' records written and the pages that list them not: the next attempt, finding this
    // mark (no build's own, and no running build's), renders every listing and derived page, as
    // for any stopped build. Its own mark may be gone by now (a build beside it finished and
    // marked the state complete), so it is written whatever it finds, but over a stopped build's.
    if (!recovering) await markUnfinished(objects, previousBuild, `${buildId}${FINALIZING}`);
    const seen = await readPendingBuilds(records, buildId, options.clock);
    const state = await loadPublishedState(records);
    const changes = manifest.jobs.flatMap(({ id, previous }) => {
      const after = state.documents.get(id);
      return after === undefined ? [] : [{ before: previous, after }];
    });
    // The pages finalize renders (issues: an editor's note may link a document under embargo) keep
    // links to what was not public when the build was planned as text, as the render jobs did.
    await options.renderer.begin(0, manifest.context.hidden);
    await finalizeBuild({
      content: options.content,
      objects,
      records,
      renderer: options.renderer,
      now: new Date(manifest.now),
      concurrency: manifest.settings.concurrency,
      emit: () => {},
      summary,
      lease,
      state,
      changes,
      released: manifest.released,
      previousBuild,
      previousBuildCurrent: true,
      recovering,
      emptyBefore: false,
      wroteDocuments: true,
      pending: { buildId, clock: options.clock, seen },
      ...(options.cdn === undefined ? {} : { cdn: options.cdn }),
      ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
    });
  } finally {
    await lease.release().catch(() => undefined);
  }
  const keys: string[] = [];
  for await (const head of objects.listKeys(buildJobsPrefix(buildId))) keys.push(head.key);
  await objects.delete(keys);
  return summary;
}

/** Send a build to the finalize function's queue. */
async function sendToFinalize(sqs: SQSClient, queueUrl: string, buildId: string): Promise<void> {
  const body: FanOutMessage = { type: 'finalize', buildId };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
}

/** Appended to a build's id in its unfinished mark once its finalize has begun. */
const FINALIZING = '#finalizing';

async function putJson(objects: ObjectStore, key: string, value: unknown): Promise<void> {
  await objects.put({ key, body: Buffer.from(JSON.stringify(value), 'utf8'), contentType: 'application/json' });
}

async function getJson<T>(objects: ObjectStore, key: string): Promise<T | undefined> {
  const stored = await objects.get(key);
  return stored === undefined ? undefined : (JSON.parse(Buffer.from(stored.body).toString('utf8')) as T);
}

export interface FinalizeFromSourceOptions extends Omit<FinalizeFanOutOptions, 'content' | 'renderer'> {
  source: ObjectStore;
  contentDir: string;
}

/**
 * The finalize function's use case: mirror the sources (issue pages, columns and derived outputs
 * need the content), then finalize the build. Content that no longer loads leaves the build to
 * the next publish, which finalizes everything (its render function refuses that content too).
 */
export async function finalizeFromSource(
  buildId: string,
  options: FinalizeFromSourceOptions,
): Promise<{ status: 'finalized' | 'gone'; summary?: BuildSummary } | { status: 'invalid'; report: string }> {
  if ((await options.objects.head(buildManifestKey(buildId))) === undefined) return { status: 'gone' };
  await syncSource({ source: options.source, prefix: SOURCE_PREFIX, dir: options.contentDir });
  const { content, messages } = await loadContent(options.contentDir);
  if (content === undefined) return { status: 'invalid', report: formatMessages(messages) };
  const renderer = await createSiteRenderer(content, { workers: 0 });
  try {
    const summary = await finalizeFanOut(buildId, { ...options, content, renderer });
    return summary === undefined ? { status: 'gone' } : { status: 'finalized', summary };
  } finally {
    await renderer.close();
  }
}
