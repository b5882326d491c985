import { beforeAll, describe, expect, it } from 'vitest';
import { direct, sqlClient, system } from '../../../test/support/clients.ts';
import { asAdmin, countRows, prices, seededAmount } from './support.ts';

// This file owns its data: shipping methods in test-at-trade and test-jp (no other file ships there), a
// GROUP book only callers of the test-shipping group see, and a coupon-only promotion that applies only
// when its code is sent. Amounts are worked out by hand in the comments, never with the engine's code.
const AT_TRADE = 'test-at-trade';
const shop = { channel: AT_TRADE, currency: 'EUR', country: 'DE', taxMode: 'INCLUSIVE' as const, customerGroup: 'test-shipping' };
const trade = { ...shop, taxMode: 'EXCLUSIVE' as const };
const jp = { channel: 'test-jp', currency: 'JPY', country: 'JP', locale: 'en' as never, taxMode: 'INCLUSIVE' as const };

const UPSERT = `mutation($i: ShippingMethodInput!) { upsertShippingMethod(input: $i) {
  channel code name kind amount { amount currency } freeFrom { amount currency } weightBands { upToGrams amount { amount } }
  taxCategory countries active position } }`;

const SHIPPING = `shipping { method name amount { amount currency } net { amount } tax { amount } gross { amount } taxRate { category rateBasisPoints } }`;
const QUOTE = `query($input: QuoteInput!) { quote(input: $input) {
  __typename
  ... on Quote { currency ${SHIPPING}
    lines { variantId total { amount } gross { amount } }
    taxLines { category rateBasisPoints net { amount } tax { amount } }
    subtotal { amount } discountTotal { amount } net { amount } tax { amount } gross { amount } total { amount } }
  ... on ShippingNotAvailable { method reason message }
  ... on QuoteNotPossible { unpriced { variantId reason } } } }`;

const OFFERS = `query($shipTo: QuoteJurisdictionInput, $lines: [QuoteLineInput!], $codes: [String!]) {
  shippingMethods(shipTo: $shipTo, lines: $lines, couponCodes: $codes) {
    code name kind available reason freeFrom { amount } price { amount { amount currency } net { amount } tax { amount } gross { amount } } } }`;

type Line = [variantId: string, quantity: number];
async function quote(lines: Line[], shippingMethod: string | null, ctx: object = shop, extra: Record<string, unknown> = {}, channel = 'web-eu') {
  const input = { lines: lines.map(([variantId, quantity]) => ({ variantId, quantity })), shipTo: { country: 'DE' }, shippingMethod, ...extra };
  const res = await prices(QUOTE, { input }, ctx as never, channel);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.quote;
}

async function upsert(input: Record<string, unknown>) {
  const res = await prices(UPSERT, { i: { currency: 'EUR', ...input } }, asAdmin({ channel: input.channel as string }));
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.upsertShippingMethod;
}

beforeAll(async () => {
  const admin = asAdmin({ channel: AT_TRADE });
  const book = await prices(
    `mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id } }`,
    {
      i: {
        id: 'bk_test_shipping',
        name: 'Shipping test',
        level: 'GROUP',
        currency: 'EUR',
        channel: AT_TRADE,
        customerGroup: 'test-shipping',
        taxIncluded: true,
      },
    },
    admin,
  );
  expect(book.errors).toBeUndefined();
  const entries = await prices(
    `mutation($e: [PriceEntryInput!]!) { importPriceEntries(bookId: "bk_test_shipping", entries: $e) { imported } }`,
    {
      e: [
        { variantId: 'var_0002_1', amount: 2500 },
        { variantId: 'var_0003_1', amount: 2499 },
        { variantId: 'var_0004_1', amount: 100 },
      ],
    },
    admin,
  );
  expect(entries.errors).toBeUndefined();
  const promo = await prices(
    `mutation($i: PromotionInput!) { upsertPromotion(input: $i) { id } }`,
    {
      i: {
        id: 'tp_ship_minus1',
        channel: AT_TRADE,
        name: 'One euro off',
        kind: 'AMOUNT_OFF',
        target: 'SUBTOTAL',
        amountOff: { amount: 100, currency: 'EUR' },
        couponCode: 'SHIPMINUS1',
      },
    },
    admin,
  );
  expect(promo.errors).toBeUndefined();
  await upsert({ channel: AT_TRADE, code: 't-flat', name: 'Flat', kind: 'FLAT', amount: 690, position: 0 });
  await upsert({
    channel: AT_TRADE,
    code: 't-free',
    name: 'Free from 50',
    kind: 'FREE_ABOVE',
    amount: 490,
    freeFrom: 5000,
    countries: ['DE', 'AT'],
    position: 1,
  });
  await upsert({
    channel: AT_TRADE,
    code: 't-bands',
    name: 'By weight',
    kind: 'WEIGHT_BANDS',
    weightBands: [
      { upToGrams: 10_000, amount: 1290 },
      { upToGrams: 2_000, amount: 590 },
    ],
    position: 2,
  });
  await upsert({ channel: AT_TRADE, code: 't-pickup', name: 'Pickup Vienna', kind: 'PICKUP', countries: ['AT'], position: 3 });
  await upsert({ channel: AT_TRADE, code: 't-off', name: 'Retired', kind: 'FLAT', amount: 100, active: false, position: 4 });
  await upsert({ channel: 'test-jp', code: 't-jp', name: 'Yamato', kind: 'FLAT', currency: 'JPY', amount: 800 });
  await upsert({ channel: 'test-jp', code: 't-jp-eur', name: 'Misconfigured', kind: 'FLAT', currency: 'EUR', amount: 500 });
});

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

