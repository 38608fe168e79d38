// A change to the special columns or the working-day calendar renders whole the derived outputs
// that use them (`uses` in src/discovery/outputs.ts) and no other: the bytes published are those
// of a build that renders every output whole. An output that reads the columns or the calendar
// without saying so fails here.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_STATE_KEY } from '../../src/content/keys.ts';
import { BucketMemory } from '../../src/publish/bucketMemory.ts';
import { markUnfinished, readBuildState } from '../../src/publish/buildState.ts';
import { acquireLease } from '../../src/publish/lease.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { buildInto, sampleFiles, writeSite } from './site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');

const column = (title: string, order: number, topics: string, intro: string) =>
  `---\ntitle: ${title}\nsummary: ${title}的文件与新闻稿。\norder: ${order}\nrule:\n  topics: [${topics}]\n---\n${intro}\n`;

const calendar = (holidays: string) =>
  `year: 2010\nholidays:\n  - { name: 端午节, from: 2010-06-14, to: 2010-06-16 }\n${holidays}workdays:\n  - { date: 2010-06-12, for: 端午节 }\n`;

function files(): Record<string, string | Buffer> {
  return {
    ...sampleFiles(),
    'columns/zwgk.md': column('政务公开', 1, '政务公开', '政务公开工作的文件。'),
    'columns/zonghe.md': column('综合政务', 2, '综合政务', '综合政务的新闻稿。'),
    'calendar/2010.yaml': calendar(''),
  };
}

const build = (root: string, stores: TestStores) => buildInto(root, stores, now, { pdf: false });

/** sha256 of every public object. */
async function published(objects: ObjectStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const head of objects.listKeys(SITE_PREFIX)) found.set(head.key, sha256((await objects.get(head.key))?.body ?? new Uint8Array()));
  return found;
}

describe('derived outputs after a change to the columns or the calendar', () => {
  it.each([
    [
      "a column's title, order, rule and introduction",
      {
        'columns/zwgk.md': column('政务公开专栏', 3, '政务公开, 综合政务', '政务公开工作的文件，每周更新。'),
        'columns/zonghe.md': column('综合政务', 1, '综合政务', '综合政务的新闻稿。'),
      },
    ],
    ["a column's introduction alone", { 'columns/zonghe.md': column('综合政务', 2, '综合政务', '综合政务的新闻稿，每月更新。') }],
    ['the working-day calendar', { 'calendar/2010.yaml': calendar('  - { name: 防汛, from: 2010-05-31, to: 2010-06-01 }\n') }],
  ])('after a change to %s, publishes the bytes of a build that renders every output whole', async (_, changed: Record<string, string>) => {
    const partial = await createTestStores();
    const whole = await createTestStores();
    const partialRoot = await writeSite(files());
    const wholeRoot = await writeSite(files());
    await build(partialRoot, partial);
    await build(wholeRoot, whole);
    const first = await published(partial.objects);
    for (const [path, text] of Object.entries(changed)) {
      await writeFile(join(partialRoot, path), text);
      await writeFile(join(wholeRoot, path), text);
    }
    // Without the last build's state, the next build renders every listing and derived output.
    await whole.objects.delete([BUILD_STATE_KEY]);
    await build(partialRoot, partial);
    await build(wholeRoot, whole);
    const after = await published(partial.objects);
    expect(after).toEqual(await published(whole.objects));
    // The change shows: some page changed.
    expect([...after].filter(([key, digest]) => first.get(key) !== digest).length).toBeGreaterThan(0);
  });

  it("writes a new column's feed only after the column's page it links, and remembers the columns for the next build", async () => {
    const stores = await createTestStores();
    const root = await writeSite(files());
    await build(root, stores);
    await writeFile(join(root, 'columns/rexian.md'), column('市长热线', 3, '综合政务', '12345市长公开电话的办理情况。'));
    // The order of the puts the build makes, observed on the real store.
    const order: string[] = [];
    const watched: TestStores = { ...stores, objects: { ...stores.objects, put: (object) => (order.push(object.key), stores.objects.put(object)) } };
    await build(root, watched);
    const page = order.indexOf(`${SITE_PREFIX}zhuanlan/rexian/index.html`);
    const feed = order.findIndex((key) => key.startsWith(`${SITE_PREFIX}feeds/columns/rexian/`));
    expect(page).toBeGreaterThanOrEqual(0);
    expect(feed).toBeGreaterThan(page);
    // The build kept what the columns were: the next one, with nothing changed, renders no page
    // again (the site's stylesheet and scripts are compared on every build).
    order.length = 0;
    await build(root, watched);
    expect(order.filter((key) => !key.startsWith(`${SITE_PREFIX}assets/`))).toEqual([]);
  });

  it.each([
    ['', {}],
    [', in a process that remembers what it read of the bucket (watch mode)', { memory: true }],
    [', and a third build has since marked itself unfinished', { mark: true }],
  ])(
    'compares with the columns of a build that finalized while this one waited for the lease%s, not with what it read before',
    async (_, variant: { memory?: boolean; mark?: boolean }) => {
      const stores = await createTestStores();
      const root = await writeSite(files());
      const otherRoot = await writeSite(files());
      await build(root, stores);
      const first = await published(stores.objects);
      // Another build, of content whose column has another introduction, holds the lease.
      await writeFile(join(otherRoot, 'columns/zonghe.md'), column('综合政务', 2, '综合政务', '另一次提交的栏目介绍。'));
      // The lease's wall clock (leases expire in real time), polled every few milliseconds.
      const clock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, Math.min(ms, 5))) }; // eslint-disable-line no-restricted-syntax
      const held = await acquireLease(stores.records, clock);
      // This build reads the build state, renders nothing (its content is as built), then waits.
      let waiting: () => void = () => {};
      const reachedLease = new Promise<void>((done) => (waiting = done));
      const late = buildInto(root, stores, now, {
        pdf: false,
        build: {
          leasing: { clock },
          onEvent: (event) => event.type === 'phase' && event.phase === 'records' && waiting(),
          ...(variant.memory === true ? { bucketMemory: new BucketMemory() } : {}),
        },
      });
      await reachedLease;
      // Meanwhile the other build finalizes under the lease: its column pages show its introduction.
      await buildInto(otherRoot, stores, now, { pdf: false, build: { lease: held } });
      const between = await published(stores.objects);
      expect([...between].filter(([key, digest]) => first.get(key) !== digest).length).toBeGreaterThan(0);
      const other = await readBuildState(stores.objects);
      // A build starting now marks itself unfinished before its first write, as build.ts does.
      if (variant.mark === true) await markUnfinished(stores.objects, other, 'a-build-starting-now');
      await held.release();
      await late;
      // The last build to finalize is this one: the site is again what its content makes.
      expect(await published(stores.objects)).toEqual(first);
      const state = await readBuildState(stores.objects);
      expect(state?.complete).toBe(true);
      expect(state?.parts?.columns).not.toBe(other?.parts?.columns);
    },
  );
});
