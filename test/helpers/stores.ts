// Real stores for tests, fresh and empty on every call so tests never see each other's data.
//
// - createTestStores(): the embedded adapters the CLI uses on one machine (objects as files in a
//   temporary folder, records and the delivery outbox in one SQLite file). The default for every
//   test of what is published, listed, fed or delivered: opening them costs milliseconds and no
//   server's CPU.
// - createEmulatorStores(): the AWS adapters against this run's s3rver and DynamoDB Local
//   (test/globalSetup.ts), with a fresh bucket and table: for the adapters' conformance suites,
//   the bundled functions (the AWS path), and tests that read S3 or DynamoDB themselves.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { createSqliteDeliveryStore } from '../../src/delivery/sqlite.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import { type AwsClients, createAwsClients } from '../../src/store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../../src/store/dynamodb.ts';
import { createFileObjectStore } from '../../src/store/fileObjects.ts';
import type { ObjectStore, RecordStore } from '../../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';
import { createSqliteRecordStore } from '../../src/store/sqlite.ts';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase.ts';

export interface TestStores {
  objects: ObjectStore;
  records: RecordStore;
  /** The delivery outbox, in the same database as the records (as the CLI keeps it). */
  deliveries: DeliveryStore;
  /** The file store's folder: object `site/a.html` is the file `<objectsRoot>/site/a.html`. */
  objectsRoot: string;
  /** The SQLite file of the records and the outbox. */
  databaseFile: string;
}

/** Fresh embedded stores in a folder of their own under the run's temporary folder. */
export async function createTestStores(): Promise<TestStores> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-stores-'));
  return openTestStores({ objectsRoot: join(dir, 'objects'), databaseFile: join(dir, 'gazette.sqlite') });
}

/** Open embedded stores that exist already (as another process would): same folder, same file. */
export function openTestStores({ objectsRoot, databaseFile }: { objectsRoot: string; databaseFile: string }): TestStores {
  const database = openSqliteDatabase(databaseFile);
  return {
    objects: createFileObjectStore({ root: objectsRoot }),
    records: createSqliteRecordStore({ database }),
    deliveries: createSqliteDeliveryStore({ database }),
    objectsRoot,
    databaseFile,
  };
}

export interface EmulatorStores {
  objects: ObjectStore;
  records: RecordStore;
  deliveries: DeliveryStore;
  /** The raw clients, for assertions the ports don't offer. */
  s3: S3Client;
  dynamodb: DynamoDBDocumentClient;
  bucket: string;
  table: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
}

let clients: AwsClients | undefined;

/** The emulators' clients of this test file, built once (each test file runs in its own process). */
export function testClients(): AwsClients & { s3Endpoint: string; dynamodbEndpoint: string } {
  const s3Endpoint = inject('s3Endpoint');
  const dynamodbEndpoint = inject('dynamodbEndpoint');
  clients ??= createAwsClients({ region: 'us-east-1', s3Endpoint, dynamodbEndpoint });
  return { ...clients, s3Endpoint, dynamodbEndpoint };
}

/** A unique lowercase name, valid for both buckets and tables. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

/** The AWS adapters on a fresh bucket of s3rver and a fresh table of DynamoDB Local. */
export async function createEmulatorStores(): Promise<EmulatorStores> {
  const { s3, dynamodb, s3Endpoint, dynamodbEndpoint } = testClients();
  const bucket = uniqueName();
  const table = uniqueName();
  await Promise.all([ensureBucket(s3, bucket), ensureTable(dynamodb, table)]);
  return {
    objects: createS3ObjectStore({ client: s3, bucket }),
    records: createDynamoRecordStore({ client: dynamodb, table }),
    deliveries: createDynamoDeliveryStore({ client: dynamodb, table }),
    s3,
    dynamodb,
    bucket,
    table,
    s3Endpoint,
    dynamodbEndpoint,
  };
}
