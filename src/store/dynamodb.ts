// RecordStore on one DynamoDB table. Every state change is a conditional write; a failed
// condition becomes a VersionConflictError, an unreachable endpoint a StoreUnavailableError,
// anything else a StoreError carrying the SDK error as its cause.
//
// Items:  pk=DOC#<id>                 sk=META        current record (+ GSI1 by kind, GSI2 by department)
//         pk=DOC#<id>                 sk=V#000001    one immutable copy per version
//         pk=ISSUE#<year>-<nn>        sk=META        issue record (+ GSI1 under ISSUES)
//         pk=SERIAL#<dept>#<year>     sk=COUNTER     last 索引号 serial handed out

import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DocumentKind } from '../content/model.ts';
import { asCause, describeEndpoint, describeFailure, errorName, isUnreachable } from './errors.ts';
import { mapLimit } from '../concurrency.ts';
import {
  type AuditEntry,
  type BuildLease,
  type DocumentRecord,
  type PendingBuild,
  type ScheduledRecord,
  type DocumentVersionRecord,
  type IssueRecord,
  type PutDocumentEntry,
  PutDocumentsError,
  type RecordStore,
  StoreError,
  StoreUnavailableError,
  VersionConflictError,
} from './ports.ts';

export interface DynamoRecordStoreOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** Documents per transaction in putDocuments (2 items each; DynamoDB allows 100 items). Default 25. */
  transactionSize?: number;
  /** Transactions in flight in putDocuments. Default 4. */
  concurrency?: number;
}

/** Every document kind, for listDocuments() without a kind (one GSI1 partition each). */
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['article', 'release', 'conference'];

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;
const META = 'META';
const GSI1 = 'GSI1';
const ISSUES_PARTITION = 'ISSUES';
const SCHEDULED_PARTITION = 'SCHEDULED';
/** DynamoDB's limit of keys per BatchGetItem. */
const BATCH_GET_SIZE = 100;
/** Concurrent transactions on one item can be cancelled with TransactionConflict: retry those. */
const TRANSACTION_ATTEMPTS = 5;

const keys = {
  document: (id: string) => ({ pk: `DOC#${id}`, sk: META }),
  version: (id: string, version: number) => ({ pk: `DOC#${id}`, sk: `V#${String(version).padStart(6, '0')}` }),
  issue: (year: number, number: number) => ({ pk: `ISSUE#${issueId(year, number)}`, sk: META }),
  serial: (departmentCode: string, year: number) => ({ pk: `SERIAL#${departmentCode}#${year}`, sk: 'COUNTER' }),
  scheduled: (id: string) => ({ pk: `DOC#${id}`, sk: 'SCHEDULED' }),
  lease: { pk: 'STATE', sk: 'BUILD_LEASE' },
  pending: (buildId: string) => ({ pk: 'STATE', sk: `PENDING#${buildId}` }),
  audit: (id: string, version: number, event: string) => ({ pk: `DOC#${id}`, sk: `AUDIT#${String(version).padStart(6, '0')}#${event}` }),
};

/** Condition parts, named so each write reads as what it guarantees. */
const conditions = {
  isNew: 'attribute_not_exists(pk)',
  isAtVersion: '#version = :expected',
};

