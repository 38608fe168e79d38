// The embedded S3 and DynamoDB the CLI publishes into: started with the command, stopped after.

import { join } from 'node:path';
import { createDynamoDeliveryStore } from '../delivery/dynamodb.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import { startEmbeddedServers } from '../local/servers.ts';
import { createAwsClients } from '../store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../store/dynamodb.ts';
import type { ObjectStore, RecordStore } from '../store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../store/s3.ts';

export const LOCAL_BUCKET = 'gazette-site';
export const LOCAL_TABLE = 'gazette';

export interface LocalStores {
  objects: ObjectStore;
  records: RecordStore;
  deliveries: DeliveryStore;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  stop(): Promise<void>;
}

export async function startLocalStores(dataDir: string): Promise<LocalStores> {
  const servers = await startEmbeddedServers({ dataDir: join(dataDir), quiet: true });
  try {
    const clients = createAwsClients({
      region: 'us-east-1',
      s3Endpoint: servers.s3Endpoint,
      dynamodbEndpoint: servers.dynamodbEndpoint,
    });
    await Promise.all([whileStarting(() => ensureBucket(clients.s3, LOCAL_BUCKET)), ensureTable(clients.dynamodb, LOCAL_TABLE)]);
    return {
      objects: createS3ObjectStore({ client: clients.s3, bucket: LOCAL_BUCKET }),
      records: createDynamoRecordStore({ client: clients.dynamodb, table: LOCAL_TABLE }),
      deliveries: createDynamoDeliveryStore({ client: clients.dynamodb, table: LOCAL_TABLE }),
      s3Endpoint: servers.s3Endpoint,
      dynamodbEndpoint: servers.dynamodbEndpoint,
      stop: async () => {
        clients.destroy?.();
        await servers.stop();
      },
    };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}

/**
 * Right after it started over a data folder whose previous servers were stopped mid-build (the
 * crash tests), s3rver once answered its first bucket request with HTTP 500 (not reproduced
 * since). A server that is still settling gets about two seconds before the start fails.
 */
async function whileStarting<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 10 || !/\(HTTP 5\d\d\)/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
