import { beforeAll, describe, expect, it } from 'vitest';
import { prices } from './support.ts';
import { jp, OFFERS, QUOTE, quote, seedShippingFixtures, shop, trade } from './shipping-support.ts';

// This file owns its data: shipping methods in test-at-trade and test-jp (no other file ships there), a
// GROUP book only callers of the test-shipping group see, and a coupon-only promotion that applies only
// when its code is sent (seedShippingFixtures). Amounts are worked out by hand in the comments, never with
// the engine's code. The demo channels' methods: shipping-demo-channels.test.ts; staff writes:
// shipping-method-admin.test.ts.

beforeAll(seedShippingFixtures);

describe('a flat shipping method in the quote', () => {
  it('takes VAT out of the amount in a tax-inclusive channel and adds it to every total', async () => {
    // Goods: 25.00 gross, tax 2500 x 1900 / 11900 = 399.16 -> 399, net 2101.
    // Shipping 6.90 gross: tax 690 x 1900 / 11900 = 110.17 -> 110, net 580.
    const q = await quote([['var_0002_1', 1]], 't-flat');
    expect(q.shipping).toEqual({
      method: 't-flat',
      name: 'Flat',
      amount: { amount: 690, currency: 'EUR' },
      net: { amount: 580 },
      tax: { amount: 110 },
      gross: { amount: 690 },
      taxRate: { category: 'STANDARD', rateBasisPoints: 1900 },
    });
    expect(q.taxLines).toEqual([{ category: 'STANDARD', rateBasisPoints: 1900, net: { amount: 2101 + 580 }, tax: { amount: 399 + 110 } }]);
    expect([q.subtotal, q.net, q.tax, q.gross, q.total].map((m) => m.amount)).toEqual([2500, 2681, 509, 3190, 3190]);
  });

  it('adds VAT on top of the amount in a tax-exclusive channel', async () => {
    // The gross 25.00 book price is shown net: 2500 - 399 = 2101, tax 2101 x 0.19 = 399.19 -> 399.
    // Shipping 6.90 net: tax 690 x 0.19 = 131.1 -> 131, gross 821.
    const q = await quote([['var_0002_1', 1]], 't-flat', trade);
    expect(q.shipping).toMatchObject({ amount: { amount: 690 }, net: { amount: 690 }, tax: { amount: 131 }, gross: { amount: 821 } });
    expect(q.taxLines).toEqual([{ category: 'STANDARD', rateBasisPoints: 1900, net: { amount: 2101 + 690 }, tax: { amount: 399 + 131 } }]);
    expect([q.subtotal, q.net, q.tax, q.gross, q.total].map((m) => m.amount)).toEqual([2101, 2791, 530, 3321, 3321]);
  });

  it('leaves a quote without a method exactly as before: no shipping, goods totals only', async () => {
    const q = await quote([['var_0002_1', 1]], null);
    expect(q.shipping).toBeNull();
    expect(q.total.amount).toBe(2500);
  });
});

describe('free shipping from 50.00', () => {
  it('charges 4.90 on 49.99 of goods and nothing on 50.00', async () => {
    // 25.00 + 24.99 = 49.99. Taxes: 399 (above), 2499 x 1900 / 11900 = 399.00 -> 399, shipping 78 (490 x 19/119
    // = 78.24), so tax 876 and net 5489 - 876 = 4613.
    const below = await quote(
      [
        ['var_0002_1', 1],
        ['var_0003_1', 1],
      ],
      't-free',
    );
    expect(below.shipping).toMatchObject({ amount: { amount: 490 }, net: { amount: 412 }, tax: { amount: 78 }, gross: { amount: 490 } });
    expect(below.taxLines).toEqual([{ category: 'STANDARD', rateBasisPoints: 1900, net: { amount: 4613 }, tax: { amount: 876 } }]);
    expect([below.net, below.tax, below.gross, below.total].map((m) => m.amount)).toEqual([4613, 876, 5489, 5489]);

    const at = await quote([['var_0002_1', 2]], 't-free');
    expect(at.shipping).toMatchObject({ amount: { amount: 0 }, net: { amount: 0 }, tax: { amount: 0 }, gross: { amount: 0 } });
    expect(at.total.amount).toBe(5000);
  });

  it('compares the goods total after discounts: a 1.00 coupon takes 50.00 below, 51.00 back to the threshold', async () => {
    const coupon = { couponCodes: ['SHIPMINUS1'] };
    const below = await quote([['var_0002_1', 2]], 't-free', shop, coupon);
    expect(below.discountTotal.amount).toBe(100);
    // 50.00 - 1.00 = 49.00 of goods, plus 4.90.
    expect(below.shipping.amount.amount).toBe(490);
    expect(below.total.amount).toBe(4900 + 490);
    const at = await quote(
      [
        ['var_0002_1', 2],
        ['var_0004_1', 1],
      ],
      't-free',
      shop,
      coupon,
    );
    // 50.00 + 1.00 - 1.00 = 50.00: free.
    expect(at.shipping.amount.amount).toBe(0);
    expect(at.total.amount).toBe(5000);
  });

  it('compares in the channel’s tax basis: the same cart is 42.02 net in a tax-exclusive channel, so it pays', async () => {
    // 2 x 2101 net = 4202 < 5000.
    const q = await quote([['var_0002_1', 2]], 't-free', trade);
    expect(q.subtotal.amount).toBe(4202);
    expect(q.shipping.amount.amount).toBe(490);
  });
});

