// Real stores for tests, fresh and empty on every call so tests never see each other's data.
//
// - createTestStores(): the embedded adapters the CLI uses on one machine (objects as files in a
//   temporary folder, records and the delivery outbox in one SQLite file). The default for every
//   test of what is published, listed, fed or delivered: opening them costs milliseconds and no
//   server's CPU.
// - createEmulatorStores() in ./emulators.ts: the AWS adapters on s3rver and DynamoDB Local, for
//   the adapters' conformance suites, the bundled functions (the AWS path), and tests that read
//   S3 or DynamoDB themselves.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteDeliveryStore } from '../../src/delivery/sqlite.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import { createFileObjectStore } from '../../src/store/fileObjects.ts';
import type { ObjectStore, RecordStore } from '../../src/store/ports.ts';
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
