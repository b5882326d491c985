import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './webhook-backoff.ts';

describe('retryDelayMs', () => {
  it('doubles from the base and stays between half and all of its step', () => {
    // base 10 s: attempt 1 -> 10 s, 2 -> 20 s, 3 -> 40 s; jitter 0 gives half, jitter 1 the whole step.
    expect([1, 2, 3].map((n) => retryDelayMs(n, 10_000, 3_600_000, () => 0))).toEqual([5_000, 10_000, 20_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, 10_000, 3_600_000, () => 1))).toEqual([10_000, 20_000, 40_000]);
  });

  it('never waits longer than the cap', () => {
    // 10 s x 2^19 is 61 days; the cap is 6 h.
    expect(retryDelayMs(20, 10_000, 21_600_000, () => 1)).toBe(21_600_000);
  });
});
