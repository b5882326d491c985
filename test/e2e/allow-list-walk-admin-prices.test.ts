import { beforeAll, describe, expect, it } from 'vitest';
import { data, one } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminTestProduct, adminWalk, codes } from './admin-walk-support.ts';

/**
 * The admin BFF's pricing operations, run by name by built-in staff: a pricing admin on every channel gives
 * this file's own product books, entries, a promotion and a shipping method in the EU staging channel
 * (which no demo product or price uses), and explains the price that results. A pricing admin of web-us
 * only is refused what is not theirs.
 */
const run = adminWalk('prices');
const K = Math.random().toString(36).slice(2, 10);
const CHANNEL_BOOK = `bk_t_walk_${K}`;
const RIVAL_BOOK = `bk_t_walk_rival_${K}`;
const staff = { id: '', all: '', usOnly: '', catalog: '' };
let variantId = '';

beforeAll(async () => {
  const [all, usOnly, catalog] = await Promise.all([
    createStaff('walk-prices', ['pricing-admin', 'viewer'], ['*']),
    createStaff('walk-prices-us', ['pricing-admin', 'viewer'], ['web-us']),
    createStaff('walk-prices-catalog', ['catalog-admin'], ['*']),
  ]);
  staff.id = all.id;
  staff.all = (await staffSession(all.email)).token;
  staff.usOnly = (await staffSession(usOnly.email)).token;
  staff.catalog = (await staffSession(catalog.email)).token;
  variantId = (await adminTestProduct(staff.catalog, 'prices', ['sandbox-eu'])).variantId;
});

const EU = { channel: 'sandbox-eu' };

