// `gazette preview --build` (what `npm start` runs) serves the site as soon as it is built; the
// partners' deliveries, already in the outbox, are sent while it serves, and their line follows.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../delivery/receiver.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

const bin = new URL('../../bin/gazette.js', import.meta.url).pathname;
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('gazette preview --build', () => {
  let child: ChildProcess | undefined;
  let work: string | undefined;
  // The partner takes its time to answer: the site must not wait for it.
  const receiving = startReceiver(secret, [{ status: 200, delayMs: 2_000 }]);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    await (await receiving).close();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('serves the built site before the partners have answered, then reports their deliveries', async () => {
    const receiver = await receiving;
    work = await mkdtemp(join(tmpdir(), 'gazette-preview-'));
    const files = sampleFiles();
    files['partners.yaml'] = `partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { fullText: true }
    webhook: { url: "${receiver.url}", secret: { env: HNNEWS_SECRET } }
`;
    const content = await writeSite(files, join(work, 'content'));
    child = spawn(
      process.execPath,
      [bin, 'preview', '--build', '--no-pdf', '--port', '0', '--content', content, '--data', join(work, 'data'), '--now', '2010-06-25T08:00:00+08:00'],
      { env: { ...process.env, CI: '1', HNNEWS_SECRET: secret } },
    );
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const seen = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`)), 60_000);
        const check = (chunk?: Buffer) => {
          if (chunk !== undefined) stdout += chunk.toString();
          if (!pattern.test(stdout)) return;
          clearTimeout(timer);
          child?.stdout?.off('data', check);
          resolve();
        };
        child?.stdout?.on('data', check);
      });

    await seen(/Serving the site at (http:\/\/localhost:\d+\/)/);
    // Served while the partner's answer is still on its way.
    const base = (/http:\/\/localhost:\d+\//.exec(stdout) as RegExpExecArray)[0];
    const home = await fetch(base);
    expect(home.status).toBe(200);
    expect(receiver.processed.size).toBe(0);
    expect(stdout).not.toContain('Partners:');

    await seen(/Partners: .*\n/);
    expect(stdout).toMatch(/Partners: \d+ deliveries queued; \d+ delivered, 0 waiting for a retry, 0 dead\.\n/);
    expect(stdout.indexOf('Partners:')).toBeGreaterThan(stdout.indexOf('Serving the site'));
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((request) => request.verified)).toBe(true);
    expect(receiver.processed.size).toBe(receiver.requests.length);
  }, 120_000);
});
