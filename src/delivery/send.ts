// sendPendingDeliveries and redrive: at-least-once delivery of recorded jobs. Each attempt is
// signed afresh with the job's stable webhook-id; failures back off with jitter (Retry-After
// honoured), 410 disables the endpoint, and after the last attempt the job is dead until redriven.

import { mapLimit } from '../concurrency.ts';
import type { NetworkMode } from './endpoint.ts';
import { postOnce, type PostResult } from './http.ts';
import type { Partner } from './partners.ts';
import { defaultRetryPolicy, outcomeOf, retryAfterMs, retryDelayMs, type RetryPolicy } from './retry.ts';
import type { SecretResolver } from './secrets.ts';
import { webhookHeaders } from './signing.ts';
import { type DeliveryAttempt, DeliveryConflictError, type DeliveryJob, type DeliveryStore, HISTORY_LIMIT } from './store.ts';

/** The one clock of delivery: tests pass a fast one whose `sleep` advances time instantly. */
export interface DeliveryClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
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
}

export interface SendSummary {
  attempts: number;
  delivered: number;
  dead: number;
  /** Jobs still waiting for a retry. */
  pending: number;
  /** Earliest retry still scheduled. */
  nextAttemptAt?: string;
}

const plus = (date: Date, ms: number) => new Date(date.getTime() + ms).toISOString();

export async function sendPendingDeliveries(options: SendOptions): Promise<SendSummary> {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.policy };
  const random = options.random ?? Math.random;
  const partners = options.partners.filter((partner) => options.partnerId === undefined || partner.id === options.partnerId);
  const summary: SendSummary = { attempts: 0, delivered: 0, dead: 0, pending: 0 };
  for (;;) {
    const waiting = (await mapLimit(partners, options.concurrency ?? 64, (partner) => sendForPartner(partner, options, policy, random, summary))).flat();
    summary.pending = waiting.length;
    const next = waiting.sort()[0];
    if (next === undefined) {
      delete summary.nextAttemptAt;
      return summary;
    }
    summary.nextAttemptAt = next;
    if (options.untilSettled !== true) return summary;
    const wait = Date.parse(next) - options.clock.now().getTime();
    if (wait > 0) await options.clock.sleep(wait);
  }
}

/** Send a partner's due jobs in sequence order; returns when each job still pending is next due. */
async function sendForPartner(partner: Partner, options: SendOptions, policy: RetryPolicy, random: () => number, summary: SendSummary): Promise<string[]> {
  const { store, clock } = options;
  const now = clock.now();
  const { state, pending } = await store.readQueue(partner.id);
  const due = pending.filter((job) => Date.parse(job.nextAttemptAt) <= now.getTime());
  const waiting = pending.filter((job) => !due.includes(job)).map((job) => job.nextAttemptAt);
  if (due.length === 0) return waiting;
  if (state.disabled) {
    for (const job of due) await bury(store, job, `endpoint disabled: ${state.reason ?? 'by an operator'}; run \`gazette deliveries redrive --partner ${partner.id}\` once it is fixed`, summary);
    return waiting;
  }
  let secret: string | undefined;
  let secretError: string | undefined;
  try {
    secret = await options.secrets(partner.webhook.secret);
  } catch (error) {
    secretError = (error as Error).message;
  }
  for (const [i, job] of due.entries()) {
    const startedAt = clock.now();
    if (!(await store.claimJob(job, plus(startedAt, policy.timeoutMs * 2), startedAt.toISOString()))) continue;
    const result: PostResult = secret === undefined
      ? { latencyMs: 0, error: `no signing secret: ${secretError}` }
      : await postOnce(partner.webhook.url, {
        headers: {
          ...webhookHeaders(secret, job.messageId, startedAt, job.payload),
          ...(job.embargoUntil === undefined ? {} : { 'gazette-embargo-until': job.embargoUntil }),
        },
        body: job.payload,
        timeoutMs: policy.timeoutMs,
        mode: options.mode,
      });
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
    await save(store, next, job.attempts);
    if (outcome === 'gone') {
      const reason = `${partner.webhook.url} answered 410 Gone at ${attempt.at}`;
      await store.putPartnerState({ partnerId: partner.id, disabled: true, reason, changedAt: attempt.at });
      for (const rest of due.slice(i + 1)) await bury(store, rest, `endpoint disabled: ${reason}`, summary);
      return waiting;
    }
  }
  return waiting;
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

/** Re-enable disabled endpoints and put every dead job back in the queue, due now. Returns the jobs requeued. */
export async function redrive({ store, partners, partnerId, now }: RedriveOptions): Promise<DeliveryJob[]> {
  const requeued: DeliveryJob[] = [];
  for (const partner of partners) {
    if (partnerId !== undefined && partner.id !== partnerId) continue;
    const state = await store.getPartnerState(partner.id);
    if (state.disabled) await store.putPartnerState({ partnerId: partner.id, disabled: false, reason: `re-enabled by redrive (was: ${state.reason ?? 'disabled'})`, changedAt: now.toISOString() });
    for (const job of await store.listJobs(partner.id, 'dead')) {
      const next: DeliveryJob = { ...job, status: 'pending', attempts: 0, nextAttemptAt: now.toISOString() };
      await save(store, next, job.attempts);
      requeued.push(next);
    }
  }
  return requeued;
}
