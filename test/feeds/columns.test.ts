// Column feeds (feeds/columns/<id>/): what they select, how a changed rule rewrites their history,
// and documents logged before the log carried tags.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import Parser from 'rss-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { readSiteConfig, writeSiteConfig } from '../../src/aws/siteConfig.ts';
import type { FeedColumn } from '../../src/feeds/definitions.ts';
import { FEED_STATE_KEY } from '../../src/content/keys.ts';
import { rebuildFeeds } from '../../src/publish/rebuildFeeds.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createMemoryObjectStore, type MemoryObjectStore } from './memoryObjects.ts';
import { type DocSpec, publish, site } from './site.ts';
import { bundled, invokeBundle, startFakeSqs } from '../functions/harness.ts';
import { publishedSite } from '../functions/published.ts';

type Link = { $: Record<string, string> };
const parser = new Parser<{ links: Link[] }, { id?: string }>({ customFields: { feed: [['link', 'links', { keepArray: true }]] as never } });
const settings = { headSize: 2, archivePageSize: 2 };
const tag = (id: string) => `tag:www.huainan.gov.cn,2010:${id}`;
const rule = { topics: [], departments: [], tags: ['热线'], kinds: [], documents: [] };
const rexian: FeedColumn = { id: 'rexian', title: '市长热线', summary: '热线办理情况', rule, urlPath: '/zhuanlan/rexian/' };

let objects: MemoryObjectStore;
let records: Map<string, DocumentRecord>;

async function add(spec: DocSpec, tags?: string[]) {
  const record = await publish(objects, spec);
  records.set(record.id, tags === undefined ? record : { ...record, tags });
}

const rebuild = (columns: FeedColumn[]) => rebuildFeeds({ objects, site, partners: [], columns, documents: records.values(), settings });

function body(key: string): string {
  const object = objects.objects.get(`site/${key}`);
  if (object === undefined) throw new Error(`no object ${key}`);
  return Buffer.from(object.body).toString('utf8');
}

/** Every entry id of a feed, newest first, following prev-archive links from its head (the head repeats the newest archive page's entries: each once). */
async function history(name: string): Promise<string[]> {
  const ids: string[] = [];
  let key: string | undefined = `feeds/${name}/atom.xml`;
  while (key !== undefined) {
    const feed = await parser.parseString(body(key));
    ids.push(...feed.items.map((item) => item.id as string));
    const prev = feed.links.find((link) => link.$['rel'] === 'prev-archive')?.$['href'];
    key = prev === undefined ? undefined : new URL(prev).pathname.slice(1);
  }
  return [...new Set(ids)];
}

beforeEach(async () => {
  objects = createMemoryObjectStore();
  records = new Map();
  await add({ id: 'hot-a', date: '2010-06-01', updatedAt: '2010-06-01T02:00:00Z' }, ['热线']);
  await add({ id: 'other-b', date: '2010-06-02', updatedAt: '2010-06-02T02:00:00Z' }, ['民生']);
  await add({ id: 'hot-c', date: '2010-06-03', updatedAt: '2010-06-03T02:00:00Z', category: '民政' }, ['民生', '热线']);
  await add({ id: 'plain-d', date: '2010-06-04', updatedAt: '2010-06-04T02:00:00Z' });
  await add({ id: 'hot-e', date: '2010-06-05', updatedAt: '2010-06-05T02:00:00Z', kind: 'article', department: '淮南市人民政府' }, ['热线']);
});

