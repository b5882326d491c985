import DataLoader from 'dataloader';
import { type Column, desc, sql } from 'drizzle-orm';
import { byKey, perDatabase } from '@storegraph/kit';
import { channelPricing, fxRates, taxRates, variantTaxCategories } from '../db/tables.ts';
import type { PricesContext, PricesDb } from '../context.ts';

export type TaxCategory = 'STANDARD' | 'REDUCED' | 'ZERO';
export interface TaxRateRow {
  country: string;
  region: string;
  category: TaxCategory;
  rateBp: number;
}
export interface FxRateRow {
  baseCurrency: string;
  quoteCurrency: string;
  ratePpb: bigint;
  effectiveFrom: Date;
}

/** `${country}|${region}` for the tax loader, `${from}>${to}` for the FX loader. */
export const jurisdictionKey = (country: string, region = '') => `${country}|${region}`;
export const pairKey = (from: string, to: string) => `${from}>${to}`;

/** Key lists bind as one array parameter (`= any($1)`), so the statement text never depends on the batch size. */
const anyOf = (column: Column, name: string) => sql`${column} = any(${sql.placeholder(name)}::text[])`;

const statements = perDatabase((db: PricesDb['db']) => ({
  taxCategories: db
    .select({ variantId: variantTaxCategories.variantId, category: variantTaxCategories.category })
    .from(variantTaxCategories)
    .where(anyOf(variantTaxCategories.variantId, 'variantIds'))
    .prepare('prices_tax_categories'),
  taxRates: db
    .select({ country: taxRates.country, region: taxRates.region, category: taxRates.category, rateBp: taxRates.rateBp })
    .from(taxRates)
    .where(anyOf(taxRates.country, 'countries'))
    .prepare('prices_tax_rates'),
  fxRates: db
    .selectDistinctOn([fxRates.baseCurrency, fxRates.quoteCurrency], {
      baseCurrency: fxRates.baseCurrency,
      quoteCurrency: fxRates.quoteCurrency,
      ratePpb: fxRates.ratePpb,
      effectiveFrom: fxRates.effectiveFrom,
    })
    .from(fxRates)
    .where(
      sql`${anyOf(fxRates.baseCurrency, 'bases')} and ${anyOf(fxRates.quoteCurrency, 'quotes')}
        and ${fxRates.effectiveFrom} <= ${sql.placeholder('now')}::timestamptz`,
    )
    .orderBy(fxRates.baseCurrency, fxRates.quoteCurrency, desc(fxRates.effectiveFrom))
    .prepare('prices_fx_rates_in_force'),
  channelPricing: db.select().from(channelPricing).where(anyOf(channelPricing.channel, 'channels')).prepare('prices_channel_pricing'),
}));

/** Settings read once per request: tax categories and rates, FX rates in force, channel pricing rules. */
export function createSettingsLoaders(ctx: PricesContext) {
  const q = statements(ctx.db.db);
  return {
    /** Variants without a row are STANDARD. */
    taxCategory: new DataLoader<string, TaxCategory>(async (variantIds) => {
      const rows = await q.taxCategories.execute({ variantIds });
      return byKey(variantIds, rows, (r) => r.variantId).map((r) => r?.category ?? 'STANDARD');
    }),

    /** Every rate of the country (all regions), so the region's rate or the country-wide one can be chosen. */
    taxRates: new DataLoader<string, TaxRateRow[]>(async (keys) => {
      const countries = [...new Set(keys.map((k) => k.split('|')[0]!))];
      const rows = await q.taxRates.execute({ countries });
      return keys.map((k) => {
        const [country, region] = k.split('|') as [string, string];
        return rows.filter((r) => r.country === country && (r.region === '' || r.region === region));
      });
    }),

    /** The rate in force now for each pair: the latest whose effective time has passed. */
    fxRate: new DataLoader<string, FxRateRow | null>(async (pairs) => {
      const bases = [...new Set(pairs.map((p) => p.split('>')[0]!))];
      const quotes = [...new Set(pairs.map((p) => p.split('>')[1]!))];
      const rows = await q.fxRates.execute({ bases, quotes, now: ctx.now.toISOString() });
      return byKey(pairs, rows, (r) => pairKey(r.baseCurrency, r.quoteCurrency));
    }),

    channelPricing: new DataLoader<string, typeof channelPricing.$inferSelect | null>(async (channels) => {
      const rows = await q.channelPricing.execute({ channels });
      return byKey(channels, rows, (r) => r.channel);
    }),
  };
}
export type SettingsLoaders = ReturnType<typeof createSettingsLoaders>;
