import { describe, expect, it } from 'vitest';
import { asAdmin, priceOf, prices, QUOTE } from './support.ts';

// var_0002_1: product 2 is in web-eu, web-us and trade-eu, on Acme's contract (10+ tier too) and on no sale book.
const V = 'var_0002_1';
const jp = { channel: 'test-jp', currency: 'JPY', country: 'JP', locale: 'en' as never, taxMode: 'INCLUSIVE' as const };
const kw = { channel: 'test-kw', currency: 'KWD', country: 'KW', locale: 'en' as never, taxMode: 'EXCLUSIVE' as const };

// Expected figures worked out by hand from the demo seed (packages/demo, seed-prices.ts), never with the
// engine's own functions. Product 2 costs 119.00 EUR gross in bk_base_eur; trade net 119.00 / 1.19 = 100.00;
// Acme 75 % = 75.00, from 10 units 70 % = 70.00. Amounts are rounded half away from zero, once.
const GROSS = 11_900;
const TRADE_NET = 10_000;
const ACME = 7_500;
const ACME_FROM_10 = 7_000;

describe('net, tax and gross in inclusive and exclusive channels', () => {
  it('shows the gross EUR list price in web-eu with 19% VAT taken out of it', async () => {
    const p = await priceOf(V, 3);
    expect(p).toMatchObject({ __typename: 'VariantPrice', level: 'BASE', bookId: 'bk_base_eur', taxIncluded: true, converted: false });
    expect(p.unit.amount).toBe(GROSS);
    // 3 x 119.00 = 357.00 gross; VAT in it: 357.00 x 19 / 119 = 57.00; net 300.00.
    expect(p.gross.amount).toBe(35_700);
    expect(p.tax.amount).toBe(5_700);
    expect(p.net.amount).toBe(30_000);
    expect(p.net.amount + p.tax.amount).toBe(p.gross.amount);
  });

  it('prices the gross base book net in a tax-exclusive channel that has no book of its own', async () => {
    const p = await priceOf(V, 1, { channel: 'test-at-trade', country: 'AT', taxMode: 'EXCLUSIVE' });
    // Austrian VAT (20 %) in 119.00: 119.00 x 20 / 120 = 19.8333 -> 19.83; net 119.00 - 19.83 = 99.17.
    expect(p.unit.amount).toBe(9_917);
    expect(p.taxIncluded).toBe(false);
    expect(p.net.amount).toBe(p.unit.amount);
    expect(p.net.amount + p.tax.amount).toBe(p.gross.amount);
  });

  it('adds VAT on top of the net trade book for a trade buyer', async () => {
    const p = await priceOf(V, 1, {}, 'trade-eu');
    expect(p).toMatchObject({ bookId: 'bk_trade_eu', taxIncluded: false });
    // 100.00 net + 19 % = 19.00 VAT = 119.00 gross.
    expect(p.net.amount).toBe(TRADE_NET);
    expect(p.tax.amount).toBe(1_900);
    expect(p.gross.amount).toBe(11_900);
  });
});

