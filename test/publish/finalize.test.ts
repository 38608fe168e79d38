// Concurrent builds: render jobs of two builds commit side by side, and their finalize steps take
// turns under the table's build lease, each reading the records once it holds it. Whatever the
// order, every listing ends up showing both builds' documents.

import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite } from '../../src/publish/build.ts';
import { markPending, readPendingBuilds } from '../../src/publish/buildState.ts';
import { acquireLease, LeaseLostError } from '../../src/publish/lease.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');

const release = (id: string, title: string, date: string) => `---
id: ${id}
title: ${title}
date: ${date}
department: 淮南市人民政府新闻办公室
category: 综合政务
---
${title}的正文。
`;

async function load(root: string): Promise<ContentSet> {
  const { content, messages } = await loadContent(root);
  expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
  return content as ContentSet;
}

async function build(content: ContentSet, stores: TestStores, records: RecordStore = stores.records) {
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  try {
    return await buildSite({ content, objects: stores.objects, records, renderer, now, feeds: { partners: [], deliveries: stores.deliveries } });
  } finally {
    await renderer.close();
  }
}

async function text(objects: ObjectStore, key: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + key);
  if (stored === undefined) throw new Error(`no object at ${key}`);
  return Buffer.from(stored.body).toString('utf8');
}

/** Every object under a prefix, as text. */
async function texts(objects: ObjectStore, prefix: string): Promise<string> {
  let all = '';
  for await (const head of objects.listKeys(SITE_PREFIX + prefix)) all += Buffer.from((await objects.get(head.key))?.body ?? []).toString('utf8');
  return all;
}

/** The records as one build sees them, with its commits held until `gate` opens. */
function gated(records: RecordStore, gate: Promise<void>, planned: () => void): RecordStore {
  return {
    ...records,
    async listIssues() {
      const issues = await records.listIssues();
      planned(); // the build has read the published state
      return issues;
    },
    async putDocuments(entries) {
      await gate;
      return records.putDocuments(entries);
    },
  };
}

describe('two builds at once', () => {
  it('shows both builds\u2019 documents in every listing, search and feed, whichever finalizes last', async () => {
    const stores = await createTestStores();
    const base = sampleFiles();
    await build(await load(await writeSite(base)), stores);

    // Each build adds one release the other does not know: both read the state before either commits.
    const withA = await load(await writeSite({ ...base, 'press/2010/alpha.md': release('press-2010-alpha', '甲类民生工程进展情况通报', '2010-06-21') }));
    const withB = await load(await writeSite({ ...base, 'press/2010/beta.md': release('press-2010-beta', '乙类重点项目建设情况通报', '2010-06-22') }));
    let plannedA!: () => void;
    let plannedB!: () => void;
    const aPlanned = new Promise<void>((done) => (plannedA = done));
    const bPlanned = new Promise<void>((done) => (plannedB = done));
    const both = Promise.all([aPlanned, bPlanned]).then(() => undefined);
    const [a, b] = await Promise.all([
      build(withA, stores, gated(stores.records, both, plannedA)),
      build(withB, stores, gated(stores.records, both, plannedB)),
    ]);
    expect([a.created, b.created]).toEqual([1, 1]);

    const titles = ['甲类民生工程进展情况通报', '乙类重点项目建设情况通报'];
    const pages = {
      home: await text(stores.objects, 'index.html'),
      pressIndex: await text(stores.objects, 'press/index.html'),
      month: await text(stores.objects, 'press/archive/2010-06/index.html'),
      search: await texts(stores.objects, 'search/docs/'),
      feed: await text(stores.objects, 'feeds/all/atom.xml'),
      api: await texts(stores.objects, 'api/'),
    };
    for (const [name, page] of Object.entries(pages)) {
      for (const title of titles) expect(page.includes(title), `${name} shows ${title}`).toBe(true);
    }
    // The lease is given back: the next build finds it free.
    expect((await stores.records.getBuildLease())?.active).toBe(false);
  }, 120_000);
});

