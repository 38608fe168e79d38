// Who published an upload: `gazette publish` tags every source object with the commit and author
// (S3 metadata, percent-encoded). The render function reads them from the newest uploaded object of
// a batch and passes them to the build, which writes them into the audit log.

import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Provenance } from '../publish/build.ts';
import type { S3ObjectEvent } from './events.ts';

export const COMMIT_METADATA = 'gazette-commit';
export const AUTHOR_METADATA = 'gazette-author';

/** Provenance of the last created object among `events`; empty when it carries none or is gone. */
export async function provenanceOf(s3: S3Client, events: readonly S3ObjectEvent[]): Promise<Provenance> {
  const created = events.filter((event) => event.eventName.startsWith('ObjectCreated'));
  const last = created[created.length - 1];
  if (last === undefined) return {};
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: last.bucket, Key: last.key }));
    const decode = (value: string | undefined) => (value === undefined || value === '' ? undefined : decodeURIComponent(value));
    const commit = decode(head.Metadata?.[COMMIT_METADATA]);
    const author = decode(head.Metadata?.[AUTHOR_METADATA]);
    return { ...(commit === undefined ? {} : { commit }), ...(author === undefined ? {} : { author }) };
  } catch {
    return {}; // deleted since the event, or uploaded by hand without tags: publish without provenance
  }
}
