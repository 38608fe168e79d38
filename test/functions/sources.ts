// A source bucket on the embedded S3 holding a content tree under `content/`, as the editors' CI leaves it.

import { uploadSources } from '../../src/aws/uploadSources.ts';
import { createS3ObjectStore, ensureBucket } from '../../src/store/s3.ts';
import type { ObjectStore } from '../../src/store/ports.ts';
import { testClients, uniqueName } from '../helpers/emulators.ts';

export interface SourceBucket {
  bucket: string;
  store: ObjectStore;
  upload(files: Record<string, string | Buffer>): Promise<void>;
  /** Upload a folder as `gazette publish` does: changed files only, tagged with commit and author. */
  publish(contentDir: string, commit: string, author: string): Promise<void>;
}

export async function createSourceBucket(): Promise<SourceBucket> {
  const { s3 } = testClients();
  const bucket = uniqueName('source');
  await ensureBucket(s3, bucket);
  const store = createS3ObjectStore({ client: s3, bucket });
  return {
    bucket,
    store,
    async publish(contentDir, commit, author) {
      await uploadSources({ client: s3, store, bucket, prefix: 'content/', contentDir, commit, author });
    },
    async upload(files) {
      for (const [rel, body] of Object.entries(files)) {
        await store.put({ key: `content/${rel}`, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, contentType: 'application/octet-stream' });
      }
    },
  };
}
