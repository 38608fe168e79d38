// Staged embargoes on the table stream: a `DOC#<id>` / `SCHEDULED` item written (or rewritten with
// a new render) by a build. Partners with embargo access are told of it early, as a local build
// tells them; the stream is how the feeds function hears of it on AWS.

import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SiteConfig } from '../content/model.ts';
import { type EmbargoedDocument, recordEmbargoedDeliveries } from '../delivery/outbox.ts';
import type { Partner } from '../delivery/partner.ts';
import type { DeliveryJob, DeliveryStore } from '../delivery/store.ts';
import type { ScheduledRecord } from '../store/ports.ts';
import type { StreamEvent } from './events.ts';

export interface ScheduledStreamChange {
  scheduled: ScheduledRecord;
  sequenceNumber: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

/** Stagings written or re-rendered (a new digest); removals (releases) and other items are skipped. */
export function scheduledChangesOf(event: StreamEvent): ScheduledStreamChange[] {
  const changes: ScheduledStreamChange[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb.NewImage;
    if (record.eventName === 'REMOVE' || image === undefined) continue;
    const keys = unmarshall(record.dynamodb.Keys ?? {}) as { pk?: string; sk?: string };
    if (!keys.pk?.startsWith('DOC#') || keys.sk !== 'SCHEDULED') continue;
    const scheduled = scheduledOf(image);
    const old = record.dynamodb.OldImage;
    // The same render staged again (a rebuild): partners already heard of it.
    if (old !== undefined && scheduledOf(old).digest === scheduled.digest) continue;
    changes.push({ scheduled, sequenceNumber: record.dynamodb.SequenceNumber ?? record.eventID });
  }
  return changes;
}

function scheduledOf(image: Parameters<typeof unmarshall>[0]): ScheduledRecord {
  const item = unmarshall(image);
  for (const key of KEY_ATTRIBUTES) delete item[key];
  return item as ScheduledRecord;
}

/**
 * What the early notice says of a staging, or undefined for one staged before builds kept the
 * facts partners are matched on (it is announced when it is next staged or released).
 */
export function embargoedDocumentOf(scheduled: ScheduledRecord): EmbargoedDocument | undefined {
  const { lang, department, category } = scheduled;
  if (lang === undefined || department === undefined || category === undefined) return undefined;
  return {
    id: scheduled.id,
    kind: scheduled.kind,
    title: scheduled.title,
    lang,
    department,
    category,
    urlPath: scheduled.urlPath,
    publishAt: scheduled.publishAt,
    digest: scheduled.digest,
    ...(scheduled.summary === undefined ? {} : { summary: scheduled.summary }),
  };
}

/**
 * Record the early notices of these stagings: one job per partner with embargo access whose
 * profile takes the document, dated by the build that staged it. Returns the jobs, and the ids of
 * stagings that carry too little to be matched (logged by the caller).
 */
export async function announceStaged(input: {
  store: DeliveryStore;
  site: SiteConfig;
  partners: readonly Partner[];
  staged: readonly ScheduledStreamChange[];
}): Promise<{ jobs: DeliveryJob[]; unmatched: string[] }> {
  const jobs: DeliveryJob[] = [];
  const unmatched: string[] = [];
  for (const { scheduled } of input.staged) {
    const document = embargoedDocumentOf(scheduled);
    if (document === undefined) {
      unmatched.push(scheduled.id);
      continue;
    }
    const now = new Date(scheduled.scheduledAt);
    jobs.push(...(await recordEmbargoedDeliveries({ store: input.store, site: input.site, partners: input.partners, documents: [document], now })));
  }
  return { jobs, unmatched };
}
