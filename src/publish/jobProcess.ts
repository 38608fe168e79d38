// A local worker process of `gazette build --jobs N` (see jobProcesses.ts): opens its own
// connections to the build's stores, then runs the chunks of document jobs its parent sends, one
// at a time, and answers each with the committed records. On the embedded stores the parent and
// every worker write one SQLite database and one object folder at once: WAL, IMMEDIATE write
// transactions and the busy timeout (sqliteDatabase.ts) make each writer wait its turn.

import type { ObjectStore, RecordStore } from '../store/ports.ts';
import type { JobContext } from './build.ts';
import { type JobSettings, runDocumentJobs } from './documentJobs.ts';
import { createJobRenderer } from './jobRenderer.ts';
import type { StoreAddress, ToParent, ToWorker } from './jobProcesses.ts';
import type { DocumentJob } from './planJobs.ts';

if (process.send === undefined) throw new Error('jobProcess.ts runs as a forked worker process of `gazette build --jobs N`.');
const send = (message: ToParent) => (process.send as (message: unknown) => boolean)(message);

interface WorkerStores {
  stores: { objects: ObjectStore; records: RecordStore };
  close(): void;
}

let setup: { address: StoreAddress; context: JobContext; settings: JobSettings } | undefined;
let session: Promise<WorkerStores & { renderer: ReturnType<typeof createJobRenderer> }> | undefined;

async function openStores(address: StoreAddress): Promise<WorkerStores> {
  if (address.kind === 'embedded') {
    const [{ createFileObjectStore }, { openSqliteDatabase }, { createSqliteRecordStore }] = await Promise.all([
      import('../store/fileObjects.ts'),
      import('../store/sqliteDatabase.ts'),
      import('../store/sqlite.ts'),
    ]);
    const objects = createFileObjectStore({ root: address.objectsRoot });
    const database = openSqliteDatabase(address.databaseFile);
    return {
      stores: { objects, records: createSqliteRecordStore({ database }) },
      close: () => {
        database.close();
        objects.close();
      },
    };
  }
  const [{ createAwsClients }, { createDynamoRecordStore }, { createS3ObjectStore }] = await Promise.all([
    import('../store/clients.ts'),
    import('../store/dynamodb.ts'),
    import('../store/s3.ts'),
  ]);
  const clients = createAwsClients({
    region: address.region,
    ...(address.s3Endpoint === undefined ? {} : { s3Endpoint: address.s3Endpoint }),
    ...(address.dynamodbEndpoint === undefined ? {} : { dynamodbEndpoint: address.dynamodbEndpoint }),
  });
  return {
    stores: {
      objects: createS3ObjectStore({ client: clients.s3, bucket: address.bucket }),
      records: createDynamoRecordStore({ client: clients.dynamodb, table: address.table }),
    },
    close: () => clients.destroy(),
  };
}

async function open(address: StoreAddress, context: JobContext) {
  return { ...(await openStores(address)), renderer: createJobRenderer(context) };
}

async function runChunk(id: number, jobs: DocumentJob[]): Promise<void> {
  if (setup === undefined) throw new Error('A chunk came before the setup message.');
  session ??= open(setup.address, setup.context);
  const { renderer, stores } = await session;
  const result = await runDocumentJobs(jobs, renderer, stores, setup.settings, () => send({ type: 'progress' }));
  send({ type: 'chunk', id, records: result.records, counts: result.counts });
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'setup') {
    setup = message;
  } else if (message.type === 'chunk') {
    runChunk(message.id, message.jobs).catch((error: unknown) => {
      const failure =
        error instanceof Error
          ? { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
          : { name: 'Error', message: String(error) };
      send({ type: 'failed', id: message.id, error: failure });
    });
  } else {
    // Close the connections (the SQLite ones release their locks and WAL handles) before leaving.
    void Promise.resolve(session)
      .then((opened) => opened?.close())
      .catch(() => undefined)
      .finally(() => process.disconnect());
  }
});
send({ type: 'ready' });
