import { describe, expect, it } from 'vitest';
import { bff, direct, postGraphQL, signedContext, system } from '../support/clients.ts';
import { CONTEXT_HEADER } from '@storegraph/schema';

const QUOTE = `query PriceQuote($input: QuoteInput!) { quote(input: $input) { __typename
  ... on Quote { currency lines { variantId unit { amount currency } net { amount } tax { amount } gross { amount } bookId level }
    net { amount } tax { amount } gross { amount } total { amount currency } }
  ... on QuoteNotPossible { unpriced { variantId reason } } } }`;
const EXPLAIN = `query PriceExplain($variantId: ID!, $quantity: Int! = 1) { priceExplain(variantId: $variantId, quantity: $quantity) {
  result { ... on VariantPrice { unit { amount currency } bookId } } candidates { bookId status } } }`;
const ENTITY_PRICE = `query($r: [_Any!]!, $q: Int!) { _entities(representations: $r) { ... on Variant { price(quantity: $q) {
  ... on VariantPrice { unit { amount currency } bookId } } } } }`;

// product 3 (i = 2 in the seed) is sold in web-eu, trade-eu and the Berlin shop, on no sale book; product 2 is on Acme's contract.
const SHARED = 'var_0003_1';
const CONTRACT = 'var_0002_1';
const quoteOf = (variantId: string, quantity: number) => ({ input: { lines: [{ variantId, quantity }] } });

describe('one price whichever BFF asks', () => {
  it('gives the web shop and the Berlin till the same EUR price for the same variant and quantity', async () => {
    const web = await bff('b2c', QUOTE, quoteOf(SHARED, 3));
    const till = await bff('pos', QUOTE, quoteOf(SHARED, 3), { as: 'till-1@berlin.shop' });
    expect(web.errors).toBeUndefined();
    expect(till.errors).toBeUndefined();
    expect(web.data.quote.lines[0]).toEqual(till.data.quote.lines[0]);
    expect(web.data.quote.total).toEqual(till.data.quote.total);
    expect(web.data.quote.total.currency).toBe('EUR');
  });

  it('gives an Acme buyer the same contract price through the B2B portal as the pricing engine itself', async () => {
    for (const quantity of [1, 10]) {
      const portal = await bff('b2b', QUOTE, quoteOf(CONTRACT, quantity), { as: 'buyer@acme.example' });
      const engine = await direct(system().prices, ENTITY_PRICE, { r: [{ __typename: 'Variant', id: CONTRACT }], q: quantity }, 'trade-eu', {
        customerId: 'cus_acme_buyer',
        companyId: 'cmp_acme',
      });
      expect(portal.data.quote.lines[0].bookId).toBe('bk_acme');
      expect(portal.data.quote.lines[0].unit).toEqual(engine.data._entities[0].price.unit);
    }
  });
});

describe('trade-eu contract prices stay with their company', () => {
  it('shows Acme its contract, Globex its own, and consumers neither, through every BFF', async () => {
    const acme = await bff('b2b', QUOTE, quoteOf(CONTRACT, 1), { as: 'buyer@acme.example' });
    const globex = await bff('b2b', QUOTE, quoteOf(CONTRACT, 1), { as: 'buyer@globex.example' });
    const anonymous = await bff('b2c', QUOTE, quoteOf(CONTRACT, 1));
    const anna = await bff('b2c', QUOTE, quoteOf(CONTRACT, 1), { as: 'anna@example.com' });
    const till = await bff('pos', EXPLAIN, { variantId: CONTRACT }, { as: 'till-1@berlin.shop' });
    expect(acme.data.quote.lines[0].bookId).toBe('bk_acme');
    expect(globex.data.quote.lines[0].bookId).toBe('bk_globex');
    expect(globex.data.quote.lines[0].unit.amount).not.toBe(acme.data.quote.lines[0].unit.amount);
    for (const consumer of [anonymous, anna, till]) {
      expect(consumer.errors).toBeUndefined();
      expect(JSON.stringify(consumer.data)).not.toMatch(/bk_acme|bk_globex|bk_trade_eu/);
    }
    const explained = await bff('b2c', EXPLAIN, { variantId: CONTRACT }, { as: 'anna@example.com' });
    expect(explained.data.priceExplain.candidates.map((c: { bookId: string }) => c.bookId)).not.toContain('bk_acme');
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
