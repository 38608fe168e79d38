// Stopping watch mode (Ctrl+C) while a save is being built: the build ends, and nothing it sets up
// for later (the wake-up for an embargo, the write of the caches once the editor pauses) keeps the
// process alive, so the command exits without a second Ctrl+C.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startLocalStores } from '../../src/cli/localStores.ts';
import { type ContentWatch, watchAndPublish } from '../../src/cli/watch.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

/**
 * The timers keeping this process alive. Test files share a worker process (vitest.config.ts,
 * `isolate: false`), so an earlier file's may still be pending: the count is compared with the
 * one before the watch started, and can only have fallen since.
 */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('gazette build --watch, stopped during a build', () => {
  it('lets the process exit: the build finishes, and leaves no timer behind', async () => {
    const before = timers();
    const work = await mkdtemp(join(tmpdir(), 'gazette-watch-close-'));
    const content = await writeSite(sampleFiles(), join(work, 'content'));
    const data = join(work, 'data');
    const stores = await startLocalStores(data);
    let out = '';
    const stdout = new PassThrough();
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Before the embargo of press/2010/embargoed.md: each build sets a wake-up for it. Each build
    // reads this clock first: the save's build (the second) is stopped as it loads, before it
    // sets the wake-up.
    const instant = new Date('2010-06-25T08:00:00+08:00');
    let builds = 0;
    let closing: Promise<void> | undefined;
    const buildClock = () => {
      // Ctrl+C arrives as an event of its own, while the build waits for its files.
      if (++builds === 2) setImmediate(() => (closing = watching.close()));
      return instant;
    };
    const watching: ContentWatch = await watchAndPublish({
      args: { content, data, now: instant, verbose: true, jobs: 1, pdf: false, stores: 'embedded' },
      stores,
      io: { stdout, stderr: new PassThrough(), cwd: work, now: () => instant },
      now: buildClock,
      releases: true,
    });
    expect(watching.first).toBe(0);
    const from = out.length;
    try {
      const file = join(content, 'press/2010/hotline.md');
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 更正受理数量。\nchangeDate: 2010-06-20\n'),
      );
      await new Promise<void>((resolve) => {
        const published = () => {
          if (closing === undefined || !/Published/.test(out.slice(from))) return;
          stdout.off('data', published);
          resolve();
        };
        stdout.on('data', published);
        published();
      });
    } finally {
      await (closing ?? watching.close());
      await stores.stop();
    }
    // The build in progress was finished, and nothing of it is left to run.
    expect(out.slice(from)).toMatch(/Published 0 new and 1 changed documents/);
    expect(timers()).toBeLessThanOrEqual(before);
  }, 60_000);
});
