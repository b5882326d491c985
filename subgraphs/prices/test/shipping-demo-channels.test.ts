import { describe, expect, it } from 'vitest';
import { direct, system } from '../../../test/support/clients.ts';
import { seededAmount } from './support.ts';
import { quote } from './shipping-support.ts';

// The demo seed's shipping methods and weights, read only: amounts worked out by hand in the comments.

describe('variant weights come from the catalog', () => {
  it('answers Variant.weightGrams from products (demo: 200 + (n mod 9) x 100 g, bulk packs of 10 ten times that)', async () => {
    const res = await direct(
      system().products,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Variant { id weightGrams } } }`,
      { r: ['var_0001_1', 'var_0002_1', 'var_0010_1'].map((id) => ({ __typename: 'Variant', id })) },
      'trade-eu',
    );
    expect(res.data._entities).toEqual([
      { id: 'var_0001_1', weightGrams: 300 },
      { id: 'var_0002_1', weightGrams: 400 },
      { id: 'var_0010_1', weightGrams: 3000 },
    ]);
  });
});

describe('the demo channels’ shipping', () => {
  it('web-eu: standard is 4.90 including 19% VAT below 50.00 of goods and free from it', async () => {
    // var_0006_1 is a beanie, not on sale: its gross list price is below 50.00, two of them are above.
    const beanie = await seededAmount('bk_base_eur', 'var_0006_1');
    expect(beanie).toBeLessThan(5000);
    expect(beanie * 2).toBeGreaterThanOrEqual(5000);
    const one = await quote([['var_0006_1', 1]], 'standard', {});
    // 490 x 1900 / 11900 = 78.24 -> 78 tax, net 412.
    expect(one.shipping).toEqual({
      method: 'standard',
      name: 'Standardversand',
      amount: { amount: 490, currency: 'EUR' },
      net: { amount: 412 },
      tax: { amount: 78 },
      gross: { amount: 490 },
      taxRate: { category: 'STANDARD', rateBasisPoints: 1900 },
    });
    expect(one.total.amount).toBe(beanie + 490);
    expect((await quote([['var_0006_1', 2]], 'standard', {})).shipping.amount.amount).toBe(0);
    expect((await quote([['var_0006_1', 1]], 'pickup', {})).shipping).toMatchObject({ name: 'Abholung im Geschäft', gross: { amount: 0 } });
  });

  it('web-us: express is 19.99 net with California sales tax added', async () => {
    // 1999 x 725 / 10000 = 144.93 -> 145, gross 2144.
    const q = await quote([['var_0006_1', 1]], 'express', {}, { shipTo: { country: 'US', region: 'CA' } }, 'web-us');
    expect(q.shipping).toMatchObject({ amount: { amount: 1999, currency: 'USD' }, net: { amount: 1999 }, tax: { amount: 145 }, gross: { amount: 2144 } });
  });

  it('trade-eu: freight by weight, net plus VAT, and not above 31.5 kg', async () => {
    // A bulk pack weighs 3,000 g: second band, 19.90 net + 19% = 378.1 -> 378, gross 2368.
    const q = await quote([['var_0010_1', 1]], 'freight', {}, {}, 'trade-eu');
    expect(q.shipping).toMatchObject({ name: 'Freight by weight', net: { amount: 1990 }, tax: { amount: 378 }, gross: { amount: 2368 } });
    // 10 packs = 30,000 g: third band. 11 packs = 33,000 g: too heavy.
    expect((await quote([['var_0010_1', 10]], 'freight', {}, {}, 'trade-eu')).shipping.amount.amount).toBe(3990);
    expect(await quote([['var_0010_1', 11]], 'freight', {}, {}, 'trade-eu')).toMatchObject({ __typename: 'ShippingNotAvailable', reason: 'TOO_HEAVY' });
  });
});
