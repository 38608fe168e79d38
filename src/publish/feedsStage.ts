// The feeds stage of finalize: the partner outbox, then the feeds (rebuildFeeds.ts).
// Writes: one delivery job per matching partner and new version (the outbox), then the feed log,
// archive documents and the subscription documents that changed.
// Links to: documents (committed before finalize), the listing pages (home, archives) and column
// pages.
// Needs written before it: the listing pages. Column pages exist unless the columns changed, so
// an incremental build starts this stage beside the derived outputs (`start`, once the listings
// are written); a full build, or one after a change to the columns, after them (`finish`).
// The outbox is recorded before the feeds that announce the change, so a crash in between is
// caught up by the next run.

import type { ContentSet } from '../content/model.ts';
import { recordDeliveries } from '../delivery/outbox.ts';
import type { Partner } from '../delivery/partners.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import type { DocumentRecord, ObjectStore, StoredObject } from '../store/ports.ts';
import type { BuildSummary } from './build.ts';
import { feedsCodeVersion } from './renderCode.ts';
import { rebuildFeeds } from './rebuildFeeds.ts';

export interface FeedsStageInput {
  /** Rebuild feeds and record partner deliveries; undefined: the stage does nothing (on AWS the table stream does it). */
  feeds: { partners: readonly Partner[]; deliveries: DeliveryStore } | undefined;
  objects: ObjectStore;
  content: ContentSet;
  /** Every document record after the build. */
  documents: DocumentRecord[];
  /** Feed entries the jobs wrote in this process (else they are read back from the bucket). */
  entriesWritten: Map<string, StoredObject>;
  /** Filled in: feeds written, changed feeds, deliveries queued. */
  summary: Pick<BuildSummary, 'feedsWritten' | 'changedFeeds' | 'deliveriesQueued'>;
}

/** The feeds stage, run when the build says: beside the derived outputs or after them. */
export interface FeedsStage {
  /** Start it now (a second call does nothing). */
  start: () => void;
  /** Start it unless started, wait for it to end, and throw its failure. */
  finish(): Promise<void>;
  /** Wait for it to end if started, never throwing: before passing on a failure from elsewhere. */
  settled(): Promise<void>;
}

export function feedsStage(input: FeedsStageInput): FeedsStage {
  // Settled at once, so a failure elsewhere never leaves it unobserved.
  let outcome: Promise<{ error: unknown } | undefined> | undefined;
  const start = () => {
    outcome ??= writeFeeds(input).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  };
  return {
    start,
    async finish() {
      start();
      const failed = await outcome;
      if (failed !== undefined) throw failed.error;
    },
    async settled() {
      await outcome;
    },
  };
}

async function writeFeeds({ feeds, objects, content, documents, entriesWritten, summary }: FeedsStageInput): Promise<void> {
  if (feeds === undefined) return;
  const { partners, deliveries } = feeds;
  const written = await rebuildFeeds({
    // Each entry is read once (rebuildFeeds keeps what it parsed): taken out, its bytes go when the feeds are done with it.
    objects: { ...objects, get: async (key) => takeEntry(entriesWritten, key) ?? (await objects.get(key)) },
    site: content.site,
    partners,
    columns: content.columns,
    codeVersion: await feedsCodeVersion(),
    documents,
    beforeWrite: async (changed) => {
      const jobs = await recordDeliveries({ store: deliveries, site: content.site, partners, changes: changed.map((after) => ({ after })) });
      summary.deliveriesQueued += jobs.length;
    },
  });
  summary.feedsWritten = written.written.length;
  summary.changedFeeds = written.changedFeeds;
}

function takeEntry(entries: Map<string, StoredObject>, key: string): StoredObject | undefined {
  const entry = entries.get(key);
  entries.delete(key);
  return entry;
}
