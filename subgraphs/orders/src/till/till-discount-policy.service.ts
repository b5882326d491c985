import { eq } from 'drizzle-orm';
import { appError, Code, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { tillDiscountPolicies } from '../db/tables.ts';
import { DEFAULT_TILL_DISCOUNT_POLICY, type TillDiscountPolicy } from '../domain/till-discount.rules.ts';

const CHANNEL = /^[a-z0-9-]{1,64}$/;

/** The channel's manual-discount rule, or the default when staff never set one. */
export async function tillDiscountPolicyOf(ctx: OrdersContext, channel: string): Promise<TillDiscountPolicy & { currency: string | null }> {
  const [row] = await ctx.db.db
    .select({ maxPercentBp: tillDiscountPolicies.maxPercentBp, maxAmount: tillDiscountPolicies.maxAmount, currency: tillDiscountPolicies.currency })
    .from(tillDiscountPolicies)
    .where(eq(tillDiscountPolicies.channel, channel));
  if (!row) return { ...DEFAULT_TILL_DISCOUNT_POLICY, currency: null };
  return { maxPercentBasisPoints: row.maxPercentBp, maxAmount: row.maxAmount, currency: row.currency };
}

const view = (channel: string, p: TillDiscountPolicy & { currency: string | null }) => ({
  channel,
  maxPercentBasisPoints: p.maxPercentBasisPoints,
  maxAmount: p.maxAmount == null || p.currency == null ? null : { amount: p.maxAmount, currency: p.currency },
});

export async function readTillDiscountPolicy(ctx: OrdersContext, channel: string) {
  if (!staffCan(ctx.channel, 'order-admin', channel) && !staffCan(ctx.channel, 'viewer', channel))
    throw appError(Code.FORBIDDEN, `order-admin or viewer on ${channel} is required`);
  return view(channel, await tillDiscountPolicyOf(ctx, channel));
}

export interface TillDiscountPolicyInput {
  channel: string;
  maxPercentBasisPoints: number;
  maxAmount?: { amount: number; currency: string } | null;
}

/**
 * Staff (order-admin on the channel) set what a cashier may take off alone. Sent in the channel it is for, so the
 * amount's currency is checked against the channel's own (a cap in another currency would never compare).
 */
export async function setTillDiscountPolicy(ctx: OrdersContext, input: TillDiscountPolicyInput) {
  if (!CHANNEL.test(input.channel) || !staffCan(ctx.channel, 'order-admin', input.channel))
    throw appError(Code.FORBIDDEN, `order-admin on ${input.channel} is required`);
  const bad = (message: string, argument: string) => appError(Code.BAD_USER_INPUT, message, { argument: `input.${argument}` });
  if (input.channel !== ctx.channel.channel) throw bad('set a channel’s discount rule from within that channel', 'channel');
  const bp = input.maxPercentBasisPoints;
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw bad('maxPercentBasisPoints is 0 to 10000', 'maxPercentBasisPoints');
  const cap = input.maxAmount ?? null;
  if (cap && (!Number.isSafeInteger(cap.amount) || cap.amount < 0)) throw bad('maxAmount is a non-negative amount of minor units', 'maxAmount.amount');
  if (cap && cap.currency !== ctx.channel.currency) throw bad(`this channel sells in ${ctx.channel.currency}`, 'maxAmount.currency');
  const row = {
    channel: input.channel,
    maxPercentBp: bp,
    maxAmount: cap?.amount ?? null,
    currency: ctx.channel.currency,
    updatedBy: ctx.channel.staff!.id,
    updatedAt: new Date(),
  };
  await ctx.db.db.insert(tillDiscountPolicies).values(row).onConflictDoUpdate({ target: tillDiscountPolicies.channel, set: row });
  return view(input.channel, await tillDiscountPolicyOf(ctx, input.channel));
}
