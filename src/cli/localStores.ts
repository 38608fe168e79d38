// The stores the CLI publishes into on one machine, opened with the command and closed after.
//
// Two sets, chosen with `--stores`:
// - `embedded` (the default): objects are files under `<data>/objects/` (so `<data>/objects/site/`
//   is the public site as plain files) with their metadata in that folder's SQLite index, and the
//   records, versions, audit trail, lease and delivery outbox in `<data>/gazette.sqlite`. No
//   server and no Java: opening them takes milliseconds.
// - `aws-local`: s3rver and DynamoDB Local (Java) under `<data>/s3/` and `<data>/dynamodb/`, reached
//   through the AWS SDK as on AWS: the whole build against the AWS adapters.
// The AWS SDK and the server code are imported only for `aws-local`, so the default pays nothing
// for them.

import { join } from 'node:path';
import type { DeliveryStore } from '../delivery/store.ts';
import type { StoreAddress } from '../publish/jobProcesses.ts';
import type { SqliteDatabase } from '../store/sqliteDatabase.ts';
import type { ObjectStore, RecordStore } from '../store/ports.ts';

export const LOCAL_BUCKET = 'gazette-site';
export const LOCAL_TABLE = 'gazette';

export const STORE_SETS = ['embedded', 'aws-local'] as const;
export type StoreSet = (typeof STORE_SETS)[number];

/** Where the embedded stores of a data folder live. */
export function embeddedLayout(dataDir: string): { objectsRoot: string; databaseFile: string } {
  return { objectsRoot: join(dataDir, 'objects'), databaseFile: join(dataDir, 'gazette.sqlite') };
}

interface OpenStores {
  objects: ObjectStore;
  records: RecordStore;
  deliveries: DeliveryStore;
  /** For worker processes that open their own connections to the same stores. */
  address: StoreAddress;
  stop(): Promise<void>;
}

export interface EmbeddedStores extends OpenStores {
  kind: 'embedded';
  /** The file store's folder: the object `site/a.html` is the file `<objectsRoot>/site/a.html`. */
  objectsRoot: string;
}

export interface AwsLocalStores extends OpenStores {
  kind: 'aws-local';
  s3Endpoint: string;
  dynamodbEndpoint: string;
}

export type LocalStores = EmbeddedStores | AwsLocalStores;

export interface LocalStoreOptions {
  /** Which set to open (default `embedded`). */
  stores?: StoreSet;
}

export async function startLocalStores(dataDir: string, { stores = 'embedded' }: LocalStoreOptions = {}): Promise<LocalStores> {
  return stores === 'aws-local' ? startAwsLocalStores(dataDir) : openEmbeddedStores(dataDir);
}

/** The `--stores` value as a store set; throws with what to write instead. */
export function parseStoreSet(value: unknown): StoreSet {
  if (value === undefined) return 'embedded';
  if (typeof value === 'string' && (STORE_SETS as readonly string[]).includes(value)) return value as StoreSet;
  throw new Error(
    `--stores ${JSON.stringify(value)} is not a store set. Use --stores embedded (files and SQLite under --data, the default) ` +
      'or --stores aws-local (s3rver and DynamoDB Local under --data, which needs Java 17+).',
  );
}

/** The `--stores` line every command that opens the local stores prints in its usage. */
export const STORES_USAGE = `  --stores SET    embedded (default: files and SQLite under --data) or aws-local (s3rver and
                  DynamoDB Local under --data, through the AWS SDK; needs Java 17+)`;

async function openEmbeddedStores(dataDir: string): Promise<EmbeddedStores> {
  const [{ createFileObjectStore }, { openSqliteDatabase }, { createSqliteRecordStore }, { createSqliteDeliveryStore }] = await Promise.all([
    import('../store/fileObjects.ts'),
    import('../store/sqliteDatabase.ts'),
    import('../store/sqlite.ts'),
    import('../delivery/sqlite.ts'),
  ]);
  const { objectsRoot, databaseFile } = embeddedLayout(dataDir);
  const objects = createFileObjectStore({ root: objectsRoot });
  let database: SqliteDatabase | undefined;
  try {
    const opened = openSqliteDatabase(databaseFile);
    database = opened;
    const stores: EmbeddedStores = {
      kind: 'embedded',
      objects,
      records: createSqliteRecordStore({ database: opened }),
      deliveries: createSqliteDeliveryStore({ database: opened }),
      objectsRoot,
      address: { kind: 'embedded', objectsRoot, databaseFile },
      stop: async () => {
        if (!opened.open) return;
        opened.close();
        objects.close();
      },
    };
    return stores;
  } catch (error) {
    database?.close();
    objects.close();
    throw error;
  }
}

async function startAwsLocalStores(dataDir: string): Promise<AwsLocalStores> {
  const [
    { createDynamoDeliveryStore },
    { JavaMissingError, startEmbeddedServers },
    { createAwsClients },
    { createDynamoRecordStore, ensureTable },
    { createS3ObjectStore, ensureBucket },
  ] = await Promise.all([
    import('../delivery/dynamodb.ts'),
    import('../local/servers.ts'),
    import('../store/clients.ts'),
    import('../store/dynamodb.ts'),
    import('../store/s3.ts'),
  ]);
  let servers;
  try {
    servers = await startEmbeddedServers({ dataDir, quiet: true });
  } catch (error) {
    if (error instanceof JavaMissingError) {
      error.message += '\nOnly --stores aws-local needs Java: leave the option out to use the embedded stores (files and SQLite), which do not.';
    }
    throw error;
  }
  try {
    const clients = createAwsClients({ region: 'us-east-1', s3Endpoint: servers.s3Endpoint, dynamodbEndpoint: servers.dynamodbEndpoint });
    await Promise.all([
      ensureBucket(clients.s3, LOCAL_BUCKET).catch((error: unknown) => {
        // s3rver answers HTTP 500 with no cause; it printed the cause.
        const printed = servers.s3Output().trim();
        if (error instanceof Error && printed !== '') error.message += `\nThe embedded S3 server (s3rver) printed:\n${printed}`;
        throw error;
      }),
      ensureTable(clients.dynamodb, LOCAL_TABLE),
    ]);
    return {
      kind: 'aws-local',
      objects: createS3ObjectStore({ client: clients.s3, bucket: LOCAL_BUCKET }),
      records: createDynamoRecordStore({ client: clients.dynamodb, table: LOCAL_TABLE }),
      deliveries: createDynamoDeliveryStore({ client: clients.dynamodb, table: LOCAL_TABLE }),
      s3Endpoint: servers.s3Endpoint,
      dynamodbEndpoint: servers.dynamodbEndpoint,
      address: {
        kind: 'aws',
        region: 'us-east-1',
        s3Endpoint: servers.s3Endpoint,
        dynamodbEndpoint: servers.dynamodbEndpoint,
        bucket: LOCAL_BUCKET,
        table: LOCAL_TABLE,
      },
      stop: async () => {
        clients.destroy();
        await servers.stop();
      },
    };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}
