// sendPendingDeliveries and redrive: at-least-once delivery of recorded jobs. Each attempt is
// signed afresh with the job's stable webhook-id; failures back off with jitter (Retry-After
// honoured), 410 disables the endpoint, and after the last attempt the job is dead until redriven.
// A partner's circuit breaker stops calls to an endpoint that keeps failing, and a deadline stops
// sending before the invocation's time runs out; the jobs either of them holds back keep their attempts.

import type { Agent } from 'node:http';
import { mapLimit } from '../concurrency.ts';
import { afterAnswer, afterFailure, endpointVerdict, type EndpointCircuit, gateOf, withTrial } from './circuit.ts';
import type { Deadline } from './deadline.ts';
import type { NetworkMode } from './endpoint.ts';
import { keepAliveAgent, postOnce, type PostResult } from './http.ts';
import type { Partner } from './partners.ts';
import { defaultRetryPolicy, outcomeOf, retryAfterMs, retryDelayMs, type RetryPolicy } from './retry.ts';
import type { SecretResolver, SigningSecrets } from './secrets.ts';
import { webhookHeaders } from './signing.ts';
import { type DeliveryAttempt, DeliveryConflictError, type DeliveryJob, type DeliveryStore, HISTORY_LIMIT } from './store.ts';

/** The one clock of delivery: tests pass a fast one whose `sleep` advances time instantly. */
export interface DeliveryClock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export interface SendOptions {
  store: DeliveryStore;
  partners: readonly Partner[];
  secrets: SecretResolver;
  clock: DeliveryClock;
  mode: NetworkMode;
  policy?: Partial<RetryPolicy>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Only this partner. */
  partnerId?: string;
  /** Keep sending, sleeping between retries, until no job is pending (CLI and tests); default one pass over due jobs. */
  untilSettled?: boolean;
  /** Partners served at once. */
  concurrency?: number;
  /**
   * When the invocation must be done: no request starts with less than MIN_REQUEST_MS left, none
   * runs past it, and the jobs not attempted stay pending with their attempts. None: no limit.
   */
  deadline?: Deadline;
}

export interface SendSummary {
  attempts: number;
  delivered: number;
  dead: number;
  /** Jobs still waiting for a retry. */
  pending: number;
  /** Due jobs the last pass left unattempted (time ran out, or the partner's circuit is open); they keep their attempts. */
  deferred: number;
  /** Partners whose circuit was open in the last pass: no request went to them. */
  openCircuits: string[];
  /** Earliest retry still scheduled. */
  nextAttemptAt?: string;
}

const plus = (date: Date, ms: number) => new Date(date.getTime() + ms).toISOString();

/** Below this much time left no request starts: it could not get an answer worth waiting for. */
export const MIN_REQUEST_MS = 1_000;

export async function sendPendingDeliveries(options: SendOptions): Promise<SendSummary> {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.policy };
  const random = options.random ?? Math.random;
  const partners = options.partners.filter((partner) => options.partnerId === undefined || partner.id === options.partnerId);
  const summary: SendSummary = { attempts: 0, delivered: 0, dead: 0, pending: 0, deferred: 0, openCircuits: [] };
  for (;;) {
    summary.deferred = 0;
    summary.openCircuits = [];
    const waiting = (
      await mapLimit(partners, options.concurrency ?? 64, async (partner) => {
        const agent = keepAliveAgent(partner.webhook.url);
        // Each attempt's result is saved without waiting for the save before the next request (a
        // store may write it with its next claim: SQLite); all are written, or have failed, before
        // the partner's pass ends.
        const saves = laterSaves(options.store);
        try {
          const left = await sendForPartner(partner, options, policy, random, summary, agent, saves);
          await saves.settled();
          return left;
        } catch (error) {
          await saves.settled().catch(() => undefined);
          throw error;
        } finally {
          agent?.destroy();
        }
      })
    ).flat();
    summary.pending = waiting.length;
    summary.openCircuits.sort();
    const next = waiting.sort()[0];
    if (next === undefined) {
      delete summary.nextAttemptAt;
      return summary;
    }
    summary.nextAttemptAt = next;
    if (options.untilSettled !== true) return summary;
    const wait = Math.max(0, Date.parse(next) - options.clock.now().getTime());
    if (options.deadline !== undefined && options.deadline.remainingMs() < wait + MIN_REQUEST_MS) return summary;
    if (wait > 0) await options.clock.sleep(wait);
  }
}

/** Saves a sender does not wait for one by one; the first failure stops its next request. */
function laterSaves(store: DeliveryStore) {
  const pending: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  return {
    add(job: DeliveryJob, expectedAttempts: number): void {
      pending.push(
        save(store, job, expectedAttempts).catch((error: unknown) => {
          failure ??= { error };
        }),
      );
    },
    check(): void {
      if (failure !== undefined) throw failure.error;
    },
    async settled(): Promise<void> {
      await Promise.all(pending);
      this.check();
    },
  };
}

