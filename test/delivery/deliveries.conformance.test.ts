// The DeliveryStore port, the same cases for every adapter (test/store/adapters.ts): SQLite and
// DynamoDB (DynamoDB Local). `another()` is a second store on the same data, as another process
// would open it: its own connection or batches, nothing shared in memory.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordDeliveries } from '../../src/delivery/outbox.ts';
import type { Partner } from '../../src/delivery/partners.ts';
import { environmentSecrets } from '../../src/delivery/secrets.ts';
import { sendPendingDeliveries } from '../../src/delivery/send.ts';
import { DeliveryConflictError, type DeliveryJob, type DeliveryStore } from '../../src/delivery/store.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { deliveryStoreAdapters } from '../store/adapters.ts';
import { site } from '../feeds/site.ts';
import { fastClock, type Receiver, startReceiver } from './receiver.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secrets = environmentSecrets({ PARTNER_SECRET: secret });
const policy = { maxAttempts: 4, baseDelayMs: 10_000, maxDelayMs: 60_000, timeoutMs: 2000 };

function record(id: string, second = 0): DocumentRecord {
  return {
    id,
    kind: 'release',
    title: id,
    lang: 'zh-CN',
    file: `press/2010/${id}.md`,
    urlPath: `/press/2010/${id}/`,
    status: 'published',
    version: 1,
    digest: `d-${id}`,
    indexNumber: '003210003/2010-00007',
    department: '淮南市人民政府新闻办公室',
    departmentCode: '003210003',
    category: '政务公开',
    date: '2010-12-08',
    artifacts: [],
    firstPublishedAt: '2010-12-08T02:00:00.000Z',
    updatedAt: new Date(Date.UTC(2010, 11, 8, 2, 0, second)).toISOString(),
  };
}

let counter = 0;
function partner(url = 'https://partner.example.org/hook'): Partner {
  return { id: `s${++counter}`, name: '测试合作网站', takes: { fullText: true }, webhook: { url, secret: { env: 'PARTNER_SECRET' } } };
}

