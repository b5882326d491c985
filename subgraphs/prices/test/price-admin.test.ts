import { describe, expect, it } from 'vitest';
import { asAdmin, countRows, priceOf, prices } from './support.ts';

const BOOK = `mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id level currency channel taxIncluded } }`;
const IMPORT = `mutation($b: ID!, $e: [PriceEntryInput!]!, $r: Boolean!) { importPriceEntries(bookId: $b, entries: $e, replaceAll: $r) { bookId imported removed } }`;
const admin = asAdmin({ channel: 'test-import' });
const ctx = { channel: 'test-import' };

describe('bulk price import', () => {
  it('imports 10,000 entries in one go and prices from them', async () => {
    const book = await prices(
      BOOK,
      { i: { id: 'bk_test_import', name: 'Import test', level: 'CHANNEL', currency: 'EUR', channel: 'test-import', taxIncluded: true } },
      admin,
    );
    expect(book.data.upsertPriceBook).toEqual({ id: 'bk_test_import', level: 'CHANNEL', currency: 'EUR', channel: 'test-import', taxIncluded: true });
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ variantId: `var_imp_${i}`, amount: 1000 + i }));
    entries[0] = { variantId: 'var_0002_1', amount: 4242 };
    const res = await prices(IMPORT, { b: 'bk_test_import', e: entries, r: false }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data.importPriceEntries).toEqual({ bookId: 'bk_test_import', imported: 10_000, removed: 0 });
    expect(await priceOf('var_0002_1', 1, ctx)).toMatchObject({ bookId: 'bk_test_import', unit: { amount: 4242 } });
    // Same key again replaces the price instead of creating a tie.
    await prices(IMPORT, { b: 'bk_test_import', e: [{ variantId: 'var_0002_1', amount: 4343 }], r: false }, admin);
    expect(await priceOf('var_0002_1', 1, ctx)).toMatchObject({ unit: { amount: 4343 } });
    expect(await countRows(`select count(*) as n from prices.price_entries where book_id = 'bk_test_import'`)).toBe(10_000);
  });

  it('writes nothing when one entry of an import is invalid, or when it is too large', async () => {
    await prices(BOOK, { i: { id: 'bk_test_atomic', name: 'Atomic', level: 'CHANNEL', currency: 'EUR', channel: 'test-import', taxIncluded: false } }, admin);
    const bad = await prices(
      IMPORT,
      {
        b: 'bk_test_atomic',
        e: [
          { variantId: 'var_a1', amount: 100 },
          { variantId: 'var_a2', amount: -5 },
          { variantId: 'var_a3', amount: 100, validFrom: '2025-02-01T00:00:00Z', validTo: '2025-01-01T00:00:00Z' },
          { variantId: 'var_a1', amount: 200 },
        ],
        r: false,
      },
      admin,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ENTRIES' });
    expect((bad.errors![0]!.extensions!.entryErrors as { index: number }[]).map((e) => e.index)).toEqual([1, 2, 3]);
    const tooMany = await prices(
      IMPORT,
      { b: 'bk_test_atomic', e: Array.from({ length: 10_001 }, (_, i) => ({ variantId: `v${i}`, amount: 1 })), r: false },
      admin,
    );
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_ENTRIES' });
    const floaty = await prices(IMPORT, { b: 'bk_test_atomic', e: [{ variantId: 'var_f', amount: 12.5 }], r: false }, admin);
    expect(floaty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await prices(IMPORT, { b: 'bk_nope', e: [{ variantId: 'var_f', amount: 1 }], r: false }, admin);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_BOOK' });
    expect(await countRows(`select count(*) as n from prices.price_entries where book_id = 'bk_test_atomic'`)).toBe(0);
  });

  it('keeps staff to their channels and books to a consistent scope', async () => {
    const us = { staff: { id: 'stf_pricing_us', roles: ['pricing-admin'], channels: ['web-us'] } } as never;
    const denied = await prices(IMPORT, { b: 'bk_base_eur', e: [{ variantId: 'var_0002_1', amount: 1 }], r: true }, us);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countRows(`select count(*) as n from prices.price_entries where book_id = 'bk_base_eur' and amount = 1`)).toBe(0);
    const scope = await prices(BOOK, { i: { id: 'bk_bad_scope', name: 'x', level: 'BASE', currency: 'EUR', channel: 'web-eu', taxIncluded: true } }, asAdmin());
    expect(scope.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_BOOK_SCOPE' });
    // A book of this test's own (the import test's book is that test's): its currency cannot change.
    const own = { id: 'bk_test_scope', name: 'Scope test', level: 'CHANNEL', currency: 'EUR', channel: 'test-import', taxIncluded: true };
    expect((await prices(BOOK, { i: own }, admin)).errors).toBeUndefined();
    const currency = await prices(BOOK, { i: { ...own, currency: 'USD' } }, admin);
    expect(currency.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IMMUTABLE_BOOK_FIELD' });
  });
});

describe('configuration errors are reported, never resolved by chance', () => {
  it('refuses to price a tie between two group books and lists it for staff', async () => {
    const group = { channel: 'test-tie', customerGroup: 'test-tie-group' };
    for (const [id, channel] of [
      ['bk_tie_all', null],
      ['bk_tie_chan', 'test-tie'],
    ] as const) {
      const b = await prices(
        BOOK,
        { i: { id, name: id, level: 'GROUP', currency: 'EUR', customerGroup: 'test-tie-group', channel, taxIncluded: true } },
        asAdmin(),
      );
      expect(b.errors).toBeUndefined();
      await prices(IMPORT, { b: id, e: [{ variantId: 'var_0005_1', amount: id === 'bk_tie_all' ? 1000 : 900 }], r: true }, asAdmin());
    }
    expect(await priceOf('var_0005_1', 1, group)).toMatchObject({ __typename: 'PriceNotFound', reason: 'AMBIGUOUS' });
    expect((await priceOf('var_0005_1', 1, { channel: 'test-tie' })).bookId).toBe('bk_base_eur');
    const issues = await prices(`{ pricingConfigurationIssues { kind variantId level entries { bookId } message } }`, {}, asAdmin({ channel: 'test-tie' }));
    expect(issues.data.pricingConfigurationIssues).toContainEqual(
      expect.objectContaining({
        kind: 'AMBIGUOUS_ENTRIES',
        variantId: 'var_0005_1',
        level: 'GROUP',
        entries: [{ bookId: 'bk_tie_all' }, { bookId: 'bk_tie_chan' }],
      }),
    );
    const customer = await prices(`{ pricingConfigurationIssues { variantId } }`, {}, group);
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
