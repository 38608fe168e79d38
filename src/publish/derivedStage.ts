// The derived-output stage of finalize: every row of the output table in src/discovery/outputs.ts
// — the listing pages, then the catalogue, statistics, columns, permalinks, JSON API, search and
// sitemaps — all pages on a full build, only those a change touches on an incremental one.
// Writes: those pages, wave by wave as the table declares (writes.ts `waveWriter`), skipping
// objects whose bytes are unchanged, checking the lease before each wave.
// Links to: documents and issues, pages of earlier waves, and (every page's navigation) the listings.
// Needs written before it: the document pages and records, the issue pages and records.

import type { ObjectStore } from '../store/ports.ts';
import { LISTINGS_WAVE } from '../discovery/listings.ts';
import { derivedArtifacts, type DerivedChanges, type DerivedInput } from '../discovery/outputs.ts';
import type { BuildEvent } from './build.ts';
import type { HeldLease } from './lease.ts';
import { waveWriter, type WriteOptions } from './writes.ts';

export interface DerivedStageInput {
  derived: DerivedInput;
  /** What the build changed; undefined: every page (a full build). */
  changes: DerivedChanges | undefined;
  objects: ObjectStore;
  writing: Omit<WriteOptions, 'skipUnchanged'>;
  lease: HeldLease;
  emit: (event: BuildEvent) => void;
  /** Called once the listing pages are written (an incremental build's feeds, which link them, start then). */
  afterListings?: () => void;
}

export async function writeDerivedOutputs(input: DerivedStageInput): Promise<void> {
  const { emit } = input;
  const writer = waveWriter(input.objects, { ...input.writing, skipUnchanged: true, beforeWave: () => input.lease.check() });
  let listed = false;
  const listingsWritten = async () => {
    if (listed) return;
    listed = true;
    await writer.linkable();
    input.afterListings?.();
  };
  let discovering = false;
  const onOutput = (name: string, wave: number) => {
    if (wave > LISTINGS_WAVE && !discovering) {
      discovering = true;
      emit({ type: 'phase', phase: 'discovery' });
    }
    emit({ type: 'phase', phase: `discovery:${name}` });
  };
  try {
    // The next wave renders while the one before is being written.
    for await (const batch of derivedArtifacts(input.derived, input.changes, onOutput)) {
      await writer.write(batch.artifacts);
      if (batch.wave >= LISTINGS_WAVE) await listingsWritten();
    }
    await listingsWritten();
    await writer.finish();
  } catch (error) {
    await writer.drain();
    throw error;
  }
}
