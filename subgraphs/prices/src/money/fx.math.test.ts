import { describe, expect, it } from 'vitest';
import { charmRound } from './charm-rounding.math.ts';
import { convertMinor, formatRate, parseDecimalRate } from './fx.math.ts';

describe('FX conversion in integer minor units', () => {
  it('converts EUR cents to whole yen, rounding half away from zero', () => {
    // 149.00 EUR x 161.5 = 24,063.5 JPY -> 24,064 (JPY has no minor digits)
    expect(convertMinor(14_900n, 'EUR', 'JPY', parseDecimalRate('161.5')!)).toBe(24_064n);
    // 0.01 EUR x 161.5 = 1.615 JPY -> 2
    expect(convertMinor(1n, 'EUR', 'JPY', parseDecimalRate('161.5')!)).toBe(2n);
  });

  it('converts EUR cents to KWD fils with three decimals', () => {
    // 149.00 EUR x 0.332 = 49.468 KWD = 49,468 fils
    expect(convertMinor(14_900n, 'EUR', 'KWD', parseDecimalRate('0.332')!)).toBe(49_468n);
    // 0.05 EUR x 0.3321 = 0.016605 KWD -> 17 fils
    expect(convertMinor(5n, 'EUR', 'KWD', parseDecimalRate('0.3321')!)).toBe(17n);
  });

  it('converts yen to cents and keeps amounts beyond 2^53 exact in BigInt', () => {
    expect(convertMinor(161n, 'JPY', 'EUR', parseDecimalRate('0.00619195')!)).toBe(100n);
    const huge = 9_007_199_254_740_991n;
    expect(convertMinor(huge, 'EUR', 'EUR', parseDecimalRate('1')!)).toBe(huge);
  });

  it('reads rates as exact decimals and refuses anything else', () => {
    expect(parseDecimalRate('1.08')).toBe(1_080_000_000n);
    expect(parseDecimalRate('161.123456789')).toBe(161_123_456_789n);
    for (const bad of ['0', '-1.2', '1e3', '1.0000000001', 'abc', '', '1,5']) expect(parseDecimalRate(bad), bad).toBeNull();
    expect(formatRate(161_500_000_000n)).toBe('161.5');
    expect(formatRate(1_000_000_000n)).toBe('1');
  });
});

describe('charm rounding of converted prices', () => {
  it('rounds up to the next price ending in .99', () => {
    const rule = { ending: 99, step: 100 };
    expect(charmRound(16_092n, rule)).toBe(16_099n);
    expect(charmRound(16_099n, rule)).toBe(16_099n);
    expect(charmRound(16_000n, rule)).toBe(16_099n);
    expect(charmRound(15_999n, rule)).toBe(15_999n);
  });

  it('rounds yen up to the next 980 and leaves prices alone without a rule', () => {
    expect(charmRound(24_064n, { ending: 980, step: 1000 })).toBe(24_980n);
    expect(charmRound(24_981n, { ending: 980, step: 1000 })).toBe(25_980n);
    expect(charmRound(24_064n, null)).toBe(24_064n);
  });
});