describe('upsertShippingMethod', () => {
  const testChMethods = async () => {
    const sql = sqlClient();
    try {
      return await sql`select code, name, kind, amount::int8 as amount, active from prices.shipping_methods where channel = 'test-ch' order by code`;
    } finally {
      await sql.end();
    }
  };
  const input = { channel: 'test-ch', code: 't-staff', name: 'Staff test', kind: 'FLAT', currency: 'CHF', amount: 900 };

  it('is for pricing admins of the method’s channel', async () => {
    const before = await testChMethods();
    const other = await prices(UPSERT, { i: input }, { staff: { id: 'stf_pricing_us', roles: ['pricing-admin'], channels: ['web-us'] } } as never);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await prices(UPSERT, { i: input }, { staff: { id: 'stf_viewer', roles: ['viewer'], channels: ['*'] } } as never);
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing written: test-ch's methods are what they were (the creating test may have run first).
    expect(await testChMethods()).toEqual(before);
  });

  it('refuses input that does not fit the kind, with a stable reason, and writes nothing', async () => {
    const before = await testChMethods();
    const cases: [Record<string, unknown>, string][] = [
      [{ freeFrom: 5000 }, 'INVALID_AMOUNT'],
      [{ amount: -1 }, 'INVALID_AMOUNT'],
      [{ kind: 'FREE_ABOVE' }, 'INVALID_AMOUNT'],
      [{ kind: 'PICKUP', amount: 100 }, 'INVALID_AMOUNT'],
      [
        {
          kind: 'WEIGHT_BANDS',
          amount: null,
          weightBands: [
            { upToGrams: 1000, amount: 100 },
            { upToGrams: 1000, amount: 200 },
          ],
        },
        'INVALID_WEIGHT_BANDS',
      ],
      [{ kind: 'WEIGHT_BANDS', amount: null, weightBands: [] }, 'INVALID_WEIGHT_BANDS'],
      [{ weightBands: [{ upToGrams: 1000, amount: 100 }] }, 'INVALID_WEIGHT_BANDS'],
      [{ countries: ['Germany'] }, 'INVALID_COUNTRY'],
      [{ code: 'has space' }, 'INVALID_SHIPPING_METHOD'],
      [{ currency: 'eur' }, 'INVALID_CURRENCY'],
    ];
    for (const [patch, reason] of cases) {
      const res = await prices(UPSERT, { i: { ...input, ...patch } }, asAdmin({ channel: 'test-ch' }));
      expect(res.errors?.[0]?.extensions, reason).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    }
    // Nothing written: test-ch's methods are what they were (the creating test may have run first).
    expect(await testChMethods()).toEqual(before);
  });

  it('creates a method and replaces it under the same channel and code', async () => {
    expect(await upsert({ ...input, countries: ['DE', 'CH', 'DE'] })).toEqual({
      channel: 'test-ch',
      code: 't-staff',
      name: 'Staff test',
      kind: 'FLAT',
      amount: { amount: 900, currency: 'CHF' },
      freeFrom: null,
      weightBands: [],
      taxCategory: 'STANDARD',
      countries: ['CH', 'DE'],
      active: true,
      position: 0,
    });
    const bands = await upsert({
      ...input,
      name: 'By weight',
      kind: 'WEIGHT_BANDS',
      amount: null,
      weightBands: [{ upToGrams: 500, amount: 700 }],
      active: false,
    });
    expect(bands).toMatchObject({
      name: 'By weight',
      kind: 'WEIGHT_BANDS',
      amount: null,
      weightBands: [{ upToGrams: 500, amount: { amount: 700 } }],
      active: false,
    });
    expect(await countRows(`select count(*) as n from prices.shipping_methods where channel = 'test-ch'`)).toBe(1);
  });
});