/**
 * Send a partner's due jobs in sequence order, as far as its circuit and the deadline allow;
 * returns when each job still pending is next due (a job held up by an open circuit: when it closes).
 */
async function sendForPartner(
  partner: Partner,
  options: SendOptions,
  policy: RetryPolicy,
  random: () => number,
  summary: SendSummary,
  agent: Agent | undefined,
  saves: ReturnType<typeof laterSaves>,
): Promise<string[]> {
  const { store, clock, deadline } = options;
  const now = clock.now();
  const { state, circuit: stored, pending } = await store.readQueue(partner.id);
  const due = pending.filter((job) => Date.parse(job.nextAttemptAt) <= now.getTime());
  const waiting = pending.filter((job) => !due.includes(job)).map((job) => job.nextAttemptAt);
  /** While the circuit is open nothing is sent, so nothing is due before it half-opens. */
  const notBefore = (until: string) => waiting.map((at) => (until > at ? until : at));
  const shut = gateOf(stored, now);
  if (due.length === 0) return shut.kind === 'open' ? notBefore(shut.until) : waiting;
  if (state.disabled) {
    for (const job of due)
      await bury(
        store,
        job,
        `endpoint disabled: ${state.reason ?? 'by an operator'}; run \`gazette deliveries redrive --partner ${partner.id}\` once it is fixed`,
        summary,
      );
    return waiting;
  }
  /** Leave `jobs` as they are (pending, attempts unchanged); with an open circuit, nothing is due before `until`. */
  const defer = (jobs: DeliveryJob[], until?: string) => {
    summary.deferred += jobs.length;
    waiting.push(...jobs.map((job) => job.nextAttemptAt));
    return until === undefined ? waiting : notBefore(until);
  };
  const gate = await passGate(store, stored, now, policy);
  if (gate.kind === 'open') {
    summary.openCircuits.push(partner.id);
    return defer(due, gate.until);
  }
  let circuit = gate.circuit;
  let secret: SigningSecrets | undefined;
  let secretError: string | undefined;
  try {
    secret = await options.secrets(partner.webhook.secret);
  } catch (error) {
    secretError = (error as Error).message;
  }
  for (const [i, job] of due.entries()) {
    saves.check();
    const left = deadline?.remainingMs() ?? Infinity;
    if (left < MIN_REQUEST_MS) return defer(due.slice(i));
    // A request never outlives the invocation: its timeout is capped by the time left.
    const timeoutMs = Math.min(policy.timeoutMs, left);
    const startedAt = clock.now();
    if (!(await store.claimJob(job, plus(startedAt, timeoutMs * 2), startedAt.toISOString()))) continue;
    const result: PostResult =
      secret === undefined
        ? { latencyMs: 0, error: `no signing secret: ${secretError}` }
        : await postOnce(partner.webhook.url, {
            headers: {
              ...webhookHeaders(secret, job.messageId, startedAt, job.payload),
              ...(job.embargoUntil === undefined ? {} : { 'gazette-embargo-until': job.embargoUntil }),
            },
            body: job.payload,
            timeoutMs,
            mode: options.mode,
            ...(agent === undefined ? {} : { agent }),
          });
    if (result.timedOut === true && timeoutMs < policy.timeoutMs) {
      // Our time ran out, not the partner's: logged, but the job keeps its attempts and stays due.
      const error = `${result.error ?? 'timeout'}, cut short by the end of the invocation's time (not counted as an attempt)`;
      const attempt: DeliveryAttempt = { at: startedAt.toISOString(), latencyMs: result.latencyMs, error };
      await save(
        store,
        { ...withoutLast(job), history: [...job.history, attempt].slice(-HISTORY_LIMIT), lastLatencyMs: result.latencyMs, lastError: error },
        job.attempts,
      );
      return defer(due.slice(i));
    }
    summary.attempts++;
    const outcome = outcomeOf(result.status);
    const attempt: DeliveryAttempt = {
      at: startedAt.toISOString(),
      latencyMs: result.latencyMs,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.error === undefined ? {} : { error: result.error }),
    };
    const next: DeliveryJob = {
      ...withoutLast(job),
      attempts: job.attempts + 1,
      history: [...job.history, attempt].slice(-HISTORY_LIMIT),
      lastLatencyMs: result.latencyMs,
      ...(result.status === undefined ? {} : { lastStatus: result.status }),
      ...(result.error === undefined ? {} : { lastError: result.error }),
    };
    if (outcome === 'delivered') {
      next.status = 'delivered';
      next.deliveredAt = attempt.at;
      summary.delivered++;
    } else if (outcome === 'gone' || next.attempts >= policy.maxAttempts) {
      next.status = 'dead';
      summary.dead++;
    } else {
      const finished = clock.now();
      next.nextAttemptAt = plus(finished, retryDelayMs(next.attempts, policy, random, retryAfterMs(result.retryAfter, finished)));
      waiting.push(next.nextAttemptAt);
    }
    saves.add(next, job.attempts);
    const verdict = endpointVerdict(result);
    if (verdict === 'failure')
      circuit = await updateCircuit(store, circuit, (current) => afterFailure(current, clock.now(), attempt.error ?? 'no answer', policy));
    if (verdict === 'answered') circuit = await updateCircuit(store, circuit, afterAnswer);
    if (outcome === 'gone') {
      const reason = `${partner.webhook.url} answered 410 Gone at ${attempt.at}`;
      await store.putPartnerState({ partnerId: partner.id, disabled: true, reason, changedAt: attempt.at });
      for (const rest of due.slice(i + 1)) await bury(store, rest, `endpoint disabled: ${reason}`, summary);
      return waiting;
    }
    // Open now (the threshold was reached, or the trial failed): the rest wait for the cool-down.
    const after = gateOf(circuit, clock.now());
    if (after.kind === 'open') {
      summary.openCircuits.push(partner.id);
      return defer(due.slice(i + 1), after.until);
    }
  }
  return waiting;
}

