import { createHash } from 'node:crypto';
import type { OrdersContext } from '../context.ts';
import { applyManualDiscounts, type ManualDiscount } from '../domain/till-discount.rules.ts';
import type { Tender } from '../domain/till-tenders.rules.ts';
import { assertVariantId, badInput } from '../services/cart-input.validation.ts';
import { validateDiscount } from './till-discount.service.ts';

export interface OfflineSaleInput {
  clientId: string;
  soldAt: string;
  lines: { variantId: string; quantity: number; unitPrice: number; discount?: ManualDiscount | null }[];
  tenders: Tender[];
  discount?: ManualDiscount | null;
  managerApproval?: string | null;
  /** The customer attached at the till: the ticket it was issued for them while online (TillCustomerTicket). */
  customerTicket?: string | null;
}

/**
 * A batch a till posts after working offline: at most this many sales, so one sync stays a bounded request. The
 * BFFs' input rule (10,000 values a request) already stops a batch of about 470 one-line sales; this is the cap
 * for callers inside (and the answer a larger body gets if that rule is ever raised).
 */
export const OFFLINE_BATCH_MAX = 1000;
const CLIENT_ID = /^[A-Za-z0-9_.:-]{8,128}$/;
/** A signed ticket as customers issues them (a compact JWS, a few hundred characters); checked when the sale lands. */
const CUSTOMER_TICKET = /^[A-Za-z0-9_.-]{1,2048}$/;

/** The whole batch is checked before anything is applied: a malformed one is refused as a whole, naming the sale. */
export function validateOfflineBatch(ctx: OrdersContext, sales: OfflineSaleInput[]) {
  if (sales.length < 1 || sales.length > OFFLINE_BATCH_MAX) badInput('BATCH_TOO_LARGE', `1 to ${OFFLINE_BATCH_MAX} sales per batch`, 'sales');
  const seen = new Set<string>();
  sales.forEach((s, i) => {
    if (!CLIENT_ID.test(s.clientId)) badInput('INVALID_CLIENT_ID', 'clientId is 8 to 128 of A-Z, a-z, 0-9, _ . : -', `sales.${i}.clientId`);
    if (seen.has(s.clientId)) badInput('DUPLICATE_CLIENT_ID', `clientId ${s.clientId} appears twice in the batch`, `sales.${i}.clientId`);
    seen.add(s.clientId);
    const at = Date.parse(s.soldAt);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(s.soldAt) || Number.isNaN(at)) badInput('INVALID_TIME', 'soldAt is an ISO 8601 time', `sales.${i}.soldAt`);
    if (at > Date.now() + 5 * 60_000) badInput('INVALID_TIME', 'soldAt is in the future', `sales.${i}.soldAt`);
    // Only its shape: whether it proves a customer is answered per sale, alike for every way it does not.
    if (s.customerTicket != null && !CUSTOMER_TICKET.test(s.customerTicket))
      badInput('INVALID_CUSTOMER_TICKET', 'customerTicket is 1 to 2048 of A-Z, a-z, 0-9, _ . -', `sales.${i}.customerTicket`);
    if (s.lines.length < 1 || s.lines.length > 100) badInput('INVALID_LINES', '1 to 100 lines', `sales.${i}.lines`);
    const variants = new Set<string>();
    s.lines.forEach((l, j) => {
      assertVariantId(l.variantId, `sales.${i}.lines.${j}.variantId`);
      if (variants.has(l.variantId)) badInput('DUPLICATE_LINE', 'one line per variant', `sales.${i}.lines.${j}.variantId`);
      variants.add(l.variantId);
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 10_000)
        badInput('INVALID_QUANTITY', 'quantity is 1 to 10,000', `sales.${i}.lines.${j}.quantity`);
      if (!Number.isSafeInteger(l.unitPrice) || l.unitPrice < 0)
        badInput('INVALID_AMOUNT', 'unitPrice is a non-negative amount of minor units', `sales.${i}.lines.${j}.unitPrice`);
      validateDiscount(l.discount, `sales.${i}.lines.${j}.discount`);
    });
    validateDiscount(s.discount, `sales.${i}.discount`);
    // The till's own prices are in the sale, so a discount larger than what it comes off is malformed, not a fact.
    const priced = s.lines.map((l) => ({ total: l.unitPrice * l.quantity, tax: 0, taxRateBp: null }));
    const applied = applyManualDiscounts(
      priced,
      s.lines.map((l) => l.discount),
      s.discount,
      true,
    );
    if (!applied.ok)
      badInput('DISCOUNT_TOO_LARGE', applied.message, applied.line == null ? `sales.${i}.discount` : `sales.${i}.lines.${applied.line}.discount`);
    if (s.tenders.length < 1 || s.tenders.length > 10) badInput('INVALID_TENDERS', '1 to 10 tenders', `sales.${i}.tenders`);
    s.tenders.forEach((t, j) => {
      if (!Number.isSafeInteger(t.amount) || t.amount <= 0)
        badInput('INVALID_AMOUNT', 'a tender is a positive amount of minor units', `sales.${i}.tenders.${j}.amount`);
      // A balance is checked when it is spent: a till offline cannot know it, so credit is not a tender there.
      if (t.method === 'STORE_CREDIT') badInput('STORE_CREDIT_OFFLINE', 'store credit is spent online only', `sales.${i}.tenders.${j}.method`);
    });
  });
  void ctx;
}

const discountKey = (d: ManualDiscount | null | undefined) => (d ? [d.amount ?? null, d.percentBasisPoints ?? null] : null);

export const hashOf = (s: OfflineSaleInput) => {
  const base = ['offline', s.soldAt, s.lines.map((l) => [l.variantId, l.quantity, l.unitPrice]), s.tenders.map((t) => [t.method, t.amount])];
  // A sale without manual discounts hashes as before they existed, so client ids applied then still replay.
  const manual = s.discount || s.lines.some((l) => l.discount) ? [[discountKey(s.discount), s.lines.map((l) => discountKey(l.discount))]] : [];
  // Likewise a sale without a customer: the same client id sent again with another ticket is another sale.
  const customer = s.customerTicket ? [['customerTicket', s.customerTicket]] : [];
  return createHash('sha256')
    .update(JSON.stringify([...base, ...manual, ...customer]))
    .digest('hex');
};
