// Feeds: the table's stream. When documents' META records change (the build's commit point),
// rebuild the feeds, record one outbox job per matching partner, queue the partners for the notify
// function and ping WebSub hubs. A staged embargo (its SCHEDULED item) is announced early to
// partners with embargo access only, and never reaches a feed. On failure the batch is retried
// from its first record; a slow or failing hub is not a failure (the feeds are written, and a
// missed ping is caught by the next change or the hub's own polling), and its pings are cut off
// at the invocation's deadline. After a deploy (the stack's rule invokes it with the deploy event)
// it writes again the feeds that other feed code wrote. It runs one invocation at a time
// (infra/gazetteStack.ts): each reads the feeds' state and writes it last.

import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientsFromEnv, requireEnv } from '../src/aws/env.ts';
import { type BatchResponse, documentChangesOf, type StreamEvent } from '../src/aws/events.ts';
import { logJson } from '../src/aws/log.ts';
import { type Deadline, type InvocationContext, invocationDeadline } from '../src/delivery/deadline.ts';
import { type PublishedSiteConfig, readSiteConfig, SiteConfigMissingError } from '../src/aws/siteConfig.ts';
import { DEPLOY_REBUILD_EVENT, isDeployRebuild } from '../src/aws/deployRebuild.ts';
import { createDynamoDeliveryStore } from '../src/delivery/dynamodb.ts';
import { recordDeliveries } from '../src/delivery/outbox.ts';
import { announceStaged, scheduledChangesOf } from '../src/aws/scheduledEvents.ts';
import { publishToHubs } from '../src/delivery/websub.ts';
import { type ChangedFeed, rebuildFeeds } from '../src/publish/rebuildFeeds.ts';
import { feedsCodeVersion } from '../src/publish/renderCode.ts';
import { createDynamoRecordStore } from '../src/store/dynamodb.ts';
import { createS3ObjectStore } from '../src/store/s3.ts';
import { networkModeFromEnv } from '../src/aws/network.ts';

const env = requireEnv(['SITE_BUCKET', 'TABLE_NAME', 'NOTIFY_QUEUE_URL']);
const { s3, dynamodb } = clientsFromEnv();
const sqs = new SQSClient({ region: process.env['AWS_REGION'] ?? 'us-east-1' });
const objects = createS3ObjectStore({ client: s3, bucket: env.SITE_BUCKET });
const records = createDynamoRecordStore({ client: dynamodb, table: env.TABLE_NAME });
const deliveries = createDynamoDeliveryStore({ client: dynamodb, table: env.TABLE_NAME });
const mode = networkModeFromEnv();

export async function handler(event: StreamEvent | typeof DEPLOY_REBUILD_EVENT, context?: InvocationContext): Promise<BatchResponse> {
  const deadline = invocationDeadline(context, () => new Date()); // eslint-disable-line no-restricted-syntax
  if (isDeployRebuild(event)) return feedsAfterDeploy(deadline);
  const changes = documentChangesOf(event);
  // Staged embargoes: only partners with embargo access hear of them, never the public feeds.
  const staged = scheduledChangesOf(event);
  if (changes.length === 0 && staged.length === 0) return { batchItemFailures: [] };
  try {
    const config = await readSiteConfig(objects);
    const { site, partners } = config;
    const feeds = changes.length === 0 ? { written: [], changedFeeds: [] } : await rewriteFeeds(config);
    const early = await announceStaged({ store: deliveries, site, partners, staged });
    if (early.unmatched.length > 0)
      logJson('warn', 'Staged before builds kept what partners are matched on; announced at its next staging or release.', { ids: early.unmatched });
    const jobs = [...(await recordDeliveries({ store: deliveries, site, partners, changes })), ...early.jobs];
    const partnerIds = [...new Set(jobs.map((job) => job.partnerId))].sort();
    for (let start = 0; start < partnerIds.length; start += 10) {
      const batch = partnerIds.slice(start, start + 10);
      const sent = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: env.NOTIFY_QUEUE_URL,
          Entries: batch.map((partnerId, i) => ({ Id: String(i), MessageBody: JSON.stringify({ partnerId }) })),
        }),
      );
      if ((sent.Failed ?? []).length > 0) throw new Error(`SQS refused ${sent.Failed?.length} notify message(s): ${JSON.stringify(sent.Failed)}`);
    }
    const { pings, failedPings } = await pingHubs(feeds.changedFeeds, deadline);
    logJson('info', 'Feeds rebuilt.', {
      changes: changes.length,
      embargoed: staged.length,
      written: feeds.written.length,
      jobs: jobs.length,
      partners: partnerIds,
      pings: pings.length,
      failedPings: failedPings.length,
    });
    return { batchItemFailures: [] };
  } catch (error) {
    logJson('error', 'Feeds rebuild failed; the batch is retried.', { error: String(error) });
    // Stream semantics: everything from this record on is retried, in order.
    const relevant = new Set([...changes, ...staged].map((change) => change.sequenceNumber));
    const first = event.Records.map((record) => record.dynamodb.SequenceNumber ?? record.eventID).find((sequence) => relevant.has(sequence));
    return { batchItemFailures: [{ itemIdentifier: first ?? '' }] };
  }
}

/**
 * After a deploy (the stack's rule invokes this function as it does the render function): feeds
 * written by other feed code are written again with the deployed code, archive pages too, and the
 * hubs hear of the feeds that changed. With the same feed code nothing is written. A deploy before
 * any publish has no feeds to write. A failure is thrown: Lambda runs the event twice more, then
 * sends it to the deploy's dead-letter queue.
 */
async function feedsAfterDeploy(deadline: Deadline | undefined): Promise<BatchResponse> {
  let config;
  try {
    config = await readSiteConfig(objects);
  } catch (error) {
    if (!(error instanceof SiteConfigMissingError)) throw error;
    logJson('info', 'Deployed before any content was published: no feeds to write.');
    return { batchItemFailures: [] };
  }
  const feeds = await rewriteFeeds(config);
  const { pings, failedPings } = await pingHubs(feeds.changedFeeds, deadline);
  logJson('info', 'Feeds after a deploy.', {
    written: feeds.written.length,
    changedFeeds: feeds.changedFeeds.length,
    pings: pings.length,
    failedPings: failedPings.length,
  });
  return { batchItemFailures: [] };
}

/** The feeds from every record in the table, with this bundle's feed code (its version is in the feeds' state). */
async function rewriteFeeds({ site, partners, columns = [] }: PublishedSiteConfig) {
  const documents = [];
  for await (const record of records.listDocuments()) documents.push(record);
  return rebuildFeeds({ objects, site, partners, columns, documents, codeVersion: await feedsCodeVersion() });
}

/** Tell the WebSub hubs of the feeds that changed; a failed ping is logged, not retried. */
async function pingHubs(changedFeeds: ChangedFeed[], deadline: Deadline | undefined) {
  const pings = await publishToHubs({
    changedFeeds,
    mode,
    ...(deadline === undefined ? {} : { deadline }),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  });
  const failedPings = pings.filter((ping) => ping.error !== undefined || (ping.status ?? 0) >= 400);
  if (failedPings.length > 0) logJson('warn', 'WebSub pings failed; not retried: the hubs catch up at the next change or by polling.', { failedPings });
  return { pings, failedPings };
}
