// RenderJob: one chunk of a fanned-out build per SQS message (src/aws/fanOut.ts): render its
// documents, write their files, commit their records, count the chunk done; the chunk that
// completes the build sends it to the Finalize queue. A failed chunk is retried by the queue and
// converges on what its first run committed.

import { SQSClient } from '@aws-sdk/client-sqs';
import { clientsFromEnv, type LambdaContext, requireEnv } from '../src/aws/env.ts';
import type { BatchResponse, SqsEvent } from '../src/aws/events.ts';
import { createFanOutStore, fanOutMessageOf, runFanOutChunk } from '../src/aws/fanOut.ts';
import { logJson } from '../src/aws/log.ts';
import { createDynamoRecordStore } from '../src/store/dynamodb.ts';
import { createS3ObjectStore } from '../src/store/s3.ts';

const env = requireEnv(['SOURCE_BUCKET', 'SITE_BUCKET', 'TABLE_NAME', 'FINALIZE_QUEUE_URL']);
const { s3, dynamodb } = clientsFromEnv();
const options = {
  objects: createS3ObjectStore({ client: s3, bucket: env.SITE_BUCKET }),
  source: createS3ObjectStore({ client: s3, bucket: env.SOURCE_BUCKET }),
  records: createDynamoRecordStore({ client: dynamodb, table: env.TABLE_NAME }),
  store: createFanOutStore({ client: dynamodb, table: env.TABLE_NAME }),
  sqs: new SQSClient({ region: process.env['AWS_REGION'] ?? 'us-east-1' }),
  finalizeQueueUrl: env.FINALIZE_QUEUE_URL,
  contentDir: process.env['CONTENT_DIR'] ?? '/tmp/content',
  // The wall clock, for the build's pending mark only.
  clock: { now: () => new Date() }, // eslint-disable-line no-restricted-syntax
};

/** Lambda's longest run, when the invocation does not say how long it has. */
const LONGEST_RUN_MS = 900_000;

export async function handler(event: SqsEvent, context?: LambdaContext): Promise<BatchResponse> {
  const remainingMs = () => context?.getRemainingTimeInMillis?.() ?? LONGEST_RUN_MS;
  const failed: string[] = [];
  for (const record of event.Records) {
    try {
      const message = fanOutMessageOf(record.body);
      if (message.type !== 'chunk') throw new Error(`Expected a render job, got ${message.type}.`);
      const result = await runFanOutChunk(message, { ...options, remainingMs });
      logJson('info', 'Rendered a chunk.', { ...message, ...result });
    } catch (error) {
      logJson('error', 'A render job failed; it is retried.', { messageId: record.messageId, error: String(error) });
      failed.push(record.messageId);
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
