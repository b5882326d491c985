import { readTillApproval, type TillApprovalPurpose } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import type { CartQuote } from '../clients/prices.client.ts';
import { applyManualDiscounts, type DiscountRefusal, type ManualDiscount } from '../domain/till-discount.rules.ts';
import { badInput } from '../services/cart-input.validation.ts';

/** A discount is exactly one of a non-negative amount or 0–10000 basis points; anything else writes nothing. */
export function validateDiscount(d: ManualDiscount | null | undefined, argument: string): void {
  if (!d) return;
  const hasAmount = d.amount != null;
  const hasPercent = d.percentBasisPoints != null;
  if (hasAmount === hasPercent) badInput('INVALID_DISCOUNT', 'a discount is either an amount or a percentage', argument);
  if (hasAmount && (!Number.isSafeInteger(d.amount) || d.amount! < 0))
    badInput('INVALID_AMOUNT', 'a discount is a non-negative amount of minor units', `${argument}.amount`);
  if (hasPercent && (!Number.isInteger(d.percentBasisPoints) || d.percentBasisPoints! < 0 || d.percentBasisPoints! > 10_000))
    badInput('INVALID_DISCOUNT', 'percentBasisPoints is 0 to 10000', `${argument}.percentBasisPoints`);
}

export type ApprovalCheck =
  | { ok: true; managerId: string; managerName: string }
  | { ok: false; reason: 'MISSING' | 'EXPIRED' | 'OTHER_TILL' | 'TOO_SMALL' | 'INVALID'; message: string };

/** Tolerated difference between the clocks of customers (which issued it) and of orders or the till. */
const SKEW_SECONDS = 30;

/**
 * A manager's approval for `discount` at this till, for the cashier signed in, valid at `at` (now for a sale at
 * the till; the sale's own time for an offline one). The customers subgraph only issues one to a MANAGER who is
 * not the person signed in; the manager is checked again here so a token naming the cashier never counts.
 */
export async function checkApproval(
  ctx: OrdersContext,
  till: { id: string; signInId: string; staffId: string },
  token: string | null | undefined,
  discount: number,
  at: Date,
  /** Offline sales are posted later, often under another sign-in: the till binds them, not the sign-in. */
  sameSignIn = true,
  /** A discount's approval never passes for a return without a receipt's, nor the other way round. */
  purpose: TillApprovalPurpose = 'DISCOUNT',
): Promise<ApprovalCheck> {
  const what = purpose === 'DISCOUNT' ? 'this discount' : 'a return without a receipt';
  if (!token) return { ok: false, reason: 'MISSING', message: `a manager must approve ${what} on the till` };
  const approval = await readTillApproval(token, ctx.deps.contextSecret);
  if (!approval || approval.purpose !== purpose) return { ok: false, reason: 'INVALID', message: `the approval is not valid for ${what}` };
  if (approval.tillId !== till.id || (sameSignIn && approval.signInId !== till.signInId) || approval.managerId === till.staffId)
    return { ok: false, reason: 'OTHER_TILL', message: 'the approval was given on another till or to another sign-in' };
  const t = Math.floor(at.getTime() / 1000);
  if (t < approval.issuedAt - SKEW_SECONDS || t > approval.expiresAt + SKEW_SECONDS)
    return { ok: false, reason: 'EXPIRED', message: 'the approval had expired; ask the manager again' };
  if (approval.maxDiscount < discount)
    return { ok: false, reason: 'TOO_SMALL', message: `the approval covers ${approval.maxDiscount}, ${what} is ${discount}` };
  return { ok: true, managerId: approval.managerId, managerName: approval.managerName };
}

type SaleQuote = Pick<CartQuote, 'currency' | 'taxIncluded' | 'subtotal' | 'discountTotal' | 'tax' | 'total' | 'lines'>;

/**
 * The quote with the till's manual discounts in it: each discounted line's discount, tax and total, and the sale's
 * discount, tax and total moved by exactly what changed (lines without a manual discount keep the quote's figures).
 */
export function discountQuote(
  quote: SaleQuote,
  lineDiscounts: (ManualDiscount | null | undefined)[],
  saleDiscount: ManualDiscount | null | undefined,
): { ok: true; quote: SaleQuote; manualDiscount: number; before: number } | { ok: false; reason: DiscountRefusal; lineNo: number | null; message: string } {
  const applied = applyManualDiscounts(quote.lines, lineDiscounts, saleDiscount, quote.taxIncluded);
  if (!applied.ok) return { ok: false, reason: applied.reason, lineNo: applied.line == null ? null : applied.line + 1, message: applied.message };
  if (applied.manualDiscount === 0) return { ok: true, quote, manualDiscount: 0, before: applied.before };
  const lines = applied.lines.map(({ manualDiscount, ...l }) => ({ ...l, discount: l.discount + manualDiscount }));
  const tax = quote.tax - quote.lines.reduce((s, l, i) => s + l.tax - lines[i]!.tax, 0);
  const total = quote.total - applied.manualDiscount - (quote.taxIncluded ? 0 : quote.tax - tax);
  return {
    ok: true,
    quote: { ...quote, lines, discountTotal: quote.discountTotal + applied.manualDiscount, tax, total },
    manualDiscount: applied.manualDiscount,
    before: applied.before,
  };
}
