// The per-partner circuit breaker. After `breakerThreshold` consecutive failures of a partner's
// endpoint (no answer, a timeout, a 5xx) nobody calls it for `breakerCooldownMs`; then one trial
// request goes through (half-open): an answer closes the circuit, a failure opens it again. A dead
// endpoint then costs one request per cool-down instead of every invocation's time, and the jobs
// it holds up keep their attempts. The state lives in the delivery store, so every container sees it.

import type { PostResult } from './http.ts';

export interface EndpointCircuit {
  partnerId: string;
  /** Bumped on every save; a save is conditional on it (0: never saved). */
  version: number;
  /** Consecutive failures since the endpoint last answered. */
  failures: number;
  /** Set while open or half-open: no request before then, one trial after. */
  openUntil?: string;
  /** A trial request is in flight until then; other senders keep waiting. */
  trialUntil?: string;
  /** When the circuit opened (kept while it stays open across trials). */
  openedAt?: string;
  /** The failure that last counted. */
  lastError?: string;
}

export interface BreakerPolicy {
  breakerThreshold: number;
  breakerCooldownMs: number;
}

export type Gate = { kind: 'closed' } | { kind: 'trial' } | { kind: 'open'; until: string };

export const closedCircuit = (partnerId: string): EndpointCircuit => ({ partnerId, version: 0, failures: 0 });

/** May a request go to the endpoint now: freely, as the one trial, or not before `until`. */
export function gateOf(circuit: EndpointCircuit, now: Date): Gate {
  if (circuit.openUntil === undefined) return { kind: 'closed' };
  if (Date.parse(circuit.openUntil) > now.getTime()) return { kind: 'open', until: circuit.openUntil };
  if (circuit.trialUntil !== undefined && Date.parse(circuit.trialUntil) > now.getTime()) return { kind: 'open', until: circuit.trialUntil };
  return { kind: 'trial' };
}

/**
 * What an attempt says about the endpoint: `failure` (no answer, timeout, 5xx), `answered` (any
 * other status: the endpoint is alive), or `neutral` (no request reached it: refused by the
 * network policy, no secret, or cut short by our own deadline).
 */
export function endpointVerdict(result: PostResult): 'failure' | 'answered' | 'neutral' {
  if (result.status !== undefined) return result.status >= 500 ? 'failure' : 'answered';
  if (result.aborted === true || result.error === undefined || result.error.startsWith('refused') || result.error.startsWith('no signing secret'))
    return 'neutral';
  return 'failure';
}

/** The circuit after `leaseMs` reserved for one trial request. */
export function withTrial(circuit: EndpointCircuit, now: Date, leaseMs: number): EndpointCircuit {
  return { ...circuit, trialUntil: new Date(now.getTime() + leaseMs).toISOString() };
}

/** The circuit after the endpoint answered: closed with no failures; undefined when it already was. */
export function afterAnswer(circuit: EndpointCircuit): EndpointCircuit | undefined {
  if (circuit.failures === 0 && circuit.openUntil === undefined && circuit.trialUntil === undefined) return undefined;
  return { partnerId: circuit.partnerId, version: circuit.version, failures: 0 };
}

/** The circuit after a failure: counted, and open for a cool-down at the threshold or after a failed trial. */
export function afterFailure(circuit: EndpointCircuit, now: Date, error: string, policy: BreakerPolicy): EndpointCircuit {
  const failures = circuit.failures + 1;
  const { trialUntil: _trial, ...rest } = circuit;
  const next: EndpointCircuit = { ...rest, failures, lastError: error };
  if (failures < policy.breakerThreshold && circuit.openUntil === undefined) return next;
  return { ...next, openUntil: new Date(now.getTime() + policy.breakerCooldownMs).toISOString(), openedAt: circuit.openedAt ?? now.toISOString() };
}
