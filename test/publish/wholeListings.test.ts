// A build that renders every listing and derived page again on a large site hands its jobs to its
// runner, however few (on AWS the runner sends them to the finalize function, which has the time
// to compare every one of those pages with the bucket): after a build that stopped before its
// listings, and with render code the last build did not have. Not on a site smaller than the
// runner asks for, and not for a build whose listings change only where its documents show.

import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite, type JobRunner } from '../../src/publish/build.ts';
import { extendPending, markUnfinished, readBuildState } from '../../src/publish/buildState.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');

/** A runner that takes the jobs of large sites' whole listings and notes how many it was given. */
function recordingRunner(minDocumentsForWholeListings: number): JobRunner & { given: number[] } {
  const given: number[] = [];
  return {
    given,
    minJobs: 1000,
    minDocumentsForWholeListings,
    async run(jobs, input) {
      given.push(jobs.length);
      return { fannedOut: { buildId: input.buildId, chunks: 0, jobs: jobs.length } };
    },
  };
}

/** Build the content at `root`, with `runner`, and with the render code's part `code` when given. */
async function build(root: string, stores: TestStores, runner?: JobRunner, code?: string) {
  const { content } = await loadContent(root, { now });
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0, pdf: false });
  try {
    const site = code === undefined ? renderer : { ...renderer, fingerprintParts: { ...renderer.fingerprintParts, code } };
    return await buildSite({
      content: content as ContentSet,
      objects: stores.objects,
      records: stores.records,
      renderer: site,
      now,
      ...(runner === undefined ? {} : { jobRunner: runner }),
    });
  } finally {
    await renderer.close();
  }
}

describe('whole listings of a large site', () => {
  it('go to the job runner after a build that stopped, and with new render code; not on a smaller site, nor for nothing', async () => {
    const root = await writeSite(sampleFiles());
    const stores = await createTestStores();
    const first = await build(root, stores);
    const documents = first.published.length;
    expect(documents).toBeGreaterThan(1);

    // Nothing changed: the listings stay as they are, whatever the site's size.
    const idle = recordingRunner(1);
    expect((await build(root, stores, idle)).fannedOut).toBeUndefined();
    expect(idle.given).toEqual([]);

    // A build that stopped between its first write and its listings left its mark.
    await markUnfinished(stores.objects, await readBuildState(stores.objects), 'a-build-that-stopped');
    const small = recordingRunner(documents + 1);
    const inProcess = await build(root, stores, small);
    expect(small.given).toEqual([]);
    expect(inProcess.fannedOut).toBeUndefined();
    expect((await readBuildState(stores.objects))?.complete).toBe(true);

    await markUnfinished(stores.objects, await readBuildState(stores.objects), 'a-build-that-stopped');
    const large = recordingRunner(documents);
    expect((await build(root, stores, large)).fannedOut).toMatchObject({ chunks: 0, jobs: 0 });
    expect(large.given).toEqual([0]);

    // The handed-on build has not finalized (its runner would): a build here finishes the listings.
    await build(root, stores);
    expect((await readBuildState(stores.objects))?.complete).toBe(true);

    // Render code the last build to finish did not have (its derived outputs', say): no document
    // renders again, and every listing does.
    const newCode = recordingRunner(documents);
    expect((await build(root, stores, newCode, 'new derived-output code')).fannedOut).toMatchObject({ chunks: 0, jobs: 0 });
    expect(newCode.given).toEqual([0]);
  });

  it('stay as they are beside a build still running (fanned out, its pending mark alive), which lists its own documents', async () => {
    const root = await writeSite(sampleFiles());
    const stores = await createTestStores();
    const documents = (await build(root, stores)).published.length;
    // Pending marks live by the wall clock, as the build's lease does.
    const wall = { now: () => new Date() }; // eslint-disable-line no-restricted-syntax
    const anHourAgo = { now: () => new Date(wall.now().getTime() - 3_600_000) };

    // A fanned-out build marked the state before its first write, and its render jobs keep its pending mark alive.
    await markUnfinished(stores.objects, await readBuildState(stores.objects), 'a-running-build');
    await extendPending(stores.records, 'a-running-build', wall, 10 * 60_000);
    const beside = recordingRunner(documents);
    expect((await build(root, stores, beside)).fannedOut).toBeUndefined();
    expect(beside.given).toEqual([]);
    expect((await readBuildState(stores.objects))?.complete).toBe(true);

    // The same mark once its pending mark has run out: a build that stopped, whose listings are redone whole.
    await markUnfinished(stores.objects, await readBuildState(stores.objects), 'a-running-build');
    await stores.records.clearPendingBuild('a-running-build');
    await extendPending(stores.records, 'a-running-build', anHourAgo, 60_000);
    const after = recordingRunner(documents);
    expect((await build(root, stores, after)).fannedOut).toMatchObject({ chunks: 0, jobs: 0 });
    expect(after.given).toEqual([0]);
  });
});