describe('column feeds', () => {
  it('hold exactly the documents the column takes, with archives, titled after the column', async () => {
    await rebuild([rexian]);
    expect(await history('columns/rexian')).toEqual(['hot-e', 'hot-c', 'hot-a'].map(tag));
    const head = await parser.parseString(body('feeds/columns/rexian/rss.xml'));
    expect(head.title).toBe('淮南市人民政府 · 专栏：市长热线');
    expect(head.description).toBe('热线办理情况');
    expect(head.link).toBe('https://www.huainan.gov.cn/zhuanlan/rexian/');
    expect(JSON.parse(body('feeds/columns/rexian/feed.json')).items.map((item: { id: string }) => item.id)).toEqual(['hot-e', 'hot-c'].map(tag));
  });

  it('rewrite their archive when the rule changes, and leave the other feeds alone', async () => {
    await rebuild([rexian]);
    const { written } = await rebuild([{ ...rexian, rule: { ...rule, tags: ['热线', '民生'] } }]);
    expect(written).toContain('site/feeds/columns/rexian/archive/1.atom.xml');
    expect(written.filter((key) => !key.startsWith('site/feeds/columns/rexian/'))).toEqual([]);
    expect(await history('columns/rexian')).toEqual(['hot-e', 'hot-c', 'other-b', 'hot-a'].map(tag));
    // A new title alone keeps the history and renames the feed.
    const renamed = await rebuild([{ ...rexian, title: '12345热线', rule: { ...rule, tags: ['热线', '民生'] } }]);
    expect(renamed.written.some((key) => key.includes('/archive/'))).toBe(false);
    expect((await parser.parseString(body('feeds/columns/rexian/atom.xml'))).title).toBe('淮南市人民政府 · 专栏：12345热线');
  });

  it('find documents logged before the log kept tags, by their current tags', async () => {
    await rebuild([]);
    // The log as an earlier release stored it: the whole log in the state, no tags element in its tuples.
    const { logTail, logBase, ...stored } = JSON.parse(Buffer.from(objects.objects.get(FEED_STATE_KEY)!.body).toString('utf8'));
    expect(logBase).toBe(0);
    const log = { ...logTail, items: logTail.items.map((item: unknown[]) => item.slice(0, 10)) };
    await objects.put({ key: FEED_STATE_KEY, body: Buffer.from(JSON.stringify({ ...stored, log })), contentType: 'application/json' });
    await add({ id: 'hot-f', date: '2010-06-06', updatedAt: '2010-06-06T02:00:00Z' }, ['热线']);
    await rebuild([rexian]);
    expect(await history('columns/rexian')).toEqual(['hot-f', 'hot-e', 'hot-c', 'hot-a'].map(tag));
  });
});

describe('the feeds function on AWS', () => {
  it('builds column feeds from the columns in the published site configuration', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gazette-column-feeds-'));
    const [entry, published, sqs] = await Promise.all([bundled('feeds'), publishedSite('partners: []\n'), startFakeSqs()]);
    try {
      const { stores } = published;
      const config = await readSiteConfig(stores.objects);
      const column: FeedColumn = { id: 'zonghe', title: '综合政务', rule: { ...rule, tags: [], topics: ['综合政务'] }, urlPath: '/zhuanlan/zonghe/' };
      await writeSiteConfig(stores.objects, { ...config, columns: [column] });
      const release = published.documents.find((doc) => doc.id === 'press-2010-hotline') as DocumentRecord;
      const keys = { pk: `DOC#${release.id}`, sk: 'META' };
      const record = {
        eventID: 'event-1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: marshall(keys),
          NewImage: marshall({ ...keys, ...release }, { removeUndefinedValues: true }),
          SequenceNumber: '1',
          SizeBytes: 512,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Gazette/stream/2010-06-25T00:00:00.000',
      };
      const result = await invokeBundle(entry, [{ Records: [record] }], {
        AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
        AWS_ENDPOINT_URL_SQS: sqs.url,
        SITE_BUCKET: stores.bucket,
        TABLE_NAME: stores.table,
        NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
      });
      expect(result.results).toEqual([{ batchItemFailures: [] }]);
      const stored = await stores.objects.get('site/feeds/columns/zonghe/rss.xml');
      expect(stored).toBeDefined();
      const feed = await new Parser().parseString(Buffer.from(stored?.body ?? []).toString('utf8'));
      // The sample site's 综合政务 documents: the hotline release and its English translation.
      expect(feed.items.map((item) => item.link).sort()).toEqual([
        'https://www.huainan.gov.cn/press/2010/hotline-en/',
        'https://www.huainan.gov.cn/press/2010/hotline/',
      ]);
    } finally {
      await sqs.close();
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
