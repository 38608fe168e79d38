// Finalize: the one finalize step of a fanned-out build (src/aws/fanOut.ts), sent by the render
// job that completed it (or by the render function, for a build with only whole listings to
// render): issue pages, listings, derived outputs and take-downs under the table's build lease,
// waiting while another build's finalize holds it.

import { clientsFromEnv, type LambdaContext, leaseWaitMs, requireEnv } from '../src/aws/env.ts';
import { cdnFromEnv } from '../src/aws/cdn.ts';
import type { BatchResponse, SqsEvent } from '../src/aws/events.ts';
import { fanOutMessageOf, finalizeFromSource } from '../src/aws/fanOut.ts';
import { logJson, summaryForLog } from '../src/aws/log.ts';
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
// The wall clock, for the lease's expiry only.
const clock = { now: () => new Date() }; // eslint-disable-line no-restricted-syntax

export async function handler(event: SqsEvent, context?: LambdaContext): Promise<BatchResponse> {
  const failed: string[] = [];
  for (const record of event.Records) {
    try {
      const message = fanOutMessageOf(record.body);
      // Wait for the lease while there is time to finalize after it (the rest goes back to the queue).
      const waitMs = leaseWaitMs(context);
      const result = await finalizeFromSource(message.buildId, {
        source,
        objects,
        records,
        contentDir,
        clock,
        waitMs,
        cdn,
        ...(manifest === undefined ? {} : { manifest }),
      });
      // The counts, not the published records: a log line has a size limit too.
      const fields = result.status === 'invalid' ? { report: result.report } : result.summary === undefined ? {} : { summary: summaryForLog(result.summary) };
      logJson(result.status === 'invalid' ? 'error' : 'info', `Finalize: ${result.status}.`, { buildId: message.buildId, status: result.status, ...fields });
    } catch (error) {
      logJson('error', 'Finalize failed; it is retried.', { messageId: record.messageId, error: String(error) });
      failed.push(record.messageId);
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
