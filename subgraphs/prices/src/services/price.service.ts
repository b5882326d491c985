import { CATALOG_MAX_AGE_SECONDS } from '@storegraph/kit';
import type { PricesContext } from '../context.ts';
import { splitTax } from '../money/tax.math.ts';
import type { PriceCandidate } from '../strategies/price-selection.strategy.ts';
import { assertQuantity } from './input.validation.ts';
import { loadAll, type PriceLine, resolveUnitPrices, type UnitPrice, type UnitPriceResult } from './unit-price.service.ts';

const money = (amount: bigint, currency: string) => ({ amount, currency });

export function priceNotFound(r: Extract<UnitPriceResult, { kind: 'not-found' }>) {
  return { __typename: 'PriceNotFound', variantId: r.variantId, currency: r.currency, reason: r.reason, message: r.message };
}

/** The GraphQL shape of a unit price at a quantity: the line's net, tax and gross follow the one tax rule. */
export function variantPrice(p: UnitPrice) {
  const total = p.unit * BigInt(p.quantity);
  const split = splitTax(total, p.taxRateBp, p.taxIncluded);
  const c = p.currency;
  return {
    __typename: 'VariantPrice',
    unit: money(p.unit, c),
    total: money(total, c),
    listPrice: p.list !== null ? money(p.list, c) : null,
    compareAt: p.compareAt !== null ? money(p.compareAt, c) : null,
    net: money(split.net, c),
    tax: money(split.tax, c),
    gross: money(split.gross, c),
    taxIncluded: p.taxIncluded,
    taxRate: { category: p.taxCategory, rateBasisPoints: p.taxRateBp },
    quantity: p.quantity,
    level: p.level,
    bookId: p.bookId,
    converted: p.converted,
    fxSourceCurrency: p.fx?.from ?? null,
  };
}

/**
 * Until the next moment one of the variant's entries starts or stops being valid (at most the catalog
 * maximum): a cached price must not outlive a sale that ends, since no row changes when it does.
 */
export function secondsUntilPriceChange(candidates: readonly PriceCandidate[], now: Date): number {
  const at = now.getTime();
  let next = at + CATALOG_MAX_AGE_SECONDS * 1000;
  for (const c of candidates) {
    const from = c.validFrom?.getTime();
    if (from !== undefined && from > at && from < next) next = from;
    const to = c.validTo?.getTime();
    if (to !== undefined && to > at && to < next) next = to;
  }
  return Math.max(0, Math.floor((next - at) / 1000));
}

export type VariantPriceAnswer = { price: ReturnType<typeof variantPrice> | ReturnType<typeof priceNotFound>; maxAge: number };

/** `Variant.price` for every variant a request asks for, in one batch (see the variantPrice loader). */
export async function variantPrices(ctx: PricesContext, lines: readonly PriceLine[]): Promise<VariantPriceAnswer[]> {
  const [results, candidates] = await Promise.all([
    resolveUnitPrices(ctx, lines, { country: ctx.channel.country }),
    loadAll(
      ctx.loaders.candidates,
      lines.map((l) => l.variantId),
    ),
  ]);
  return results.map((r, i) => ({
    price: r.kind === 'priced' ? variantPrice(r.price) : priceNotFound(r),
    maxAge: secondsUntilPriceChange(candidates[i]!, ctx.now),
  }));
}

/** The price of a variant for the caller's channel, customer group, company and quantity, with how long it may be cached. */
export function priceOf(ctx: PricesContext, variantId: string, quantity: number): Promise<VariantPriceAnswer> {
  assertQuantity(quantity);
  return ctx.loaders.variantPrice.load({ variantId, quantity });
}
