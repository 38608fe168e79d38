// A real crash: the embedded S3 and DynamoDB are stopped between two writes of a build, then
// started again on the same data. The retried build must converge: no missing file behind a
// link, one version per document, one audit entry per change, one delivery per partner.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LocalStores, startLocalStores } from '../../src/cli/localStores.ts';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import type { Partner } from '../../src/delivery/partner.ts';
import { buildSite } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { sampleFiles, writeSite } from './site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');
const partner: Partner = {
  id: 'news',
  name: '淮南新闻网',
  takes: { fullText: true },
  webhook: { url: 'https://hooks.news.example/', secret: { env: 'UNUSED_SECRET' } },
};

async function build(root: string, stores: LocalStores, objects: ObjectStore = stores.objects) {
  const { content } = await loadContent(root, { now });
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0, pdf: false });
  try {
    return await buildSite({
      content: content as ContentSet,
      objects,
      records: stores.records,
      renderer,
      now,
      feeds: { partners: [partner], deliveries: stores.deliveries },
    });
  } finally {
    await renderer.close();
  }
}

/**
 * Broken links a reader can meet: a crawl from the home page and the feeds, following
 * root-relative links. A page nothing links to yet (a new document whose listing has not been
 * written) is not reachable, so its own links do not count until it is.
 */
