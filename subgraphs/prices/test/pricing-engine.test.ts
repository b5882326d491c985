import { describe, expect, it } from 'vitest';
import { convertMinor, parseDecimalRate } from '../src/money/fx.math.ts';
import { charmRound } from '../src/money/charm-rounding.math.ts';
import { asAdmin, priceOf, prices, QUOTE, seededAmount, taxOfGross } from './support.ts';

// var_0002_1: product 2 is in web-eu, web-us and trade-eu, on Acme's contract (10+ tier too) and on no sale book.
const V = 'var_0002_1';
const jp = { channel: 'test-jp', currency: 'JPY', country: 'JP', locale: 'en' as never, taxMode: 'INCLUSIVE' as const };
const kw = { channel: 'test-kw', currency: 'KWD', country: 'KW', locale: 'en' as never, taxMode: 'EXCLUSIVE' as const };

describe('net, tax and gross in inclusive and exclusive channels', () => {
  it('shows the gross EUR list price in web-eu with 19% VAT taken out of it', async () => {
    const gross = await seededAmount('bk_base_eur', V);
    const p = await priceOf(V, 3);
    expect(p).toMatchObject({ __typename: 'VariantPrice', level: 'BASE', bookId: 'bk_base_eur', taxIncluded: true, converted: false });
    expect(p.unit.amount).toBe(gross);
    expect(p.gross.amount).toBe(gross * 3);
    expect(p.tax.amount).toBe(taxOfGross(gross * 3, 1900));
    expect(p.net.amount + p.tax.amount).toBe(p.gross.amount);
  });

  it('prices the gross base book net in a tax-exclusive channel that has no book of its own', async () => {
    const gross = await seededAmount('bk_base_eur', V);
    const p = await priceOf(V, 1, { channel: 'test-at-trade', country: 'AT', taxMode: 'EXCLUSIVE' });
    expect(p.unit.amount).toBe(gross - taxOfGross(gross, 2000));
    expect(p.taxIncluded).toBe(false);
    expect(p.net.amount).toBe(p.unit.amount);
    expect(p.net.amount + p.tax.amount).toBe(p.gross.amount);
  });

  it('adds VAT on top of the net trade book for a trade buyer', async () => {
    const net = await seededAmount('bk_trade_eu', V);
    const p = await priceOf(V, 1, {}, 'trade-eu');
    expect(p).toMatchObject({ bookId: 'bk_trade_eu', taxIncluded: false });
    expect(p.net.amount).toBe(net);
    expect(p.gross.amount).toBe(net + p.tax.amount);
  });
});

describe('FX conversion', () => {
  it('converts the EUR base into whole yen when no JPY book exists, and says so', async () => {
    const gross = await seededAmount('bk_base_eur', V);
    const p = await priceOf(V, 1, jp);
    expect(p).toMatchObject({ converted: true, fxSourceCurrency: 'EUR', unit: { currency: 'JPY' } });
    expect(p.unit.amount).toBe(Number(convertMinor(BigInt(gross), 'EUR', 'JPY', parseDecimalRate('161.5')!)));
    expect(Number.isInteger(p.unit.amount)).toBe(true);
    expect(p.net.amount + p.tax.amount).toBe(p.gross.amount);
  });

  it('converts into KWD fils with three decimals', async () => {
    const gross = await seededAmount('bk_base_eur', V);
    const p = await priceOf(V, 1, kw);
    expect(p.unit).toEqual({ amount: Number(convertMinor(BigInt(gross), 'EUR', 'KWD', parseDecimalRate('0.332')!)), currency: 'KWD' });
    expect(p.converted).toBe(true);
  });

  it('applies the channel rounding rule to converted prices and a staff-set rate once it is in force', async () => {
    const set = await prices(
      `mutation { setChannelPricing(input: { channel: "test-jp", fxSourceCurrency: "EUR", rounding: { ending: 980, step: 1000 } }) { rounding { ending step } } }`,
      {},
      asAdmin(jp),
    );
    expect(set.errors).toBeUndefined();
    const gross = BigInt(await seededAmount('bk_base_eur', V));
    const before = await priceOf(V, 1, jp);
    expect(before.unit.amount).toBe(Number(charmRound(convertMinor(gross, 'EUR', 'JPY', parseDecimalRate('161.5')!), { ending: 980, step: 1000 })));
    expect(before.unit.amount % 1000).toBe(980);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await prices(
      `mutation($i: FxRateInput!) { setFxRate(input: $i) { rate effectiveFrom } }`,
      { i: { baseCurrency: 'EUR', quoteCurrency: 'JPY', rate: '190', effectiveFrom: future } },
      asAdmin(),
    );
    expect(scheduled.data.setFxRate.rate).toBe('190');
    expect((await priceOf(V, 1, jp)).unit.amount).toBe(before.unit.amount);

    const now = await prices(
      `mutation($i: FxRateInput!) { setFxRate(input: $i) { rate source } }`,
      { i: { baseCurrency: 'EUR', quoteCurrency: 'JPY', rate: '120.25' } },
      asAdmin(),
    );
    expect(now.data.setFxRate).toEqual({ rate: '120.25', source: 'staff:stf_test_admin' });
    const after = await priceOf(V, 1, jp);
    expect(after.unit.amount).toBe(Number(charmRound(convertMinor(gross, 'EUR', 'JPY', parseDecimalRate('120.25')!), { ending: 980, step: 1000 })));
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
    expect(await priceOf(V, 1, acme, 'trade-eu')).toMatchObject({ level: 'COMPANY', bookId: 'bk_acme', unit: { amount: await seededAmount('bk_acme', V) } });
    expect(await priceOf(V, 10, acme, 'trade-eu')).toMatchObject({ bookId: 'bk_acme', unit: { amount: await seededAmount('bk_acme', V, 10) } });
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
    const unit = await seededAmount('bk_acme', V, 10);
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