// One walk, step after step: each step builds on what the one before it wrote (a product, a level, an
// order's status), so the steps keep their order under --sequence.shuffle; files still run in any order.
describe('the pricing walk', { shuffle: false }, () => {
  describe('books, entries and the price they give', () => {
    it('creates a channel book, fills it, replaces its entries, and PriceExplain shows which entry won', async () => {
      const auth = { token: staff.all, ...EU };
      const book = { id: CHANNEL_BOOK, name: 'Walk staging sale', level: 'CHANNEL', currency: 'EUR', channel: 'sandbox-eu', taxIncluded: true };
      expect(data(await run('UpsertPriceBook', { input: book }, auth)).upsertPriceBook).toEqual({ ...book, customerGroup: null, companyId: null });

      const base = data(await run('ImportPriceEntries', { bookId: 'bk_base_eur', entries: [{ variantId, amount: 5000 }] }, auth)).importPriceEntries;
      expect(base).toEqual({ bookId: 'bk_base_eur', imported: 1, removed: 0 });
      const first = data(
        await run('ImportPriceEntries', { bookId: CHANNEL_BOOK, entries: [{ variantId, amount: 4500, compareAt: 5000 }] }, auth),
      ).importPriceEntries;
      expect(first).toEqual({ bookId: CHANNEL_BOOK, imported: 1, removed: 0 });
      // replaceAll: the book's one entry goes, the new one comes.
      const replaced = data(
        await run('ImportPriceEntries', { bookId: CHANNEL_BOOK, entries: [{ variantId, amount: 4200, compareAt: 5000 }], replaceAll: true }, auth),
      ).importPriceEntries;
      expect(replaced).toEqual({ bookId: CHANNEL_BOOK, imported: 1, removed: 1 });

      const explained = data(await run('PriceExplain', { variantId, quantity: 3 }, auth)).priceExplain;
      expect(explained).toMatchObject({ variantId, quantity: 3, currency: 'EUR', fxRate: null });
      // 3 x 42.00 = 126.00 gross at 19 % German VAT: tax 126.00 x 19 / 119 = 20.117... -> 20.12, net 105.88.
      expect(explained.result).toMatchObject({
        __typename: 'VariantPrice',
        unit: { amount: 4200, currency: 'EUR' },
        total: { amount: 12600, currency: 'EUR' },
        compareAt: { amount: 5000, currency: 'EUR' },
        gross: { amount: 12600, currency: 'EUR' },
        tax: { amount: 2012, currency: 'EUR' },
        net: { amount: 10588, currency: 'EUR' },
        taxIncluded: true,
        taxRate: { category: 'STANDARD', rateBasisPoints: 1900 },
        level: 'CHANNEL',
        bookId: CHANNEL_BOOK,
        converted: false,
      });
      const verdicts = explained.candidates
        .filter((c: { amount: { currency: string } }) => c.amount.currency === 'EUR')
        .map((c: any) => [c.bookId, c.amount.amount, c.status])
        .sort();
      // The channel book outranks the base book; the replaced 45.00 entry is gone.
      expect(verdicts).toEqual([
        ['bk_base_eur', 5000, 'LESS_SPECIFIC_LEVEL'],
        [CHANNEL_BOOK, 4200, 'WINNER'],
      ]);
    });

    it('lists two books tying for the variant as a configuration issue, and the price as AMBIGUOUS', async () => {
      const auth = { token: staff.all, ...EU };
      const rival = { id: RIVAL_BOOK, name: 'Walk rival sale', level: 'CHANNEL', currency: 'EUR', channel: 'sandbox-eu', taxIncluded: true };
      data(await run('UpsertPriceBook', { input: rival }, auth));
      data(await run('ImportPriceEntries', { bookId: RIVAL_BOOK, entries: [{ variantId, amount: 4100 }] }, auth));
      const issues = data(await run('PricingConfigurationIssues', {}, auth)).pricingConfigurationIssues.filter(
        (i: { variantId: string }) => i.variantId === variantId,
      );
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ kind: 'AMBIGUOUS_ENTRIES', variantId, currency: 'EUR', level: 'CHANNEL', minQuantity: 1 });
      expect(issues[0].entries.map((e: { bookId: string }) => e.bookId)).toEqual([CHANNEL_BOOK, RIVAL_BOOK]);
      // A pricing admin of web-us does not see the staging channel's books.
      const theirs = data(await run('PricingConfigurationIssues', {}, { token: staff.usOnly })).pricingConfigurationIssues;
      expect(theirs.filter((i: { variantId: string }) => i.variantId === variantId)).toEqual([]);
      const ambiguous = data(await run('PriceExplain', { variantId, quantity: 1 }, auth)).priceExplain.result;
      expect(ambiguous).toMatchObject({ __typename: 'PriceNotFound', variantId, currency: 'EUR', reason: 'AMBIGUOUS' });
    });
  });

  describe('promotions, channel pricing and shipping of the staging channel', () => {
    const promo = {
      id: `promo_t_walk_${K}`,
      channel: 'sandbox-eu',
      name: 'Walk 10 % off',
      kind: 'PERCENT_OFF',
      target: 'PRODUCTS',
      percentBasisPoints: 1000,
      couponCode: `WALK${K}`.toUpperCase(),
      stacking: 'EXCLUSIVE',
      priority: 3,
      usageLimit: 100,
      perCustomerLimit: 1,
      active: true,
    };

    it('refuses a web-us pricing admin a staging promotion and writes nothing; the admin of every channel saves it', async () => {
      const refused = await run('UpsertPromotion', { input: { ...promo, variantIds: [variantId] } }, { token: staff.usOnly });
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from prices.promotions where id = ${promo.id}`)).toEqual({ n: 0 });

      const saved = data(await run('UpsertPromotion', { input: { ...promo, variantIds: [variantId] } }, { token: staff.all, ...EU })).upsertPromotion;
      const expected = { ...promo, variantIds: [variantId], categoryIds: [], amountOff: null, tiers: [], startsAt: null, endsAt: null };
      expect(saved).toEqual(expected);
      const listed = data(await run('Promotions', { channel: 'sandbox-eu' }, { token: staff.all, ...EU })).promotions;
      expect(listed.filter((p: { id: string }) => p.id === promo.id)).toEqual([expected]);
      expect(codes(await run('Promotions', { channel: 'sandbox-eu' }, { token: staff.usOnly }))).toEqual(['FORBIDDEN']);
    });

    it('sets the staging channel’s price rounding and reads it back', async () => {
      const auth = { token: staff.all, ...EU };
      const before = data(await run('ChannelPricing', { channel: 'sandbox-eu' }, auth)).channelPricing;
      try {
        const set = data(
          await run('SetChannelPricing', { input: { channel: 'sandbox-eu', fxSourceCurrency: 'EUR', rounding: { ending: 95, step: 100 } } }, auth),
        ).setChannelPricing;
        expect(set).toEqual({ channel: 'sandbox-eu', fxSourceCurrency: 'EUR', rounding: { ending: 95, step: 100 } });
        expect(data(await run('ChannelPricing', { channel: 'sandbox-eu' }, auth)).channelPricing).toEqual(set);
      } finally {
        // The staging channel had no rounding; put that back for the catalogue tests that price there.
        data(await run('SetChannelPricing', { input: { channel: 'sandbox-eu', fxSourceCurrency: before?.fxSourceCurrency ?? 'EUR', rounding: null } }, auth));
      }
    });

    it('adds a flat shipping method to the staging channel', async () => {
      const input = {
        channel: 'sandbox-eu',
        code: `walk_${K}`,
        name: 'Walk courier',
        kind: 'FLAT',
        currency: 'EUR',
        amount: 690,
        countries: ['DE'],
        position: 9,
      };
      const saved = data(await run('UpsertShippingMethod', { input }, { token: staff.all, ...EU })).upsertShippingMethod;
      expect(saved).toEqual({
        channel: 'sandbox-eu',
        code: input.code,
        name: 'Walk courier',
        kind: 'FLAT',
        amount: { amount: 690, currency: 'EUR' },
        freeFrom: null,
        weightBands: [],
        taxCategory: 'STANDARD',
        countries: ['DE'],
        active: true,
        position: 9,
      });
    });
  });

  describe('FX rates', () => {
    it('sets a rate for a pair nothing else uses, lists it, and refuses the feed import that is not configured here', async () => {
      // SEK -> NOK: no channel prices in either, so no other test sees the rate.
      const refused = await run('SetFxRate', { input: { baseCurrency: 'SEK', quoteCurrency: 'NOK', rate: '0.987654321' } }, { token: staff.usOnly });
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from prices.fx_rates where base_currency = 'SEK'`)).toEqual({ n: 0 });

      const effectiveFrom = new Date(Date.now() - 60_000).toISOString();
      const set = data(
        await run('SetFxRate', { input: { baseCurrency: 'SEK', quoteCurrency: 'NOK', rate: '0.987654321', effectiveFrom } }, { token: staff.all }),
      ).setFxRate;
      const rate = { baseCurrency: 'SEK', quoteCurrency: 'NOK', rate: '0.987654321', effectiveFrom, source: `staff:${staff.id}` };
      expect(set).toEqual(rate);
      const rates = data(await run('FxRates', {}, { token: staff.all })).fxRates;
      expect(rates.filter((r: { baseCurrency: string }) => r.baseCurrency === 'SEK')).toEqual([rate]);

      // The test system configures no feed (PRICES_FX_FEED_URL): the import is refused before anything is read.
      const noFeed = await run('ImportFxRates', {}, { token: staff.all });
      expect(codes(noFeed)).toEqual(['BAD_USER_INPUT']);
      expect(noFeed.errors?.[0]?.extensions?.reason).toBe('FX_FEED_NOT_CONFIGURED');
      expect(codes(await run('ImportFxRates', {}, { token: staff.usOnly }))).toEqual(['FORBIDDEN']);
    });
  });
});
