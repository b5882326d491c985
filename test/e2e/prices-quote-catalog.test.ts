import { describe, expect, it } from 'vitest';
import { bff, direct, system } from '../support/clients.ts';

const QUOTE = `query($input: QuoteInput!) { quote(input: $input) {
  __typename
  ... on Quote { total { amount currency } }
  ... on QuoteNotPossible { unpriced { variantId reason } }
} }`;

describe('a quote asks the catalog, not the client', () => {
  it('refuses to quote a variant the channel does not sell (a trade-only bulk pack on web-eu)', async () => {
    // var_0010_1 belongs to prd_0010, a trade-only bulk pack in the demo catalog.
    const res = await bff('b2c', 'PriceQuote', {
      input: {
        lines: [
          { variantId: 'var_0010_1', quantity: 1 },
          { variantId: 'var_0002_1', quantity: 1 },
        ],
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.quote.__typename).toBe('QuoteNotPossible');
    expect(res.data.quote.unpriced).toEqual([{ variantId: 'var_0010_1', reason: 'NOT_IN_CHANNEL', message: expect.any(String) }]);
    const trade = await bff('b2b', 'PriceQuote', { input: { lines: [{ variantId: 'var_0010_1', quantity: 1 }] } }, { as: 'buyer@acme.example' });
    expect(trade.errors).toBeUndefined();
    expect(trade.data.quote.__typename).toBe('Quote');
    expect(trade.data.quote.lines.map((l: { variantId: string }) => l.variantId)).toEqual(['var_0010_1']);
  });

  it('does not let a client claim categories to unlock a category promotion', async () => {
    const claimed = await direct(
      system().prices,
      QUOTE,
      { input: { lines: [{ variantId: 'var_0002_1', quantity: 1, categoryIds: ['cat_boots'] }] } },
      'web-eu',
    );
    expect(claimed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(claimed.errors?.[0]?.message).toContain('categoryIds');
    expect(claimed.data ?? null).toBeNull();
  });
});
