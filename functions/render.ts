// Render: S3 notifications of uploaded sources, delivered through SQS. One batch, one publish:
// mirror the sources, validate, build what changed. All messages of a failed build are retried.

import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { cdnFromEnv } from '../src/aws/cdn.ts';
import { scheduleReleases } from '../src/aws/embargoSchedules.ts';
import { DEPLOY_REBUILD_EVENT, isDeployRebuild } from '../src/aws/deployRebuild.ts';
import { jobRunnerFromEnv } from '../src/aws/fanOut.ts';
import { clientsFromEnv, type LambdaContext, leaseWaitMs, requireEnv } from '../src/aws/env.ts';
import { type BatchResponse, type S3ObjectEvent, s3EventsOf, type SqsEvent, type SqsRecord } from '../src/aws/events.ts';
import { logJson, summaryForLog } from '../src/aws/log.ts';
import { provenanceOf } from '../src/aws/provenance.ts';
import { publishFromSource, SOURCE_PREFIX } from '../src/aws/publishFromSource.ts';
import { signerFromEnv } from '../src/aws/signingKey.ts';
import { isContentPath } from '../src/content/sourceFiles.ts';
import { createDynamoRecordStore } from '../src/store/dynamodb.ts';
import { createS3ObjectStore } from '../src/store/s3.ts';

const env = requireEnv([
  'SOURCE_BUCKET',
  'SITE_BUCKET',
  'TABLE_NAME',
  'SCHEDULE_GROUP',
  'SCHEDULER_ROLE_ARN',
  'RELEASE_FUNCTION_ARN',
  'RELEASE_DEAD_LETTER_ARN',
  'DISTRIBUTION_ID',
]);
const { s3, dynamodb } = clientsFromEnv();
const scheduler = new SchedulerClient({ region: process.env['AWS_REGION'] ?? 'us-east-1' });
const releaseTarget = {
  groupName: env.SCHEDULE_GROUP,
  roleArn: env.SCHEDULER_ROLE_ARN,
  functionArn: env.RELEASE_FUNCTION_ARN,
  deadLetterArn: env.RELEASE_DEAD_LETTER_ARN,
};
const source = createS3ObjectStore({ client: s3, bucket: env.SOURCE_BUCKET });
const objects = createS3ObjectStore({ client: s3, bucket: env.SITE_BUCKET });
const records = createDynamoRecordStore({ client: dynamodb, table: env.TABLE_NAME });
const cdn = cdnFromEnv(env.DISTRIBUTION_ID);
const contentDir = process.env['CONTENT_DIR'] ?? '/tmp/content';
const manifest = signerFromEnv();
// A build with many documents to render (a template change) hands them to the renderJob function.
const jobRunner = jobRunnerFromEnv({ objects, dynamodb });

export async function handler(event: SqsEvent | typeof DEPLOY_REBUILD_EVENT, context?: LambdaContext): Promise<BatchResponse> {
  if (isDeployRebuild(event)) return rebuildAfterDeploy(context);
  const relevant: SqsRecord[] = [];
  const malformed: SqsRecord[] = [];
  const uploads: S3ObjectEvent[] = [];
  for (const record of event.Records) {
    try {
      // Content files only: the source pack (`content/.gazette/`), written after them, is no change of its own.
      const ours = s3EventsOf(record).filter(
        ({ bucket, key }) => bucket === env.SOURCE_BUCKET && key.startsWith(SOURCE_PREFIX) && isContentPath(key.slice(SOURCE_PREFIX.length)),
      );
      if (ours.length > 0) relevant.push(record);
      uploads.push(...ours);
    } catch (error) {
      // Retried until the queue moves it to its dead-letter queue, whose alarm tells an operator.
      logJson('error', 'Not an S3 notification.', { messageId: record.messageId, error: String(error) });
      malformed.push(record);
    }
  }
  const failures = (records: SqsRecord[]) => ({ batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) });
  if (relevant.length === 0) return failures(malformed);
  // The function's clock: read once here, injected everywhere below.
  const now = new Date(); // eslint-disable-line no-restricted-syntax
  try {
    const provenance = await provenanceOf(s3, uploads);
    const result = await publishFromSource({
      source,
      objects,
      records,
      contentDir,
      now,
      provenance,
      cdn,
      leaseWaitMs: leaseWaitMs(context),
      ...(jobRunner === undefined ? {} : { jobRunner }),
      ...(manifest === undefined ? {} : { manifest }),
    });
    if (result.status === 'invalid') {
      // Retrying cannot fix content; the editors' CI runs `gazette check` before uploading.
      logJson('error', 'Content has errors; nothing was published.', { messages: result.report, sync: result.sync });
    } else {
      // After the build: an embargoed document gets (or moves) its one-time release schedule.
      const schedules = await scheduleReleases(scheduler, releaseTarget, result.pending);
      logJson('info', 'Published.', { provenance, sync: result.sync, summary: summaryForLog(result.summary), schedules, pending: result.pending });
    }
    return failures(malformed);
  } catch (error) {
    logJson('error', 'Publish failed; the batch is retried.', { error: String(error) });
    return failures([...relevant, ...malformed]);
  }
}

/** After a deploy (EventBridge, retried and dead-lettered there): publish with the new code; throws on failure. */
async function rebuildAfterDeploy(context: LambdaContext | undefined): Promise<BatchResponse> {
  if ((await source.head(`${SOURCE_PREFIX}site.yaml`)) === undefined) {
    logJson('info', 'Deployed before any content was uploaded: nothing to rebuild.', {});
    return { batchItemFailures: [] };
  }
  const now = new Date(); // eslint-disable-line no-restricted-syntax
  const result = await publishFromSource({
    source,
    objects,
    records,
    contentDir,
    now,
    cdn,
    leaseWaitMs: leaseWaitMs(context),
    ...(jobRunner === undefined ? {} : { jobRunner }),
    ...(manifest === undefined ? {} : { manifest }),
  });
  if (result.status === 'invalid') {
    logJson('error', 'Content has errors; nothing was published.', { messages: result.report, sync: result.sync, after: 'deploy' });
  } else {
    logJson('info', 'Published after a deploy.', { sync: result.sync, summary: summaryForLog(result.summary) });
  }
  return { batchItemFailures: [] };
}
