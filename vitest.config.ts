import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest on a two-core machine, slowest first. Vitest starts the files it has
// no cached durations for (a fresh CI checkout has none) largest first, and these are short files
// that wait on Chromium, bundled functions and builds: started last, one of them ran alone on one
// core at the end of the run. a11y comes first because the first browser file builds the site the
// others serve (test/browser/site.ts), and iam beside it keeps the other core busy meanwhile. A
// file missing here runs in Vitest's order after these; one here that got faster only runs early.
const slowestFirst = [
  'test/browser/a11y.test.ts',
  'test/functions/iam.test.ts',
  'test/browser/keyboard.test.ts',
  'test/browser/layout.test.ts',
  'test/cli/build.test.ts',
  'test/infra/stack.test.ts',
  'test/publish/build.test.ts',
  'test/functions/render.test.ts',
  'test/functions/notify.test.ts',
  'test/functions/fanOut.test.ts',
  'test/discovery/search.test.ts',
  'test/functions/feedsHub.test.ts',
  'test/infra/operations.test.ts',
  'test/functions/policy.test.ts',
  'test/store/records.conformance.test.ts',
  'test/local/servers.test.ts',
  'test/browser/search.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = slowestFirst.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? slowestFirst.length : index;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves a core free (one file at a time on two cores), but many test files
    // spend much of their time waiting for a process of their own (a bundled function, Chromium,
    // the emulators), so one file per core keeps both busy.
    maxWorkers: availableParallelism(),
    // Files that run in one worker share its module cache instead of importing src/ and its
    // libraries again each: a quarter less CPU for the whole run. So a test file leaves module
    // state as it found it (test/discovery/columns.test.ts puts the output registry back) and makes
    // its spies inside its tests (Vitest restores every spy after each file).
    isolate: false,
    sequence: { sequencer: SlowestFirst },
  },
});
