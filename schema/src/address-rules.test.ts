import { describe, expect, it } from 'vitest';
import { addressProblem } from './address-rules.ts';

const ok = { name: 'Anna Berg', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

describe('shipping and billing addresses', () => {
  it('accepts a complete address', () => {
    expect(addressProblem(ok)).toBeNull();
  });

  it('names the field of a malformed one', () => {
    expect(addressProblem({ ...ok, city: '  ' })).toEqual(['city', 'city is required']);
    expect(addressProblem({ ...ok, country: 'Germany' })?.[0]).toBe('country');
    expect(addressProblem({ ...ok, postalCode: '<script>' })?.[0]).toBe('postalCode');
    expect(addressProblem({ ...ok, line1: 'x'.repeat(201) })?.[0]).toBe('line1');
  });
});
