import { assertQuantity, badInput } from './input.validation.ts';

export interface QuoteLineInput {
  variantId: string;
  quantity: number;
}

export interface JurisdictionInput {
  country: string;
  region?: string | null;
}

// 5,000: a CSV bulk order (orders CART_LIMITS.maxCartLines) is quoted whole, so its total is one answer.
export const MAX_LINES = 5_000;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Shipping method codes: what staff may name a method (see shipping-admin.service.ts). */
export const SHIPPING_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** One line per variant, `min` to 5,000 of them; a quote needs at least one, a shipping estimate none. */
export function validateLines(lines: readonly QuoteLineInput[], argument: string, min: number): void {
  if (lines.length < min || lines.length > MAX_LINES) {
    throw badInput('INVALID_LINES', `${min} to ${MAX_LINES} lines`, { argument });
  }
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    if (!ID.test(l.variantId)) throw badInput('INVALID_ID', `line ${i}: malformed variantId`, { argument: `${argument}[${i}].variantId` });
    if (seen.has(l.variantId))
      throw badInput('DUPLICATE_LINE', `line ${i}: variant ${l.variantId} appears twice; add up the quantity`, { argument: `${argument}[${i}]` });
    seen.add(l.variantId);
    assertQuantity(l.quantity, `${argument}[${i}].quantity`);
  });
}

export function validateCouponCodes(codes: readonly string[], argument: string): void {
  if (codes.length > 10 || !codes.every((c) => /^[A-Za-z0-9_-]{1,64}$/.test(c.trim()))) {
    throw badInput('INVALID_COUPON_CODE', 'up to 10 coupon codes of letters, digits, _ and -', { argument });
  }
}

export function validateShipTo(shipTo: JurisdictionInput | null | undefined, argument: string): void {
  if (shipTo && (!/^[A-Z]{2}$/.test(shipTo.country) || (shipTo.region && !/^[A-Z0-9-]{1,10}$/.test(shipTo.region)))) {
    throw badInput('INVALID_JURISDICTION', 'shipTo.country is ISO 3166-1 alpha-2, region up to 10 of A-Z, 0-9, -', { argument });
  }
}

export function validateShippingMethodCode(code: string | null | undefined, argument: string): void {
  if (code != null && !SHIPPING_CODE.test(code)) {
    throw badInput('INVALID_SHIPPING_METHOD', 'a shipping method code is 1-64 of letters, digits, _ . : -', { argument });
  }
}
