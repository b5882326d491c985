import type { PricesContext } from '../context.ts';
import type { PromotionRow } from '../loaders/promotion.loaders.ts';
import type { PromotionRule } from '../pricing/promotion.types.ts';

export type CouponRejection =
  | 'UNKNOWN_CODE'
  | 'NOT_ACTIVE'
  | 'CURRENCY_MISMATCH'
  | 'USAGE_LIMIT_REACHED'
  | 'CUSTOMER_LIMIT_REACHED'
  | 'SIGN_IN_REQUIRED'
  | 'NOT_APPLICABLE';

export interface RejectedCoupon {
  code: string;
  reason: CouponRejection;
  message: string;
}

export const normalizeCode = (code: string) => code.trim().toUpperCase();

export function toRule(row: PromotionRow): PromotionRule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    target: row.target,
    variantIds: row.variantIds,
    categoryIds: row.categoryIds,
    percentBp: row.percentBp,
    amountOff: row.amountOff !== null ? BigInt(row.amountOff) : null,
    tiers: row.tiers,
    couponCode: row.couponCode,
    stacking: row.stacking,
    priority: row.priority,
  };
}

const live = (row: PromotionRow, now: Date) => (!row.startsAt || row.startsAt <= now) && (!row.endsAt || row.endsAt > now);

/**
 * The promotions that may apply to the caller's cart: only the caller's channel's (the loader is asked
 * for nothing else), live now, automatic or matching an entered code, in the cart's currency for fixed
 * amounts, and under their usage limits. A rejected code says why; an automatic promotion that is not
 * eligible is simply not offered.
 */
export async function eligiblePromotions(ctx: PricesContext, codes: readonly string[]) {
  const rows = await ctx.loaders.channelPromotions.load(ctx.channel.channel);
  const wanted = new Set(codes.map(normalizeCode));
  const rejected: RejectedCoupon[] = [];
  const reject = (code: string, reason: CouponRejection, message: string) => rejected.push({ code, reason, message });
  for (const code of wanted) if (!rows.some((r) => r.couponCode === code)) reject(code, 'UNKNOWN_CODE', 'no such code in this channel');

  const offered = rows.filter((r) => r.couponCode === null || wanted.has(r.couponCode));
  const timely = offered.filter((r) => {
    if (live(r, ctx.now)) return true;
    if (r.couponCode) reject(r.couponCode, 'NOT_ACTIVE', 'this code is not valid at this time');
    return false;
  });
  const priced = timely.filter((r) => {
    if (r.kind !== 'AMOUNT_OFF' || r.currency === ctx.channel.currency) return true;
    if (r.couponCode) reject(r.couponCode, 'CURRENCY_MISMATCH', `this code is for ${r.currency} carts`);
    return false;
  });
  const usage = await ctx.loaders.usage.loadMany(priced.map((r) => r.id));
  const eligible = priced.filter((r, i) => {
    const u = usage[i];
    if (u instanceof Error) throw u;
    const code = r.couponCode;
    if (r.usageLimit !== null && u!.total >= r.usageLimit) {
      if (code) reject(code, 'USAGE_LIMIT_REACHED', 'this code has been used up');
      return false;
    }
    if (r.perCustomerLimit !== null) {
      if (!ctx.channel.customerId) {
        if (code) reject(code, 'SIGN_IN_REQUIRED', 'sign in to use this code');
        return false;
      }
      if (u!.byCustomer >= r.perCustomerLimit) {
        if (code) reject(code, 'CUSTOMER_LIMIT_REACHED', 'you have already used this code');
        return false;
      }
    }
    return true;
  });
  return { rules: eligible.map(toRule), rejected };
}
