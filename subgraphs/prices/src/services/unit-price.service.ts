import type DataLoader from 'dataloader';
import type { PricesContext } from '../context.ts';
import { charmRound, type CharmRounding } from '../money/charm-rounding.math.ts';
import { convertMinor } from '../money/fx.math.ts';
import { toTaxBasis } from '../money/tax.math.ts';
import { jurisdictionKey, pairKey, type TaxCategory, type TaxRateRow } from '../loaders/settings.loaders.ts';
import { defaultPriceSelection } from '../strategies/default-price-selection.strategy.ts';
import type { PriceCandidate, PriceLevel, Selection } from '../strategies/price-selection.strategy.ts';

/** When a channel has no pricing row, converted prices come from the EUR base book. */
export const DEFAULT_FX_SOURCE = 'EUR';

export interface Jurisdiction {
  country: string;
  region?: string;
}

export interface PriceLine {
  variantId: string;
  quantity: number;
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

type NotFoundReason = 'NO_PRICE' | 'AMBIGUOUS' | 'NO_FX_RATE' | 'NO_TAX_RATE';
export type UnitPriceResult =
  | { kind: 'priced'; price: UnitPrice }
  | { kind: 'not-found'; variantId: string; currency: string; reason: NotFoundReason; message: string };

/** The channel's tax basis: gross for INCLUSIVE channels, net for EXCLUSIVE ones. */
export const channelTaxIncluded = (ctx: PricesContext) => ctx.channel.taxMode === 'INCLUSIVE';

/** Loads every key in one batch; a failed batch fails the caller, as awaiting each load would. */
export async function loadAll<K, V>(loader: DataLoader<K, V>, keys: readonly K[]): Promise<V[]> {
  const values = await loader.loadMany(keys);
  for (const v of values) if (v instanceof Error) throw v;
  return values as V[];
}

/** The tax rate of each category at the jurisdiction: the region's rate, else the country-wide one. */
export function ratesByCategory(rates: readonly TaxRateRow[], region: string): Map<TaxCategory, number> {
  const byCategory = new Map<TaxCategory, number>();
  for (const r of rates) if (r.region === '' && !byCategory.has(r.category)) byCategory.set(r.category, r.rateBp);
  if (region) for (const r of rates) if (r.region === region) byCategory.set(r.category, r.rateBp);
  return byCategory;
}

const notFound = (variantId: string, currency: string, reason: NotFoundReason, message: string): UnitPriceResult => ({
  kind: 'not-found',
  variantId,
  currency,
  reason,
  message,
});

/**
 * Resolves the unit prices of many lines in the caller's context. Every read goes through a loader, so
 * pricing 200 variants in one request costs the same handful of statements as pricing 5, and everything
 * that depends only on the context (tax rates, channel rules, the FX rate) is worked out once per batch.
 *
 * Pipeline (each step integer-only): select an entry in the caller's currency (see the selection
 * strategy); failing that, select from the base book of the channel's FX source currency and convert at
 * the rate in force; move the amount to the channel's tax basis (a gross book in a net channel or the
 * reverse); finally apply the channel's charm rounding, to converted prices only (a price a person
 * typed into a book is shown as typed).
 */
export async function resolveUnitPrices(ctx: PricesContext, lines: readonly PriceLine[], where: Jurisdiction): Promise<UnitPriceResult[]> {
  const { currency } = ctx.channel;
  const region = where.region ?? '';
  const ids = lines.map((l) => l.variantId);
  const [candidates, categories, rates, settings] = await Promise.all([
    loadAll(ctx.loaders.candidates, ids),
    loadAll(ctx.loaders.taxCategory, ids),
    ctx.loaders.taxRates.load(jurisdictionKey(where.country, region)),
    ctx.loaders.channelPricing.load(ctx.channel.channel),
  ]);
  const rateOf = ratesByCategory(rates, region);
  const source = settings?.fxSourceCurrency ?? DEFAULT_FX_SOURCE;

  // Selection first, so the FX rate is read only when some line is priced from the source currency.
  let needsFx = false;
  const selections = lines.map((line, i): { selection: Selection; fromSource: boolean } | null => {
    if (rateOf.get(categories[i]!) === undefined) return null;
    const own = candidates[i]!;
    const selection = defaultPriceSelection.select(
      own.filter((c) => c.currency === currency),
      line.quantity,
      ctx.now,
    );
    if (selection.kind !== 'none' || source === currency) return { selection, fromSource: false };
    const converted = defaultPriceSelection.select(
      own.filter((c) => c.level === 'BASE' && c.currency === source),
      line.quantity,
      ctx.now,
    );
    if (converted.kind === 'selected') needsFx = true;
    return { selection: converted, fromSource: true };
  });
  const fxRate = needsFx ? await ctx.loaders.fxRate.load(pairKey(source, currency)) : null;
  const terms: PricingTerms = {
    currency,
    taxIncluded: channelTaxIncluded(ctx),
    fx: fxRate ? { from: source, ratePpb: fxRate.ratePpb, effectiveFrom: fxRate.effectiveFrom } : null,
    rounding: settings?.roundingStep ? { ending: settings.roundingEnding ?? 0, step: settings.roundingStep } : null,
  };

  return lines.map((line, i) => {
    const { variantId } = line;
    const category = categories[i]!;
    const picked = selections[i];
    if (!picked) return notFound(variantId, currency, 'NO_TAX_RATE', `no ${category} tax rate for ${where.country}${region ? `-${region}` : ''}`);
    const { selection, fromSource } = picked;
    if (fromSource && selection.kind === 'selected' && !fxRate) {
      return notFound(variantId, currency, 'NO_FX_RATE', `no ${source}->${currency} exchange rate in force`);
    }
    if (selection.kind === 'none') return notFound(variantId, currency, 'NO_PRICE', `no ${currency} price for this variant in this context`);
    if (selection.kind === 'ambiguous') {
      ctx.log.error({ variantId, entries: selection.candidates.map((c) => c.entryId) }, 'ambiguous price configuration');
      return notFound(variantId, currency, 'AMBIGUOUS', 'price configuration is ambiguous; staff see it under pricingConfigurationIssues');
    }
    return { kind: 'priced', price: priced(terms, line, category, rateOf.get(category)!, selection, fromSource) };
  });
}

/** What the caller's context fixes for every line of a batch. */
interface PricingTerms {
  currency: string;
  taxIncluded: boolean;
  fx: UnitPrice['fx'];
  rounding: CharmRounding | null;
}

/** An entry's amount in the caller's currency and tax basis; converted amounts get the channel's charm rounding. */
function present(terms: PricingTerms, fx: UnitPrice['fx'], rateBp: number, amount: number, book: PriceCandidate): bigint {
  const inCurrency = fx ? convertMinor(BigInt(amount), fx.from, terms.currency, fx.ratePpb) : BigInt(amount);
  const inBasis = toTaxBasis(inCurrency, rateBp, book.taxIncluded, terms.taxIncluded);
  return fx ? charmRound(inBasis, terms.rounding) : inBasis;
}

function priced(
  terms: PricingTerms,
  line: PriceLine,
  category: TaxCategory,
  rateBp: number,
  s: Extract<Selection, { kind: 'selected' }>,
  fromSource: boolean,
): UnitPrice {
  const { winner, list } = s;
  const fx = fromSource ? terms.fx : null;
  return {
    variantId: line.variantId,
    quantity: line.quantity,
    currency: terms.currency,
    unit: present(terms, fx, rateBp, winner.amount, winner),
    list: list ? present(terms, fx, rateBp, list.amount, list) : null,
    compareAt: winner.compareAt !== null ? present(terms, fx, rateBp, winner.compareAt, winner) : null,
    taxIncluded: terms.taxIncluded,
    taxRateBp: rateBp,
    taxCategory: category,
    level: winner.level,
    bookId: winner.bookId,
    entryId: winner.entryId,
    converted: fx !== null,
    fx,
  };
}

/** One variant's unit price; see `resolveUnitPrices`. */
export async function resolveUnitPrice(ctx: PricesContext, variantId: string, quantity: number, where: Jurisdiction): Promise<UnitPriceResult> {
  const [result] = await resolveUnitPrices(ctx, [{ variantId, quantity }], where);
  return result!;
}
