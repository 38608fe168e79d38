// AWS SDK clients for the adapters, built once per process. Against the embedded servers they get
// dummy static credentials and the settings s3rver needs; on AWS the default credential chain.

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClientOptions {
  region: string;
  /** Set for the embedded s3rver (or any S3-compatible endpoint); unset on AWS. */
  s3Endpoint?: string;
  /** Set for DynamoDB Local; unset on AWS. */
  dynamodbEndpoint?: string;
  /** Sockets per client: bounds parallel writes. Default 64. */
  maxSockets?: number;
  /** SDK attempts per request (default 3); 1 for probes that poll on their own. */
  maxAttempts?: number;
}

export interface AwsClients {
  s3: S3Client;
  dynamodb: DynamoDBDocumentClient;
  /** Close the clients' sockets (lets a CLI process exit promptly). */
  destroy(): void;
}

/**
 * s3rver checks signatures against its one built-in key pair, S3RVER/S3RVER; DynamoDB Local 3
 * accepts any key id made of letters and digits. One pair serves both.
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const s3 = createS3Client(options);
  const dynamodb = createDynamoDbDocumentClient(options);
  return {
    s3,
    dynamodb,
    destroy: () => {
      s3.destroy();
      dynamodb.destroy();
    },
  };
}

export function createS3Client(options: AwsClientOptions): S3Client {
  const local = options.s3Endpoint !== undefined;
  if (local) quietNodeVersionWarning();
  return new S3Client({
    region: options.region,
    requestHandler: keepAliveHandler(options.maxSockets),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(local && {
      endpoint: options.s3Endpoint,
      credentials: LOCAL_CREDENTIALS,
      // s3rver serves buckets by path, and stores streamed (checksummed) uploads with their
      // chunk framing unless checksums are only sent when an operation requires them.
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  });
}

export function createDynamoDbClient(options: AwsClientOptions): DynamoDBClient {
  const local = options.dynamodbEndpoint !== undefined;
  if (local) quietNodeVersionWarning();
  return new DynamoDBClient({
    region: options.region,
    requestHandler: keepAliveHandler(options.maxSockets),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(local && { endpoint: options.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS }),
  });
}

export function createDynamoDbDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(options), {
    // Optional record fields are left undefined rather than deleted.
    marshallOptions: { removeUndefinedValues: true },
  });
}

function keepAliveHandler(maxSockets = 64): { httpAgent: HttpAgent; httpsAgent: HttpsAgent; requestTimeout: number } {
  return {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    requestTimeout: 30_000,
  };
}

/**
 * The pinned SDK warns on every run that its later releases will need Node 22. Locally (Node 20)
 * that is noise for editors; Lambda runs Node 24 and never sees it.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
