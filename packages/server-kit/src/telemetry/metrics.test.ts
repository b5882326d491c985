import { describe, expect, it } from 'vitest';
import { operationLabel } from './metrics.ts';

describe('operation labels', () => {
  it('keeps well-formed names, calls the rest anonymous, and stops at 200 distinct names', () => {
    expect(operationLabel('PlaceOrder')).toBe('PlaceOrder');
    expect([operationLabel(undefined), operationLabel(''), operationLabel('a b'), operationLabel('x'.repeat(101)), operationLabel(42)]).toEqual([
      'anonymous',
      'anonymous',
      'anonymous',
      'anonymous',
      'anonymous',
    ]);
    // 199 more distinct names fill the 200; the 201st and later are `other`, names already seen keep theirs.
    const names = Array.from({ length: 199 }, (_, i) => `Op${i}`);
    expect(names.map(operationLabel)).toEqual(names);
    expect([operationLabel('Invented1'), operationLabel('Invented2')]).toEqual(['other', 'other']);
    expect([operationLabel('PlaceOrder'), operationLabel('Op198')]).toEqual(['PlaceOrder', 'Op198']);
  });
});
