// The retry policy: exponential backoff with jitter, `Retry-After` honoured, a bounded number of
// attempts, then the dead-letter state; and the circuit breaker's threshold and cool-down.

import type { BreakerPolicy } from './circuit.ts';

export interface RetryPolicy extends BreakerPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest `Retry-After` we accept; longer asks are capped. */
  maxRetryAfterMs: number;
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 30 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
  timeoutMs: 15_000,
  // Five timeouts in a row are more than a minute of a partner not answering.
  breakerThreshold: 5,
  breakerCooldownMs: 5 * 60_000,
};

/** What an attempt's result means for the job. */
export type Outcome = 'delivered' | 'retry' | 'gone';

export function outcomeOf(status: number | undefined): Outcome {
  if (status !== undefined && status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined when unusable. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: base·2^(attempt-1), capped, with
 * "equal jitter" (half fixed, half random), and never less than what the receiver asked for.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number, askedMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return askedMs === undefined ? jittered : Math.max(jittered, Math.min(askedMs, policy.maxRetryAfterMs));
}
