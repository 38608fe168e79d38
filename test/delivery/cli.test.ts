import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDeliveries } from '../../src/cli/deliveries.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import { loadPartners } from '../../src/delivery/partners.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { site } from '../feeds/site.ts';
import { createTestStores } from '../helpers/stores.ts';
import { fastClock, startReceiver } from './receiver.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function capture(cwd: string) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const io: CliIo = { stdout: out, stderr: err, cwd, now: () => new Date(performance.timeOrigin + performance.now()) };
  return { io, text: () => ({ stdout, stderr }) };
}

const receiver = await startReceiver(secret, [{ status: 410 }]);
afterAll(() => receiver.close());

describe('gazette deliveries', () => {
  it('lists failed jobs, and redrive re-sends them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gazette-deliveries-'));
    await copyFile('content/site.yaml', join(dir, 'site.yaml'));
    await writeFile(
      join(dir, 'partners.yaml'),
      `partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { fullText: true }
    webhook: { url: "${receiver.url}", secret: { env: HNNEWS_SECRET } }
`,
    );
    const { deliveries: store } = await createTestStores();
    const { partners = [] } = await loadPartners(dir, site);
    const after = {
      id: 'press-2010-hotline',
      kind: 'release',
      title: '12345',
      lang: 'zh-CN',
      urlPath: '/press/2010/hotline/',
      status: 'published',
      version: 1,
      digest: 'd',
      department: '淮南市人民政府新闻办公室',
      category: '政务公开',
      artifacts: [],
      updatedAt: '2010-12-08T02:00:00.000Z',
    } as unknown as DocumentRecord;
    await recordDeliveries({ store, site, partners, changes: [{ after }] });
    const deps = { env: { HNNEWS_SECRET: secret }, clock: fastClock(), openStore: async () => ({ store, close: async () => {} }) };

    const send = capture(dir);
    expect(await runDeliveries(['send', '--content', dir], send.io, deps)).toBe(2);
    expect(send.text().stdout).toContain('0 delivered, 1 dead');

    const list = capture(dir);
    expect(await runDeliveries(['--failed', '--partner', 'hnnews', '--content', dir], list.io, deps)).toBe(0);
    expect(list.text().stdout).toMatch(/endpoint DISABLED \(.*410 Gone/);
    expect(list.text().stdout).toMatch(/1\s+dead\s+published\s+press-2010-hotline v1\s+1\s+410/);

    const again = capture(dir);
    expect(await runDeliveries(['redrive', '--content', dir], again.io, deps)).toBe(0);
    expect(again.text().stdout).toContain('Re-queued 1 dead job(s); sending now.\n1 attempt(s): 1 delivered, 0 dead, 0 still pending.');
    expect(receiver.processed.size).toBe(1);

    const unknown = capture(dir);
    expect(await runDeliveries(['--partner', 'nobody', '--content', dir], unknown.io, deps)).toBe(1);
    expect(unknown.text().stderr).toContain('no partner has the id "nobody". Partners: hnnews.');
  });

  it('shows a partner whose circuit is open, and says why its deliveries wait', async () => {
    const failing = await startReceiver(
      secret,
      Array.from({ length: 10 }, () => ({ status: 503 })),
    );
    try {
      const dir = await mkdtemp(join(tmpdir(), 'gazette-deliveries-'));
      await copyFile('content/site.yaml', join(dir, 'site.yaml'));
      await writeFile(
        join(dir, 'partners.yaml'),
        `partners:
  - id: waixuan
    name: 外宣网
    takes: { fullText: true }
    webhook: { url: "${failing.url}", secret: { env: WAIXUAN_SECRET } }
`,
      );
      const { deliveries: store } = await createTestStores();
      const { partners = [] } = await loadPartners(dir, site);
      const doc = (id: string) =>
        ({
          id,
          kind: 'release',
          title: id,
          lang: 'zh-CN',
          urlPath: `/press/2010/${id}/`,
          status: 'published',
          version: 1,
          digest: id,
          department: '淮南市人民政府新闻办公室',
          category: '政务公开',
          artifacts: [],
          updatedAt: '2010-12-08T02:00:00.000Z',
        }) as unknown as DocumentRecord;
      await recordDeliveries({ store, site, partners, changes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({ after: doc(`press-2010-${id}`) })) });
      const deps = { env: { WAIXUAN_SECRET: secret }, clock: fastClock(), openStore: async () => ({ store, close: async () => {} }) };

      const send = capture(dir);
      expect(await runDeliveries(['send', '--content', dir], send.io, deps)).toBe(0);
      expect(failing.requests).toHaveLength(5);
      expect(send.text().stdout).toContain('5 attempt(s): 0 delivered, 0 dead, 7 still pending');
      expect(send.text().stdout).toContain('Circuit open for waixuan: the endpoint kept failing');

      const list = capture(dir);
      expect(await runDeliveries(['--partner', 'waixuan', '--content', dir], list.io, deps)).toBe(0);
      expect(list.text().stdout).toMatch(
        /waixuan {2}外宣网 .* endpoint enabled, circuit OPEN until \S+ \(5 failures in a row since \S+, last: HTTP 503\); its deliveries wait/,
      );
      expect(list.text().stdout).toMatch(/6\s+pending\s+published\s+press-2010-f v1\s+0\s+-/);
    } finally {
      await failing.close();
    }
  });
});
