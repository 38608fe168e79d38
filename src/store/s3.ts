// ObjectStore on S3 (or s3rver locally). SDK errors stop here: a missing key is `undefined`, an
// unreachable endpoint a StoreUnavailableError, anything else a StoreError with the SDK error as
// its cause.

import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { asCause, describeEndpoint, describeFailure, errorName, isUnreachable } from './errors.ts';
import { mapLimit } from '../concurrency.ts';
import { type ObjectHead, type ObjectStore, type ObjectSummary, StoreError, StoreUnavailableError } from './ports.ts';

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
  /** Keys per LIST request (S3's maximum, 1000, by default; smaller in tests). */
  listPageSize?: number;
}

/** S3 deletes at most this many keys per request. */
const DELETE_BATCH = 1000;
/** HEAD requests in flight while list() fills in content types. */
const HEAD_CONCURRENCY = 16;

export function createS3ObjectStore({ client, bucket, listPageSize = 1000 }: S3ObjectStoreOptions): ObjectStore {
  const { send, sendOrMissing } = s3Sender(client, bucket);

  async function head(key: string): Promise<ObjectHead | undefined> {
    const output = await sendOrMissing(`HEAD "${key}"`, () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    if (output === undefined) return undefined;
    return {
      key,
      size: output.ContentLength ?? 0,
      contentType: output.ContentType ?? 'application/octet-stream',
      ...(output.CacheControl !== undefined && { cacheControl: output.CacheControl }),
      etag: output.ETag ?? '',
      ...(output.Metadata?.sha256 !== undefined && { sha256: output.Metadata.sha256 }),
    };
  }

  async function* listKeys(prefix: string): AsyncIterable<ObjectSummary> {
    let token: string | undefined;
    do {
      const page = await send(`LIST "${prefix}"`, () =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: listPageSize })),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield { key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? '' };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  return {
    async put({ key, body, contentType, cacheControl, sha256: known }) {
      const sha256 = known ?? createHash('sha256').update(body).digest('hex');
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: contentType,
        CacheControl: cacheControl,
        Metadata: { sha256 },
      });
      // The signature covers the payload's SHA-256: the signer takes it from this header when set
      // instead of hashing the body a second time.
      command.middlewareStack.add(
        (next) => (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (request.headers !== undefined) request.headers['x-amz-content-sha256'] = sha256;
          return next(args);
        },
        { step: 'build', name: 'gazettePayloadSha256' },
      );
      await send(`PUT "${key}"`, () => client.send(command));
    },

    async get(key) {
      return sendOrMissing(`GET "${key}"`, async () => {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = output.Body === undefined ? new Uint8Array() : await output.Body.transformToByteArray();
        return {
          key,
          body,
          contentType: output.ContentType ?? 'application/octet-stream',
          ...(output.CacheControl !== undefined && { cacheControl: output.CacheControl }),
          ...(output.Metadata?.sha256 !== undefined && { sha256: output.Metadata.sha256 }),
          ...(output.ETag !== undefined && { etag: output.ETag }),
        };
      });
    },

    head,
    listKeys,

    async *list(prefix) {
      // Listings carry no content type or metadata: HEAD each key, a page at a time, in order.
      let page: ObjectSummary[] = [];
      const flush = async (): Promise<ObjectHead[]> => {
        const heads = await mapLimit(page, HEAD_CONCURRENCY, (summary) => head(summary.key));
        page = [];
        return heads.filter((found): found is ObjectHead => found !== undefined);
      };
      for await (const summary of listKeys(prefix)) {
        page.push(summary);
        if (page.length === listPageSize) yield* await flush();
      }
      yield* await flush();
    },

    async copy(from, to) {
      // The copy source is `bucket/key`, URL-encoded segment by segment (keys may be Chinese).
      const source = `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
      const output = await sendOrMissing(`COPY "${from}" to "${to}"`, () =>
        client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: source, MetadataDirective: 'COPY' })),
      );
      return output !== undefined;
    },

    async delete(keys) {
      for (let start = 0; start < keys.length; start += DELETE_BATCH) {
        const batch = keys.slice(start, start + DELETE_BATCH);
        const output = await send(`DELETE ${batch.length} keys`, () =>
          client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
        );
        const failed = output.Errors ?? [];
        if (failed.length > 0) {
          throw new StoreError(
            `S3 did not delete ${failed.length} of ${batch.length} objects in bucket "${bucket}": ` +
              failed
                .slice(0, 5)
                .map((error) => `${error.Key ?? '?'} (${error.Code ?? 'error'})`)
                .join(', '),
          );
        }
      }
    },
  };
}

/** Create the bucket when it does not exist (local servers and tests; on AWS the stack owns it). */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  const { send, sendOrMissing } = s3Sender(client, bucket);
  const exists = await sendOrMissing('HEAD bucket', () => client.send(new HeadBucketCommand({ Bucket: bucket })));
  if (exists !== undefined) return;
  try {
    await send('CREATE bucket', () => client.send(new CreateBucketCommand({ Bucket: bucket })));
  } catch (error) {
    // Another process created it between our HEAD and CREATE.
    const name = error instanceof StoreError ? errorName(error.cause) : '';
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}

/** Run one S3 request; SDK errors come out as ours (see the file comment). */
function s3Sender(client: S3Client, bucket: string) {
  async function send<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const where = `S3 at ${await describeEndpoint(client.config)} (bucket "${bucket}")`;
      if (isUnreachable(error)) {
        throw new StoreUnavailableError(`${where} is not reachable: ${describeFailure(error)} during ${action}. Is the server running?`, {
          cause: asCause(error),
        });
      }
      throw new StoreError(`${where} refused ${action}: ${describeFailure(error)}`, { cause: asCause(error) });
    }
  }
  /** Like send, but a missing key or bucket is `undefined`. */
  async function sendOrMissing<T>(action: string, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send(action, request);
    } catch (error) {
      if (error instanceof StoreError && isMissing(error.cause)) return undefined;
      throw error;
    }
  }
  return { send, sendOrMissing };
}

function isMissing(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket') return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status === 404;
}
