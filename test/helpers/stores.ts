// Real stores for tests: the embedded servers of this test run (test/globalSetup.ts), with a
// fresh bucket and table per call so tests never see each other's data.

import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/store/clients.ts';
import { createDynamoRecordStore, ensureTable } from '../../src/store/dynamodb.ts';
import type { ObjectStore, RecordStore } from '../../src/store/ports.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';

export interface TestStores {
  objects: ObjectStore;
  records: RecordStore;
  /** The raw clients, for assertions the ports don't offer. */
  s3: S3Client;
  dynamodb: DynamoDBDocumentClient;
  bucket: string;
  table: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
}

let clients: AwsClients | undefined;

/** The clients of this test file, built once (each test file runs in its own process). */
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

export async function createTestStores(): Promise<TestStores> {
  const { s3, dynamodb, s3Endpoint, dynamodbEndpoint } = testClients();
  const bucket = uniqueName();
  const table = uniqueName();
  await Promise.all([ensureBucket(s3, bucket), ensureTable(dynamodb, table)]);
  return {
    objects: createS3ObjectStore({ client: s3, bucket }),
    records: createDynamoRecordStore({ client: dynamodb, table }),
    s3,
    dynamodb,
    bucket,
    table,
    s3Endpoint,
    dynamodbEndpoint,
  };
}