const sequences = (jobs: DeliveryJob[]) => jobs.map((job) => job.sequence);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(deliveryStoreAdapters)('$name delivery store', ({ create }) => {
  let store: DeliveryStore;
  let otherStore: () => DeliveryStore;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    ({ store, another: otherStore } = await create());
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  it('gives builds racing over the same partners strictly increasing, gapless sequence numbers, each job once', async () => {
    const partners = [partner(), partner(), partner()];
    const builds = Array.from({ length: 4 }, (_, b) => [
      ...Array.from({ length: 5 }, (_, i) => ({ after: record(`press-${b}-${i}`, i) })),
      { after: record('press-shared', 30) },
    ]);
    const created = await Promise.all(builds.map((changes) => recordDeliveries({ store: otherStore(), site, partners, changes })));
    for (const p of partners) {
      const jobs = await store.listJobs(p.id);
      expect(jobs).toHaveLength(21);
      expect(sequences(jobs)).toEqual(range(21));
      expect(new Set(jobs.map((job) => job.messageId)).size).toBe(21);
      // Every job was returned by exactly the build that recorded it, with the sequence stored.
      const returned = created.flat().filter((job) => job.partnerId === p.id);
      expect(returned.map((job) => job.messageId).sort()).toEqual(jobs.map((job) => job.messageId).sort());
      for (const job of returned) expect(jobs.find((stored) => stored.messageId === job.messageId)?.sequence).toBe(job.sequence);
      // Within one build, publish order is sequence order.
      for (const build of created) {
        const own = build.filter((job) => job.partnerId === p.id && job.documentId !== 'press-shared');
        expect(own.map((job) => job.documentId)).toEqual([...own].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1)).map((job) => job.documentId));
        expect(sequences(own)).toEqual([...sequences(own)].sort((a, b) => a - b));
      }
      const payloads = jobs.map((job) => (JSON.parse(job.payload) as { data: { sequence: number } }).data.sequence);
      expect(payloads).toEqual(range(21));
    }
  });

  it('records more jobs for one partner than one DynamoDB transaction holds, and continues the count afterwards', async () => {
    const p = partner();
    const changes = Array.from({ length: 150 }, (_, i) => ({ after: record(`press-many-${String(i).padStart(3, '0')}`, i % 60) }));
    const jobs = await recordDeliveries({ store, site, partners: [p], changes });
    expect(sequences(jobs)).toEqual(range(150));
    expect(sequences(await store.listJobs(p.id))).toEqual(range(150));
    const next = await recordDeliveries({ store, site, partners: [p], changes: [{ after: record('press-one-more') }] });
    expect(sequences(next)).toEqual([151]);
  });

  it('records a job once: recording it again returns nothing and leaves the job as it is', async () => {
    const p = partner();
    const [job] = await store.createJobs([
      {
        partnerId: p.id,
        messageId: `msg_${p.id}_1`,
        event: 'document.embargoed',
        documentId: 'press-e',
        version: 1,
        kind: 'release',
        createdAt: '2010-12-08T02:00:00.000Z',
        embargoUntil: '2010-12-09T01:00:00.000Z',
        payload: (sequence) => JSON.stringify({ sequence }),
      },
    ]);
    expect(job).toMatchObject({
      sequence: 1,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: '2010-12-08T02:00:00.000Z',
      history: [],
      payload: '{"sequence":1}',
      embargoUntil: '2010-12-09T01:00:00.000Z',
    });
    const again = await otherStore().createJobs([{ ...(job as DeliveryJob), createdAt: '2010-12-08T03:00:00.000Z', payload: () => 'other bytes' }]);
    expect(again).toEqual([]);
    expect(await store.listJobs(p.id)).toEqual([job]);
  });

  it("lists a partner's jobs in one status, in sequence order", async () => {
    const p = partner();
    const jobs = await recordDeliveries({ store, site, partners: [p], changes: [1, 2, 3].map((i) => ({ after: record(`press-s${i}`, i) })) });
    const [a, b] = jobs as [DeliveryJob, DeliveryJob];
    await store.saveJob({ ...b, status: 'dead', attempts: 4 }, 0);
    await store.saveJob({ ...a, status: 'delivered', attempts: 1, deliveredAt: '2010-12-08T02:01:00.000Z' }, 0);
    expect((await store.listJobs(p.id, 'pending')).map((job) => job.documentId)).toEqual(['press-s3']);
    expect((await store.listJobs(p.id, 'dead')).map((job) => job.documentId)).toEqual(['press-s2']);
    expect(await store.listJobs(p.id, 'delivered')).toEqual([{ ...a, status: 'delivered', attempts: 1, deliveredAt: '2010-12-08T02:01:00.000Z' }]);
    expect(await store.listJobs('nobody')).toEqual([]);
  });

  it('reads the partner state and circuit with its pending jobs only', async () => {
    const p = partner();
    expect(await store.readQueue(p.id)).toEqual({
      state: { partnerId: p.id, disabled: false },
      circuit: { partnerId: p.id, version: 0, failures: 0 },
      pending: [],
    });
    const [first, second] = await recordDeliveries({
      store,
      site,
      partners: [p],
      changes: [{ after: record('press-q1', 1) }, { after: record('press-q2', 2) }],
    });
    await store.saveJob({ ...(first as DeliveryJob), status: 'delivered', attempts: 1 }, 0);
    await store.putPartnerState({ partnerId: p.id, disabled: true, reason: 'HTTP 410', changedAt: '2010-12-08T03:00:00.000Z' });
    const queue = await store.readQueue(p.id);
    expect(queue.state).toEqual({ partnerId: p.id, disabled: true, reason: 'HTTP 410', changedAt: '2010-12-08T03:00:00.000Z' });
    expect(await store.getPartnerState(p.id)).toEqual(queue.state);
    expect(queue.pending).toEqual([second]);
    const open = {
      partnerId: p.id,
      version: 0,
      failures: 5,
      openUntil: '2010-12-08T03:05:00.000Z',
      openedAt: '2010-12-08T03:00:00.000Z',
      lastError: 'HTTP 503',
    };
    await store.saveCircuit(open);
    expect((await store.readQueue(p.id)).circuit).toEqual({ ...open, version: 1 });
    expect((await store.readQueue(p.id)).pending).toEqual([second]);
    await store.putPartnerState({ partnerId: p.id, disabled: false, changedAt: '2010-12-08T04:00:00.000Z' });
    expect(await otherStore().getPartnerState(p.id)).toEqual({ partnerId: p.id, disabled: false, changedAt: '2010-12-08T04:00:00.000Z' });
  });

  it('saves a circuit only at the version it was read with, so one of two senders wins', async () => {
    const p = partner();
    const read = await store.getCircuit(p.id);
    const [mine, theirs] = await Promise.all([
      store.saveCircuit({ ...read, failures: 1, lastError: 'timeout' }),
      otherStore().saveCircuit({ ...read, failures: 1, lastError: 'HTTP 502' }),
    ]);
    expect([mine, theirs].filter((saved) => saved === undefined)).toHaveLength(1);
    const winner = (mine ?? theirs) as NonNullable<typeof mine>;
    expect(await store.getCircuit(p.id)).toEqual({ ...winner, version: 1 });
    expect(await store.saveCircuit({ ...read, failures: 9 })).toBeUndefined(); // stale: read at version 0
    expect(await store.saveCircuit({ ...winner, failures: 0 })).toMatchObject({ version: 2, failures: 0 });
    expect(await store.saveCircuit({ partnerId: 'never-saved', version: 3, failures: 1 })).toBeUndefined();
  });

  it('claims and saves made at once each succeed or fail on their own condition', async () => {
    const p = partner();
    const jobs = await recordDeliveries({ store, site, partners: [p], changes: [1, 2, 3, 4].map((i) => ({ after: record(`press-c${i}`, i) })) });
    const [a, b, c, d] = jobs as [DeliveryJob, DeliveryJob, DeliveryJob, DeliveryJob];
    const lease = '2999-01-01T00:00:00.000Z';
    const now = '2010-12-08T03:00:00.000Z';
    const claims = await Promise.all([
      store.claimJob(a, lease, now),
      store.claimJob({ ...b, attempts: 3 }, lease, now), // read before someone else's attempt: refused
      store.claimJob(a, lease, now), // the same job twice: exactly one of the two claims wins
      store.claimJob(c, lease, now),
    ]);
    expect([claims[0] !== claims[2], claims[1], claims[3]]).toEqual([true, false, true]);
    expect(await otherStore().claimJob(a, lease, now)).toBe(false); // leased
    expect(await store.claimJob(b, lease, now)).toBe(true);
    expect(await store.claimJob({ ...b, messageId: 'never-recorded' }, lease, now)).toBe(false);

    const saves = await Promise.allSettled([
      store.saveJob({ ...a, attempts: 1, status: 'delivered' }, 0),
      store.saveJob({ ...b, attempts: 1, status: 'delivered' }, 2), // someone else's attempt count: conflict
      store.saveJob({ ...c, attempts: 1, status: 'dead' }, 0),
      store.saveJob({ ...d, attempts: 1, status: 'delivered' }, 0),
    ]);
    expect(saves.map((save) => save.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((saves[1] as PromiseRejectedResult).reason).toBeInstanceOf(DeliveryConflictError);
    const stored = await store.listJobs(p.id);
    expect(stored.map((job) => [job.documentId, job.status, job.attempts])).toEqual([
      ['press-c1', 'delivered', 1],
      ['press-c2', 'pending', 0],
      ['press-c3', 'dead', 1],
      ['press-c4', 'delivered', 1],
    ]);
    expect(stored[0]).toEqual({ ...a, attempts: 1, status: 'delivered' });
  });

  it("a saved job is free to claim again at its new attempt count: the claim's lease goes with the save", async () => {
    const p = partner();
    const [job] = (await recordDeliveries({ store, site, partners: [p], changes: [{ after: record('press-r1') }] })) as [DeliveryJob];
    const now = '2010-12-08T03:00:00.000Z';
    expect(await store.claimJob(job, '2999-01-01T00:00:00.000Z', now)).toBe(true);
    const retried = { ...job, attempts: 1, nextAttemptAt: '2010-12-08T03:00:10.000Z', lastStatus: 503, history: [{ at: now, status: 503, latencyMs: 12 }] };
    await store.saveJob(retried, 0);
    expect(await store.claimJob(job, '2999-01-01T00:00:00.000Z', now)).toBe(false); // the attempts changed
    expect(await otherStore().claimJob(retried, '2010-12-08T03:01:00.000Z', now)).toBe(true);
    // An expired lease may be claimed by anyone.
    expect(await store.claimJob(retried, '2010-12-08T03:05:00.000Z', '2010-12-08T03:02:00.000Z')).toBe(true);
    expect(await store.listJobs(p.id)).toEqual([retried]);
  });

  it('two senders running at once send each job once', async () => {
    const partners: Partner[] = [];
    for (let i = 0; i < 6; i++) {
      const receiver = await startReceiver(secret);
      receivers.push(receiver);
      partners.push(partner(receiver.url));
    }
    await recordDeliveries({ store, site, partners, changes: [1, 2, 3].map((i) => ({ after: record(`press-race-${i}`, i) })) });
    const send = () => sendPendingDeliveries({ store: otherStore(), partners, secrets, clock: fastClock(), mode: 'local', policy, random: () => 0.5 });
    const [one, two] = await Promise.all([send(), send()]);
    expect(one.delivered + two.delivered).toBe(18);
    for (const receiver of receivers) {
      expect(receiver.requests.map((request) => request.headers['webhook-id']).sort()).toEqual([...receiver.processed.keys()].sort());
      expect(receiver.requests).toHaveLength(3);
    }
    for (const p of partners)
      expect((await store.listJobs(p.id)).map((job) => [job.status, job.attempts])).toEqual([
        ['delivered', 1],
        ['delivered', 1],
        ['delivered', 1],
      ]);
  });
});
