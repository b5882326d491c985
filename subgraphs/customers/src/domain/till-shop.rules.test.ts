import { describe, expect, it } from 'vitest';
import { MAX_TILL_STAFF_SHOPS, shopList, unboundShops, worksAt } from './till-shop.rules.ts';

describe('till staff shops', () => {
  it('lets a member without a list work in every shop, and one with a list only in its shops', () => {
    expect(worksAt(null, 'loc_a')).toBe(true);
    expect(worksAt(['loc_a', 'loc_b'], 'loc_b')).toBe(true);
    expect(worksAt(['loc_a'], 'loc_b')).toBe(false);
  });

  it('stores a list de-duplicated and sorted, and refuses an empty, oversized or malformed one', () => {
    expect(shopList(['loc_b', 'loc_a', 'loc_b'])).toEqual({ ids: ['loc_a', 'loc_b'] });
    expect(shopList([])).toEqual({ problem: 'at least one shop; leave locationIds out for every shop of the channel' });
    expect(shopList(Array.from({ length: MAX_TILL_STAFF_SHOPS + 1 }, (_, i) => `loc_${i}`))).toEqual({ problem: 'at most 50 shops' });
    expect(shopList(['loc a'])).toEqual({ problem: 'not a location id' });
    expect(shopList(['x'.repeat(65)])).toEqual({ problem: 'not a location id' });
  });

  it('names the shops the channel does not sell from, in the order given', () => {
    expect(unboundShops(['loc_z', 'loc_a', 'loc_y'], new Set(['loc_a']))).toEqual(['loc_z', 'loc_y']);
    expect(unboundShops(['loc_a'], new Set(['loc_a']))).toEqual([]);
  });
});
