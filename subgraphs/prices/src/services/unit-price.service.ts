import type { PricesContext } from '../context.ts';
import { charmRound } from '../money/charm-rounding.math.ts';
import { convertMinor } from '../money/fx.math.ts';
import { toTaxBasis } from '../money/tax.math.ts';
import { jurisdictionKey, pairKey, type TaxCategory } from '../loaders/settings.loaders.ts';
import { defaultPriceSelection } from '../strategies/default-price-selection.strategy.ts';
import type { PriceCandidate, PriceLevel } from '../strategies/price-selection.strategy.ts';

/** When a channel has no pricing row, converted prices come from the EUR base book. */
export const DEFAULT_FX_SOURCE = 'EUR';

export interface Jurisdiction {
  country: string;
  region?: string;
}

/** A unit price in the caller's currency and in the channel's tax basis (gross when INCLUSIVE). */
export interface UnitPrice {
  variantId: string;
  quantity: number;
  currency: string;
  unit: bigint;
  list: bigint | null;
  compareAt: bigint | null;
  taxIncluded: boolean;
  taxRateBp: number;
  taxCategory: TaxCategory;
  level: PriceLevel;
  bookId: string;
  entryId: number;
  converted: boolean;
  fx: { from: string; ratePpb: bigint; effectiveFrom: Date } | null;
}

export type UnitPriceResult =
  | { kind: 'priced'; price: UnitPrice }
  | { kind: 'not-found'; variantId: string; currency: string; reason: 'NO_PRICE' | 'AMBIGUOUS' | 'NO_FX_RATE' | 'NO_TAX_RATE'; message: string };

/** The channel's tax basis: gross for INCLUSIVE channels, net for EXCLUSIVE ones. */
export const channelTaxIncluded = (ctx: PricesContext) => ctx.channel.taxMode === 'INCLUSIVE';

/**
 * Resolves one variant's unit price for the caller's context. Every read goes through a loader, so
 * pricing 50 variants in one request costs the same handful of statements as pricing 5.
 *
 * Pipeline (each step integer-only): select an entry in the caller's currency (see the selection
 * strategy); failing that, select from the base book of the channel's FX source currency and convert at
 * the rate in force; move the amount to the channel's tax basis (a gross book in a net channel or the
 * reverse); finally apply the channel's charm rounding, to converted prices only (a price a person
 * typed into a book is shown as typed).
 */
export async function resolveUnitPrice(ctx: PricesContext, variantId: string, quantity: number, where: Jurisdiction): Promise<UnitPriceResult> {
  const currency = ctx.channel.currency;
  const [candidates, category, rates, settings] = await Promise.all([
    ctx.loaders.candidates.load(variantId),
    ctx.loaders.taxCategory.load(variantId),
    ctx.loaders.taxRates.load(jurisdictionKey(where.country, where.region ?? '')),
    ctx.loaders.channelPricing.load(ctx.channel.channel),
  ]);
  const notFound = (reason: Extract<UnitPriceResult, { kind: 'not-found' }>['reason'], message: string): UnitPriceResult => ({
    kind: 'not-found',
    variantId,
    currency,
    reason,
    message,
  });
  const region = where.region ?? '';
  const rate = rates.find((r) => r.category === category && r.region === region) ?? rates.find((r) => r.category === category && r.region === '');
  if (!rate) return notFound('NO_TAX_RATE', `no ${category} tax rate for ${where.country}${region ? `-${region}` : ''}`);

  let selection = defaultPriceSelection.select(
    candidates.filter((c) => c.currency === currency),
    quantity,
    ctx.now,
  );
  let fx: UnitPrice['fx'] = null;
  const source = settings?.fxSourceCurrency ?? DEFAULT_FX_SOURCE;
  if (selection.kind === 'none' && source !== currency) {
    selection = defaultPriceSelection.select(
      candidates.filter((c) => c.level === 'BASE' && c.currency === source),
      quantity,
      ctx.now,
    );
    if (selection.kind === 'selected') {
      const fxRate = await ctx.loaders.fxRate.load(pairKey(source, currency));
      if (!fxRate) return notFound('NO_FX_RATE', `no ${source}->${currency} exchange rate in force`);
      fx = { from: source, ratePpb: fxRate.ratePpb, effectiveFrom: fxRate.effectiveFrom };
    }
  }
  if (selection.kind === 'none') return notFound('NO_PRICE', `no ${currency} price for this variant in this context`);
  if (selection.kind === 'ambiguous') {
    ctx.log.error({ variantId, entries: selection.candidates.map((c) => c.entryId) }, 'ambiguous price configuration');
    return notFound('AMBIGUOUS', 'price configuration is ambiguous; staff see it under pricingConfigurationIssues');
  }
  const { winner, list } = selection;
  const taxIncluded = channelTaxIncluded(ctx);
  const rounding = settings?.roundingStep ? { ending: settings.roundingEnding ?? 0, step: settings.roundingStep } : null;
  const present = (amount: number, book: PriceCandidate) => {
    const inCurrency = fx ? convertMinor(BigInt(amount), fx.from, currency, fx.ratePpb) : BigInt(amount);
    const inBasis = toTaxBasis(inCurrency, rate.rateBp, book.taxIncluded, taxIncluded);
    return fx ? charmRound(inBasis, rounding) : inBasis;
  };
  return {
    kind: 'priced',
    price: {
      variantId,
      quantity,
      currency,
      unit: present(winner.amount, winner),
      list: list ? present(list.amount, list) : null,
      compareAt: winner.compareAt !== null ? present(winner.compareAt, winner) : null,
      taxIncluded,
      taxRateBp: rate.rateBp,
      taxCategory: category,
      level: winner.level,
      bookId: winner.bookId,
      entryId: winner.entryId,
      converted: fx !== null,
      fx,
    },
  };
}
