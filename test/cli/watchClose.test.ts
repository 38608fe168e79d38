// Stopping watch mode (Ctrl+C) while a save is being built: the build ends, and nothing it set up
// for later (the wake-up for an embargo, the write of the caches once the editor pauses) keeps the
// process alive, so the command exits without a second Ctrl+C.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startLocalStores } from '../../src/cli/localStores.ts';
import { watchAndPublish } from '../../src/cli/watch.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

describe('gazette build --watch, stopped during a build', () => {
  it('lets the process exit: the build finishes, and leaves no timer behind', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gazette-watch-close-'));
    const content = await writeSite(sampleFiles(), join(work, 'content'));
    const data = join(work, 'data');
    const stores = await startLocalStores(data);
    let out = '';
    const stdout = new PassThrough();
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Before the embargo of press/2010/embargoed.md: each build sets a wake-up for it.
    const now = () => new Date('2010-06-25T08:00:00+08:00');
    const watching = await watchAndPublish({
      args: { content, data, now: now(), verbose: true, jobs: 1, pdf: false, stores: 'embedded' },
      stores,
      io: { stdout, stderr: new PassThrough(), cwd: work, now },
      now,
      releases: true,
    });
    try {
      expect(watching.first).toBe(0);
      const from = out.length;
      const file = join(content, 'press/2010/hotline.md');
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 更正受理数量。\nchangeDate: 2010-06-20\n'),
      );
      // Stopped as soon as the save's build has begun.
      await new Promise<void>((resolve) => {
        const started = () => {
          if (!/·|updated/.test(out.slice(from))) return;
          stdout.off('data', started);
          resolve();
        };
        stdout.on('data', started);
        started();
      });
    } finally {
      await watching.close();
      await stores.stop();
    }
    expect(out).toMatch(/Published 0 new and 1 changed documents/);
    expect(process.getActiveResourcesInfo()).not.toContain('Timeout');
  }, 60_000);
});
