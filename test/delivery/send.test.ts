import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadlineIn } from '../../src/delivery/deadline.ts';
import { recordDeliveries, recordEmbargoedDeliveries } from '../../src/delivery/outbox.ts';
import type { Partner } from '../../src/delivery/partners.ts';
import { environmentSecrets } from '../../src/delivery/secrets.ts';
import { redrive, sendPendingDeliveries } from '../../src/delivery/send.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createTestStores, openTestStores, type TestStores } from '../helpers/stores.ts';
import { site } from '../feeds/site.ts';
import { fastClock, type Receiver, type ScriptedAnswer, type SilentServer, startReceiver, startSilentServer } from './receiver.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secrets = environmentSecrets({ PARTNER_SECRET: secret });
// Delays longer than any real pause on a loaded machine (the fast clock skips them), and short
// enough that the receiver still accepts the signed timestamps (5 minutes).
const policy = { maxAttempts: 4, baseDelayMs: 10_000, maxDelayMs: 60_000, timeoutMs: 300 };

let stores: TestStores;
let store: DeliveryStore;
const receivers: (Receiver | SilentServer)[] = [];

beforeAll(async () => {
  stores = await createTestStores();
  store = stores.deliveries;
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

let counter = 0;

function record(id: string, version = 1, status: DocumentRecord['status'] = 'published'): DocumentRecord {
  return {
    id,
    kind: 'release',
    title: '市长公开电话12345全天候受理',
    lang: 'zh-CN',
    file: `press/2010/${id}.md`,
    urlPath: `/press/2010/${id}/`,
    status,
    version,
    digest: `d-${id}-${version}`,
    indexNumber: '003210003/2010-00007',
    department: '淮南市人民政府新闻办公室',
    departmentCode: '003210003',
    category: '政务公开',
    date: '2010-12-08',
    artifacts: [],
    firstPublishedAt: '2010-12-08T02:00:00.000Z',
    updatedAt: `2010-12-08T02:00:0${version}.000Z`,
  };
}

/** A partner with its own receiver answering `script`, and one recorded change for it. */
async function partnerWithJob(script: ScriptedAnswer[], docs = ['press-2010-hotline']) {
  const receiver = await startReceiver(secret, script);
  receivers.push(receiver);
  const partner: Partner = {
    id: `p${++counter}`,
    name: '测试合作网站',
    takes: { fullText: true },
    webhook: { url: receiver.url, secret: { env: 'PARTNER_SECRET' } },
  };
  const jobs = await recordDeliveries({ store, site, partners: [partner], changes: docs.map((id) => ({ after: record(id) })) });
  return { receiver, partner, jobs };
}

function send(partner: Partner, clock = fastClock()) {
  return sendPendingDeliveries({ store, partners: [partner], secrets, clock, mode: 'local', policy, random: () => 0.5, untilSettled: true });
}

describe('sendPendingDeliveries', () => {
  it('sends an embargoed document early only with its embargo time, in the body and a header', async () => {
    const receiver = await startReceiver(secret, []);
    receivers.push(receiver);
    const partner: Partner = {
      id: `p${++counter}`,
      name: '淮南新闻网',
      takes: { fullText: true },
      embargoAccess: true,
      webhook: { url: receiver.url, secret: { env: 'PARTNER_SECRET' } },
    };
    const outsider: Partner = { ...partner, id: `p${++counter}`, embargoAccess: false };
    await recordEmbargoedDeliveries({
      store,
      site,
      partners: [partner, outsider],
      now: new Date('2010-12-07T02:00:00Z'),
      documents: [
        {
          id: 'press-2010-12345',
          kind: 'release',
          title: '12345受理情况',
          lang: 'zh-CN',
          department: '淮南市人民政府新闻办公室',
          category: '政务公开',
          urlPath: '/press/2010/12345/',
          publishAt: '2010-12-08T10:00:00+08:00',
          digest: 'e'.repeat(64),
        },
      ],
    });
    expect(await store.listJobs(outsider.id)).toEqual([]);
    await send(partner);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.verified).toBe(true);
    expect(receiver.requests[0]?.headers['gazette-embargo-until']).toBe('2010-12-08T10:00:00+08:00');
    expect([...receiver.processed.values()][0]).toMatchObject({ type: 'document.embargoed', data: { embargoUntil: '2010-12-08T10:00:00+08:00' } });
  });

  it('retries 500, 500 then 200 with the same webhook-id, fresh signatures and growing backoff', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 500 }, { status: 500 }, { status: 200 }]);
    const clock = fastClock();
    const summary = await send(partner, clock);
    expect(summary).toMatchObject({ attempts: 3, delivered: 1, dead: 0, pending: 0 });
    expect(receiver.requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-signature'])).size).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[1]).toBeGreaterThan(clock.sleeps[0] as number);
    const [job] = await store.listJobs(partner.id);
    expect(job).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    expect(job?.history.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
    expect(receiver.processed.size).toBe(1);
  });

  it('sends a small JSON payload with event type, id, version, URL, digest and sequence', async () => {
    const { receiver, partner } = await partnerWithJob([], ['press-a', 'press-b']);
    await send(partner);
    const payloads = [...receiver.processed.values()] as { type: string; data: Record<string, unknown> }[];
    expect(payloads.map((p) => [p.type, p.data['id'], p.data['sequence']])).toEqual([
      ['document.published', 'press-a', 1],
      ['document.published', 'press-b', 2],
    ]);
    expect(payloads[0]?.data).toMatchObject({
      version: 1,
      url: 'https://www.huainan.gov.cn/press/2010/press-a/',
      digest: 'd-press-a-1',
      feeds: { atom: `https://www.huainan.gov.cn/feeds/partners/${partner.id}/atom.xml` },
    });
  });

  it('disables the endpoint on 410 and puts its jobs in the dead-letter state', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 410 }], ['press-a', 'press-b']);
    const summary = await send(partner);
    expect(summary).toMatchObject({ attempts: 1, delivered: 0, dead: 2 });
    expect(receiver.requests).toHaveLength(1);
    expect(await store.getPartnerState(partner.id)).toMatchObject({ disabled: true });
    const jobs = await store.listJobs(partner.id, 'dead');
    expect(jobs.map((job) => job.lastError)).toEqual([expect.stringMatching(/^HTTP 410/), expect.stringMatching(/endpoint disabled/)]);
  });

  it('honours Retry-After on 429', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 429, headers: { 'retry-after': '120' } }, { status: 200 }]);
    await send(partner);
    expect(receiver.requests.map((r) => r.answered)).toEqual([429, 200]);
    const [first, second] = (await store.listJobs(partner.id))[0]?.history ?? [];
    expect(Date.parse(second?.at ?? '') - Date.parse(first?.at ?? '')).toBeGreaterThanOrEqual(120_000);
  });

  it('never follows a 301: it is a failure, and after the last attempt the job is dead', async () => {
    const moved = { status: 301, headers: { location: 'http://127.0.0.1:1/elsewhere' } };
    const { receiver, partner } = await partnerWithJob([moved, moved, moved, moved]);
    const summary = await send(partner);
    expect(summary).toMatchObject({ attempts: 4, dead: 1, pending: 0 });
    expect(receiver.requests).toHaveLength(4);
    const [job] = await store.listJobs(partner.id, 'dead');
    expect(job?.lastError).toMatch(/301 redirect .* not followed/);
  });

  it('times out a slow answer and retries', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 200, delayMs: 1500 }, { status: 200 }]);
    const summary = await send(partner);
    expect(summary).toMatchObject({ attempts: 2, delivered: 1 });
    const [job] = await store.listJobs(partner.id);
    expect(job?.history[0]?.error).toMatch(/^timeout/);
    expect(job?.history[0]?.latencyMs).toBeLessThan(1000);
    expect(receiver.requests).toHaveLength(2);
  });

  it('redrives dead jobs: same webhook-id, processed once by the receiver', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 410 }]);
    await send(partner);
    const requeued = await redrive({ store, partners: [partner], now: new Date('2010-12-09T00:00:00Z') });
    expect(requeued).toHaveLength(1);
    expect(await store.getPartnerState(partner.id)).toMatchObject({ disabled: false });
    const summary = await send(partner);
    expect(summary).toMatchObject({ delivered: 1, dead: 0, pending: 0 });
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([requeued[0]?.messageId, requeued[0]?.messageId]);
    expect(receiver.processed.size).toBe(1);
    expect((await store.listJobs(partner.id))[0]?.history.map((a) => a.status)).toEqual([410, 200]);
  });

  it('does not record or send a change twice when the build or the sender runs again', async () => {
    const { receiver, partner } = await partnerWithJob([]);
    const again = await recordDeliveries({ store, site, partners: [partner], changes: [{ after: record('press-2010-hotline') }] });
    expect(again).toEqual([]);
    await send(partner);
    await send(partner);
    expect(receiver.requests).toHaveLength(1);
    const update = await recordDeliveries({
      store,
      site,
      partners: [partner],
      changes: [{ before: record('press-2010-hotline'), after: record('press-2010-hotline', 2) }],
    });
    expect(update.map((job) => [job.event, job.sequence])).toEqual([['document.updated', 2]]);
  });

  it('fans one publish out to every matching partner, each receiver processing each change once', async () => {
    const flaky = await startReceiver(secret, [{ status: 503 }, { status: 200 }, { status: 500 }]);
    const steady = await startReceiver(secret);
    const english = await startReceiver(secret);
    receivers.push(flaky, steady, english);
    const webhook = (receiver: Receiver) => ({ url: receiver.url, secret: { env: 'PARTNER_SECRET' } });
    const partners: Partner[] = [
      { id: `f${++counter}`, name: '新闻网', takes: { fullText: true }, webhook: webhook(flaky) },
      { id: `s${++counter}`, name: '公开网', takes: { fullText: true }, webhook: webhook(steady) },
      { id: `e${++counter}`, name: '外宣网', takes: { languages: ['en'], fullText: false }, webhook: webhook(english) },
    ];
    const changes = [{ after: record('press-x') }, { after: { ...record('press-y'), lang: 'en' as const } }];
    await recordDeliveries({ store, site, partners, changes });
    await recordDeliveries({ store, site, partners, changes }); // the build ran twice
    const summary = await sendPendingDeliveries({ store, partners, secrets, clock: fastClock(), mode: 'local', policy, random: () => 0.5, untilSettled: true });
    expect(summary).toMatchObject({ delivered: 5, dead: 0, pending: 0 });
    const processed = (receiver: Receiver) => [...receiver.processed.values()].map((p) => (p as { data: { id: string } }).data.id).sort();
    expect(processed(flaky)).toEqual(['press-x', 'press-y']);
    expect(processed(steady)).toEqual(['press-x', 'press-y']);
    expect(processed(english)).toEqual(['press-y']);
    expect(flaky.requests.length).toBe(4);
    expect(steady.requests.length + english.requests.length).toBe(3);
  });

  it('sends a run of pushes to one partner over one kept connection, and a new one when the partner closed it', async () => {
    // A partner's server that counts connections; with `closeSecond`, it drops each connection
    // when a second request arrives on it, unanswered, as a server whose idle timeout struck just then.
    const serve = async (closeSecond: boolean) => {
      const webhookIds: string[] = [];
      let connections = 0;
      const server = createServer((req, res) => {
        const socket = req.socket as typeof req.socket & { served?: number };
        socket.served = (socket.served ?? 0) + 1;
        if (closeSecond && socket.served === 2) {
          socket.destroy();
          return;
        }
        req.resume();
        req.on('end', () => {
          webhookIds.push(String(req.headers['webhook-id']));
          res.writeHead(204).end();
        });
      });
      server.on('connection', () => connections++);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      receivers.push({ url: '', requests: [], processed: new Map(), close: () => new Promise<void>((done) => server.close(() => done())) });
      const partner: Partner = {
        id: `k${++counter}`,
        name: '测试合作网站',
        takes: { fullText: true },
        webhook: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, secret: { env: 'PARTNER_SECRET' } },
      };
      const ids = Array.from({ length: 6 }, (_, i) => `press-2010-kept-${i}`);
      await recordDeliveries({ store, site, partners: [partner], changes: ids.map((id) => ({ after: record(id) })) });
      const summary = await send(partner);
      const jobs = await store.listJobs(partner.id);
      return { summary, jobs, webhookIds, connections: () => connections };
    };
    const kept = await serve(false);
    expect(kept.summary).toMatchObject({ delivered: 6, attempts: 6, dead: 0, pending: 0 });
    expect(kept.connections()).toBe(1);
    expect(kept.webhookIds).toEqual(kept.jobs.map((job) => job.messageId));

    const closed = await serve(true);
    // Every push arrives once, in order, and none counts a failed attempt.
    expect(closed.summary).toMatchObject({ delivered: 6, attempts: 6, dead: 0, pending: 0 });
    expect(closed.webhookIds).toEqual(closed.jobs.map((job) => job.messageId));
    expect(closed.jobs.every((job) => job.attempts === 1 && job.status === 'delivered')).toBe(true);
    expect(closed.connections()).toBeGreaterThan(1);
  });

  it('reports a missing secret as a failed attempt instead of sending unsigned', async () => {
    const { receiver, partner } = await partnerWithJob([]);
    const summary = await sendPendingDeliveries({
      store,
      partners: [partner],
      secrets: environmentSecrets({}),
      clock: fastClock(),
      mode: 'local',
      policy: { ...policy, maxAttempts: 1 },
    });
    expect(summary.dead).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    expect((await store.listJobs(partner.id))[0]?.lastError).toMatch(/PARTNER_SECRET is not set/);
  });

  it('refuses a loopback endpoint outside local mode', async () => {
    const { receiver, partner } = await partnerWithJob([]);
    await sendPendingDeliveries({ store, partners: [partner], secrets, clock: fastClock(), mode: 'production', policy: { ...policy, maxAttempts: 1 } });
    expect(receiver.requests).toHaveLength(0);
    expect((await store.listJobs(partner.id))[0]?.lastError).toMatch(/^refused: .*https/);
  });
});

