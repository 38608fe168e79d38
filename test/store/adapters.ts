// Every adapter of each port, for the conformance suites: each suite runs all of its cases over
// one of these tables with describe.each, so a case cannot run against one adapter only.
// Each `create` gives a fresh, empty store (its own folder, database file, bucket or table);
// `another` opens a second store on the same data, as another process would.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { createSqliteDeliveryStore } from '../../src/delivery/sqlite.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import { createDynamoRecordStore } from '../../src/store/dynamodb.ts';
import { createFileObjectStore } from '../../src/store/fileObjects.ts';
import type { ObjectStore, RecordStore } from '../../src/store/ports.ts';
import { createS3ObjectStore } from '../../src/store/s3.ts';
import { createSqliteRecordStore } from '../../src/store/sqlite.ts';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';

export interface Adapter<T> {
  name: string;
  create: () => Promise<{ store: T; another: () => T }>;
  /**
   * s3rver lists a folder's contents before its siblings that sort before "/" (`a/b` before
   * `a-b`, `a.html`); S3 itself, and the file system store, list in UTF-8 byte order.
   */
  listsFoldersFirst?: boolean;
}

const folder = (name: string) => mkdtemp(join(tmpdir(), `gazette-${name}-`));

export const objectStoreAdapters: Adapter<ObjectStore>[] = [
  {
    name: 'file system',
    async create() {
      const root = await folder('objects');
      return { store: createFileObjectStore({ root }), another: () => createFileObjectStore({ root }) };
    },
  },
  {
    // Puts compared against every row read at once, as a build's after its first thousand.
    name: 'file system, rows read at once',
    async create() {
      const root = await folder('objects');
      return { store: createFileObjectStore({ root, rowsAtOnceAfter: 0 }), another: () => createFileObjectStore({ root, rowsAtOnceAfter: 0 }) };
    },
  },
  {
    name: 'S3 (s3rver)',
    listsFoldersFirst: true,
    async create() {
      const { objects, s3, bucket } = await createEmulatorStores();
      return { store: objects, another: () => createS3ObjectStore({ client: s3, bucket }) };
    },
  },
];

export const recordStoreAdapters: Adapter<RecordStore>[] = [
  {
    name: 'SQLite',
    async create() {
      const file = join(await folder('records'), 'gazette.sqlite');
      return {
        store: createSqliteRecordStore({ database: openSqliteDatabase(file) }),
        another: () => createSqliteRecordStore({ database: openSqliteDatabase(file) }),
      };
    },
  },
  {
    name: 'DynamoDB (DynamoDB Local)',
    async create() {
      const { records, dynamodb, table } = await createEmulatorStores();
      return { store: records, another: () => createDynamoRecordStore({ client: dynamodb, table }) };
    },
  },
];

export const deliveryStoreAdapters: Adapter<DeliveryStore>[] = [
  {
    name: 'SQLite',
    async create() {
      const file = join(await folder('deliveries'), 'gazette.sqlite');
      return {
        store: createSqliteDeliveryStore({ database: openSqliteDatabase(file) }),
        another: () => createSqliteDeliveryStore({ database: openSqliteDatabase(file) }),
      };
    },
  },
  {
    name: 'DynamoDB (DynamoDB Local)',
    async create() {
      const { dynamodb, table } = await createEmulatorStores();
      return { store: createDynamoDeliveryStore({ client: dynamodb, table }), another: () => createDynamoDeliveryStore({ client: dynamodb, table }) };
    },
  },
];
