// Notify: one SQS message per partner with pending deliveries ({ partnerId }). Send what is due,
// signed; if retries remain, queue the partner again for when the next one is due (SQS delays up
// to 15 minutes; a later retry just waits another round). The partners of a batch are served at
// once, within the invocation's remaining time: a partner that hangs is cut off at the deadline
// (its unsent jobs keep their attempts and it is queued again), and one whose circuit is open is
// not called until the cool-down ends.

import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientsFromEnv, requireEnv } from '../src/aws/env.ts';
import type { BatchResponse, SqsEvent } from '../src/aws/events.ts';
import { logJson } from '../src/aws/log.ts';
import { networkModeFromEnv } from '../src/aws/network.ts';
import { awsSecrets } from '../src/aws/secrets.ts';
import { readSiteConfig } from '../src/aws/siteConfig.ts';
import { type InvocationContext, invocationDeadline } from '../src/delivery/deadline.ts';
import { createDynamoDeliveryStore } from '../src/delivery/dynamodb.ts';
import type { SecretResolver } from '../src/delivery/secrets.ts';
import { sendPendingDeliveries } from '../src/delivery/send.ts';
import { createS3ObjectStore } from '../src/store/s3.ts';

const env = requireEnv(['SITE_BUCKET', 'TABLE_NAME', 'NOTIFY_QUEUE_URL']);
const region = process.env['AWS_REGION'] ?? 'us-east-1';
const { s3, dynamodb } = clientsFromEnv();
const sqs = new SQSClient({ region });
const objects = createS3ObjectStore({ client: s3, bucket: env.SITE_BUCKET });
const store = createDynamoDeliveryStore({ client: dynamodb, table: env.TABLE_NAME });
const readSecret = awsSecrets(new SecretsManagerClient({ region }));
// An unusable secret (unset, or still the stack's placeholder) holds back every delivery to its
// partner: say so in the log at once, not only in each job's last error.
const secrets: SecretResolver = (ref) =>
  readSecret(ref).catch((error: unknown) => {
    logJson('error', 'A partner signing secret is unusable; nothing is sent to that partner until it is fixed.', { error: String(error) });
    throw error;
  });
const mode = networkModeFromEnv();
const MAX_DELAY_SECONDS = 900;

export async function handler(event: SqsEvent, context?: InvocationContext): Promise<BatchResponse> {
  // The function's clock; delivery reads it through this object only.
  const clock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms)) }; // eslint-disable-line no-restricted-syntax
  const deadline = invocationDeadline(context, clock.now);
  const failed = new Set<string>();
  const messagesOf = new Map<string, string[]>();
  for (const record of event.Records) {
    try {
      const { partnerId } = JSON.parse(record.body) as { partnerId?: unknown };
      if (typeof partnerId !== 'string') throw new Error(`The message has no partnerId: ${record.body.slice(0, 200)}`);
      messagesOf.set(partnerId, [...(messagesOf.get(partnerId) ?? []), record.messageId]);
    } catch (error) {
      logJson('error', 'Delivery failed; the message is retried.', { messageId: record.messageId, error: String(error) });
      failed.add(record.messageId);
    }
  }
  const { partners } = await readSiteConfig(objects);
  await Promise.all(
    [...messagesOf].map(async ([partnerId, messageIds]) => {
      try {
        const summary = await sendPendingDeliveries({ store, partners, secrets, clock, mode, partnerId, ...(deadline === undefined ? {} : { deadline }) });
        if (summary.nextAttemptAt !== undefined) {
          const wait = Math.ceil((Date.parse(summary.nextAttemptAt) - clock.now().getTime()) / 1000);
          const DelaySeconds = Math.max(0, Math.min(MAX_DELAY_SECONDS, wait));
          await sqs.send(new SendMessageCommand({ QueueUrl: env.NOTIFY_QUEUE_URL, MessageBody: JSON.stringify({ partnerId }), DelaySeconds }));
        }
        if (summary.openCircuits.length > 0)
          logJson('warn', 'Circuit open: the endpoint keeps failing, so its deliveries wait for the cool-down.', { partnerId, ...summary });
        else logJson('info', 'Deliveries sent.', { partnerId, ...summary });
        // A plain phrase the stack's dead-deliveries metric filter matches (infra/alarms.ts; test/infra/operations.test.ts).
        if (summary.dead > 0) logJson('error', 'Deliveries went dead: no attempt left, or the endpoint is disabled.', { partnerId, dead: summary.dead });
      } catch (error) {
        logJson('error', 'Delivery failed; the message is retried.', { messageIds, error: String(error) });
        for (const id of messageIds) failed.add(id);
      }
    }),
  );
  const order = event.Records.map((record) => record.messageId).filter((id) => failed.has(id));
  return { batchItemFailures: order.map((itemIdentifier) => ({ itemIdentifier })) };
}