describe('weight bands (up to 2,000 g: 5.90; up to 10,000 g: 12.90)', () => {
  // var_0002_1 weighs 400 g, var_0001_1 300 g: the demo weights go in 100 g steps, so 100 g past an edge
  // is the closest a cart gets (the 1 g edges are in the unit tests).
  it('charges each band up to and including its upper bound', async () => {
    // 5 x 400 = 2,000 g: first band. Tax 590 x 19/119 = 94.2 -> 94, net 496.
    const first = await quote([['var_0002_1', 5]], 't-bands');
    expect(first.shipping).toMatchObject({ amount: { amount: 590 }, net: { amount: 496 }, tax: { amount: 94 } });
    // 3 x 400 + 3 x 300 = 2,100 g: second band.
    const second = await quote(
      [
        ['var_0002_1', 3],
        ['var_0001_1', 3],
      ],
      't-bands',
    );
    expect(second.shipping.amount.amount).toBe(1290);
    // 25 x 400 = 10,000 g: still the second band.
    expect((await quote([['var_0002_1', 25]], 't-bands')).shipping.amount.amount).toBe(1290);
  });

  it('cannot ship a cart above the last band', async () => {
    // 23 x 400 + 3 x 300 = 10,100 g.
    const q = await quote(
      [
        ['var_0002_1', 23],
        ['var_0001_1', 3],
      ],
      't-bands',
    );
    expect(q).toEqual({ __typename: 'ShippingNotAvailable', method: 't-bands', reason: 'TOO_HEAVY', message: expect.stringContaining('10100 g') });
  });
});

describe('a method that cannot take the cart answers ShippingNotAvailable and prices nothing', () => {
  it('for an unknown or inactive code', async () => {
    expect(await quote([['var_0002_1', 1]], 'teleport')).toMatchObject({ __typename: 'ShippingNotAvailable', method: 'teleport', reason: 'UNKNOWN_METHOD' });
    expect(await quote([['var_0002_1', 1]], 't-off')).toMatchObject({ __typename: 'ShippingNotAvailable', reason: 'UNKNOWN_METHOD' });
    // Another channel's method is unknown here too.
    expect(await quote([['var_0002_1', 1]], 't-jp')).toMatchObject({ reason: 'UNKNOWN_METHOD' });
  });

  it('for a destination the method does not ship to', async () => {
    expect(await quote([['var_0002_1', 1]], 't-pickup')).toMatchObject({ __typename: 'ShippingNotAvailable', reason: 'COUNTRY_NOT_SERVED' });
    expect(await quote([['var_0002_1', 1]], 't-free', shop, { shipTo: { country: 'FR' } })).toMatchObject({ reason: 'COUNTRY_NOT_SERVED' });
    // Pickup in Austria costs nothing; the goods are taxed at Austria's 20%: 2500 x 2000 / 12000 = 416.67 -> 417.
    const pickup = await quote([['var_0002_1', 1]], 't-pickup', shop, { shipTo: { country: 'AT' } });
    expect(pickup.shipping).toMatchObject({ amount: { amount: 0 }, tax: { amount: 0 }, taxRate: { rateBasisPoints: 2000 } });
    expect(pickup.tax.amount).toBe(417);
  });

  it('after the lines: a cart with a line this channel cannot sell is still QuoteNotPossible', async () => {
    expect(
      await quote(
        [
          ['var_0002_1', 1],
          ['var_nope', 1],
        ],
        'teleport',
      ),
    ).toEqual({ __typename: 'QuoteNotPossible', unpriced: [{ variantId: 'var_nope', reason: 'NOT_IN_CHANNEL' }] });
  });

  it('refuses a malformed method code as bad input', async () => {
    const res = await prices(QUOTE, { input: { lines: [{ variantId: 'var_0002_1', quantity: 1 }], shippingMethod: 'no spaces' } }, shop as never);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_SHIPPING_METHOD' });
  });
});

