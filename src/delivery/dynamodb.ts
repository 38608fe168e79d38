// DeliveryStore on DynamoDB, on the site's table: `pk=PARTNER#<id>` with `sk=DELIVERY#<message id>`
// (job + its log), `sk=SEQUENCE` (the last sequence number given out), `sk=STATE` (endpoint
// enabled/disabled) and `sk=CIRCUIT` (the endpoint's circuit breaker). SDK errors stop here:
// conflicts become DeliveryConflictError, outages StoreUnavailableError.
//
// Round trips are what a fan-out costs (and on DynamoDB Local each commit is an fsync), so:
// recording reads every job key and sequence counter in one BatchGet per 100 keys, then writes
// the counters and jobs of many partners in one transaction (each counter update conditional on
// the value read, each job on being new); a sender reads a partner's state and circuit with its
// pending jobs in one Query; and claims and saves that are in flight at the same moment share one
// transaction, each item still succeeding or failing on its own condition.

import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { queryItems } from '../store/dynamodb.ts';
import { describeFailure, errorName, isUnreachable } from '../store/errors.ts';
import { StoreUnavailableError } from '../store/ports.ts';
import { mapLimit } from '../concurrency.ts';
import { groupCommit } from './batching.ts';
import { closedCircuit, type EndpointCircuit } from './circuit.ts';
import { DeliveryConflictError, type DeliveryJob, type DeliveryStatus, type DeliveryStore, type PartnerDeliveryState } from './store.ts';

