import type { PricesContext } from '../context.ts';
import { computeQuote, type QuoteComputation } from '../pricing/quote.calculator.ts';
import { eligiblePromotions } from './promotion-eligibility.service.ts';
import { priceNotFound } from './price.service.ts';
import type { QuoteLineInput } from './quote-input.validation.ts';
import { channelTaxIncluded, type Jurisdiction, resolveUnitPrices, type UnitPrice } from './unit-price.service.ts';

interface CatalogVariant {
  id: string;
  sku: string;
  categoryIds: string[];
  weightGrams: number | null;
}

/** The GraphQL `QuoteNotPossible`: some lines cannot be sold in the caller's context. */
export interface QuoteNotPossible {
  __typename: 'QuoteNotPossible';
  unpriced: { __typename: string; variantId: string; currency: string; reason: string; message: string }[];
  message: string;
}

export type PricedCart =
  | { kind: 'not-possible'; result: QuoteNotPossible }
  | {
      kind: 'priced';
      computation: QuoteComputation;
      prices: UnitPrice[];
      /** Per line, as the catalog shows it to the caller (an order records it without asking again). */
      skus: string[];
      rejectedCoupons: { code: string; reason: string; message: string }[];
      /** Sum of the lines' totals: after discounts, in the channel's tax basis. */
      goodsTotal: bigint;
      /** Sum of weight x quantity; variants without a weight count 0 g. */
      weightGrams: bigint;
    };

/**
 * Prices the goods of a cart in the caller's context: the same unit prices as Variant.price, then the
 * channel's promotions, then tax per line. What `quote` and the shipping estimates both start from.
 */
export async function priceCart(
  ctx: PricesContext,
  lines: readonly QuoteLineInput[],
  couponCodes: readonly string[],
  where: Jurisdiction,
): Promise<PricedCart> {
  // The catalog, asked with the caller's own context, says which variants this channel sells, in which
  // categories and how heavy: a client can neither quote a hidden product, nor claim a category to unlock
  // a promotion, nor lighten a parcel.
  const [catalog, resolved, promos] = await Promise.all([
    ctx.catalog.entities<CatalogVariant>(
      ctx,
      'Variant',
      lines.map((l) => l.variantId),
      'id sku categoryIds weightGrams',
    ),
    resolveUnitPrices(ctx, lines, where),
    eligiblePromotions(ctx, couponCodes),
  ]);
  const hidden = lines.filter((_, i) => !catalog[i]);
  if (hidden.length > 0) {
    const currency = ctx.channel.currency;
    return {
      kind: 'not-possible',
      result: {
        __typename: 'QuoteNotPossible',
        unpriced: hidden.map((l) => ({
          __typename: 'PriceNotFound',
          variantId: l.variantId,
          currency,
          reason: 'NOT_IN_CHANNEL',
          message: 'not sold in this channel',
        })),
        message: 'some lines are not sold in this channel',
      },
    };
  }
  const unpriced = resolved.filter((r) => r.kind === 'not-found');
  if (unpriced.length > 0) {
    return {
      kind: 'not-possible',
      result: { __typename: 'QuoteNotPossible', unpriced: unpriced.map(priceNotFound), message: 'some lines cannot be sold in this context' },
    };
  }
  const prices = resolved.map((r) => (r as { price: UnitPrice }).price);
  const priced = prices.map((p, i) => ({
    variantId: p.variantId,
    quantity: p.quantity,
    categoryIds: catalog[i]!.categoryIds,
    unit: p.unit,
    taxRateBp: p.taxRateBp,
    taxCategory: p.taxCategory,
  }));
  const computation = computeQuote(priced, promos.rules, channelTaxIncluded(ctx));
  const rejectedCoupons = [
    ...promos.rejected,
    ...computation.skipped
      .filter((s) => s.promotion.couponCode)
      .map((s) => ({ code: s.promotion.couponCode!, reason: 'NOT_APPLICABLE' as const, message: s.reason })),
  ];
  return {
    kind: 'priced',
    computation,
    prices,
    skus: catalog.map((v) => v!.sku),
    rejectedCoupons,
    goodsTotal: computation.lines.reduce((s, l) => s + l.total, 0n),
    // BigInt: a million units of a variant at the column's limit (2^31 g) pass 2^53 g.
    weightGrams: lines.reduce((s, l, i) => s + BigInt(catalog[i]!.weightGrams ?? 0) * BigInt(l.quantity), 0n),
  };
}
