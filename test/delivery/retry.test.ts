import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, outcomeOf, retryAfterMs, retryDelayMs } from '../../src/delivery/retry.ts';

const policy = { ...defaultRetryPolicy, baseDelayMs: 1000, maxDelayMs: 8000 };

describe('retry policy', () => {
  it('backs off exponentially with jitter between half and the full step, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('waits at least as long as Retry-After asks, within a cap', () => {
    expect(retryDelayMs(1, policy, () => 0, 30_000)).toBe(30_000);
    expect(retryDelayMs(1, policy, () => 0, 10 * 3_600_000)).toBe(defaultRetryPolicy.maxRetryAfterMs);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2010-06-01T00:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Tue, 01 Jun 2010 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('treats 2xx as delivered, 410 as gone, and everything else (3xx included) as a retry', () => {
    expect([200, 204, 410, 301, 302, 400, 429, 500, undefined].map(outcomeOf)).toEqual([
      'delivered',
      'delivered',
      'gone',
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
    ]);
  });
});