export interface DynamoDeliveryStoreOptions {
  client: DynamoDBDocumentClient;
  table: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Key = { pk: string; sk: string };

const partnerKey = (id: string) => `PARTNER#${id}`;
const jobKey = (messageId: string) => `DELIVERY#${messageId}`;
const SEQUENCE = 'SEQUENCE';
const STATE = 'STATE';
const CIRCUIT = 'CIRCUIT';
const keyString = (key: Key) => `${key.pk}|${key.sk}`;

/** Items in one transaction (DynamoDB's limit). */
const TRANSACTION_ITEMS = 100;
/** Attempts at a transaction that only collides with concurrent ones. */
const TRANSACTION_ATTEMPTS = 6;
/** Read-then-write rounds of createJobs while other builds keep taking the same sequence numbers. */
const RECORD_ATTEMPTS = 8;

/** Condition parts, named so each write says what it expects. */
const conditions = {
  isNew: 'attribute_not_exists(pk)',
  attemptsAre: 'attempts = :expected',
  claimable: 'attempts = :expected AND #status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
  counterIs: '#value = :expected',
  versionIs: 'version = :expected',
} as const;

/** Cancellation reasons a transaction is retried over (without the items that failed their condition). */
const RETRIED_REASONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError']);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createDynamoDeliveryStore({ client, table }: DynamoDeliveryStoreOptions): DeliveryStore {
  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') throw new DeliveryConflictError(`${what}: another sender changed the job first.`);
      if (isUnreachable(error))
        throw new StoreUnavailableError(`DynamoDB table ${table} cannot be reached (${what}): ${describeFailure(error)}`, { cause: error });
      throw error;
    }
  }

  /** Job keys and sequence counters found among `keys` (strongly consistent), by `pk|sk`: one BatchGet per 100 keys. */
  async function readKeys(keys: Key[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(keys.map((key) => [keyString(key), key])).values()];
    const chunks: Key[][] = [];
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
    type Request = Record<
      string,
      { Keys: Record<string, unknown>[]; ConsistentRead: boolean; ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }
    >;
    await mapLimit(chunks, 4, async (chunk) => {
      let request: Request | undefined = {
        [table]: { Keys: chunk, ConsistentRead: true, ProjectionExpression: 'pk, sk, #value', ExpressionAttributeNames: { '#value': 'value' } },
      };
      while (request !== undefined && Object.keys(request).length > 0) {
        const page = await call('read deliveries', () => client.send(new BatchGetCommand({ RequestItems: request })));
        for (const item of page.Responses?.[table] ?? []) found.set(`${String(item['pk'])}|${String(item['sk'])}`, item);
        request = page.UnprocessedKeys as Request | undefined;
      }
    });
    return found;
  }

  /**
   * One transaction over `writes`, retried without the items whose condition failed and while it
   * only collides with concurrent transactions. Returns per item whether it was written.
   */
  async function transactEach(what: string, writes: TransactItem[]): Promise<boolean[]> {
    const written = writes.map(() => false);
    let remaining = writes.map((_, i) => i);
    for (let collisions = 0; remaining.length > 0;) {
      try {
        await call(what, () => client.send(new TransactWriteCommand({ TransactItems: remaining.map((i) => writes[i] as TransactItem) })));
        for (const i of remaining) written[i] = true;
        return written;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons.length !== remaining.length || reasons.some((code) => !RETRIED_REASONS.has(code))) throw error;
        const failed = reasons.filter((code) => code === 'ConditionalCheckFailed').length;
        remaining = remaining.filter((_, k) => reasons[k] !== 'ConditionalCheckFailed');
        if (failed === 0 && ++collisions >= TRANSACTION_ATTEMPTS) throw error;
        if (failed === 0) await pause(10 * collisions * (1 + Math.random()));
      }
    }
    return written;
  }

  /** Claims and saves of concurrent senders, as few transactions as are in flight together. */
  const commit = groupCommit<{ key: string; what: string; write: TransactItem }, boolean>(
    (items) =>
      transactEach(
        items.length === 1 ? (items[0]?.what ?? 'write delivery') : `write ${items.length} deliveries`,
        items.map((item) => item.write),
      ),
    { maxBatch: TRANSACTION_ITEMS, maxInFlight: 1, keyOf: (item) => item.key },
  );

  /**
   * Write the jobs and advance the counters (`first` is each partner's counter as read, absent
   * when it has none yet). A partner's jobs go in slices of up to 99 with its counter; slices of
   * many partners share a transaction. Returns the jobs written, and whether all were.
   */
  async function writeNewJobs(
    groups: Map<string, { counter: number | undefined; jobs: DeliveryJob[] }>,
  ): Promise<{ written: DeliveryJob[]; complete: boolean }> {
    // rounds[r] holds every partner's r-th slice: a counter may appear only once per transaction.
    const rounds: { partnerId: string; expected: number | undefined; jobs: DeliveryJob[] }[][] = [];
    for (const [partnerId, { counter, jobs }] of groups) {
      for (let i = 0, r = 0; i < jobs.length; i += TRANSACTION_ITEMS - 1, r++) {
        const slice = jobs.slice(i, i + TRANSACTION_ITEMS - 1);
        (rounds[r] ??= []).push({ partnerId, expected: i === 0 ? counter : (counter ?? 0) + i, jobs: slice });
      }
    }
    const written: DeliveryJob[] = [];
    for (const round of rounds) {
      const transactions: (typeof round)[] = [];
      let size = TRANSACTION_ITEMS;
      for (const slice of round) {
        if (size + 1 + slice.jobs.length > TRANSACTION_ITEMS) {
          transactions.push([]);
          size = 0;
        }
        transactions.at(-1)?.push(slice);
        size += 1 + slice.jobs.length;
      }
      const applied = await mapLimit(transactions, 4, async (slices) => {
        const writes: TransactItem[] = slices.flatMap(({ partnerId, expected, jobs }) => [
          {
            Update: {
              TableName: table,
              Key: { pk: partnerKey(partnerId), sk: SEQUENCE },
              UpdateExpression: 'SET #value = :value',
              ConditionExpression: expected === undefined ? conditions.isNew : conditions.counterIs,
              ExpressionAttributeNames: { '#value': 'value' },
              ExpressionAttributeValues: { ':value': (expected ?? 0) + jobs.length, ...(expected === undefined ? {} : { ':expected': expected }) },
            },
          },
          ...jobs.map((job): TransactItem => ({
            Put: { TableName: table, Item: { pk: partnerKey(partnerId), sk: jobKey(job.messageId), ...job }, ConditionExpression: conditions.isNew },
          })),
        ]);
        try {
          await call('record deliveries', () => client.send(new TransactWriteCommand({ TransactItems: writes })));
        } catch (error) {
          // Another build recorded one of these jobs or took these sequence numbers: read again.
          const reasons = cancellationReasons(error);
          if (reasons.length > 0 && reasons.every((code) => RETRIED_REASONS.has(code))) return false;
          throw error;
        }
        written.push(...slices.flatMap((slice) => slice.jobs));
        return true;
      });
      if (applied.includes(false)) return { written, complete: false };
    }
    return { written, complete: true };
  }

  /** Every item a query matches, page after page. */
  async function queryAll(what: string, query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const item of queryItems(client, table, query, (request) => call(what, request))) items.push(item);
    return items;
  }

  function toJob(item: Record<string, unknown>): DeliveryJob {
    const { pk: _pk, sk: _sk, leaseUntil: _lease, ...job } = item;
    return job as unknown as DeliveryJob;
  }

  function toState(partnerId: string, item: Record<string, unknown> | undefined): PartnerDeliveryState {
    if (item === undefined) return { partnerId, disabled: false };
    const { pk: _pk, sk: _sk, ...state } = item;
    return state as unknown as PartnerDeliveryState;
  }

  function toCircuit(partnerId: string, item: Record<string, unknown> | undefined): EndpointCircuit {
    if (item === undefined) return closedCircuit(partnerId);
    const { pk: _pk, sk: _sk, ...circuit } = item;
    return circuit as unknown as EndpointCircuit;
  }

  return {
    async createJobs(jobs) {
      const keyOf = (job: { partnerId: string; messageId: string }) => keyString({ pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) });
      const seen = new Set<string>();
      let todo = jobs.filter((job) => !seen.has(keyOf(job)) && seen.add(keyOf(job)) !== undefined);
      const created: DeliveryJob[] = [];
      for (let attempt = 1; todo.length > 0; attempt++) {
        const partners = [...new Set(todo.map((job) => job.partnerId))];
        const found = await readKeys([
          ...todo.map((job) => ({ pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) })),
          ...partners.map((id) => ({ pk: partnerKey(id), sk: SEQUENCE })),
        ]);
        const fresh = todo.filter((job) => !found.has(keyOf(job)));
        if (fresh.length === 0) break;
        const groups = new Map<string, { counter: number | undefined; jobs: DeliveryJob[] }>();
        for (const job of fresh) {
          let group = groups.get(job.partnerId);
          if (group === undefined) {
            const counter = found.get(keyString({ pk: partnerKey(job.partnerId), sk: SEQUENCE }))?.['value'];
            group = { counter: counter === undefined ? undefined : Number(counter), jobs: [] };
            groups.set(job.partnerId, group);
          }
          const sequence = (group.counter ?? 0) + group.jobs.length + 1;
          const { payload, ...rest } = job;
          group.jobs.push({ ...rest, sequence, payload: payload(sequence), status: 'pending', attempts: 0, nextAttemptAt: job.createdAt, history: [] });
        }
        const { written, complete } = await writeNewJobs(groups);
        created.push(...written);
        if (complete) break;
        if (attempt === RECORD_ATTEMPTS)
          throw new DeliveryConflictError('record deliveries: other builds kept taking the same sequence numbers; run the build again.');
        const done = new Set(written.map(keyOf));
        todo = fresh.filter((job) => !done.has(keyOf(job)));
        await pause(10 * attempt * (1 + Math.random()));
      }
      return created.sort((a, b) => (a.partnerId === b.partnerId ? a.sequence - b.sequence : a.partnerId < b.partnerId ? -1 : 1));
    },

    async listJobs(partnerId, status?: DeliveryStatus) {
      const items = await queryAll('list deliveries', {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partnerKey(partnerId), ':prefix': 'DELIVERY#', ...(status === undefined ? {} : { ':status': status }) },
        ...(status === undefined ? {} : { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }),
      });
      return items.map(toJob).sort((a, b) => a.sequence - b.sequence);
    },

    async readQueue(partnerId) {
      // CIRCUIT < DELIVERY#… < SEQUENCE < STATE: one range holds the circuit, the jobs and the
      // state. A filter may not name the sort key, so the state item is the one with `disabled`
      // and the circuit the one with `failures` (both always written).
      const items = await queryAll('read delivery queue', {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :circuit AND :state',
        FilterExpression: '#status = :pending OR attribute_exists(disabled) OR attribute_exists(failures)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': partnerKey(partnerId), ':circuit': CIRCUIT, ':state': STATE, ':pending': 'pending' },
        ConsistentRead: true,
      });
      const state = items.find((item) => item['sk'] === STATE);
      const circuit = items.find((item) => item['sk'] === CIRCUIT);
      const pending = items.filter((item) => String(item['sk']).startsWith('DELIVERY#')).map(toJob);
      return { state: toState(partnerId, state), circuit: toCircuit(partnerId, circuit), pending: pending.sort((a, b) => a.sequence - b.sequence) };
    },

    async claimJob(job, leaseUntil, now) {
      return commit({
        key: keyString({ pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) }),
        what: 'claim delivery',
        write: {
          Update: {
            TableName: table,
            Key: { pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) },
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: conditions.claimable,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': leaseUntil, ':expected': job.attempts, ':pending': 'pending', ':now': now },
          },
        },
      });
    },

    async saveJob(job, expectedAttempts) {
      const saved = await commit({
        key: keyString({ pk: partnerKey(job.partnerId), sk: jobKey(job.messageId) }),
        what: 'save delivery',
        write: {
          Put: {
            TableName: table,
            Item: { pk: partnerKey(job.partnerId), sk: jobKey(job.messageId), ...job },
            ConditionExpression: conditions.attemptsAre,
            ExpressionAttributeValues: { ':expected': expectedAttempts },
          },
        },
      });
      if (!saved) throw new DeliveryConflictError('save delivery: another sender changed the job first.');
    },

    async getPartnerState(partnerId) {
      const found = await call('read partner state', () =>
        client.send(new GetCommand({ TableName: table, Key: { pk: partnerKey(partnerId), sk: STATE }, ConsistentRead: true })),
      );
      return toState(partnerId, found.Item);
    },

    async putPartnerState(state) {
      await call('save partner state', () => client.send(new PutCommand({ TableName: table, Item: { pk: partnerKey(state.partnerId), sk: STATE, ...state } })));
    },

    async getCircuit(partnerId) {
      const found = await call('read circuit', () =>
        client.send(new GetCommand({ TableName: table, Key: { pk: partnerKey(partnerId), sk: CIRCUIT }, ConsistentRead: true })),
      );
      return toCircuit(partnerId, found.Item);
    },

    async saveCircuit(circuit) {
      const saved: EndpointCircuit = { ...circuit, version: circuit.version + 1 };
      try {
        await call('save circuit', () =>
          client.send(
            new PutCommand({
              TableName: table,
              Item: { pk: partnerKey(circuit.partnerId), sk: CIRCUIT, ...saved },
              ConditionExpression: circuit.version === 0 ? conditions.isNew : conditions.versionIs,
              ...(circuit.version === 0 ? {} : { ExpressionAttributeValues: { ':expected': circuit.version } }),
            }),
          ),
        );
      } catch (error) {
        if (error instanceof DeliveryConflictError) return undefined;
        throw error;
      }
      return saved;
    },
  };
}

/** The codes of a cancelled transaction, one per item in order ('None' for items that were fine); [] for any other error. */
function cancellationReasons(error: unknown): string[] {
  if (errorName(error) !== 'TransactionCanceledException') return [];
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  // Some servers only put the reasons in the message: "... [ConditionalCheckFailed, None]".
  if (codes.length === 0) codes.push(...(/\[(.*)\]/.exec((error as Error).message)?.[1]?.split(/,\s*/) ?? []));
  return codes;
}
