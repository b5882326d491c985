import type { PricesContext } from '../context.ts';
import { jurisdictionKey } from '../loaders/settings.loaders.ts';
import { priceShipping, type ShippingCharge } from '../pricing/shipping.calculator.ts';
import type { ShippingMethodRule } from '../pricing/shipping-method.types.ts';
import { priceCart } from './cart-pricing.service.ts';
import { type JurisdictionInput, type QuoteLineInput, validateCouponCodes, validateLines, validateShipTo } from './quote-input.validation.ts';
import { channelTaxIncluded, type Jurisdiction, ratesByCategory } from './unit-price.service.ts';

const money = (amount: bigint, currency: string) => ({ amount, currency });

/** What shipping is priced on: the goods total after discounts and the weight, from `priceCart`. */
export interface CartForShipping {
  goodsTotal: bigint;
  weightGrams: bigint;
}

/** Prices each method for the cart at the destination; the tax rates are the ones the lines were priced with. */
async function priceMethods(
  ctx: PricesContext,
  wanted: readonly { code: string; method: ShippingMethodRule | undefined }[],
  cart: CartForShipping,
  where: Jurisdiction,
): Promise<ShippingCharge[]> {
  const region = where.region ?? '';
  const rates = ratesByCategory(await ctx.loaders.taxRates.load(jurisdictionKey(where.country, region)), region);
  const terms = { ...cart, currency: ctx.channel.currency, country: where.country, taxIncluded: channelTaxIncluded(ctx) };
  return wanted.map((w) => priceShipping(w.code, w.method, terms, rates));
}

/** The caller's channel's active method `code` priced for the cart, or why it cannot take the cart. */
export async function chargeShipping(ctx: PricesContext, code: string, cart: CartForShipping, where: Jurisdiction): Promise<ShippingCharge> {
  const methods = await ctx.loaders.channelShippingMethods.load(ctx.channel.channel);
  const [charge] = await priceMethods(ctx, [{ code, method: methods.find((m) => m.code === code) }], cart, where);
  return charge!;
}

/** The GraphQL `QuoteShipping` of a charged method. */
export function quoteShipping(c: Extract<ShippingCharge, { kind: 'charged' }>, currency: string) {
  return {
    method: c.method.code,
    name: c.method.name,
    amount: money(c.amount, currency),
    net: money(c.net, currency),
    tax: money(c.tax, currency),
    gross: money(c.gross, currency),
    taxRate: { category: c.taxCategory, rateBasisPoints: c.taxRateBp },
  };
}

export interface ShippingMethodsArgs {
  shipTo?: JurisdictionInput | null;
  lines?: QuoteLineInput[] | null;
  couponCodes?: string[] | null;
}

/**
 * The caller's channel's active shipping methods, each priced for the cart as `quote` would price it (same
 * lines, coupons and destination), or unavailable with the reason, so a cart page offers exactly what
 * checkout will charge. Without lines the cart is empty: 0 g and nothing towards a free-shipping threshold.
 */
export async function shippingMethodOffers(ctx: PricesContext, args: ShippingMethodsArgs) {
  const lines = args.lines ?? [];
  const codes = args.couponCodes ?? [];
  validateLines(lines, 'lines', 0);
  validateCouponCodes(codes, 'couponCodes');
  validateShipTo(args.shipTo, 'shipTo');
  const where = { country: args.shipTo?.country ?? ctx.channel.country, region: args.shipTo?.region ?? '' };
  const [methods, cart] = await Promise.all([
    ctx.loaders.channelShippingMethods.load(ctx.channel.channel),
    lines.length > 0 ? priceCart(ctx, lines, codes, where) : null,
  ]);
  const currency = ctx.channel.currency;
  const base = (m: ShippingMethodRule) => ({
    code: m.code,
    name: m.name,
    kind: m.kind,
    freeFrom: m.freeFrom !== null && m.currency === currency ? money(m.freeFrom, currency) : null,
  });
  if (cart?.kind === 'not-possible') {
    return methods.map((m) => ({
      ...base(m),
      available: false,
      reason: 'CART_NOT_PRICED',
      message: 'some lines cannot be sold in this context; quote says which',
      price: null,
    }));
  }
  const forShipping = cart ?? { goodsTotal: 0n, weightGrams: 0n };
  const charges = await priceMethods(
    ctx,
    methods.map((m) => ({ code: m.code, method: m })),
    forShipping,
    where,
  );
  return methods.map((m, i) => {
    const c = charges[i]!;
    return c.kind === 'charged'
      ? { ...base(m), available: true, reason: null, message: null, price: quoteShipping(c, currency) }
      : { ...base(m), available: false, reason: c.reason, message: c.message, price: null };
  });
}
