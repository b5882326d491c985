import { describe, expect, it } from 'vitest';
import { sellThroughBasisPoints } from './sell-through.rules.ts';

describe('sellThroughBasisPoints', () => {
  it('is sold over sold plus on hand, in basis points rounded half up', () => {
    // 1 / (1 + 2) = 0.33333 -> 3,333; 2 / 3 = 0.66667 -> 6,667; 1 / 8 = 0.125 -> 1,250 exactly.
    expect(sellThroughBasisPoints(1, 2)).toBe(3333);
    expect(sellThroughBasisPoints(2, 1)).toBe(6667);
    expect(sellThroughBasisPoints(1, 7)).toBe(1250);
    // 1 / 20,000 = 0.5 bp -> rounds up to 1; 1 / 20,001 = 0.49998 bp -> 0.
    expect(sellThroughBasisPoints(1, 19_999)).toBe(1);
    expect(sellThroughBasisPoints(1, 20_000)).toBe(0);
  });

  it('is 10,000 when everything sold and 0 when nothing did', () => {
    expect(sellThroughBasisPoints(5, 0)).toBe(10_000);
    expect(sellThroughBasisPoints(0, 5)).toBe(0);
  });

  it('is null with nothing sold and nothing on hand', () => {
    expect(sellThroughBasisPoints(0, 0)).toBeNull();
  });
});