describe('sendPendingDeliveries within an invocation', () => {
  it('returns before its deadline when a partner never answers: its jobs stay pending with their attempts, and go out later', async () => {
    const silent = await startSilentServer();
    receivers.push(silent);
    const { partner: hanging } = await partnerWithJob([], ['press-a', 'press-b', 'press-c']);
    hanging.webhook = { ...hanging.webhook, url: silent.url };
    const { receiver: steady, partner: healthy } = await partnerWithJob([], ['press-a', 'press-b']);
    const clock = fastClock();
    const started = performance.now();
    const summary = await sendPendingDeliveries({
      store,
      partners: [hanging, healthy],
      secrets,
      clock,
      mode: 'local',
      policy: { ...policy, timeoutMs: 30_000 },
      random: () => 0.5,
      deadline: deadlineIn(1500, clock.now),
    });
    expect(performance.now() - started).toBeLessThan(3500); // the deadline, and saving what happened
    expect(silent.requests).toBe(1);
    expect(steady.processed.size).toBe(2);
    expect(summary).toMatchObject({ attempts: 2, delivered: 2, dead: 0, pending: 3, deferred: 3 });
    // Due now: the notify function queues the partner again at once.
    expect(Date.parse(summary.nextAttemptAt ?? '')).toBeLessThanOrEqual(clock.now().getTime());
    const jobs = await store.listJobs(hanging.id);
    expect(jobs.map((job) => [job.status, job.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
    expect(jobs[0]?.history[0]?.error).toMatch(/^timeout: .*cut short by the end of the invocation's time/);

    // The partner answers again: the next invocation delivers everything.
    const back = await startReceiver(secret);
    receivers.push(back);
    hanging.webhook = { ...hanging.webhook, url: back.url };
    const later = await sendPendingDeliveries({ store, partners: [hanging], secrets, clock, mode: 'local', policy, deadline: deadlineIn(10_000, clock.now) });
    expect(later).toMatchObject({ attempts: 3, delivered: 3, pending: 0, deferred: 0 });
    expect(back.processed.size).toBe(3);
  });

  it('starts no request when less than a second is left', async () => {
    const { receiver, partner } = await partnerWithJob([]);
    const clock = fastClock();
    const summary = await sendPendingDeliveries({ store, partners: [partner], secrets, clock, mode: 'local', policy, deadline: deadlineIn(500, clock.now) });
    expect(summary).toMatchObject({ attempts: 0, pending: 1, deferred: 1 });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('the circuit breaker', () => {
  const breaker = { breakerThreshold: 3, breakerCooldownMs: 120_000 };

  it('opens after consecutive failures, calls nobody during the cool-down, then one trial request closes it', async () => {
    const failing = [{ status: 503 }, { status: 500 }, { status: 502 }];
    const { receiver, partner } = await partnerWithJob(failing, ['press-a', 'press-b', 'press-c', 'press-d', 'press-e']);
    const { receiver: steady, partner: healthy } = await partnerWithJob([], ['press-a', 'press-b']);
    const clock = fastClock();
    const pass = () =>
      sendPendingDeliveries({ store, partners: [partner, healthy], secrets, clock, mode: 'local', policy: { ...policy, ...breaker }, random: () => 0.5 });

    const first = await pass();
    expect(receiver.requests.map((r) => r.answered)).toEqual([503, 500, 502]);
    expect(steady.processed.size).toBe(2);
    expect(first).toMatchObject({ attempts: 5, delivered: 2, deferred: 2, openCircuits: [partner.id] });
    const circuit = await store.getCircuit(partner.id);
    expect(circuit).toMatchObject({ failures: 3, lastError: 'HTTP 502' });
    expect(Date.parse(circuit.openUntil ?? '') - clock.now().getTime()).toBeGreaterThan(100_000);
    // Nothing is due before the circuit half-opens, not even the retries just scheduled.
    expect(first.nextAttemptAt).toBe(circuit.openUntil);
    const attempts = async () => (await store.listJobs(partner.id)).map((job) => [job.documentId, job.status, job.attempts]);
    expect(await attempts()).toEqual([
      ['press-a', 'pending', 1],
      ['press-b', 'pending', 1],
      ['press-c', 'pending', 1],
      ['press-d', 'pending', 0],
      ['press-e', 'pending', 0],
    ]);

    // The retries are due, but the circuit is open: no request, no attempt used, due again when it half-opens.
    await clock.sleep(30_000);
    const during = await pass();
    expect(receiver.requests).toHaveLength(3);
    expect(during).toMatchObject({ attempts: 0, deferred: 5, pending: 5, openCircuits: [partner.id], nextAttemptAt: circuit.openUntil });
    expect((await attempts()).map((row) => row[2])).toEqual([1, 1, 1, 0, 0]);

    // After the cool-down one trial goes through; it succeeds, so the circuit closes and the rest follow.
    await clock.sleep(120_000);
    const after = await pass();
    expect(receiver.requests.map((r) => r.answered)).toEqual([503, 500, 502, 200, 200, 200, 200, 200]);
    expect(after).toMatchObject({ delivered: 5, pending: 0, deferred: 0, openCircuits: [] });
    const closed = await store.getCircuit(partner.id);
    expect(closed.failures).toBe(0);
    expect(closed.openUntil).toBeUndefined();
    expect(receiver.processed.size).toBe(5);
  });

  it('opens again for another cool-down when the trial request fails', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }], ['press-a', 'press-b', 'press-c']);
    const clock = fastClock();
    const pass = () =>
      sendPendingDeliveries({
        store,
        partners: [partner],
        secrets,
        clock,
        mode: 'local',
        policy: { ...policy, ...breaker, maxAttempts: 8 },
        random: () => 0.5,
      });
    await pass();
    expect(receiver.requests).toHaveLength(3);
    await clock.sleep(121_000);
    const trial = await pass();
    expect(receiver.requests.map((r) => r.answered)).toEqual([503, 503, 503, 503]); // three, then the single trial
    expect(trial).toMatchObject({ attempts: 1, deferred: 2, openCircuits: [partner.id] });
    const reopened = await store.getCircuit(partner.id);
    expect(reopened.failures).toBe(4);
    expect(Date.parse(reopened.openUntil ?? '') - clock.now().getTime()).toBeGreaterThan(100_000);
    await clock.sleep(60_000);
    await pass();
    expect(receiver.requests).toHaveLength(4);
  });

  it('lets only one of two senders in different containers make the trial request', async () => {
    const { receiver, partner } = await partnerWithJob(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503, delayMs: 300 }],
      ['press-a', 'press-b', 'press-c'],
    );
    const clock = fastClock();
    const options = { partners: [partner], secrets, clock, mode: 'local' as const, policy: { ...policy, ...breaker, timeoutMs: 2000 }, random: () => 0.5 };
    await sendPendingDeliveries({ store, ...options });
    await clock.sleep(121_000);
    const elsewhere = openTestStores(stores).deliveries;
    const [one, other] = await Promise.all([sendPendingDeliveries({ store, ...options }), sendPendingDeliveries({ store: elsewhere, ...options })]);
    // One trial, which fails: the circuit opens again and the other sender sent nothing.
    expect(receiver.requests).toHaveLength(4);
    expect(one.attempts + other.attempts).toBe(1);
    expect([...one.openCircuits, ...other.openCircuits]).toEqual([partner.id, partner.id]);
  });

  it('redrive closes an open circuit so the re-sent jobs go out now', async () => {
    const { receiver, partner } = await partnerWithJob([{ status: 503 }, { status: 503 }, { status: 503 }], ['press-a', 'press-b', 'press-c']);
    const clock = fastClock();
    await sendPendingDeliveries({ store, partners: [partner], secrets, clock, mode: 'local', policy: { ...policy, ...breaker }, random: () => 0.5 });
    expect((await store.getCircuit(partner.id)).openUntil).toBeDefined();
    await redrive({ store, partners: [partner], now: clock.now() });
    await clock.sleep(10_000);
    const summary = await sendPendingDeliveries({
      store,
      partners: [partner],
      secrets,
      clock,
      mode: 'local',
      policy: { ...policy, ...breaker },
      random: () => 0.5,
    });
    expect(summary).toMatchObject({ delivered: 3, openCircuits: [] });
    expect(receiver.requests).toHaveLength(6);
  });
});

describe('sendPendingDeliveries when a save fails', () => {
  it('stops sending to the partner and reports the error; the job stays claimed, to be sent again after its lease', async () => {
    const docs = Array.from({ length: 6 }, (_, i) => `press-2010-save-${i}`);
    const { receiver, partner } = await partnerWithJob([], docs);
    const unavailable = new Error('SQLite database gazette.sqlite stayed locked by another process for more than 30 s during save delivery.');
    let saves = 0;
    // The fault only a mock can give: the store refuses the second save.
    const failing: DeliveryStore = {
      ...store,
      saveJob: (job, expectedAttempts) => (++saves === 2 ? Promise.reject(unavailable) : store.saveJob(job, expectedAttempts)),
    };
    await expect(
      sendPendingDeliveries({ store: failing, partners: [partner], secrets, clock: fastClock(), mode: 'local', policy, random: () => 0.5 }),
    ).rejects.toBe(unavailable);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(receiver.requests.length).toBeLessThan(docs.length);
    const jobs = await store.listJobs(partner.id);
    expect(jobs[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    // Sent, its result not saved: still pending with no attempt, claimed until its lease runs out.
    expect(jobs[1]).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await store.readQueue(partner.id)).pending.map((job) => job.messageId)).toContain(jobs[1]?.messageId);
  });
});
