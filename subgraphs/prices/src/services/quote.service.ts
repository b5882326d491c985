import type { PricesContext } from '../context.ts';
import { computeQuote } from '../pricing/quote.calculator.ts';
import { assertQuantity, badInput } from './input.validation.ts';
import { eligiblePromotions } from './promotion-eligibility.service.ts';
import { priceNotFound } from './price.service.ts';
import { channelTaxIncluded, resolveUnitPrices, type UnitPrice } from './unit-price.service.ts';

export interface QuoteInput {
  lines: { variantId: string; quantity: number }[];
  couponCodes?: string[] | null;
  shipTo?: { country: string; region?: string | null } | null;
}

const MAX_LINES = 500;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

function validate(input: QuoteInput) {
  if (input.lines.length === 0 || input.lines.length > MAX_LINES) {
    throw badInput('INVALID_LINES', `a quote has 1 to ${MAX_LINES} lines`, { argument: 'input.lines' });
  }
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!ID.test(l.variantId)) throw badInput('INVALID_ID', `line ${i}: malformed variantId`, { argument: `input.lines[${i}].variantId` });
    if (seen.has(l.variantId))
      throw badInput('DUPLICATE_LINE', `line ${i}: variant ${l.variantId} appears twice; add up the quantity`, { argument: `input.lines[${i}]` });
    seen.add(l.variantId);
    assertQuantity(l.quantity, `input.lines[${i}].quantity`);
  });
  const codes = input.couponCodes ?? [];
  if (codes.length > 10 || !codes.every((c) => /^[A-Za-z0-9_-]{1,64}$/.test(c.trim()))) {
    throw badInput('INVALID_COUPON_CODE', 'up to 10 coupon codes of letters, digits, _ and -', { argument: 'input.couponCodes' });
  }
  const shipTo = input.shipTo;
  if (shipTo && (!/^[A-Z]{2}$/.test(shipTo.country) || (shipTo.region && !/^[A-Z0-9-]{1,10}$/.test(shipTo.region)))) {
    throw badInput('INVALID_JURISDICTION', 'shipTo.country is ISO 3166-1 alpha-2, region up to 10 of A-Z, 0-9, -', { argument: 'input.shipTo' });
  }
}

const money = (amount: bigint, currency: string) => ({ amount, currency });

/**
 * Prices a whole cart authoritatively in the caller's context: the same unit prices as Variant.price,
 * then the channel's promotions, then tax per line. Storefronts show it; checkout charges it.
 */
export async function quote(ctx: PricesContext, input: QuoteInput) {
  validate(input);
  const where = { country: input.shipTo?.country ?? ctx.channel.country, region: input.shipTo?.region ?? '' };
  // The catalog, asked with the caller's own context, says which variants this channel sells and in which
  // categories: a client can neither quote a hidden product nor claim a category to unlock a promotion.
  const [catalog, resolved, promos] = await Promise.all([
    ctx.catalog.entities<{ id: string; categoryIds: string[] }>(
      ctx,
      'Variant',
      input.lines.map((l) => l.variantId),
      'id categoryIds',
    ),
    resolveUnitPrices(ctx, input.lines, where),
    eligiblePromotions(ctx, input.couponCodes ?? []),
  ]);
  const hidden = input.lines.filter((_, i) => !catalog[i]);
  if (hidden.length > 0) {
    const currency = ctx.channel.currency;
    return {
      __typename: 'QuoteNotPossible',
      unpriced: hidden.map((l) => ({
        __typename: 'PriceNotFound',
        variantId: l.variantId,
        currency,
        reason: 'NOT_IN_CHANNEL',
        message: 'not sold in this channel',
      })),
      message: 'some lines are not sold in this channel',
    };
  }
  const unpriced = resolved.filter((r) => r.kind === 'not-found');
  if (unpriced.length > 0) {
    return { __typename: 'QuoteNotPossible', unpriced: unpriced.map(priceNotFound), message: 'some lines cannot be sold in this context' };
  }
  const prices = resolved.map((r) => (r as { price: UnitPrice }).price);
  const taxIncluded = channelTaxIncluded(ctx);
  const lines = prices.map((p, i) => ({
    variantId: p.variantId,
    quantity: p.quantity,
    categoryIds: catalog[i]!.categoryIds,
    unit: p.unit,
    taxRateBp: p.taxRateBp,
    taxCategory: p.taxCategory,
  }));
  const q = computeQuote(lines, promos.rules, taxIncluded);
  const c = ctx.channel.currency;
  const rejectedCoupons = [
    ...promos.rejected,
    ...q.skipped.filter((s) => s.promotion.couponCode).map((s) => ({ code: s.promotion.couponCode!, reason: 'NOT_APPLICABLE' as const, message: s.reason })),
  ];
  return {
    __typename: 'Quote',
    currency: c,
    taxIncluded,
    pricedAt: ctx.now.toISOString(),
    lines: q.lines.map((l, i) => {
      const p = prices[i]!;
      return {
        variantId: l.variantId,
        quantity: l.quantity,
        unit: money(l.unit, c),
        listPrice: p.list !== null ? money(p.list, c) : null,
        compareAt: p.compareAt !== null ? money(p.compareAt, c) : null,
        subtotal: money(l.subtotal, c),
        discounts: l.discounts.map((d) => ({ promotionId: d.promotionId, amount: money(d.amount, c) })),
        total: money(l.total, c),
        net: money(l.net, c),
        tax: money(l.tax, c),
        gross: money(l.gross, c),
        taxRate: { category: l.taxCategory, rateBasisPoints: l.taxRateBp },
        level: p.level,
        bookId: p.bookId,
        converted: p.converted,
      };
    }),
    discounts: q.applied.map((a) => ({
      promotionId: a.promotion.id,
      name: a.promotion.name,
      couponCode: a.promotion.couponCode,
      amount: money(a.amount, c),
      reason: a.reason,
    })),
    notApplied: q.skipped.map((s) => ({ promotionId: s.promotion.id, name: s.promotion.name, couponCode: s.promotion.couponCode, reason: s.reason })),
    rejectedCoupons,
    taxLines: q.taxLines.map((t) => ({ category: t.taxCategory, rateBasisPoints: t.rateBp, net: money(t.net, c), tax: money(t.tax, c) })),
    subtotal: money(q.subtotal, c),
    discountTotal: money(q.discountTotal, c),
    net: money(q.net, c),
    tax: money(q.tax, c),
    gross: money(q.gross, c),
    total: money(q.total, c),
  };
}
