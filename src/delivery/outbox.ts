// recordDeliveries: one job per change and matching partner, written to the outbox in the step
// that makes the change visible. Message ids derive from partner, document and version, so a
// retried build records nothing twice.

import type { SiteConfig } from '../content/model.ts';
import { documentPdfKey, feedHeadKey } from '../content/keys.ts';
import { formatUrls } from '../feeds/definitions.ts';
import type { DocumentRecord } from '../store/ports.ts';
import { type Partner, partnerTakes } from './partner.ts';
import type { DeliveryEvent, DeliveryJob, DeliveryStore, NewDeliveryJob } from './store.ts';

export interface DocumentChange {
  /** The record before the change; absent for a first publish. */
  before?: DocumentRecord;
  after: DocumentRecord;
}

/** The JSON body partners receive (Standard Webhooks `type` / `timestamp` / `data`). */
export interface WebhookPayload {
  type: DeliveryEvent;
  timestamp: string;
  data: {
    id: string;
    version: number;
    kind: DocumentRecord['kind'];
    title: string;
    lang: DocumentRecord['lang'];
    url: string;
    /** sha256 of everything the published document depends on. */
    digest: string;
    /** Per-partner order of changes, from 1 without gaps: apply in this order. */
    sequence: number;
    /** The partner's own feed, where the full entry is. */
    feeds: { rss: string; atom: string; json: string };
    pdf?: string;
  };
}

export function eventOf(change: DocumentChange): DeliveryEvent {
  if (change.after.status === 'withdrawn') return 'document.withdrawn';
  if (change.before === undefined) return change.after.version === 1 ? 'document.published' : 'document.updated';
  return change.before.status === 'published' ? 'document.updated' : 'document.published';
}

/** `msg_<partner>_<document>_v<version>`: stable across retries and rebuilds. */
export function messageId(partnerId: string, documentId: string, version: number): string {
  return `msg_${partnerId}_${documentId}_v${version}`;
}

export function webhookPayload(site: SiteConfig, partner: Partner, change: DocumentChange, sequence: number): WebhookPayload {
  const { after } = change;
  const pdfKey = documentPdfKey(after.urlPath);
  const pdf = after.artifacts.find((artifact) => artifact.key === pdfKey);
  return {
    type: eventOf(change),
    timestamp: after.updatedAt,
    data: {
      id: after.id,
      version: after.version,
      kind: after.kind,
      title: after.title,
      lang: after.lang,
      url: new URL(after.urlPath, site.baseUrl).href,
      digest: after.digest,
      sequence,
      feeds: formatUrls(site.baseUrl, (format) => feedHeadKey(`partners/${partner.id}`, format)),
      ...(pdf === undefined ? {} : { pdf: new URL(pdf.key, site.baseUrl).href }),
    },
  };
}

export interface RecordDeliveriesInput {
  store: DeliveryStore;
  site: SiteConfig;
  partners: readonly Partner[];
  changes: readonly DocumentChange[];
}

/** Record one job per change and partner whose profile takes the document (before or after the change). */
export async function recordDeliveries({ store, site, partners, changes }: RecordDeliveriesInput): Promise<DeliveryJob[]> {
  const jobs: NewDeliveryJob[] = [];
  const ordered = [...changes].sort((a, b) =>
    a.after.updatedAt === b.after.updatedAt ? (a.after.id < b.after.id ? -1 : 1) : a.after.updatedAt < b.after.updatedAt ? -1 : 1,
  );
  for (const partner of partners) {
    for (const change of ordered) {
      const takes = partnerTakes(partner.takes, change.after) || (change.before !== undefined && partnerTakes(partner.takes, change.before));
      if (!takes) continue;
      jobs.push({
        partnerId: partner.id,
        messageId: messageId(partner.id, change.after.id, change.after.version),
        event: eventOf(change),
        documentId: change.after.id,
        version: change.after.version,
        kind: change.after.kind,
        createdAt: change.after.updatedAt,
        payload: (sequence) => JSON.stringify(webhookPayload(site, partner, change, sequence)),
      });
    }
  }
  return store.createJobs(jobs);
}

/** What an embargoed document's early push says of it. */
export interface EmbargoedDocument {
  id: string;
  kind: DocumentRecord['kind'];
  title: string;
  lang: DocumentRecord['lang'];
  department: string;
  category: string;
  urlPath: string;
  publishAt: string;
  digest: string;
  summary?: string;
}

export interface EmbargoPayload {
  type: 'document.embargoed';
  timestamp: string;
  data: {
    id: string;
    kind: DocumentRecord['kind'];
    title: string;
    lang: DocumentRecord['lang'];
    /** Where the document will be, from `embargoUntil` on; nothing is there before. */
    url: string;
    /** Not to be published before this time (ISO 8601); also the `gazette-embargo-until` header. */
    embargoUntil: string;
    digest: string;
    sequence: number;
    summary?: string;
  };
}

/**
 * Early pushes of embargoed documents, only to partners marked `embargoAccess: true` whose
 * profile takes them. One message per staged render (a re-staged document is a new message).
 */
export async function recordEmbargoedDeliveries(input: {
  store: DeliveryStore;
  site: SiteConfig;
  partners: readonly Partner[];
  documents: readonly EmbargoedDocument[];
  now: Date;
}): Promise<DeliveryJob[]> {
  const jobs: NewDeliveryJob[] = [];
  for (const partner of input.partners) {
    if (partner.embargoAccess !== true) continue;
    for (const doc of input.documents) {
      if (!partnerTakes(partner.takes, doc)) continue;
      jobs.push({
        partnerId: partner.id,
        messageId: `msg_${partner.id}_${doc.id}_embargo_${doc.digest.slice(0, 12)}`,
        event: 'document.embargoed',
        documentId: doc.id,
        version: 0,
        kind: doc.kind,
        createdAt: input.now.toISOString(),
        embargoUntil: doc.publishAt,
        payload: (sequence) => {
          const body: EmbargoPayload = {
            type: 'document.embargoed',
            timestamp: input.now.toISOString(),
            data: {
              id: doc.id,
              kind: doc.kind,
              title: doc.title,
              lang: doc.lang,
              url: new URL(doc.urlPath, input.site.baseUrl).href,
              embargoUntil: doc.publishAt,
              digest: doc.digest,
              sequence,
              ...(doc.summary === undefined ? {} : { summary: doc.summary }),
            },
          };
          return JSON.stringify(body);
        },
      });
    }
  }
  return input.store.createJobs(jobs);
}
