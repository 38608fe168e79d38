// The derived-output stage of finalize: listing pages, then the outputs derived from the records
// (src/discovery/outputs.ts: catalogue, statistics, columns, permalinks, JSON API, search,
// sitemaps) — all pages on a full build, only those a change touches on an incremental one.
// Writes: those pages, wave by wave (writes.ts `waveWriter`), skipping objects whose bytes are
// unchanged, checking the lease before each wave.
// Links to: documents and issues (written before finalize and by the issues stage), pages of
// earlier waves; every page's navigation links the listings and the discovery pages' heads.
// Needs written before it: the document pages and records, the issue pages and records.

import type { IssueRecord, ObjectStore } from '../store/ports.ts';
import { derivedArtifacts, type DerivedInput } from '../discovery/outputs.ts';
import type { BuildEvent, SiteRenderer } from './build.ts';
import type { Change, IndexPage } from './indexPages.ts';
import type { HeldLease } from './lease.ts';
import type { PublishedState } from './plan.ts';
import { waveWriter, type WriteOptions } from './writes.ts';

/** The order listing pages are written in: each wave links only to pages of earlier waves. */
const listingWaves: IndexPage['kind'][][] = [['gazette-year', 'press-month', 'not-found'], ['gazette-archive', 'press-index'], ['home']];

export interface DerivedStageInput {
  derived: DerivedInput;
  /** What the build changed; undefined: every page (a full build). */
  changes: { documents: readonly Change[]; issues: readonly IssueRecord[] } | undefined;
  objects: ObjectStore;
  writing: Omit<WriteOptions, 'skipUnchanged'>;
  lease: HeldLease;
  emit: (event: BuildEvent) => void;
  renderer: SiteRenderer;
  state: PublishedState;
  listingPages: IndexPage[];
  /** Called once the listing pages are written (an incremental build's feeds, which link them, start then). */
  afterListings?: () => void;
}

export async function writeDerivedOutputs(input: DerivedStageInput): Promise<void> {
  const { derived, lease, emit, renderer, state } = input;
  const writer = waveWriter(input.objects, { ...input.writing, skipUnchanged: true, beforeWave: () => lease.check() });
  try {
    for (const kinds of listingWaves) {
      await writer.write(input.listingPages.filter((page) => kinds.includes(page.kind)).map((page) => renderer.indexPage(page, state)));
    }
    await writer.linkable();
    input.afterListings?.();
    emit({ type: 'phase', phase: 'discovery' });
    const byOutput = (name: string) => emit({ type: 'phase', phase: `discovery:${name}` });
    // The next wave renders while the one before is being written.
    for await (const wave of derivedArtifacts(derived, input.changes, byOutput)) await writer.write(wave.artifacts);
    await writer.finish();
  } catch (error) {
    await writer.drain();
    throw error;
  }
}
