import { appError } from '@storegraph/schema';
import { addressProblem, cleanAddress, type Address } from '@storegraph/schema';

/**
 * maxLines: lines one request may add (a typed list, a saved list). maxCartLines: lines a cart may hold, as a
 * CSV bulk order of 5,000 rows fills it in one step; the checkout quotes and reserves that many at once.
 */
export const CART_LIMITS = { maxLines: 100, maxCartLines: 5_000, maxQuantity: 10_000, maxCoupons: 5, maxEmail: 254 } as const;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;
const COUPON = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function badInput(reason: string, message: string, argument: string): never {
  throw appError('BAD_USER_INPUT', message, { reason, argument });
}

export const isUuid = (id: string) => UUID.test(id);

export function assertVariantId(id: string, argument: string): void {
  if (!ID.test(id)) badInput('INVALID_ID', 'malformed variantId', argument);
}

export function assertQuantity(q: number, argument: string, min = 1): void {
  if (!Number.isInteger(q) || q < min || q > CART_LIMITS.maxQuantity)
    badInput('INVALID_QUANTITY', `quantity must be from ${min} to ${CART_LIMITS.maxQuantity}`, argument);
}

/** Merged by variant (the same variant twice is one line with the summed quantity). */
export function mergeLines(lines: { variantId: string; quantity: number }[]): Map<string, number> {
  if (lines.length === 0 || lines.length > CART_LIMITS.maxLines) badInput('INVALID_LINES', `1 to ${CART_LIMITS.maxLines} lines`, 'lines');
  const merged = new Map<string, number>();
  lines.forEach((l, i) => {
    assertVariantId(l.variantId, `lines[${i}].variantId`);
    assertQuantity(l.quantity, `lines[${i}].quantity`);
    merged.set(l.variantId, (merged.get(l.variantId) ?? 0) + l.quantity);
  });
  for (const [variantId, quantity] of merged) assertLineTotal(variantId, quantity);
  return merged;
}

/** A line (the same variant added several times) holds at most maxQuantity units. */
export function assertLineTotal(variantId: string, quantity: number): void {
  if (quantity > CART_LIMITS.maxQuantity) {
    badInput('INVALID_QUANTITY', `the line for ${variantId} would hold ${quantity} units; at most ${CART_LIMITS.maxQuantity}`, 'lines');
  }
}

export function cleanEmail(email: string | null | undefined): string | null {
  if (email == null) return null;
  const e = email.trim();
  if (e.length > CART_LIMITS.maxEmail || !EMAIL.test(e)) badInput('INVALID_EMAIL', 'not an email address', 'email');
  return e.toLowerCase();
}

export function cleanCoupons(codes: string[]): string[] {
  const cleaned = [...new Set(codes.map((c) => c.trim().toUpperCase()))];
  if (cleaned.length > CART_LIMITS.maxCoupons || !cleaned.every((c) => COUPON.test(c))) {
    badInput('INVALID_COUPON_CODE', `up to ${CART_LIMITS.maxCoupons} coupon codes of letters, digits, _ and -`, 'couponCodes');
  }
  return cleaned;
}

export function checkedAddress(a: Address | null | undefined, argument: string): Address | null {
  if (a == null) return null;
  const problem = addressProblem(a);
  if (problem) badInput('INVALID_ADDRESS', problem[1], `${argument}.${problem[0]}`);
  return cleanAddress(a);
}

export function assertCode(code: string, argument: string): void {
  if (!/^[a-z0-9_-]{1,64}$/i.test(code)) badInput('INVALID_CODE', `malformed ${argument}`, argument);
}
