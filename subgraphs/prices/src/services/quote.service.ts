import type { PricesContext } from '../context.ts';
import { addShipping } from '../pricing/quote.calculator.ts';
import { priceCart } from './cart-pricing.service.ts';
import {
  type JurisdictionInput,
  type QuoteLineInput,
  validateCouponCodes,
  validateLines,
  validateShippingMethodCode,
  validateShipTo,
} from './quote-input.validation.ts';
import { chargeShipping, quoteShipping } from './shipping.service.ts';
import { channelTaxIncluded } from './unit-price.service.ts';

export interface QuoteInput {
  lines: QuoteLineInput[];
  couponCodes?: string[] | null;
  shipTo?: JurisdictionInput | null;
  /** A shipping method code of the caller's channel; no shipping is priced without one. */
  shippingMethod?: string | null;
}

function validate(input: QuoteInput) {
  validateLines(input.lines, 'input.lines', 1);
  validateCouponCodes(input.couponCodes ?? [], 'input.couponCodes');
  validateShipTo(input.shipTo, 'input.shipTo');
  validateShippingMethodCode(input.shippingMethod, 'input.shippingMethod');
}

const money = (amount: bigint, currency: string) => ({ amount, currency });

/**
 * Prices a whole cart authoritatively in the caller's context: the same unit prices as Variant.price,
 * then the channel's promotions, then tax per line, then the asked shipping method, taxed like a line.
 * Storefronts show it; checkout charges it. Lines that cannot be sold answer QuoteNotPossible; a method
 * that cannot take the cart answers ShippingNotAvailable; either way nothing is priced.
 */
export async function quote(ctx: PricesContext, input: QuoteInput) {
  validate(input);
  const where = { country: input.shipTo?.country ?? ctx.channel.country, region: input.shipTo?.region ?? '' };
  // The channel's shipping methods load alongside the lines (one round trip less); chargeShipping then
  // reads them from the loader.
  const [cart] = await Promise.all([
    priceCart(ctx, input.lines, input.couponCodes ?? [], where),
    input.shippingMethod != null ? ctx.loaders.channelShippingMethods.load(ctx.channel.channel) : null,
  ]);
  if (cart.kind === 'not-possible') return cart.result;
  const { prices } = cart;
  const c = ctx.channel.currency;
  let q = cart.computation;
  let shipping: ReturnType<typeof quoteShipping> | null = null;
  if (input.shippingMethod != null) {
    const charge = await chargeShipping(ctx, input.shippingMethod, cart, where);
    if (charge.kind === 'unavailable') {
      return { __typename: 'ShippingNotAvailable', method: charge.code, reason: charge.reason, message: charge.message };
    }
    q = addShipping(q, charge);
    shipping = quoteShipping(charge, c);
  }
  return {
    __typename: 'Quote',
    currency: c,
    taxIncluded: channelTaxIncluded(ctx),
    pricedAt: ctx.now.toISOString(),
    lines: q.lines.map((l, i) => {
      const p = prices[i]!;
      return {
        variantId: l.variantId,
        sku: cart.skus[i]!,
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
    rejectedCoupons: cart.rejectedCoupons,
    shipping,
    taxLines: q.taxLines.map((t) => ({ category: t.taxCategory, rateBasisPoints: t.rateBp, net: money(t.net, c), tax: money(t.tax, c) })),
    subtotal: money(q.subtotal, c),
    discountTotal: money(q.discountTotal, c),
    net: money(q.net, c),
    tax: money(q.tax, c),
    gross: money(q.gross, c),
    total: money(q.total, c),
  };
}