describe('FX conversion', () => {
  it('converts the EUR base into whole yen when no JPY book exists, and says so', async () => {
    const p = await priceOf(V, 1, jp);
    expect(p).toMatchObject({ converted: true, fxSourceCurrency: 'EUR', unit: { currency: 'JPY' } });
    // 119.00 EUR x 161.5 = 19,218.5 yen -> 19,219 (half away from zero; yen have no minor digits).
    expect(p.unit.amount).toBe(19_219);
    expect(Number.isInteger(p.unit.amount)).toBe(true);
    expect(p.net.amount + p.tax.amount).toBe(p.gross.amount);
  });

  it('converts into KWD fils with three decimals', async () => {
    const p = await priceOf(V, 1, kw);
    // 119.00 EUR x 0.332 = 39.508 KWD = 39,508 fils.
    expect(p.unit).toEqual({ amount: 39_508, currency: 'KWD' });
    expect(p.converted).toBe(true);
  });

  it('applies the channel rounding rule to converted prices and a staff-set rate once it is in force', async () => {
    const set = await prices(
      `mutation { setChannelPricing(input: { channel: "test-jp", fxSourceCurrency: "EUR", rounding: { ending: 980, step: 1000 } }) { rounding { ending step } } }`,
      {},
      asAdmin(jp),
    );
    expect(set.errors).toBeUndefined();
    const before = await priceOf(V, 1, jp);
    // 19,219 yen rounded up to the next amount ending in 980: 19,980.
    expect(before.unit.amount).toBe(19_980);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await prices(
      `mutation($i: FxRateInput!) { setFxRate(input: $i) { rate effectiveFrom } }`,
      { i: { baseCurrency: 'EUR', quoteCurrency: 'JPY', rate: '190', effectiveFrom: future } },
      asAdmin(),
    );
    expect(scheduled.data.setFxRate.rate).toBe('190');
    expect((await priceOf(V, 1, jp)).unit.amount).toBe(before.unit.amount);

    const setJpy = (rate: string) =>
      prices(`mutation($i: FxRateInput!) { setFxRate(input: $i) { rate source } }`, { i: { baseCurrency: 'EUR', quoteCurrency: 'JPY', rate } }, asAdmin());
    try {
      const now = await setJpy('120.25');
      expect(now.data.setFxRate).toEqual({ rate: '120.25', source: 'staff:stf_test_admin' });
      const after = await priceOf(V, 1, jp);
      // 119.00 x 120.25 = 14,309.75 -> 14,310 yen, up to the next ...980: 14,980.
      expect(after.unit.amount).toBe(14_980);
    } finally {
      // The EUR/JPY rate is every channel's, and test-jp's rounding is the other tests' premise: both go back.
      expect((await setJpy('161.5')).errors).toBeUndefined();
      const plain = await prices(
        `mutation { setChannelPricing(input: { channel: "test-jp", fxSourceCurrency: "EUR" }) { rounding { ending } } }`,
        {},
        asAdmin(jp),
      );
      expect(plain.data.setChannelPricing.rounding).toBeNull();
    }
  });

  it('refuses to guess without a rate: no CHF rate means no CHF price', async () => {
    const p = await priceOf(V, 1, { channel: 'test-ch', currency: 'CHF', country: 'DE' });
    expect(p).toMatchObject({ __typename: 'PriceNotFound', reason: 'NO_FX_RATE', currency: 'CHF' });
  });

  it('refuses malformed rates and rates set by staff without an all-channel scope, writing nothing', async () => {
    const bad = await prices(`mutation { setFxRate(input: { baseCurrency: "EUR", quoteCurrency: "GBP", rate: "0.85e0" }) { rate } }`, {}, asAdmin());
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RATE' });
    const scoped = await prices(
      `mutation { setFxRate(input: { baseCurrency: "EUR", quoteCurrency: "GBP", rate: "0.9" }) { rate } }`,
      {},
      {
        staff: { id: 'stf_pricing_us', roles: ['pricing-admin'], channels: ['web-us'] },
      },
    );
    expect(scoped.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rates = await prices(`{ fxRates { baseCurrency quoteCurrency rate } }`, {}, asAdmin());
    expect(rates.data.fxRates).toContainEqual({ baseCurrency: 'EUR', quoteCurrency: 'GBP', rate: '0.85' });
  });
});

describe('company contract prices', () => {
  it('gives Acme its contract and its 10+ tier, Globex its own, and nobody else either', async () => {
    const acme = { customerId: 'cus_acme_buyer', companyId: 'cmp_acme' };
    expect(await priceOf(V, 1, acme, 'trade-eu')).toMatchObject({ level: 'COMPANY', bookId: 'bk_acme', unit: { amount: ACME } });
    expect(await priceOf(V, 10, acme, 'trade-eu')).toMatchObject({ bookId: 'bk_acme', unit: { amount: ACME_FROM_10 } });
    expect((await priceOf(V, 1, { customerId: 'cus_globex_buyer', companyId: 'cmp_globex' }, 'trade-eu')).bookId).toBe('bk_globex');
    expect((await priceOf(V, 1, {}, 'trade-eu')).bookId).toBe('bk_trade_eu');
    // Even a consumer context that claims the company is outside the contract's channel.
    expect((await priceOf(V, 1, { customerId: 'cus_anna', companyId: 'cmp_acme' })).bookId).toBe('bk_base_eur');
  });

  it('explains a price with every candidate the caller can see and why the winner won', async () => {
    const res = await prices(
      `{ priceExplain(variantId: "${V}", quantity: 10) { result { ... on VariantPrice { bookId } } candidates { bookId minQuantity status reason } } }`,
      {},
      { customerId: 'cus_acme_buyer', companyId: 'cmp_acme' },
      'trade-eu',
    );
    const e = res.data.priceExplain;
    expect(e.result.bookId).toBe('bk_acme');
    const status = Object.fromEntries(
      e.candidates.map((c: { bookId: string; minQuantity: number; status: string }) => [`${c.bookId}:${c.minQuantity}`, c.status]),
    );
    expect(status).toEqual({
      'bk_base_eur:1': 'LESS_SPECIFIC_LEVEL',
      'bk_base_usd:1': 'OTHER_CURRENCY',
      'bk_trade_eu:1': 'LESS_SPECIFIC_LEVEL',
      'bk_acme:1': 'LOWER_TIER',
      'bk_acme:10': 'WINNER',
    });
    const consumer = await prices(`{ priceExplain(variantId: "${V}") { candidates { bookId } } }`, {}, { customerId: 'cus_ben' });
    expect(consumer.data.priceExplain.candidates.map((c: { bookId: string }) => c.bookId)).not.toContain('bk_acme');
    expect(JSON.stringify(consumer.data)).not.toMatch(/acme|globex|trade/);
  });
});

describe('quotes', () => {
  it('prices a large B2B order above 2^31 minor units exactly, with the bulk tier coupon', async () => {
    const acme = { customerId: 'cus_acme_buyer', companyId: 'cmp_acme' };
    const unit = ACME_FROM_10;
    const res = await prices(QUOTE, { input: { lines: [{ variantId: V, quantity: 600_000 }], couponCodes: ['bulk'] } }, acme, 'trade-eu');
    expect(res.errors).toBeUndefined();
    const q = res.data.quote;
    expect(q.lines[0].unit.amount).toBe(unit);
    expect(q.subtotal.amount).toBe(unit * 600_000);
    expect(q.subtotal.amount).toBeGreaterThan(2 ** 31);
    // 600,000 units reach the 500+ tier of the trade bulk promotion: 5% off.
    expect(q.discounts).toEqual([expect.objectContaining({ promotionId: 'promo_trade_eu_bulk', amount: { amount: unit * 30_000, currency: 'EUR' } })]);
    expect(q.net.amount + q.tax.amount).toBe(q.gross.amount);
    expect(q.total.amount).toBe(q.gross.amount);
    expect(Number.isSafeInteger(q.total.amount)).toBe(true);
  });

  it('splits tax per rate and answers with the lines that cannot be sold instead of a partial quote', async () => {
    // var_0012_1 is reduced-rate (the seed reduces every 11th product from the first), var_0002_1 standard.
    const ok = await prices(QUOTE, {
      input: {
        lines: [
          { variantId: V, quantity: 1 },
          { variantId: 'var_0012_1', quantity: 2 },
        ],
      },
    });
    const q = ok.data.quote;
    expect(q.taxLines.map((t: { rateBasisPoints: number }) => t.rateBasisPoints)).toEqual([1900, 700]);
    expect(q.taxLines.reduce((s: number, t: { tax: { amount: number } }) => s + t.tax.amount, 0)).toBe(q.tax.amount);
    const missing = await prices(QUOTE, {
      input: {
        lines: [
          { variantId: V, quantity: 1 },
          { variantId: 'var_nope', quantity: 1 },
        ],
      },
    });
    expect(missing.data.quote).toEqual({
      __typename: 'QuoteNotPossible',
      // The catalog has no such variant, so it is not sold here at all.
      unpriced: [{ variantId: 'var_nope', reason: 'NOT_IN_CHANNEL' }],
      message: expect.any(String),
    });
  });

  it('refuses malformed carts with a stable reason', async () => {
    const cases: [unknown, string][] = [
      [{ lines: [] }, 'INVALID_LINES'],
      [{ lines: [{ variantId: V, quantity: 0 }] }, 'INVALID_QUANTITY'],
      [
        {
          lines: [
            { variantId: V, quantity: 1 },
            { variantId: V, quantity: 2 },
          ],
        },
        'DUPLICATE_LINE',
      ],
      [{ lines: [{ variantId: V, quantity: 1 }], shipTo: { country: 'Germany' } }, 'INVALID_JURISDICTION'],
      [{ lines: [{ variantId: V, quantity: 1 }], couponCodes: ['no spaces'] }, 'INVALID_COUPON_CODE'],
    ];
    for (const [input, reason] of cases) {
      const res = await prices(QUOTE, { input });
      expect(res.errors?.[0]?.extensions, reason).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    }
  });
});
