// The shapes of the events our functions receive (only the fields we read), and their parsers.
// A record that does not parse is a programming or wiring error, reported with what was found.

import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DocumentRecord } from '../store/ports.ts';

export interface SqsRecord {
  messageId: string;
  body: string;
  eventSource?: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** Lambda's partial batch response: only these items are retried. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface S3ObjectEvent {
  eventName: string;
  bucket: string;
  key: string;
}

/**
 * The S3 notifications inside one SQS message body. `s3:TestEvent` (sent when notifications are
 * configured) carries none.
 */
export function s3EventsOf(record: SqsRecord): S3ObjectEvent[] {
  const body = JSON.parse(record.body) as {
    Event?: string;
    Records?: { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } }[];
  };
  if (body.Event === 's3:TestEvent') return [];
  if (!Array.isArray(body.Records)) throw new Error(`SQS message ${record.messageId} is not an S3 notification: ${record.body.slice(0, 200)}`);
  return body.Records.map((entry) => {
    const bucket = entry.s3?.bucket?.name;
    const key = entry.s3?.object?.key;
    if (entry.eventName === undefined || bucket === undefined || key === undefined) {
      throw new Error(`SQS message ${record.messageId} holds an S3 record without eventName, bucket or key.`);
    }
    // S3 URL-encodes keys in notifications, with '+' for spaces.
    return { eventName: entry.eventName, bucket, key: decodeURIComponent(key.replaceAll('+', ' ')) };
  });
}

type AttributeMap = Parameters<typeof unmarshall>[0];

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: {
    Keys?: AttributeMap;
    NewImage?: AttributeMap;
    OldImage?: AttributeMap;
    SequenceNumber?: string;
  };
}

export interface StreamEvent {
  Records: StreamRecord[];
}

export interface DocumentStreamChange {
  before?: DocumentRecord;
  after: DocumentRecord;
  sequenceNumber: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

/** Changes of documents' META records (the table's commit point); other items are skipped. */
export function documentChangesOf(event: StreamEvent): DocumentStreamChange[] {
  const changes: DocumentStreamChange[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb.NewImage;
    if (record.eventName === 'REMOVE' || image === undefined) continue;
    const keys = unmarshall(record.dynamodb.Keys ?? {}) as { pk?: string; sk?: string };
    if (!keys.pk?.startsWith('DOC#') || keys.sk !== 'META') continue;
    const old = record.dynamodb.OldImage;
    changes.push({
      after: documentOf(image),
      ...(old === undefined ? {} : { before: documentOf(old) }),
      sequenceNumber: record.dynamodb.SequenceNumber ?? record.eventID,
    });
  }
  return changes;
}

function documentOf(image: AttributeMap): DocumentRecord {
  const item = unmarshall(image);
  for (const key of KEY_ATTRIBUTES) delete item[key];
  return item as DocumentRecord;
}

/** What the embargo schedule passes to the release function. */
export interface ReleasePayload {
  /** The embargo time (ISO 8601) the schedule was made for; never the clock (see releaseClock). */
  publishAt: string;
  /** The document the schedule was made for (informational: every due document is released). */
  documentId?: string;
}

export function releasePayloadOf(event: unknown): ReleasePayload {
  const payload = event as Partial<ReleasePayload> | undefined;
  const publishAt = payload?.publishAt;
  if (typeof publishAt !== 'string' || Number.isNaN(Date.parse(publishAt))) {
    throw new Error(`The release event needs "publishAt" as an ISO 8601 time; got ${JSON.stringify(event)?.slice(0, 200)}.`);
  }
  return { publishAt, ...(typeof payload?.documentId === 'string' ? { documentId: payload.documentId } : {}) };
}

/**
 * The clock a release publishes with: the function's own `now`, never the payload's time, which
 * anyone allowed to invoke the function could set. A payload still in the future is refused, so
 * no early or forged event publishes an embargoed document before its time; one in the past is a
 * late schedule, and the release publishes everything due by now.
 */
export function releaseClock(payload: ReleasePayload, now: Date): Date {
  if (Date.parse(payload.publishAt) > now.getTime()) {
    throw new Error(
      `The release event is for ${payload.publishAt}${payload.documentId === undefined ? '' : ` (${payload.documentId})`}, later than the function's clock (${now.toISOString()}); ` +
        'nothing was published, since an embargoed document must not be public before its time. ' +
        'A schedule that fired a moment early succeeds on its retry; otherwise the event did not come from its embargo schedule: check who invoked the release function.',
    );
  }
  return now;
}
