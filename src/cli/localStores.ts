// The embedded S3 and DynamoDB the CLI publishes into: started with the command, stopped after.

import { join } from 'node:path';
import { createDynamoDeliveryStore } from '../delivery/dynamodb.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import { startEmbeddedServers } from '../local/servers.ts';
import { createAwsClients } from '../store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../store/dynamodb.ts';
import type { StoreAddress } from '../publish/jobProcesses.ts';
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
  /** For worker processes that open their own clients to the same stores. */
  address: StoreAddress;
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
      objects: createS3ObjectStore({ client: clients.s3, bucket: LOCAL_BUCKET }),
      records: createDynamoRecordStore({ client: clients.dynamodb, table: LOCAL_TABLE }),
      deliveries: createDynamoDeliveryStore({ client: clients.dynamodb, table: LOCAL_TABLE }),
      s3Endpoint: servers.s3Endpoint,
      dynamodbEndpoint: servers.dynamodbEndpoint,
      address: { region: 'us-east-1', s3Endpoint: servers.s3Endpoint, dynamodbEndpoint: servers.dynamodbEndpoint, bucket: LOCAL_BUCKET, table: LOCAL_TABLE },
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
