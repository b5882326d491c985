import { describe, expect, it } from 'vitest';
import { asAdmin, priceOf, prices } from './support.ts';

/**
 * importPriceEntries with replaceAll: the book holds exactly the new list afterwards. The book is a contract
 * of a company of this file's own, so nobody else's prices move. Staff sign a context (no admin BFF yet).
 */

const COMPANY = `cmp_t_replace_${process.pid}`;
const BOOK = `bk_t_replace_${process.pid}`;
const IMPORT = `mutation($b: ID!, $e: [PriceEntryInput!]!, $r: Boolean!) { importPriceEntries(bookId: $b, entries: $e, replaceAll: $r) { bookId imported removed } }`;
const buyer = { customerId: `cus_t_replace_${process.pid}`, companyId: COMPANY };

describe('importPriceEntries with replaceAll', () => {
  it('empties the book first: entries left out of the new list are gone and their variants fall back to the trade book', async () => {
    const book = await prices(
      `mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id } }`,
      { i: { id: BOOK, name: 'Replace test contract', level: 'COMPANY', currency: 'EUR', channel: 'trade-eu', companyId: COMPANY, taxIncluded: false } },
      asAdmin(),
      'trade-eu',
    );
    expect(book.errors).toBeUndefined();
    const first = await prices(
      IMPORT,
      {
        b: BOOK,
        e: [
          { variantId: 'var_0002_1', amount: 5000 },
          { variantId: 'var_0003_1', amount: 6000 },
        ],
        r: false,
      },
      asAdmin(),
      'trade-eu',
    );
    expect(first.data.importPriceEntries).toEqual({ bookId: BOOK, imported: 2, removed: 0 });
    expect((await priceOf('var_0002_1', 1, buyer, 'trade-eu')).unit.amount).toBe(5000);

    const replaced = await prices(
      IMPORT,
      {
        b: BOOK,
        e: [
          { variantId: 'var_0003_1', amount: 6500 },
          { variantId: 'var_0004_1', amount: 7000 },
        ],
        r: true,
      },
      asAdmin(),
      'trade-eu',
    );
    // Both old entries were removed; the two new ones imported.
    expect(replaced.data.importPriceEntries).toEqual({ bookId: BOOK, imported: 2, removed: 2 });
    // var_0002_1 left the contract: the trade net list applies (119.00 gross / 1.19 = 100.00).
    expect(await priceOf('var_0002_1', 1, buyer, 'trade-eu')).toMatchObject({ bookId: 'bk_trade_eu', unit: { amount: 10_000 } });
    expect(await priceOf('var_0003_1', 1, buyer, 'trade-eu')).toMatchObject({ bookId: BOOK, unit: { amount: 6500 } });
    expect(await priceOf('var_0004_1', 1, buyer, 'trade-eu')).toMatchObject({ bookId: BOOK, unit: { amount: 7000 } });
  });
});
