import { divRound } from '@storegraph/schema';

/**
 * Manual discounts at the till: what a cashier takes off a line or the whole sale, on top of the POS channel's
 * promotions, and whether a manager must approve it. Pure: amounts are integer minor units, percentages basis
 * points (1000 = 10 %).
 */

/** Exactly one of the two: an amount of minor units, or basis points of what is discounted. */
export interface ManualDiscount {
  amount?: number | null;
  percentBasisPoints?: number | null;
}

/** A priced line (the quote's, or an offline sale's as sold): `total` is what the line costs before manual discounts. */
export interface PricedLine {
  total: number;
  tax: number;
  taxRateBp: number | null;
}

/** The channel's rule: a discount above this share of the sale (or, if set, this amount) needs a manager. */
export interface TillDiscountPolicy {
  maxPercentBasisPoints: number;
  maxAmount: number | null;
}

/** Without a policy of its own a channel lets a cashier take up to 10 % off a sale alone. */
export const DEFAULT_TILL_DISCOUNT_POLICY: TillDiscountPolicy = { maxPercentBasisPoints: 1000, maxAmount: null };

export type DiscountRefusal = 'EXCEEDS_LINE_TOTAL' | 'EXCEEDS_SALE_TOTAL';

export type DiscountedSale<L extends PricedLine> =
  | {
      ok: true;
      /** The lines after manual discounts, with their tax again at each line's rate. */
      lines: (L & { manualDiscount: number })[];
      /** All manual discount taken (lines and sale). */
      manualDiscount: number;
      /** What the lines cost before any manual discount: the base of the threshold. */
      before: number;
    }
  | { ok: false; reason: DiscountRefusal; line: number | null; message: string };

/** Minor units a discount takes off `base`: its amount, or its percentage rounded in the one rounding place. */
export function discountOff(d: ManualDiscount, base: number): number {
  if (d.amount != null) return d.amount;
  return Number(divRound(BigInt(base) * BigInt(d.percentBasisPoints ?? 0), 10_000n));
}

/** The tax inside (tax-inclusive prices) or on top of (exclusive) a line amount at its rate. */
function taxOf(total: number, rateBp: number | null, taxIncluded: boolean): number {
  if (rateBp == null) return 0;
  const rate = BigInt(rateBp);
  return Number(taxIncluded ? divRound(BigInt(total) * rate, 10_000n + rate) : divRound(BigInt(total) * rate, 10_000n));
}

/**
 * Applies line discounts, then a sale discount spread over the lines in proportion to what each still costs
 * (largest remainder, so the shares add up to the discount exactly and no line goes below zero). A discount can
 * never exceed what it is taken from. Lines without a manual discount keep the quote's tax to the unit.
 */
export function applyManualDiscounts<L extends PricedLine>(
  lines: L[],
  lineDiscounts: (ManualDiscount | null | undefined)[],
  saleDiscount: ManualDiscount | null | undefined,
  taxIncluded: boolean,
): DiscountedSale<L> {
  const before = lines.reduce((s, l) => s + l.total, 0);
  const lineOff: number[] = [];
  for (const [i, l] of lines.entries()) {
    const d = lineDiscounts[i];
    const off = d ? discountOff(d, l.total) : 0;
    if (off > l.total) return { ok: false, reason: 'EXCEEDS_LINE_TOTAL', line: i, message: `line ${i + 1}'s discount is more than its ${l.total}` };
    lineOff.push(off);
  }
  const left = lines.map((l, i) => l.total - lineOff[i]!);
  const base = left.reduce((s, x) => s + x, 0);
  const saleOff = saleDiscount ? discountOff(saleDiscount, base) : 0;
  if (saleOff > base) return { ok: false, reason: 'EXCEEDS_SALE_TOTAL', line: null, message: `the sale's discount is more than its ${base}` };
  const shares = spread(saleOff, left);
  const out = lines.map((l, i) => {
    const manual = lineOff[i]! + shares[i]!;
    if (manual === 0) return { ...l, manualDiscount: 0 };
    const total = l.total - manual;
    return { ...l, total, tax: taxOf(total, l.taxRateBp, taxIncluded), manualDiscount: manual };
  });
  return { ok: true, lines: out, manualDiscount: lineOff.reduce((s, x) => s + x, 0) + saleOff, before };
}

/** `amount` split over `weights` in proportion, by largest remainder: the shares sum to `amount`, each at most its weight. */
export function spread(amount: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (amount === 0 || sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => BigInt(amount) * BigInt(w));
  const shares = exact.map((x) => Number(x / BigInt(sum)));
  let rest = amount - shares.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, r: x % BigInt(sum) })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (rest === 0) break;
    shares[i]! += 1;
    rest -= 1;
  }
  return shares;
}

/**
 * The most a cashier may take off alone: the policy's share of the sale before manual discounts (rounded down,
 * so the threshold never lets through a unit more than the percentage says), capped by its amount if set.
 */
export function discountThreshold(policy: TillDiscountPolicy, before: number): number {
  const share = Number((BigInt(before) * BigInt(policy.maxPercentBasisPoints)) / 10_000n);
  return policy.maxAmount == null ? share : Math.min(share, policy.maxAmount);
}

export const needsManagerApproval = (policy: TillDiscountPolicy, before: number, manualDiscount: number) => manualDiscount > discountThreshold(policy, before);
