// Release: an EventBridge Scheduler one-time schedule fires at a document's embargo time with
// { publishAt, documentId }. Publishing with the function's own clock makes every document due by
// now public — the same publish the render function runs. The payload's time is only checked:
// one still ahead of the clock is refused.

import { cdnFromEnv } from '../src/aws/cdn.ts';
import { clientsFromEnv, type LambdaContext, leaseWaitMs, requireEnv } from '../src/aws/env.ts';
import { releaseClock, releasePayloadOf } from '../src/aws/events.ts';
import { jobRunnerFromEnv } from '../src/aws/fanOut.ts';
import { logJson, summaryForLog } from '../src/aws/log.ts';
import { publishFromSource } from '../src/aws/publishFromSource.ts';
import { signerFromEnv } from '../src/aws/signingKey.ts';
import { createDynamoRecordStore } from '../src/store/dynamodb.ts';
import { createS3ObjectStore } from '../src/store/s3.ts';

const env = requireEnv(['SOURCE_BUCKET', 'SITE_BUCKET', 'TABLE_NAME', 'DISTRIBUTION_ID']);
const { s3, dynamodb } = clientsFromEnv();
const source = createS3ObjectStore({ client: s3, bucket: env.SOURCE_BUCKET });
const objects = createS3ObjectStore({ client: s3, bucket: env.SITE_BUCKET });
const records = createDynamoRecordStore({ client: dynamodb, table: env.TABLE_NAME });
const cdn = cdnFromEnv(env.DISTRIBUTION_ID);
const contentDir = process.env['CONTENT_DIR'] ?? '/tmp/content';
const manifest = signerFromEnv();
// A release that renders many documents (one beside new templates, or many embargoes at one time)
// hands them to the renderJob function, as the render function does: the release has 120 s.
const jobRunner = jobRunnerFromEnv({ objects, dynamodb });

export interface ReleaseResult {
  publishAt: string;
  /** The function's clock, which the release published with. */
  releasedAt: string;
  /** The build's counts (summaryForLog): an asynchronous invocation's result must fit in 256 KB. */
  summary: ReturnType<typeof summaryForLog>;
}

/** Throws on failure: Scheduler retries the invocation (retry policy and DLQ set on the schedule target). */
export async function handler(event: unknown, context?: LambdaContext): Promise<ReleaseResult> {
  const payload = releasePayloadOf(event);
  // The function's clock: read once here, injected everywhere below.
  const now = releaseClock(payload, new Date()); // eslint-disable-line no-restricted-syntax
  const result = await publishFromSource({
    source,
    objects,
    records,
    contentDir,
    now,
    cdn,
    leaseWaitMs: leaseWaitMs(context),
    ...(manifest === undefined ? {} : { manifest }),
    ...(jobRunner === undefined ? {} : { jobRunner }),
  });
  if (result.status === 'invalid') {
    // Unlike an upload, an embargo has a deadline: fail loudly so the schedule's DLQ alarm fires.
    throw new Error(`Release at ${payload.publishAt} found content errors; nothing was published:\n${result.report}`);
  }
  const summary = summaryForLog(result.summary);
  if (result.summary.fannedOut !== undefined) {
    // Not public yet: renderJob and finalize publish it; a failure of theirs ends in their dead-letter queues, not ReleaseFailures.
    logJson('info', 'Release handed to render jobs.', { ...payload, releasedAt: now.toISOString(), buildId: result.summary.fannedOut.buildId, summary });
  } else {
    logJson('info', 'Released.', { ...payload, releasedAt: now.toISOString(), summary });
  }
  return { publishAt: payload.publishAt, releasedAt: now.toISOString(), summary };
}
