import { describe, expect, it } from 'vitest';
import { bff, direct, postGraphQL, signedContext, system } from '../support/clients.ts';
import { CONTEXT_HEADER } from '@storegraph/schema';

const QUOTE = `query QuoteWithBooks($input: QuoteInput!) { quote(input: $input) { __typename
  ... on Quote { currency lines { variantId unit { amount currency } net { amount } tax { amount } gross { amount } bookId level }
    net { amount } tax { amount } gross { amount } total { amount currency } }
  ... on QuoteNotPossible { unpriced { variantId reason } } } }`;
const ENTITY_PRICE = `query($r: [_Any!]!, $q: Int!) { _entities(representations: $r) { ... on Variant { price(quantity: $q) {
  ... on VariantPrice { unit { amount currency } bookId } } } } }`;

// product 3 (i = 2 in the seed) is sold in web-eu, trade-eu and the Berlin shop, on no sale book; product 2 is on Acme's contract.
const SHARED = 'var_0003_1';
const CONTRACT = 'var_0002_1';
const quoteOf = (variantId: string, quantity: number) => ({ input: { lines: [{ variantId, quantity }] } });

// Demo list prices (packages/demo, seed-prices.ts), worked out by hand:
// product 3 (i = 2): 219.00 EUR gross in bk_base_eur, on no sale book (i % 9 != 0), not a jacket (no gold price).
// product 2 (i = 1): 119.00 EUR gross; trade net 119.00 / 1.19 = 100.00; Acme 75 % = 75.00 (70 % = 70.00 from
// 10 units), Globex 80 % = 80.00. Not a jacket, so loyalty-gold Anna pays the base 119.00; not sold by the till.
const SHARED_GROSS = 21_900;
const CONTRACT_GROSS = 11_900;
const ACME_UNIT = 7_500;
const ACME_UNIT_FROM_10 = 7_000;
const GLOBEX_UNIT = 8_000;

describe('one price whichever BFF asks', () => {
  it('gives the web shop and the Berlin till the same EUR price for the same variant and quantity', async () => {
    const web = await bff('b2c', 'PriceQuote', quoteOf(SHARED, 3));
    const till = await bff('pos', 'PriceQuote', quoteOf(SHARED, 3), { as: 'till-1@berlin.shop' });
    expect(web.errors).toBeUndefined();
    expect(till.errors).toBeUndefined();
    expect(web.data.quote.lines[0].unit).toEqual({ amount: SHARED_GROSS, currency: 'EUR' });
    expect(web.data.quote.lines[0].subtotal).toEqual({ amount: 3 * SHARED_GROSS, currency: 'EUR' });
    expect(web.data.quote.taxIncluded).toBe(true);
    expect(till.data.quote.lines[0]).toEqual(web.data.quote.lines[0]);
    expect(till.data.quote.subtotal).toEqual(web.data.quote.subtotal);
  });

  it('gives an Acme buyer its contract price through the B2B portal, with the 10+ tier', async () => {
    for (const [quantity, unit] of [
      [1, ACME_UNIT],
      [10, ACME_UNIT_FROM_10],
    ] as const) {
      const portal = await bff('b2b', 'PriceQuote', quoteOf(CONTRACT, quantity), { as: 'buyer@acme.example' });
      expect(portal.errors).toBeUndefined();
      expect(portal.data.quote.taxIncluded).toBe(false);
      expect(portal.data.quote.lines[0].unit, `${quantity} units`).toEqual({ amount: unit, currency: 'EUR' });
      expect(portal.data.quote.lines[0].subtotal, `${quantity} units`).toEqual({ amount: quantity * unit, currency: 'EUR' });
    }
  });
});

describe('trade-eu contract prices stay with their company', () => {
  it('shows Acme its contract, Globex its own, and consumers the list price, through every BFF', async () => {
    const acme = await bff('b2b', 'PriceQuote', quoteOf(CONTRACT, 1), { as: 'buyer@acme.example' });
    const globex = await bff('b2b', 'PriceQuote', quoteOf(CONTRACT, 1), { as: 'buyer@globex.example' });
    const anonymous = await bff('b2c', 'PriceQuote', quoteOf(CONTRACT, 1));
    const anna = await bff('b2c', 'PriceQuote', quoteOf(CONTRACT, 1), { as: 'anna@example.com' });
    const till = await bff('pos', 'PriceQuote', quoteOf(CONTRACT, 1), { as: 'till-1@berlin.shop' });
    expect(acme.data.quote.lines[0].unit.amount).toBe(ACME_UNIT);
    expect(globex.data.quote.lines[0].unit.amount).toBe(GLOBEX_UNIT);
    for (const consumer of [anonymous, anna]) {
      expect(consumer.errors).toBeUndefined();
      expect(consumer.data.quote.lines[0].unit).toEqual({ amount: CONTRACT_GROSS, currency: 'EUR' });
    }
    // The Berlin shop does not sell product 2: no price at all, let alone a contract one.
    expect(till.errors).toBeUndefined();
    expect(till.data.quote.__typename).toBe('QuoteNotPossible');
    expect(till.data.quote.unpriced).toEqual([{ variantId: CONTRACT, reason: 'NOT_IN_CHANNEL', message: expect.any(String) }]);
  });

  it('keeps contracts from consumers asking the prices subgraph directly', async () => {
    const r = [{ __typename: 'Variant', id: CONTRACT }];
    for (const extra of [{}, { customerId: 'cus_anna', customerGroup: 'loyalty-gold' }, { customerId: 'cus_x', companyId: 'cmp_acme' }]) {
      const res = await direct(system().prices, ENTITY_PRICE, { r, q: 10 }, 'web-eu', extra);
      expect(res.data._entities[0].price.bookId, JSON.stringify(extra)).toBe('bk_base_eur');
    }
    const quote = await direct(system().prices, QUOTE, quoteOf(CONTRACT, 10), 'web-eu', { customerId: 'cus_x', companyId: 'cmp_acme' });
    expect(quote.data.quote.lines[0].bookId).toBe('bk_base_eur');
  });
});

describe('cost of pricing many variants', () => {
  const sqlFor = async (n: number) => {
    // Products 1..n+ of the demo: quote lines are priced by the loaders in one batch.
    const lines = Array.from({ length: n }, (_, i) => ({ variantId: `var_${String(i + 1).padStart(4, '0')}_1`, quantity: 1 + (i % 12) }));
    const headers = { [CONTEXT_HEADER]: await signedContext('trade-eu', { customerId: 'cus_acme_buyer', companyId: 'cmp_acme' }) };
    const res = await postGraphQL(system().gateway, { query: QUOTE, variables: { input: { lines } } }, headers);
    expect(res.errors).toBeUndefined();
    expect(res.data.quote.lines).toHaveLength(n);
    return res.extensions!.sqlStatements!.prices!;
  };

  it('prices 50 variants with the same number of SQL statements as 5', async () => {
    const five = await sqlFor(5);
    const fifty = await sqlFor(50);
    expect(five).toBeGreaterThan(0);
    expect(fifty).toBe(five);
  });
});
