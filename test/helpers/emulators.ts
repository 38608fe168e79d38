// The AWS adapters on this run's s3rver and DynamoDB Local, with a fresh bucket and table per call:
// for the adapters' conformance suites, the bundled functions (the AWS path), and tests that read
// S3 or DynamoDB themselves. Everything else uses the embedded stores (./stores.ts).
//
// Importing this module is what asks for the emulators: test/globalSetup.ts starts them on the
// run's first request, and this module waits for their endpoints while the test file is being
// loaded (which no test or hook timeout limits, and which a start on a busy machine may need).
// A run of files that never import it never starts DynamoDB Local's JVM.

import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import { type AwsClients, createAwsClients } from '../../src/store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../../src/store/dynamodb.ts';
import type { ObjectStore, RecordStore } from '../../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';

async function emulatorEndpoints(): Promise<{ s3Endpoint: string; dynamodbEndpoint: string }> {
  const response = await fetch(inject('emulatorsUrl'));
  const text = await response.text();
  if (!response.ok) throw new Error(`The emulators (s3rver and DynamoDB Local) did not start for this test run:\n${text}`);
  return JSON.parse(text) as { s3Endpoint: string; dynamodbEndpoint: string };
}

const { s3Endpoint, dynamodbEndpoint } = await emulatorEndpoints();

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
  clients ??= createAwsClients({ region: 'us-east-1', s3Endpoint, dynamodbEndpoint });
  return { ...clients, s3Endpoint, dynamodbEndpoint };
}

/** A unique lowercase name, valid for both buckets and tables. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

/** The AWS adapters on a fresh bucket of s3rver and a fresh table of DynamoDB Local. */
export async function createEmulatorStores(): Promise<EmulatorStores> {
  const { s3, dynamodb } = testClients();
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
