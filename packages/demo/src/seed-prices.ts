import { sql } from 'drizzle-orm';
import { tables as priceTables } from '@storegraph/prices';
import { divRound } from '@storegraph/schema';
import type { DemoProduct } from './demo-catalog.ts';
import { insertChunked, type SeedDb } from './seed-util.ts';

/** Integer share of an amount in percent, with the money path's one rounding rule. */
const pct = (amount: number, percent: number) => Number(divRound(BigInt(amount) * BigInt(percent), 100n));

/**
 * Gross EUR list prices (German VAT included); the trade book and the contracts are net; USD is a
 * separate net base book (US prices exclude sales tax). Tax rates for the demo's and the tests'
 * jurisdictions, some reduced/zero-rated variants, EUR-based FX rates and two coupon codes.
 */
export async function seedPrices(db: SeedDb, catalog: DemoProduct[]) {
  const t = priceTables;
  await db.insert(t.priceBooks).values([
    { id: 'bk_base_eur', name: 'Base EUR', level: 'BASE', currency: 'EUR', taxIncluded: true },
    { id: 'bk_base_usd', name: 'Base USD', level: 'BASE', currency: 'USD', taxIncluded: false },
    { id: 'bk_web_eu_sale', name: 'Web EU sale', level: 'CHANNEL', currency: 'EUR', channel: 'web-eu', taxIncluded: true },
    { id: 'bk_trade_eu', name: 'Trade EU net list', level: 'CHANNEL', currency: 'EUR', channel: 'trade-eu', taxIncluded: false },
    { id: 'bk_gold_eur', name: 'Loyalty gold EUR', level: 'GROUP', currency: 'EUR', customerGroup: 'loyalty-gold', taxIncluded: true },
    { id: 'bk_acme', name: 'Acme GmbH contract', level: 'COMPANY', currency: 'EUR', companyId: 'cmp_acme', channel: 'trade-eu', taxIncluded: false },
    { id: 'bk_globex', name: 'Globex Ltd contract', level: 'COMPANY', currency: 'EUR', companyId: 'cmp_globex', channel: 'trade-eu', taxIncluded: false },
  ]);
  const entries: (typeof t.priceEntries.$inferInsert)[] = [];
  const categories: (typeof t.variantTaxCategories.$inferInsert)[] = [];
  catalog.forEach((p, i) => {
    const net = Number(divRound(BigInt(p.basePrice) * 100n, 119n));
    const usd = Number(divRound(BigInt(p.basePrice) * 108n, 10_000n)) * 100 - 1;
    for (const v of p.variants) {
      entries.push({ bookId: 'bk_base_eur', variantId: v.id, amount: p.basePrice });
      entries.push({ bookId: 'bk_base_usd', variantId: v.id, amount: usd });
      entries.push({ bookId: 'bk_trade_eu', variantId: v.id, amount: net });
      if (i % 9 === 0) entries.push({ bookId: 'bk_web_eu_sale', variantId: v.id, amount: pct(p.basePrice, 80), compareAt: p.basePrice });
      if (p.categoryIds.includes('cat_jackets')) entries.push({ bookId: 'bk_gold_eur', variantId: v.id, amount: pct(p.basePrice, 90) });
      if (i % 5 !== 0) {
        entries.push({ bookId: 'bk_acme', variantId: v.id, amount: pct(net, 75) });
        entries.push({ bookId: 'bk_acme', variantId: v.id, amount: pct(net, 70), minQuantity: 10 });
      }
      entries.push({ bookId: 'bk_globex', variantId: v.id, amount: pct(net, 80) });
      // A few reduced-rate and zero-rated items so tax lines show more than one rate.
      if (i % 11 === 0) categories.push({ variantId: v.id, category: 'REDUCED' });
      else if (i % 23 === 0) categories.push({ variantId: v.id, category: 'ZERO' });
    }
  });
  // What each variant costs the brand (55 % of the net list price, in EUR, since 2024): reports' margin and profit.
  const costs = catalog.flatMap((p) => p.variants.map((v) => ({ variant_id: v.id, amount: pct(Number(divRound(BigInt(p.basePrice) * 100n, 119n)), 55) })));
  await insertChunked(costs, (chunk) =>
    db.execute(sql`insert into prices.cost_prices (variant_id, currency, amount, effective_from, source)
      select variant_id, 'EUR', amount, '2024-01-01T00:00:00Z', 'seed' from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
        as c(variant_id text, amount bigint)`),
  );
  await insertChunked(entries, (chunk) => db.insert(t.priceEntries).values(chunk));
  await insertChunked(categories, (chunk) => db.insert(t.variantTaxCategories).values(chunk));

  const rates: [string, string, number, number, number][] = [
    // country, region, standard, reduced, zero (basis points)
    ['DE', '', 1900, 700, 0],
    ['AT', '', 2000, 1000, 0],
    ['FR', '', 2000, 550, 0],
    ['GB', '', 2000, 500, 0],
    ['US', '', 0, 0, 0],
    ['US', 'CA', 725, 725, 0],
    ['US', 'NY', 400, 400, 0],
    ['JP', '', 1000, 800, 0],
    ['KW', '', 0, 0, 0],
  ];
  await db.insert(t.taxRates).values(
    rates.flatMap(([country, region, standard, reduced, zero]) => [
      { country, region, category: 'STANDARD' as const, rateBp: standard },
      { country, region, category: 'REDUCED' as const, rateBp: reduced },
      { country, region, category: 'ZERO' as const, rateBp: zero },
    ]),
  );
  const since = new Date('2024-01-01T00:00:00Z');
  await db.insert(t.fxRates).values(
    (
      [
        ['USD', 1_080_000_000n],
        ['GBP', 850_000_000n],
        ['JPY', 161_500_000_000n],
        ['KWD', 332_000_000n],
      ] as const
    ).map(([quote, ratePpb]) => ({ baseCurrency: 'EUR', quoteCurrency: quote, ratePpb, effectiveFrom: since, source: 'seed' })),
  );
  await db.insert(t.channelPricing).values([
    { channel: 'web-eu', fxSourceCurrency: 'EUR' },
    { channel: 'trade-eu', fxSourceCurrency: 'EUR' },
    { channel: 'pos-berlin', fxSourceCurrency: 'EUR' },
    // Anything the USD book lacks is converted from EUR and shown as x.99.
    { channel: 'web-us', fxSourceCurrency: 'EUR', roundingEnding: 99, roundingStep: 100 },
  ]);
  await db.insert(t.promotions).values([
    {
      id: 'promo_web_eu_welcome10',
      channel: 'web-eu',
      name: 'Welcome 10%',
      kind: 'PERCENT_OFF',
      target: 'SUBTOTAL',
      percentBp: 1000,
      couponCode: 'WELCOME10',
      stacking: 'EXCLUSIVE',
      priority: 10,
      perCustomerLimit: 1,
    },
    {
      id: 'promo_trade_eu_bulk',
      channel: 'trade-eu',
      name: 'Trade bulk order',
      kind: 'BUY_N',
      target: 'SUBTOTAL',
      tiers: [
        { minQuantity: 100, percentBp: 200 },
        { minQuantity: 500, percentBp: 500 },
      ],
      couponCode: 'BULK',
      stacking: 'COMBINABLE',
      priority: 0,
    },
  ]);
}
