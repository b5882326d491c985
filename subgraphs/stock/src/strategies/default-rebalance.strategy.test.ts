import { describe, expect, it } from 'vitest';
import { defaultRebalance } from './default-rebalance.strategy.ts';

const split = (total: number, channels: [string, number, number][]) =>
  Object.fromEntries(
    defaultRebalance.split(
      total,
      channels.map(([channel, demand, current]) => ({ channel, demand, current })),
    ),
  );

describe('the default fence rebalance', () => {
  it('shares the fenced units in proportion to recent demand', () => {
    expect(
      split(30, [
        ['web-eu', 10, 15],
        ['trade-eu', 20, 15],
      ]),
    ).toEqual({ 'web-eu': 10, 'trade-eu': 20 });
  });

  it('hands the units left by rounding to the largest remainders, always summing to the total', () => {
    const out = split(10, [
      ['a', 1, 0],
      ['b', 1, 0],
      ['c', 1, 0],
    ]);
    expect(Object.values(out).reduce((s, n) => s + n, 0)).toBe(10);
    expect(out).toEqual({ a: 4, b: 3, c: 3 });
    expect(
      split(7, [
        ['x', 3, 0],
        ['y', 1, 0],
      ]),
    ).toEqual({ x: 5, y: 2 });
  });

  it('gives the same answer whatever order the channels come in', () => {
    const a = split(11, [
      ['b', 2, 0],
      ['a', 2, 0],
      ['c', 5, 0],
    ]);
    const b = split(11, [
      ['c', 5, 0],
      ['a', 2, 0],
      ['b', 2, 0],
    ]);
    expect(a).toEqual(b);
  });

  it('moves nothing when no channel had demand', () => {
    expect(
      split(12, [
        ['a', 0, 9],
        ['b', 0, 3],
      ]),
    ).toEqual({ a: 9, b: 3 });
  });

  it('gives a channel without demand nothing when others had some', () => {
    expect(
      split(8, [
        ['a', 0, 8],
        ['b', 4, 0],
      ]),
    ).toEqual({ a: 0, b: 8 });
  });
});