function expectVersion(expectedVersion: number) {
  return expectedVersion === 0
    ? { ConditionExpression: conditions.isNew }
    : {
        ConditionExpression: conditions.isAtVersion,
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
}

export function createDynamoRecordStore({ client, table, transactionSize = 25, concurrency = 4 }: DynamoRecordStoreOptions): RecordStore {
  const send = dynamoSender(client, table);

  async function getItem<T>(key: Record<string, string>, action: string): Promise<T | undefined> {
    const output = await send(action, () => client.send(new GetCommand({ TableName: table, Key: key })));
    return output.Item === undefined ? undefined : stripKeys<T>(output.Item);
  }

  function query(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>, action: string): AsyncGenerator<Item> {
    return queryItems(client, table, input, (request) => send(action, request));
  }

  function queryKind(kind: DocumentKind): AsyncGenerator<Item> {
    return query(
      {
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :kind',
        ExpressionAttributeValues: { ':kind': `KIND#${kind}` },
      },
      `list ${kind} documents`,
    );
  }

  /** The META item (condition: at the expected version) and the new version item (condition: new). */
  function documentWrites({ record, expectedVersion, changeNote, audit }: PutDocumentEntry): TransactItem[] {
    // The same version again refreshes META in place (a re-render); a new version adds its item.
    const refresh = expectedVersion > 0 && record.version === expectedVersion;
    if (!refresh && record.version !== expectedVersion + 1) {
      throw new Error(`Document ${record.id}: record version ${record.version} must be expectedVersion (${expectedVersion}) or one more.`);
    }
    const meta = {
      ...record,
      ...keys.document(record.id),
      gsi1pk: `KIND#${record.kind}`,
      gsi1sk: `${record.date}#${record.id}`,
      gsi2pk: `DEPT#${record.departmentCode}`,
      gsi2sk: `${record.date}#${record.id}`,
    };
    const version = { ...record, ...(changeNote !== undefined && { changeNote }), ...keys.version(record.id, record.version) };
    const trail: TransactItem[] =
      audit === undefined
        ? []
        : [{ Put: { TableName: table, Item: { ...audit, ...keys.audit(audit.id, audit.version, audit.event) }, ConditionExpression: conditions.isNew } }];
    if (refresh) return [{ Put: { TableName: table, Item: meta, ...expectVersion(expectedVersion) } }, ...trail];
    return [
      { Put: { TableName: table, Item: meta, ...expectVersion(expectedVersion) } },
      { Put: { TableName: table, Item: version, ConditionExpression: conditions.isNew } },
      ...trail,
    ];
  }

  /** One all-or-nothing transaction, retried while it only collides with concurrent transactions. */
  async function transact(action: string, writes: TransactItem[]): Promise<void> {
    const transaction = new TransactWriteCommand({ TransactItems: writes });
    for (let attempt = 1; ; attempt++) {
      try {
        await send(action, () => client.send(transaction));
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons.includes('ConditionalCheckFailed') || !reasons.includes('TransactionConflict') || attempt === TRANSACTION_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt * (1 + Math.random())));
      }
    }
  }

  async function putDocument(record: DocumentRecord, expectedVersion: number, changeNote?: string): Promise<void> {
    await putEntry({ record, expectedVersion, ...(changeNote !== undefined && { changeNote }) });
  }

  async function putEntry(entry: PutDocumentEntry): Promise<void> {
    const { record, expectedVersion } = entry;
    try {
      await transact(`put document ${record.id}`, documentWrites(entry));
    } catch (error) {
      if (cancellationReasons(error).includes('ConditionalCheckFailed')) throw new VersionConflictError(`Document ${record.id}`, expectedVersion);
      throw error;
    }
  }

  /**
   * Many documents in few transactions (a commit costs DynamoDB Local an fsync, so one per
   * document caps a build at a few dozen records per second). A cancelled group is retried one
   * document at a time, so exactly the conflicting documents fail and the rest are written.
   */
  async function putDocuments(entries: PutDocumentEntry[]): Promise<void> {
    const writes = entries.map((entry) => documentWrites(entry));
    const failures: { id: string; error: Error }[] = [];
    const putOneByOne = async (group: number[]): Promise<void> => {
      for (const index of group) {
        const entry = entries[index] as PutDocumentEntry;
        const { record } = entry;
        try {
          await putEntry(entry);
        } catch (error) {
          failures.push({ id: record.id, error: error instanceof Error ? error : new Error(String(error)) });
        }
      }
    };
    const groups = transactionGroups(entries, writes, transactionSize);
    await mapLimit(groups, concurrency, async (group) => {
      if (group.length === 1) return putOneByOne(group);
      try {
        await transact(
          `put ${group.length} documents`,
          group.flatMap((index) => writes[index] ?? []),
        );
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw error;
        await putOneByOne(group);
      }
    });
    if (failures.length > 0) throw new PutDocumentsError(failures.sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  return {
    getDocument: (id) => getItem<DocumentRecord>(keys.document(id), `get document ${id}`),

    putDocument,

    putDocuments,

    getDocumentVersion: (id, version) => getItem<DocumentVersionRecord>(keys.version(id, version), `get version ${version} of document ${id}`),

    async listDocumentVersions(id) {
      const versions: DocumentVersionRecord[] = [];
      const items = query(
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :versions)',
          ExpressionAttributeValues: { ':pk': keys.document(id).pk, ':versions': 'V#' },
        },
        `list versions of document ${id}`,
      );
      for await (const item of items) versions.push(stripKeys<DocumentVersionRecord>(item));
      return versions;
    },

    async getDocumentVersions(wanted) {
      const found: DocumentVersionRecord[] = [];
      const chunks: Record<string, string>[][] = [];
      const unique = new Map(wanted.map(({ id, version }) => [`${id}\u0000${version}`, keys.version(id, version)]));
      const all = [...unique.values()];
      for (let i = 0; i < all.length; i += BATCH_GET_SIZE) chunks.push(all.slice(i, i + BATCH_GET_SIZE));
      await mapLimit(chunks, concurrency, async (chunk) => {
        let pending: Record<string, unknown>[] = chunk;
        // DynamoDB may answer part of a batch (throttling, 16 MB): ask again for the rest, after a pause.
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
          const output = await send(`read ${pending.length} document versions`, () =>
            client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } })),
          );
          for (const item of output.Responses?.[table] ?? []) found.push(stripKeys<DocumentVersionRecord>(item));
          pending = output.UnprocessedKeys?.[table]?.Keys ?? [];
        }
      });
      return found;
    },

    async *listDocuments(kind) {
      const sources = (kind === undefined ? DOCUMENT_KINDS : [kind]).map(queryKind);
      for await (const item of mergeBySortKey(sources)) yield stripKeys<DocumentRecord>(item);
    },

    getIssue: (year, number) => getItem<IssueRecord>(keys.issue(year, number), `get issue ${issueId(year, number)}`),

    async putIssue(record, expectedVersion) {
      const item = {
        ...record,
        ...keys.issue(record.year, record.number),
        gsi1pk: ISSUES_PARTITION,
        gsi1sk: `${record.date}#${issueId(record.year, record.number)}`,
      };
      const id = `Issue ${issueId(record.year, record.number)}`;
      try {
        await send(`put issue ${issueId(record.year, record.number)}`, () =>
          client.send(new PutCommand({ TableName: table, Item: item, ...expectVersion(expectedVersion) })),
        );
      } catch (error) {
        if (errorName(causeOf(error)) === 'ConditionalCheckFailedException') throw new VersionConflictError(id, expectedVersion);
        throw error;
      }
    },

    async listIssues() {
      const issues: IssueRecord[] = [];
      const items = query(
        { IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :issues', ExpressionAttributeValues: { ':issues': ISSUES_PARTITION } },
        'list issues',
      );
      for await (const item of items) issues.push(stripKeys<IssueRecord>(item));
      return issues.sort((a, b) => a.year - b.year || a.number - b.number);
    },

    async putScheduled(record) {
      const item = { ...record, ...keys.scheduled(record.id), gsi1pk: SCHEDULED_PARTITION, gsi1sk: `${record.publishAt}#${record.id}` };
      await send(`stage scheduled document ${record.id}`, () => client.send(new PutCommand({ TableName: table, Item: item })));
    },

    async listScheduled() {
      const scheduled: ScheduledRecord[] = [];
      const items = query(
        { IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :scheduled', ExpressionAttributeValues: { ':scheduled': SCHEDULED_PARTITION } },
        'list scheduled documents',
      );
      for await (const item of items) scheduled.push(stripKeys<ScheduledRecord>(item));
      return scheduled;
    },

    async deleteScheduled(id) {
      await send(`delete scheduled document ${id}`, () => client.send(new DeleteCommand({ TableName: table, Key: keys.scheduled(id) })));
    },

    async putAudit(entry) {
      const item = { ...entry, ...keys.audit(entry.id, entry.version, entry.event) };
      try {
        await send(`record ${entry.event} of ${entry.id}`, () =>
          client.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: conditions.isNew })),
        );
      } catch (error) {
        // Already recorded by an earlier attempt of the same step: the trail keeps the first.
        if (errorName(causeOf(error)) !== 'ConditionalCheckFailedException') throw error;
      }
    },

    async listAudit(id) {
      const entries: AuditEntry[] = [];
      const items = query(
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
          ExpressionAttributeValues: { ':pk': keys.document(id).pk, ':audit': 'AUDIT#' },
        },
        `list the audit trail of ${id}`,
      );
      for await (const item of items) entries.push(stripKeys<AuditEntry>(item));
      return entries.sort((a, b) => (a.at === b.at ? a.version - b.version : a.at < b.at ? -1 : 1));
    },

    async getBuildLease() {
      return getItem<BuildLease>(keys.lease, 'read the build lease');
    },

    async claimBuildLease(seen, next) {
      const condition =
        seen === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#token = :token AND #active = :active',
              ExpressionAttributeNames: { '#token': 'token', '#active': 'active' },
              ExpressionAttributeValues: { ':token': seen.token, ':active': seen.active },
            };
      try {
        await send('take the build lease', () => client.send(new PutCommand({ TableName: table, Item: { ...next, ...keys.lease }, ...condition })));
        return true;
      } catch (error) {
        if (errorName(causeOf(error)) === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async renewBuildLease(fence, since) {
      try {
        await send('renew the build lease', () =>
          client.send(
            new UpdateCommand({
              TableName: table,
              Key: keys.lease,
              UpdateExpression: 'SET #since = :since',
              ConditionExpression: '#fence = :fence AND #active = :true',
              ExpressionAttributeNames: { '#since': 'since', '#fence': 'fence', '#active': 'active' },
              ExpressionAttributeValues: { ':since': since, ':fence': fence, ':true': true },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (errorName(causeOf(error)) === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async finishBuildLease(fence) {
      try {
        const output = await send('finish the build lease', () =>
          client.send(
            new UpdateCommand({
              TableName: table,
              Key: keys.lease,
              UpdateExpression: 'SET #active = :false',
              ConditionExpression: '#fence = :fence AND #active = :true',
              ExpressionAttributeNames: { '#active': 'active', '#fence': 'fence' },
              ExpressionAttributeValues: { ':false': false, ':true': true, ':fence': fence },
              ReturnValues: 'ALL_OLD',
            }),
          ),
        );
        return output.Attributes?.['token'] === fence ? 'kept' : 'spoiled';
      } catch (error) {
        if (errorName(causeOf(error)) === 'ConditionalCheckFailedException') return 'lost';
        throw error;
      }
    },

    async markPendingBuild(mark) {
      const { buildId, since, ...rest } = mark;
      const names = Object.keys(rest).filter((name) => rest[name as keyof typeof rest] !== undefined);
      try {
        await send(`mark build ${buildId} pending`, () =>
          client.send(
            new UpdateCommand({
              TableName: table,
              Key: keys.pending(buildId),
              // The first mark's time stays; the holder is whoever moved `until` last.
              UpdateExpression: `SET #since = if_not_exists(#since, :since), #buildId = :buildId, ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
              ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
              ExpressionAttributeNames: Object.fromEntries(['since', 'buildId', ...names].map((name) => [`#${name}`, name])),
              ExpressionAttributeValues: Object.fromEntries([
                [':since', since],
                [':buildId', buildId],
                ...names.map((name): [string, unknown] => [`:${name}`, rest[name as keyof typeof rest]]),
              ]),
            }),
          ),
        );
      } catch (error) {
        // The mark says later already (another job of the build extended it): it is kept.
        if (errorName(causeOf(error)) !== 'ConditionalCheckFailedException') throw error;
      }
    },

    async listPendingBuilds() {
      const marks: PendingBuild[] = [];
      const items = query(
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
          ExpressionAttributeValues: { ':pk': keys.lease.pk, ':pending': 'PENDING#' },
          ConsistentRead: true,
        },
        'list the pending builds',
      );
      for await (const item of items) marks.push(stripKeys<PendingBuild>(item));
      return marks;
    },

    async clearPendingBuild(buildId, until) {
      const condition =
        until === undefined
          ? { ConditionExpression: 'attribute_exists(pk)' }
          : { ConditionExpression: '#until = :until', ExpressionAttributeNames: { '#until': 'until' }, ExpressionAttributeValues: { ':until': until } };
      try {
        await send(`clear the pending mark of build ${buildId}`, () =>
          client.send(new DeleteCommand({ TableName: table, Key: keys.pending(buildId), ...condition })),
        );
        return true;
      } catch (error) {
        if (errorName(causeOf(error)) === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async allocateSerials(departmentCode, year, count) {
      if (!Number.isInteger(count) || count < 1) throw new Error(`allocateSerials: count must be a positive integer, got ${count}.`);
      const output = await send(`allocate ${count} serials for ${departmentCode}/${year}`, () =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.serial(departmentCode, year),
            UpdateExpression: 'ADD #last :count',
            ExpressionAttributeNames: { '#last': 'last' },
            ExpressionAttributeValues: { ':count': count },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      const last = output.Attributes?.last as number;
      return last - count + 1;
    },
  };
}

export interface EnsureTableOptions {
  /**
   * Give the table a NEW_AND_OLD_IMAGES stream, like the AWS table (which the CDK stack creates).
   * Off by default: locally nothing reads the stream, and DynamoDB Local's stream bookkeeping
   * cuts its write throughput by 3–4× (measured with bench/store.ts).
   */
  stream?: boolean;
}

/**
 * Create the table when it does not exist (local servers and tests; on AWS the stack owns it),
 * and wait until it is ACTIVE.
 */
export async function ensureTable(documentClient: DynamoDBDocumentClient | DynamoDBClient, table: string, options: EnsureTableOptions = {}): Promise<void> {
  // The document client passes table commands through unchanged.
  const client: DynamoDBClient = documentClient;
  const send = dynamoSender(client, table);
  const exists = await send('describe table', async () => {
    try {
      return await client.send(new DescribeTableCommand({ TableName: table }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  });
  if (exists?.Table?.TableStatus === 'ACTIVE') return;
  if (exists === undefined) {
    const index = (name: string, pk: string, sk: string) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: pk, KeyType: 'HASH' as const },
        { AttributeName: sk, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    });
    await send('create table', async () => {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: table,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            GlobalSecondaryIndexes: [index(GSI1, 'gsi1pk', 'gsi1sk'), index('GSI2', 'gsi2pk', 'gsi2sk')],
            ...(options.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
          }),
        );
      } catch (error) {
        // Another process is creating it: wait below like for our own.
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    });
  }
  await send('wait for table', () => waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: table }));
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB caps a transaction at 4 MB; stay well below, measured as JSON. */
const TRANSACTION_BYTES = 2_000_000;

/**
 * Split entries (by index) into transactions of at most `size` documents and TRANSACTION_BYTES,
 * never with one document twice (a transaction may touch an item only once).
 */
function transactionGroups(entries: PutDocumentEntry[], writes: TransactItem[][], size: number): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let bytes = 0;
  let ids = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const entryBytes = Buffer.byteLength(JSON.stringify(writes[index]));
    if (group.length > 0 && (group.length === size || bytes + entryBytes > TRANSACTION_BYTES || ids.has(entry.record.id))) {
      groups.push(group);
      group = [];
      bytes = 0;
      ids = new Set();
    }
    group.push(index);
    bytes += entryBytes;
    ids.add(entry.record.id);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function issueId(year: number, number: number): string {
  return `${year}-${String(number).padStart(2, '0')}`;
}

/** Items as they come back from the table: records plus their key attributes. */
type Item = Record<string, unknown>;

/** Every item a query matches, page after page; each page's request goes through `send` (the caller's error mapping). */
export async function* queryItems(
  client: DynamoDBDocumentClient,
  table: string,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  send: <T>(request: () => Promise<T>) => Promise<T>,
): AsyncGenerator<Item> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await send(() => client.send(new QueryCommand({ ...input, TableName: table, ExclusiveStartKey: start })));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

/** Map an item back to its record: the key attributes are storage detail. */
function stripKeys<T>(item: Item): T {
  const record = { ...item };
  for (const key of KEY_ATTRIBUTES) delete record[key];
  return record as T;
}

/** Merge ascending streams by their GSI1 sort key (`<date>#<id>`) into one ascending stream. */
async function* mergeBySortKey(sources: AsyncIterator<Item>[]): AsyncGenerator<Item> {
  const heads = await Promise.all(sources.map((source) => source.next()));
  const sortKey = (i: number): string | undefined => {
    const head = heads[i];
    return head === undefined || head.done ? undefined : String(head.value.gsi1sk);
  };
  for (;;) {
    let best: number | undefined;
    for (let i = 0; i < heads.length; i++) {
      const key = sortKey(i);
      if (key !== undefined && (best === undefined || key < (sortKey(best) as string))) best = i;
    }
    if (best === undefined) return;
    yield (heads[best] as IteratorYieldResult<Item>).value;
    heads[best] = await (sources[best] as AsyncIterator<Item>).next();
  }
}

/** The reason codes of a cancelled transaction (`ConditionalCheckFailed`, `TransactionConflict`, `None`…). */
function cancellationReasons(error: unknown): string[] {
  const cause = causeOf(error);
  if (errorName(cause) !== 'TransactionCanceledException') return [];
  const reasons = (cause as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  // Some servers only put the reasons in the message: "... [ConditionalCheckFailed, None]".
  if (codes.length === 0) codes.push(...(/\[(.*)\]/.exec((cause as Error).message)?.[1]?.split(/,\s*/) ?? []));
  return codes;
}

function causeOf(error: unknown): unknown {
  return error instanceof StoreError ? error.cause : error;
}

/** Run one DynamoDB request; SDK errors come out as ours (see the file comment). */
function dynamoSender(client: DynamoDBDocumentClient | DynamoDBClient, table: string) {
  return async function send<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const where = `DynamoDB at ${await describeEndpoint(client.config)} (table "${table}")`;
      if (isUnreachable(error)) {
        throw new StoreUnavailableError(`${where} is not reachable: ${describeFailure(error)} during ${action}. Is the server running?`, {
          cause: asCause(error),
        });
      }
      throw new StoreError(`${where} refused ${action}: ${describeFailure(error)}`, { cause: asCause(error) });
    }
  };
}
