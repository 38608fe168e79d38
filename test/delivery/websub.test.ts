import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deadlineIn } from '../../src/delivery/deadline.ts';
import { publishToHubs } from '../../src/delivery/websub.ts';
import { type SilentServer, startSilentServer } from './receiver.ts';

const urls = {
  rss: 'https://www.huainan.gov.cn/feeds/partners/xxgk/rss.xml',
  atom: 'https://www.huainan.gov.cn/feeds/partners/xxgk/atom.xml',
  json: 'https://www.huainan.gov.cn/feeds/partners/xxgk/feed.json',
};
const servers: SilentServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('publishToHubs', () => {
  it('pings the hub of each changed feed with hub.mode=publish and each feed URL, retrying a failure', async () => {
    const received: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(new URLSearchParams(body));
        res.writeHead(received.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const sleeps: number[] = [];
    try {
      const pings = await publishToHubs({
        changedFeeds: [
          { name: 'partners/xxgk', urls, hubUrl: hub },
          { name: 'all', urls },
        ],
        mode: 'local',
        sleep: async (ms) => void sleeps.push(ms),
      });
      expect(pings.map((ping) => [ping.topic, ping.status])).toEqual([
        [urls.rss, 204],
        [urls.atom, 204],
        [urls.json, 204],
      ]);
      expect(received.every((form) => form.get('hub.mode') === 'publish')).toBe(true);
      expect(new Set(received.map((form) => form.get('hub.url')))).toEqual(new Set(Object.values(urls)));
      expect(received).toHaveLength(4);
      expect(sleeps).toEqual([250]);
    } finally {
      server.close();
    }
  });

  it('returns by the deadline when a hub never answers, with every ping sent at once and reported as failed', async () => {
    const silent = await startSilentServer('/');
    servers.push(silent);
    const started = performance.now();
    const pings = await publishToHubs({
      changedFeeds: [{ name: 'partners/xxgk', urls, hubUrl: silent.url }],
      mode: 'local',
      timeoutMs: 30_000,
      deadline: deadlineIn(800, () => new Date(performance.timeOrigin + performance.now())),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(silent.requests).toBe(3);
    expect(pings.map((ping) => [ping.topic, ping.status, ping.error?.replace(/\d+ ms/, 'N ms')])).toEqual(
      Object.values(urls).map((topic) => [topic, undefined, "aborted: the pings' N ms ran out; the hub catches up at the next change or by polling"]),
    );
  });

  it('stops retrying a failing hub when the total time is up', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => res.writeHead(503).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const started = performance.now();
      const pings = await publishToHubs({
        changedFeeds: [{ name: 'partners/xxgk', urls, hubUrl: hub }],
        mode: 'local',
        totalTimeoutMs: 300,
        attempts: 10,
        sleep: (ms) => new Promise((done) => setTimeout(done, ms * 4)),
      });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(requests).toBe(3);
      expect(pings.every((ping) => ping.status === 503 && /^HTTP 503; not retried: the pings' 300 ms ran out/.test(ping.error ?? ''))).toBe(true);
    } finally {
      server.close();
    }
  });
});
