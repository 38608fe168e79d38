import { describe, expect, it } from 'vitest';
import { loadPublishedState } from '../../src/publish/build.ts';
import { beginBuild, LEASE_EXPIRY_MS } from '../../src/publish/snapshot.ts';
import { documentRecord } from '../helpers/records.ts';
import { createTestStores } from '../helpers/stores.ts';

const clock = () => new Date('2026-11-28T01:00:00Z');

describe('trusting a snapshot of the published records', () => {
  it('trusts the snapshot the last finished build left, and only that one', async () => {
    const { records } = await createTestStores();
    await records.putDocument(documentRecord({ id: 'press-a' }), 0);

    const first = await beginBuild(records, undefined, 'one', clock);
    expect(first.state).toBeUndefined();
    const kept = await first.finish(await loadPublishedState(records));
    expect(kept?.token).toBe('one');

    const second = await beginBuild(records, kept, 'two', clock);
    expect([...(second.state?.documents.keys() ?? [])]).toEqual(['press-a']);
    await second.finish(await loadPublishedState(records));

    // The first snapshot is stale now: a later build finished after it.
    expect((await beginBuild(records, kept, 'three', clock)).state).toBeUndefined();
  });

  it('trusts no snapshot after a build that ran beside another one', async () => {
    const { records } = await createTestStores();
    const start = await beginBuild(records, undefined, 'zero', clock);
    const snapshot = await start.finish(await loadPublishedState(records));

    const owner = await beginBuild(records, snapshot, 'owner', clock);
    const beside = await beginBuild(records, snapshot, 'beside', clock);
    expect(beside.state).toBeUndefined(); // the lease is taken
    await records.putDocument(documentRecord({ id: 'press-beside' }), 0);
    expect(await beside.finish(await loadPublishedState(records))).toBeUndefined();
    // The owner's view may miss what was written beside it: it keeps no snapshot.
    expect(await owner.finish(await loadPublishedState(records))).toBeUndefined();
    expect((await beginBuild(records, snapshot, 'next', clock)).state).toBeUndefined();
  });

  it('trusts nothing after a failed build, and lets a new build take a lease left by a dead one', async () => {
    const { records } = await createTestStores();
    const good = await (await beginBuild(records, undefined, 'good', clock)).finish(await loadPublishedState(records));
    const failing = await beginBuild(records, good, 'failing', clock);
    await failing.fail();
    expect((await beginBuild(records, good, 'after', clock)).state).toBeUndefined();

    const { records: other } = await createTestStores();
    await beginBuild(other, undefined, 'dead', clock); // never finishes
    const later = () => new Date(clock().getTime() + LEASE_EXPIRY_MS + 1000);
    const blocked = await beginBuild(other, undefined, 'too-soon', clock);
    expect(await blocked.finish(await loadPublishedState(other))).toBeUndefined();
    const revived = await beginBuild(other, undefined, 'revived', later);
    expect((await revived.finish(await loadPublishedState(other)))?.token).toBe('revived');
  });
});
