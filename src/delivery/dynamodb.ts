// DeliveryStore on DynamoDB, on the site's table: `pk=PARTNER#<id>` with `sk=DELIVERY#<message id>`
// (job + its log), `sk=SEQUENCE` (atomic counter) and `sk=STATE` (endpoint enabled/disabled).
// SDK errors stop here: conflicts become DeliveryConflictError, outages StoreUnavailableError.

import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describeFailure, errorName, isUnreachable } from '../store/errors.ts';
import { StoreUnavailableError } from '../store/ports.ts';
import { mapLimit } from '../concurrency.ts';
import { DeliveryConflictError, type DeliveryJob, type DeliveryStatus, type DeliveryStore, type NewDeliveryJob, type PartnerDeliveryState } from './store.ts';

export interface DynamoDeliveryStoreOptions {
  client: DynamoDBDocumentClient;
  table: string;
}

const partnerKey = (id: string) => `PARTNER#${id}`;
const jobKey = (messageId: string) => `DELIVERY#${messageId}`;

/** Condition parts, named so each write says what it expects. */
const conditions = {
  isNew: 'attribute_not_exists(pk)',
  attemptsAre: 'attempts = :expected',
  claimable: 'attempts = :expected AND #status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
} as const;

export function createDynamoDeliveryStore({ client, table }: DynamoDeliveryStoreOptions): DeliveryStore {
  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') throw new DeliveryConflictError(`${what}: another sender changed the job first.`);
      if (isUnreachable(error)) throw new StoreUnavailableError(`DynamoDB table ${table} cannot be reached (${what}): ${describeFailure(error)}`, { cause: error });
      throw error;
    }
  }

  /** Keys (`pk|sk`) of the jobs already recorded: one BatchGet per 100 jobs. */
  async function recorded(jobs: NewDeliveryJob[]): Promise<Set<string>> {
    const found = new Set<string>();
    const keys = [...new Map(jobs.map((job) => [`${partnerKey(job.partnerId)}|${jobKey(job.messageId)}`, { pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) }])).values()];
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression: string }> | undefined = {
        [table]: { Keys: keys.slice(i, i + 100), ProjectionExpression: 'pk, sk' },
      };
      while (request !== undefined && Object.keys(request).length > 0) {
        const page = await call('read deliveries', () => client.send(new BatchGetCommand({ RequestItems: request })));
        for (const item of page.Responses?.[table] ?? []) found.add(`${String(item['pk'])}|${String(item['sk'])}`);
        request = page.UnprocessedKeys as typeof request;
      }
    }
    return found;
  }

  async function allocate(partnerId: string, count: number): Promise<number> {
    const result = await call('allocate sequence', () =>
      client.send(new UpdateCommand({
        TableName: table,
        Key: { pk: partnerKey(partnerId), sk: 'SEQUENCE' },
        UpdateExpression: 'ADD #value :count',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'UPDATED_NEW',
      })),
    );
    return Number(result.Attributes?.['value']) - count + 1;
  }

  function toJob(item: Record<string, unknown>): DeliveryJob {
    const { pk: _pk, sk: _sk, leaseUntil: _lease, ...job } = item;
    return job as unknown as DeliveryJob;
  }

  return {
    async createJobs(jobs) {
      const known = await recorded(jobs);
      const fresh = jobs.filter((job) => !known.has(`${partnerKey(job.partnerId)}|${jobKey(job.messageId)}`));
      const byPartner = new Map<string, NewDeliveryJob[]>();
      for (const job of fresh) byPartner.set(job.partnerId, [...(byPartner.get(job.partnerId) ?? []), job]);
      const created: DeliveryJob[] = [];
      await mapLimit([...byPartner], 16, async ([partnerId, group]) => {
        const first = await allocate(partnerId, group.length);
        await mapLimit(group, 8, async (job, i) => {
          const sequence = first + i;
          const { payload, ...rest } = job;
          const record: DeliveryJob = {
            ...rest, sequence, payload: payload(sequence), status: 'pending', attempts: 0, nextAttemptAt: job.createdAt, history: [],
          };
          try {
            await call('record delivery', () =>
              client.send(new PutCommand({
                TableName: table,
                Item: { pk: partnerKey(partnerId), sk: jobKey(job.messageId), ...record },
                ConditionExpression: conditions.isNew,
              })),
            );
            created.push(record);
          } catch (error) {
            if (!(error instanceof DeliveryConflictError)) throw error; // recorded meanwhile by another build
          }
        });
      });
      return created.sort((a, b) => (a.partnerId === b.partnerId ? a.sequence - b.sequence : a.partnerId < b.partnerId ? -1 : 1));
    },

    async listJobs(partnerId, status?: DeliveryStatus) {
      const jobs: DeliveryJob[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await call('list deliveries', () =>
          client.send(new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': partnerKey(partnerId), ':prefix': 'DELIVERY#', ...(status === undefined ? {} : { ':status': status }) },
            ...(status === undefined ? {} : { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }),
            ExclusiveStartKey: start,
          })),
        );
        jobs.push(...(page.Items ?? []).map(toJob));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return jobs.sort((a, b) => a.sequence - b.sequence);
    },

    async claimJob(job, leaseUntil, now) {
      try {
        await call('claim delivery', () =>
          client.send(new UpdateCommand({
            TableName: table,
            Key: { pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) },
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: conditions.claimable,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': leaseUntil, ':expected': job.attempts, ':pending': 'pending', ':now': now },
          })),
        );
        return true;
      } catch (error) {
        if (error instanceof DeliveryConflictError) return false;
        throw error;
      }
    },

    async saveJob(job, expectedAttempts) {
      await call('save delivery', () =>
        client.send(new PutCommand({
          TableName: table,
          Item: { pk: partnerKey(job.partnerId), sk: jobKey(job.messageId), ...job },
          ConditionExpression: conditions.attemptsAre,
          ExpressionAttributeValues: { ':expected': expectedAttempts },
        })),
      );
    },

    async getPartnerState(partnerId) {
      const found = await call('read partner state', () =>
        client.send(new GetCommand({ TableName: table, Key: { pk: partnerKey(partnerId), sk: 'STATE' } })),
      );
      if (found.Item === undefined) return { partnerId, disabled: false };
      const { pk: _pk, sk: _sk, ...state } = found.Item;
      return state as PartnerDeliveryState;
    },

    async putPartnerState(state) {
      await call('save partner state', () =>
        client.send(new PutCommand({ TableName: table, Item: { pk: partnerKey(state.partnerId), sk: 'STATE', ...state } })),
      );
    },
  };
}
