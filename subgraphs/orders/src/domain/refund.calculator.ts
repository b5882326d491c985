/**
 * What a return refunds, from what the customer actually paid. Pure and integer-only (minor units).
 *
 * What a line cost is the order's own record of it: prices spread every order-level promotion over the lines
 * by line value at checkout (largest remainder, so the lines' shares add up to the discount exactly) and
 * taxed each line after its share; the order keeps each line's total after discounts and its tax. A line's
 * paid amount is that total with its tax (gross). Returning k of a line's n units refunds the units'
 * share of it cut cumulatively: units a+1..a+k get floor(P·(a+k)/n) − floor(P·a/n), so however a line is
 * returned in parts its units' refunds add up to P exactly, and no unit is worth more than a cent above another.
 *
 * Then the channel's rules: a restocking fee per return (a percentage of the goods refunded, half up, or a fixed
 * amount; never more than the goods), and shipping refunded only when this return brings the last unit of the
 * whole order back (WHOLE_ORDER) or never. Finally, no refund takes the order's refunds past what was paid.
 */
export type FeeKind = 'NONE' | 'PERCENT' | 'FIXED';
export type ShippingRefundRule = 'NEVER' | 'WHOLE_ORDER';

export interface ReturnPolicy {
  /** Days from the day the line's last parcel left (shipped or collected). */
  windowDays: number;
  restockingFee: { kind: FeeKind /** Basis points (PERCENT) or minor units (FIXED). */; value: number };
  shippingRefund: ShippingRefundRule;
}

/** 30 days, no fee, shipping back when everything comes back: what a channel without its own rules gets. */
export const DEFAULT_RETURN_POLICY: ReturnPolicy = { windowDays: 30, restockingFee: { kind: 'NONE', value: 0 }, shippingRefund: 'WHOLE_ORDER' };

export interface PaidLine {
  lineNo: number;
  quantity: number;
  /** After the line's discounts (its share of order-level promotions included): gross if taxIncluded, else net. */
  lineTotal: number;
  tax: number;
}

export interface PaidOrder {
  taxIncluded: boolean;
  /** What the customer paid for the order: lines, tax and shipping. */
  total: number;
  lines: readonly PaidLine[];
}

export interface RefundRequest {
  order: PaidOrder;
  /** Units of each line refunded by earlier returns (lineNo → units). */
  returnedBefore: ReadonlyMap<number, number>;
  /** What earlier refunds of the order came to. */
  refundedBefore: number;
  /** This return: units per line. */
  returning: readonly { lineNo: number; quantity: number }[];
  policy: ReturnPolicy;
}

export interface RefundComputation {
  /** The returned units' share of what their lines cost, tax included. */
  goods: number;
  restockingFee: number;
  shipping: number;
  /** goods − restockingFee + shipping: what goes back to the customer. */
  amount: number;
  lines: { lineNo: number; quantity: number; amount: number }[];
  /** This return brings the order's last unit back. */
  wholeOrder: boolean;
}

/** What the customer paid for the line: its total after discounts, with its tax. */
export const paidForLine = (line: PaidLine, taxIncluded: boolean): bigint => BigInt(line.lineTotal) + (taxIncluded ? 0n : BigInt(line.tax));

/** Units (from, from+k] of a line of n units paid P: their cumulative share, so parts always add up to P. */
export function unitsShare(paid: bigint, units: number, from: number, k: number): bigint {
  const n = BigInt(units);
  return (paid * BigInt(from + k)) / n - (paid * BigInt(from)) / n;
}

/** Half up, in basis points: 12.345 % of 1000 is 123.45 → 123. */
const percentOf = (amount: bigint, bp: number): bigint => (amount * BigInt(bp) + 5_000n) / 10_000n;

export function computeRefund(req: RefundRequest): RefundComputation {
  const { order, policy } = req;
  const byNo = new Map(order.lines.map((l) => [l.lineNo, l]));
  let goods = 0n;
  const lines = req.returning.map(({ lineNo, quantity }) => {
    const line = byNo.get(lineNo);
    const before = req.returnedBefore.get(lineNo) ?? 0;
    // The service refuses these first; reaching here with them is a bug.
    if (!line) throw new RangeError(`no line ${lineNo}`);
    if (!Number.isInteger(quantity) || quantity < 1 || before + quantity > line.quantity) {
      throw new RangeError(`line ${lineNo}: ${quantity} more of ${line.quantity} with ${before} returned`);
    }
    const amount = unitsShare(paidForLine(line, order.taxIncluded), line.quantity, before, quantity);
    goods += amount;
    return { lineNo, quantity, amount: Number(amount) };
  });

  const returningOf = (no: number) => req.returning.filter((r) => r.lineNo === no).reduce((s, r) => s + r.quantity, 0);
  const wholeOrder = order.lines.every((l) => (req.returnedBefore.get(l.lineNo) ?? 0) + returningOf(l.lineNo) >= l.quantity);
  const linesPaid = order.lines.reduce((s, l) => s + paidForLine(l, order.taxIncluded), 0n);
  const shippingPaid = BigInt(order.total) - linesPaid;
  let shipping = policy.shippingRefund === 'WHOLE_ORDER' && wholeOrder && shippingPaid > 0n ? shippingPaid : 0n;

  const { kind, value } = policy.restockingFee;
  const wantedFee = kind === 'PERCENT' ? percentOf(goods, value) : kind === 'FIXED' ? BigInt(value) : 0n;
  let fee = wantedFee < goods ? wantedFee : goods;

  // Never past what was paid: an excess comes off shipping first, then off the goods.
  const available = BigInt(order.total) - BigInt(req.refundedBefore);
  let excess = goods - fee + shipping - (available > 0n ? available : 0n);
  if (excess > 0n) {
    const fromShipping = excess < shipping ? excess : shipping;
    shipping -= fromShipping;
    excess -= fromShipping;
    goods -= excess;
    if (fee > goods) fee = goods;
  }
  return { goods: Number(goods), restockingFee: Number(fee), shipping: Number(shipping), amount: Number(goods - fee + shipping), lines, wholeOrder };
}
