// A local worker process of `gazette build --jobs N` (see jobProcesses.ts): opens its own store
// clients, then runs the chunks of document jobs its parent sends, one at a time, and answers
// each with the committed records.

import { createAwsClients } from '../store/clients.ts';
import { createDynamoRecordStore } from '../store/dynamodb.ts';
import { createS3ObjectStore } from '../store/s3.ts';
import type { JobContext } from './build.ts';
import { type JobSettings, runDocumentJobs } from './documentJobs.ts';
import { createJobRenderer } from './jobRenderer.ts';
import type { StoreAddress, ToParent, ToWorker } from './jobProcesses.ts';
import type { DocumentJob } from './planJobs.ts';

if (process.send === undefined) throw new Error('jobProcess.ts runs as a forked worker process of `gazette build --jobs N`.');
const send = (message: ToParent) => (process.send as (message: unknown) => boolean)(message);

let setup: { address: StoreAddress; context: JobContext; settings: JobSettings } | undefined;
let session: ReturnType<typeof open> | undefined;

function open(address: StoreAddress, context: JobContext) {
  const clients = createAwsClients({
    region: address.region,
    ...(address.s3Endpoint === undefined ? {} : { s3Endpoint: address.s3Endpoint }),
    ...(address.dynamodbEndpoint === undefined ? {} : { dynamodbEndpoint: address.dynamodbEndpoint }),
  });
  return {
    clients,
    stores: { objects: createS3ObjectStore({ client: clients.s3, bucket: address.bucket }), records: createDynamoRecordStore({ client: clients.dynamodb, table: address.table }) },
    renderer: createJobRenderer(context),
  };
}

async function runChunk(id: number, jobs: DocumentJob[]): Promise<void> {
  if (setup === undefined) throw new Error('A chunk came before the setup message.');
  session ??= open(setup.address, setup.context);
  const result = await runDocumentJobs(jobs, session.renderer, session.stores, setup.settings, () => send({ type: 'progress' }));
  send({ type: 'chunk', id, records: result.records, counts: result.counts });
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'setup') {
    setup = message;
  } else if (message.type === 'chunk') {
    runChunk(message.id, message.jobs).catch((error: unknown) => {
      const failure = error instanceof Error ? { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) } : { name: 'Error', message: String(error) };
      send({ type: 'failed', id: message.id, error: failure });
    });
  } else {
    session?.clients.destroy();
    process.disconnect();
  }
});
send({ type: 'ready' });
