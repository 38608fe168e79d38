// The time an invocation has left. Lambda stops a function at its timeout wherever it is, mid-request
// and before the results are saved; work that watches a deadline instead stops starting requests in
// time, caps each request by what is left, and leaves the rest for the next invocation.

export interface Deadline {
  /** When the work must be done, on the injected clock. */
  readonly at: Date;
  /** Milliseconds left, never negative. */
  remainingMs(): number;
}

/** The part of Lambda's context object we read. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Time kept back from Lambda's remaining time for what comes after the requests: saving their
 * results, queueing the partner again, logging.
 */
export const INVOCATION_MARGIN_MS = 5_000;

/** A deadline `ms` from now on the clock `now`. */
export function deadlineIn(ms: number, now: () => Date): Deadline {
  const at = new Date(now().getTime() + Math.max(0, ms));
  return { at, remainingMs: () => Math.max(0, at.getTime() - now().getTime()) };
}

/**
 * An invocation's deadline: its remaining time less the margin. Undefined without a context (a
 * handler called directly, as a script or an old test does): then nothing is cut short.
 */
export function invocationDeadline(context: InvocationContext | undefined, now: () => Date, marginMs = INVOCATION_MARGIN_MS): Deadline | undefined {
  if (typeof context?.getRemainingTimeInMillis !== 'function') return undefined;
  return deadlineIn(context.getRemainingTimeInMillis() - marginMs, now);
}
