// What only the DynamoDB adapter has: its endpoint. The RecordStore port's cases run against it
// (on DynamoDB Local) in records.conformance.test.ts.

import { expect, test } from 'vitest';
import { createDynamoDbDocumentClient } from '../../src/store/clients.ts';
import { createDynamoRecordStore } from '../../src/store/dynamodb.ts';
import { StoreUnavailableError } from '../../src/store/ports.ts';

test('an unreachable endpoint is a StoreUnavailableError naming it', async () => {
  const endpoint = 'http://127.0.0.1:9';
  const client = createDynamoDbDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, maxAttempts: 1 });
  const records = createDynamoRecordStore({ client, table: 'gazette' });
  const failure = records.getDocument('x');
  await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(failure).rejects.toThrow(endpoint);
  client.destroy();
});