describe('the build lease', () => {
  it('makes a second finalizer wait until the first gives it up', async () => {
    const { records } = await createTestStores();
    const clock = { now: () => new Date() }; // eslint-disable-line no-restricted-syntax
    const first = await acquireLease(records, clock);
    let secondHolds = false;
    const second = acquireLease(records, clock).then((lease) => {
      secondHolds = true;
      return lease;
    });
    await new Promise((done) => setTimeout(done, 300));
    expect(secondHolds).toBe(false);
    expect(await first.release()).toBe('kept');
    const held = await second;
    expect(secondHolds).toBe(true);
    await held.check();
    expect(await held.release()).toBe('kept');
  });

  it('is taken over when its holder stops renewing it, and the old holder is stopped at its next check', async () => {
    const { records } = await createTestStores();
    let at = Date.parse('2026-12-01T00:00:00Z');
    const clock = { now: () => new Date(at), sleep: async () => {} };
    const stalled = await acquireLease(records, clock, { renewMs: 3_600_000 });
    at += 10_000;
    await expect(acquireLease(records, clock, { waitMs: 0 })).rejects.toThrow(/held the table's build lease/);
    at += 5 * 60_000; // longer than the lease lives without renewal
    const taker = await acquireLease(records, clock);
    await expect(stalled.check()).rejects.toThrow(LeaseLostError);
    expect(await stalled.release()).toBe('lost');
    await taker.check();
    expect(await taker.release()).toBe('kept');
  });
});

describe('a build that dies between its commit and its listings', () => {
  it('has its document listed by the next build to finalize, even one that began before it', async () => {
    const stores = await createTestStores();
    const base = sampleFiles();
    await build(await load(await writeSite(base)), stores);

    // B begins first (so it reads the build state before A starts) and waits at the lease; A
    // commits its release in another month and dies before its finalize step; then B finalizes.
    const beta = { 'press/2010/beta.md': release('press-2010-beta', '乙类重点项目建设情况通报', '2010-06-22') };
    const withB = await load(await writeSite({ ...base, ...beta }));
    // A is the later upload: it holds B's release too (committed by then, so unchanged for A).
    const withA = await load(
      await writeSite({ ...base, ...beta, 'press/2010/alpha.md': release('press-2010-alpha', '甲类民生工程进展情况通报', '2010-04-21') }),
    );
    let bAtLease!: () => void;
    let openB!: () => void;
    const bWaiting = new Promise<void>((done) => (bAtLease = done));
    const bMayGo = new Promise<void>((done) => (openB = done));
    const waitingB: RecordStore = {
      ...stores.records,
      async getBuildLease() {
        bAtLease();
        await bMayGo;
        return stores.records.getBuildLease();
      },
    };
    const dyingA: RecordStore = {
      ...stores.records,
      async getBuildLease() {
        throw new Error('killed before its finalize step');
      },
    };
    const b = build(withB, stores, waitingB);
    await bWaiting;
    await expect(build(withA, stores, dyingA)).rejects.toThrow(/killed/);
    expect((await stores.records.getDocument('press-2010-alpha'))?.version).toBe(1);
    openB();
    expect((await b).created).toBe(1);

    const pages = {
      home: await text(stores.objects, 'index.html'),
      month: await text(stores.objects, 'press/archive/2010-04/index.html'),
      search: await texts(stores.objects, 'search/docs/'),
      feed: await text(stores.objects, 'feeds/all/atom.xml'),
    };
    for (const [name, page] of Object.entries(pages)) {
      expect(page.includes('甲类民生工程进展情况通报'), `${name} shows the dead build's release`).toBe(true);
    }
    // Its mark is cleared with the listings: the build after does no recovery of its own.
    expect(await stores.records.listPendingBuilds()).toEqual([]);
  }, 120_000);
});

describe('pending marks', () => {
  it('are dead past their time (with the clock skew allowed), when their local process ended, or when their build failed here', async () => {
    const { records } = await createTestStores();
    let at = Date.parse('2026-12-01T00:00:00Z');
    const clock = { now: () => new Date(at), sleep: async () => {} };
    const mark = (buildId: string, until: number, where: { holder?: string; host?: string; pid?: number } = {}) =>
      records.markPendingBuild({
        buildId,
        until: new Date(until).toISOString(),
        since: new Date(at).toISOString(),
        holder: 'elsewhere',
        host: 'lambda-7',
        pid: 8,
        ...where,
      });
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    await mark('expired', at - 31_000);
    await mark('within-skew', at - 29_000);
    await mark('running-elsewhere', at + 60_000);
    await mark('local-process-ended', at + 60_000, { host: hostname(), pid: ended });
    await mark('local-process-runs', at + 60_000, { host: hostname(), pid: process.pid });
    const failed = await markPending(records, 'failed-here', clock, true);
    await expect(failed.during(async () => Promise.reject(new Error('the store went away')))).rejects.toThrow(/went away/);
    const running = await markPending(records, 'running-here', clock, true);

    const dead = async (localHolders: boolean) => (await readPendingBuilds(records, 'own', clock, { localHolders })).dead.map((m) => m.buildId).sort();
    expect(await dead(false)).toEqual(['expired', 'failed-here']);
    expect(await dead(true)).toEqual(['expired', 'failed-here', 'local-process-ended']);
    // Ten minutes on, with nothing extending them (the running build has stopped), all are dead.
    await running.stop();
    at += 10 * 60_000;
    expect(await dead(false)).toEqual([
      'expired',
      'failed-here',
      'local-process-ended',
      'local-process-runs',
      'running-elsewhere',
      'running-here',
      'within-skew',
    ]);
  });
});