/** Rounds of read-and-save before a sender gives up on a circuit other senders keep changing. */
const CIRCUIT_ROUNDS = 4;

/**
 * Through a closed circuit; the one trial request of a half-open one (claimed in the store, so
 * only one sender makes it); or not before `until`.
 */
async function passGate(
  store: DeliveryStore,
  circuit: EndpointCircuit,
  now: Date,
  policy: RetryPolicy,
): Promise<{ kind: 'closed' | 'trial'; circuit: EndpointCircuit } | { kind: 'open'; until: string }> {
  for (let round = 0; round < CIRCUIT_ROUNDS; round++) {
    const gate = gateOf(circuit, now);
    if (gate.kind !== 'trial') return gate.kind === 'open' ? gate : { kind: 'closed', circuit };
    const claimed = await store.saveCircuit(withTrial(circuit, now, policy.timeoutMs * 2));
    if (claimed !== undefined) return { kind: 'trial', circuit: claimed };
    circuit = await store.getCircuit(circuit.partnerId);
  }
  return { kind: 'open', until: plus(now, policy.timeoutMs) };
}

/**
 * Apply `change` to a partner's circuit and save it, reading it again when another sender saved
 * first. The breaker only advises: after a few lost races the last state read stands.
 */
async function updateCircuit(
  store: DeliveryStore,
  circuit: EndpointCircuit,
  change: (circuit: EndpointCircuit) => EndpointCircuit | undefined,
): Promise<EndpointCircuit> {
  for (let round = 0; round < CIRCUIT_ROUNDS; round++) {
    const next = change(circuit);
    if (next === undefined) return circuit;
    const saved = await store.saveCircuit(next);
    if (saved !== undefined) return saved;
    circuit = await store.getCircuit(circuit.partnerId);
  }
  return circuit;
}

function withoutLast(job: DeliveryJob): DeliveryJob {
  const { lastStatus: _s, lastError: _e, ...rest } = job;
  return rest;
}

async function bury(store: DeliveryStore, job: DeliveryJob, reason: string, summary: SendSummary): Promise<void> {
  await save(store, { ...job, status: 'dead', lastError: reason }, job.attempts);
  summary.dead++;
}

async function save(store: DeliveryStore, job: DeliveryJob, expectedAttempts: number): Promise<void> {
  try {
    await store.saveJob(job, expectedAttempts);
  } catch (error) {
    // Another sender recorded an attempt meanwhile; its result stands.
    if (!(error instanceof DeliveryConflictError)) throw error;
  }
}

export interface RedriveOptions {
  store: DeliveryStore;
  partners: readonly Partner[];
  partnerId?: string;
  now: Date;
}

/**
 * Re-enable disabled endpoints, close their circuits, and put every dead job back in the queue,
 * due now. Returns the jobs requeued.
 */
export async function redrive({ store, partners, partnerId, now }: RedriveOptions): Promise<DeliveryJob[]> {
  const requeued: DeliveryJob[] = [];
  for (const partner of partners) {
    if (partnerId !== undefined && partner.id !== partnerId) continue;
    const state = await store.getPartnerState(partner.id);
    if (state.disabled)
      await store.putPartnerState({
        partnerId: partner.id,
        disabled: false,
        reason: `re-enabled by redrive (was: ${state.reason ?? 'disabled'})`,
        changedAt: now.toISOString(),
      });
    // The operator says the endpoint is fixed: the re-sent jobs go out now, not after a cool-down.
    await updateCircuit(store, await store.getCircuit(partner.id), afterAnswer);
    for (const job of await store.listJobs(partner.id, 'dead')) {
      const next: DeliveryJob = { ...job, status: 'pending', attempts: 0, nextAttemptAt: now.toISOString() };
      await save(store, next, job.attempts);
      requeued.push(next);
    }
  }
  return requeued;
}
