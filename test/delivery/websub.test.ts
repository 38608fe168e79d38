import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { publishToHubs } from '../../src/delivery/websub.ts';

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
    const urls = { rss: 'https://www.huainan.gov.cn/feeds/partners/xxgk/rss.xml', atom: 'https://www.huainan.gov.cn/feeds/partners/xxgk/atom.xml', json: 'https://www.huainan.gov.cn/feeds/partners/xxgk/feed.json' };
    const sleeps: number[] = [];
    try {
      const pings = await publishToHubs({
        changedFeeds: [{ name: 'partners/xxgk', urls, hubUrl: hub }, { name: 'all', urls }],
        mode: 'local',
        sleep: async (ms) => void sleeps.push(ms),
      });
      expect(pings.map((ping) => [ping.topic, ping.status])).toEqual([[urls.rss, 204], [urls.atom, 204], [urls.json, 204]]);
      expect(received.every((form) => form.get('hub.mode') === 'publish')).toBe(true);
      expect(new Set(received.map((form) => form.get('hub.url')))).toEqual(new Set(Object.values(urls)));
      expect(received).toHaveLength(4);
      expect(sleeps).toEqual([250]);
    } finally {
      server.close();
    }
  });
});