async function brokenLinks(objects: ObjectStore): Promise<string[]> {
  const keys = new Set<string>();
  for await (const head of objects.listKeys(SITE_PREFIX)) keys.add(head.key.slice(SITE_PREFIX.length));
  const objectKey = (href: string) => {
    const target = decodeURI(href).slice(1);
    return target === '' || target.endsWith('/') ? `${target}index.html` : target;
  };
  const queue = [...keys].filter((key) => key === 'index.html' || (key.startsWith('feeds/') && key.endsWith('rss.xml')));
  const seen = new Set(queue);
  const missing: string[] = [];
  while (queue.length > 0) {
    const key = queue.shift() as string;
    const text = Buffer.from((await objects.get(SITE_PREFIX + key))?.body ?? []).toString('utf8');
    // Pages: root-relative href and src. RSS: each item's <link> and <enclosure url>.
    const patterns = key.endsWith('.xml')
      ? [/<link>https:\/\/www\.huainan\.gov\.cn(\/[^<#?]*)<\/link>/g, /<enclosure url="https:\/\/www\.huainan\.gov\.cn(\/[^"#?]*)"/g]
      : [/(?:href|src)="(\/[^"#?]*)/g];
    const links = patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] as string));
    for (const href of links) {
      const target = objectKey(href);
      if (!keys.has(target)) missing.push(`${key} → ${href}`);
      else if (!seen.has(target) && target.endsWith('.html')) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...new Set(missing)];
}

/** Files the JSON feeds (subscription and archive documents) list whose SHA-256 is not that of the bytes stored: what a partner's check would refuse. */
async function staleFeedFiles(objects: ObjectStore): Promise<{ files: number; stale: string[] }> {
  let files = 0;
  const stale: string[] = [];
  for await (const head of objects.listKeys(`${SITE_PREFIX}feeds/`)) {
    if (!head.key.endsWith('.json')) continue;
    const feed = JSON.parse(Buffer.from((await objects.get(head.key))?.body ?? []).toString('utf8')) as {
      items: { _gazette: { files?: { url: string; sha256: string }[] } }[];
    };
    for (const file of feed.items.flatMap((item) => item._gazette.files ?? [])) {
      files++;
      const stored = await objects.get(SITE_PREFIX + decodeURI(new URL(file.url).pathname.slice(1)));
      if (stored === undefined || sha256(stored.body) !== file.sha256) stale.push(`${head.key}: ${file.url}`);
    }
  }
  return { files, stale };
}

describe('a build interrupted by stopped servers', () => {
  async function interrupted(root: string, dataDir: string, stopWhen: (key: string, count: number) => boolean): Promise<number> {
    const stores = await startLocalStores(dataDir);
    let puts = 0;
    const stopping: ObjectStore = {
      ...stores.objects,
      put: async (input) => {
        if (stopWhen(input.key, ++puts)) await stores.stop();
        return stores.objects.put(input);
      },
    };
    await expect(build(root, stores, stopping)).rejects.toThrow();
    return puts;
  }

  async function expectConverged(second: LocalStores, root: string): Promise<void> {
    const retry = await build(root, second);
    expect(await brokenLinks(second.objects)).toEqual([]);
    for await (const record of second.records.listDocuments()) {
      expect((await second.records.listDocumentVersions(record.id)).map((version) => version.version)).toEqual([1]);
      expect((await second.records.listAudit(record.id)).map((entry) => entry.event)).toEqual(['published']);
      expect((await second.deliveries.listJobs('news')).filter((job) => job.documentId === record.id)).toHaveLength(1);
    }
    expect(retry.created + retry.updated + retry.unchanged).toBeGreaterThan(0);
    // Running it once more changes nothing.
    expect(await build(root, second)).toMatchObject({ created: 0, updated: 0, refreshed: 0, objectsWritten: 0, deliveriesQueued: 0 });
  }

  it('converges after the servers stop among the first build’s document pages, before any record', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gazette-crash-'));
    const root = await writeSite(sampleFiles());
    await interrupted(root, dataDir, (_key, count) => count === 4);
    const second = await startLocalStores(dataDir);
    try {
      expect(await second.records.getDocument('huaifu-2010-69')).toBeUndefined();
      expect(await brokenLinks(second.objects)).toEqual([]);
      await expectConverged(second, root);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('converges after the servers stop among the listing pages of a later build, after the records', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gazette-crash-'));
    const files = sampleFiles();
    delete files['press/2010/hotline.md'];
    delete files['press/2010/hotline-en.md'];
    const root = await writeSite(files);
    const first = await startLocalStores(dataDir);
    await build(root, first);
    await first.stop();
    // A new release, and the servers go away while the press index (which will list it) is written.
    await writeSite({ 'press/2010/hotline.md': sampleFiles()['press/2010/hotline.md'] as string }, root);
    await interrupted(root, dataDir, (key) => key === `${SITE_PREFIX}press/index.html`);
    const second = await startLocalStores(dataDir);
    try {
      expect(await second.records.getDocument('press-2010-hotline')).toBeDefined();
      // The live site links nothing that is missing: the home page and archives are the old ones.
      expect(await brokenLinks(second.objects)).toEqual([]);
      await expectConverged(second, root);
      expect(Buffer.from((await second.objects.get(`${SITE_PREFIX}press/index.html`))?.body ?? []).toString('utf8')).toContain('/press/2010/hotline/');
    } finally {
      await second.stop();
    }
  }, 120_000);

  for (const [where, stopAt] of [
    ['among the listing pages, after the records', (key: string) => key === `${SITE_PREFIX}press/index.html`],
    ['among the feeds, after the listings', (key: string) => key.startsWith(`${SITE_PREFIX}feeds/`)],
  ] as const) {
    it(`converges after the servers stop ${where} of a build that renders every page again: the feeds show the new renders`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'gazette-crash-'));
      const root = await writeSite(sampleFiles());
      const first = await startLocalStores(dataDir);
      await build(root, first);
      expect((await staleFeedFiles(first.objects)).stale).toEqual([]);
      await first.stop();
      // A new site name is on every page; the servers go away after the records, before the feeds are all written.
      const site = sampleFiles()['site.yaml'] as string;
      if (!site.includes('name: 淮南市人民政府\n')) throw new Error('the sample site.yaml changed: update this test');
      await writeSite({ 'site.yaml': site.replace('name: 淮南市人民政府\n', 'name: 淮南市人民政府门户网站\n') }, root);
      await interrupted(root, dataDir, stopAt);
      const second = await startLocalStores(dataDir);
      try {
        expect((await staleFeedFiles(second.objects)).stale).not.toEqual([]); // what the stopped build left
        // The retry renders nothing again (the records are the new renders'), yet the feeds follow them.
        expect(await build(root, second)).toMatchObject({ refreshed: 0 });
        const checked = await staleFeedFiles(second.objects);
        expect(checked.stale).toEqual([]);
        expect(checked.files).toBeGreaterThan(20);
        expect(await brokenLinks(second.objects)).toEqual([]);
        expect(await build(root, second)).toMatchObject({ refreshed: 0, objectsWritten: 0, feedsWritten: 0 });
      } finally {
        await second.stop();
      }
    }, 120_000);
  }
});
