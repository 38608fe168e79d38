import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

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
  },
});