describe('shipping in yen (0 decimals)', () => {
  it('charges whole yen with 10% consumption tax taken out', async () => {
    // ¥800 gross: tax 800 x 1000 / 11000 = 72.7 -> 73, net 727.
    const q = await quote([['var_0002_1', 1]], 't-jp', jp, { shipTo: { country: 'JP' } });
    expect(q.currency).toBe('JPY');
    expect(q.shipping).toMatchObject({
      amount: { amount: 800, currency: 'JPY' },
      net: { amount: 727 },
      tax: { amount: 73 },
      taxRate: { rateBasisPoints: 1000 },
    });
    expect(q.total.amount).toBe(q.lines[0].gross.amount + 800);
  });

  it('refuses a method staff priced in another currency than the channel charges', async () => {
    expect(await quote([['var_0002_1', 1]], 't-jp-eur', jp, { shipTo: { country: 'JP' } })).toMatchObject({
      __typename: 'ShippingNotAvailable',
      reason: 'CURRENCY_MISMATCH',
    });
  });
});

describe('shippingMethods: what a cart page offers', () => {
  const offers = async (vars: Record<string, unknown>, ctx: object = shop) => {
    const res = await prices(OFFERS, { shipTo: { country: 'DE' }, ...vars }, ctx as never);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data.shippingMethods;
  };

  it('lists the channel’s active methods in display order, each priced for the cart or unavailable with the reason', async () => {
    const list = await offers({ lines: [{ variantId: 'var_0002_1', quantity: 1 }] });
    expect(list).toEqual([
      // 690 x 19/119 = 110.17 -> 110
      {
        code: 't-flat',
        name: 'Flat',
        kind: 'FLAT',
        available: true,
        reason: null,
        freeFrom: null,
        price: { amount: { amount: 690, currency: 'EUR' }, net: { amount: 580 }, tax: { amount: 110 }, gross: { amount: 690 } },
      },
      {
        code: 't-free',
        name: 'Free from 50',
        kind: 'FREE_ABOVE',
        available: true,
        reason: null,
        freeFrom: { amount: 5000 },
        price: { amount: { amount: 490, currency: 'EUR' }, net: { amount: 412 }, tax: { amount: 78 }, gross: { amount: 490 } },
      },
      // 400 g: first band; 590 x 19/119 = 94.2 -> 94
      {
        code: 't-bands',
        name: 'By weight',
        kind: 'WEIGHT_BANDS',
        available: true,
        reason: null,
        freeFrom: null,
        price: { amount: { amount: 590, currency: 'EUR' }, net: { amount: 496 }, tax: { amount: 94 }, gross: { amount: 590 } },
      },
      { code: 't-pickup', name: 'Pickup Vienna', kind: 'PICKUP', available: false, reason: 'COUNTRY_NOT_SERVED', freeFrom: null, price: null },
    ]);
  });

  it('prices the offers as the quote will: coupons count towards the free-shipping threshold', async () => {
    const lines = [{ variantId: 'var_0002_1', quantity: 2 }];
    const free = (list: { code: string; price: { amount: { amount: number } } | null }[]) => list.find((o) => o.code === 't-free')!.price!.amount.amount;
    expect(free(await offers({ lines }))).toBe(0);
    expect(free(await offers({ lines, codes: ['SHIPMINUS1'] }))).toBe(490);
  });

  it('prices an empty cart without lines, and prices nothing when a line cannot be sold', async () => {
    const empty = await offers({});
    expect(empty.map((o: { code: string; price: { amount: { amount: number } } | null }) => [o.code, o.price?.amount.amount ?? null])).toEqual([
      ['t-flat', 690],
      ['t-free', 490],
      ['t-bands', 590],
      ['t-pickup', null],
    ]);
    const unsellable = await offers({ lines: [{ variantId: 'var_nope', quantity: 1 }] });
    expect(unsellable.map((o: { available: boolean; reason: string }) => [o.available, o.reason])).toEqual(Array(4).fill([false, 'CART_NOT_PRICED']));
  });
});
