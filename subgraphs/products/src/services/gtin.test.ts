import { describe, expect, it } from 'vitest';
import { ean13 } from '@storegraph/demo';
import { isValidGtin } from './gtin.ts';

describe('GTIN check digits', () => {
  it('accepts the demo catalog barcodes and well-known GTINs of every length', () => {
    for (const n of [1, 2, 99, 1234]) expect(isValidGtin(ean13(n))).toBe(true);
    expect(isValidGtin('4006381333931')).toBe(true); // EAN-13
    expect(isValidGtin('96385074')).toBe(true); // GTIN-8
    expect(isValidGtin('036000291452')).toBe(true); // UPC-A
    expect(isValidGtin('10012345678902')).toBe(true); // GTIN-14
  });

  it('rejects a wrong check digit, letters and odd lengths', () => {
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('40063813339A1')).toBe(false);
    expect(isValidGtin('12345')).toBe(false);
  });
});
