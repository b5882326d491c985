import type { TaxCategory } from '../loaders/settings.loaders.ts';
import { splitTax } from '../money/tax.math.ts';
import type { ShippingMethodRule, ShippingUnavailableReason } from './shipping-method.types.ts';

/** What a shipping price depends on, all in the caller's context. */
export interface ShippingCart {
  currency: string;
  /** Where the goods go: shipTo.country, else the channel's country. */
  country: string;
  /** Sum of the lines' totals: after discounts, in the channel's tax basis (what FREE_ABOVE compares). */
  goodsTotal: bigint;
  /** Sum of weight x quantity; a variant without a weight counts 0 g. */
  weightGrams: bigint;
  /** The channel's tax basis: the method's amounts are gross when true, net when false. */
  taxIncluded: boolean;
}

export type ShippingCharge =
  | {
      kind: 'charged';
      method: ShippingMethodRule;
      /** In the channel's tax basis, like a line's total. */
      amount: bigint;
      taxCategory: TaxCategory;
      taxRateBp: number;
      net: bigint;
      tax: bigint;
      gross: bigint;
    }
  | { kind: 'unavailable'; code: string; reason: ShippingUnavailableReason; message: string };

const unavailable = (code: string, reason: ShippingUnavailableReason, message: string): ShippingCharge => ({ kind: 'unavailable', code, reason, message });

/** The method's price for the cart before tax is split, or why the method cannot take it. */
function amountFor(m: ShippingMethodRule, cart: ShippingCart): bigint | ShippingCharge {
  switch (m.kind) {
    case 'FLAT':
    case 'PICKUP':
      return m.amount ?? 0n;
    case 'FREE_ABOVE':
      // Reaching the threshold is enough: a 50.00 cart ships free "from 50.00".
      return cart.goodsTotal >= m.freeFrom! ? 0n : m.amount!;
    case 'WEIGHT_BANDS': {
      const bands = m.weightBands ?? [];
      const band = bands.find((b) => cart.weightGrams <= BigInt(b.upToGrams));
      if (band) return band.amount;
      const limit = bands.at(-1)?.upToGrams ?? 0;
      return unavailable(m.code, 'TOO_HEAVY', `the cart weighs ${cart.weightGrams} g; ${m.name} takes up to ${limit} g`);
    }
  }
}

/**
 * Prices one shipping method for a cart: pure and integer-only. `method` is the caller's channel's active
 * method with the asked code (undefined when there is none); `taxRates` are the destination's rates by
 * category. Shipping is taxed like a line: its amount is in the channel's tax basis and split once with
 * the one tax rule, so net + tax = gross holds for it as for every line.
 */
export function priceShipping(
  code: string,
  method: ShippingMethodRule | undefined,
  cart: ShippingCart,
  taxRates: ReadonlyMap<TaxCategory, number>,
): ShippingCharge {
  if (!method) return unavailable(code, 'UNKNOWN_METHOD', `no shipping method ${code} in this channel`);
  if (method.currency !== cart.currency) {
    return unavailable(code, 'CURRENCY_MISMATCH', `${method.name} is priced in ${method.currency}, this channel charges ${cart.currency}`);
  }
  if (method.countries.length > 0 && !method.countries.includes(cart.country)) {
    return unavailable(code, 'COUNTRY_NOT_SERVED', `${method.name} does not ship to ${cart.country}`);
  }
  const amount = amountFor(method, cart);
  if (typeof amount !== 'bigint') return amount;
  const rateBp = taxRates.get(method.taxCategory);
  if (rateBp === undefined) return unavailable(code, 'NO_TAX_RATE', `no ${method.taxCategory} tax rate for ${cart.country}`);
  return { kind: 'charged', method, amount, taxCategory: method.taxCategory, taxRateBp: rateBp, ...splitTax(amount, rateBp, cart.taxIncluded) };
}
