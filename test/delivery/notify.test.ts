import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Parser from 'rss-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyPartners } from '../../src/delivery/notify.ts';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import type { Partner } from '../../src/delivery/partners.ts';
import { environmentSecrets } from '../../src/delivery/secrets.ts';
import { rebuildFeeds } from '../../src/publish/rebuildFeeds.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { publish, site } from '../feeds/site.ts';
import { createTestStores } from '../helpers/stores.ts';
import { fastClock, startReceiver } from './receiver.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const receiver = await startReceiver(secret);
const topics: string[] = [];
const hub = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    topics.push(new URLSearchParams(body).get('hub.url') ?? '');
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
afterAll(async () => {
  await receiver.close();
  hub.close();
});

describe('publish flow: feeds, outbox, webhooks and WebSub', () => {
  it('records a job per new version before the feeds, then signs, sends and pings after them', async () => {
    const { objects, deliveries: store } = await createTestStores();
    const partner: Partner = {
      id: 'hnnews',
      name: '淮南新闻网',
      takes: { kinds: ['release'], fullText: true },
      webhook: { url: receiver.url, secret: { env: 'HNNEWS_SECRET' } },
      websubHub: `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`,
    };
    const records: DocumentRecord[] = [
      await publish(objects, { id: 'press-2010-hotline', date: '2010-12-08', updatedAt: '2010-12-08T02:00:00.000Z' }),
      await publish(objects, {
        id: 'huaifu-2010-69',
        kind: 'article',
        department: '淮南市人民政府',
        date: '2010-05-31',
        updatedAt: '2010-12-08T02:00:00.000Z',
      }),
    ];
    const feeds = await rebuildFeeds({
      objects,
      site,
      partners: [partner],
      documents: records,
      beforeWrite: async (changed) => void (await recordDeliveries({ store, site, partners: [partner], changes: changed.map((after) => ({ after })) })),
    });
    const { pings, deliveries } = await notifyPartners({
      store,
      partners: [partner],
      changedFeeds: feeds.changedFeeds,
      secrets: environmentSecrets({ HNNEWS_SECRET: secret }),
      clock: fastClock(),
      mode: 'local',
    });

    expect(deliveries).toMatchObject({ delivered: 1, dead: 0, pending: 0 });
    const [payload] = [...receiver.processed.values()] as { type: string; data: { id: string; sequence: number; feeds: { atom: string } } }[];
    expect(payload).toMatchObject({ type: 'document.published', data: { id: 'press-2010-hotline', sequence: 1 } });
    expect(pings.every((ping) => ping.status === 204)).toBe(true);
    expect(topics.sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml'].map((file) => `https://www.huainan.gov.cn/feeds/partners/hnnews/${file}`));

    const feedKey = `site${new URL(payload?.data.feeds.atom ?? '').pathname}`;
    const feed = await new Parser().parseString(Buffer.from((await objects.get(feedKey))?.body ?? []).toString('utf8'));
    expect(feed.items.map((item) => item.link)).toEqual(['https://www.huainan.gov.cn/press/2010/press-2010-hotline/']);
  });
});
