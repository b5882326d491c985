import { eq } from 'drizzle-orm';
import { appError, staffCan } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { returnPolicies } from '../db/tables.ts';
import { DEFAULT_RETURN_POLICY, type FeeKind, type ReturnPolicy, type ShippingRefundRule } from '../domain/refund.calculator.ts';

type Db = OrdersContext['db']['db'];
const CHANNEL = /^[a-z0-9-]{1,64}$/;

/** The channel's return rules, or the defaults when staff never set any. `db` may be a transaction. */
export async function returnPolicyOf(db: Pick<Db, 'select'>, channel: string): Promise<ReturnPolicy> {
  const [row] = await db.select().from(returnPolicies).where(eq(returnPolicies.channel, channel));
  if (!row) return DEFAULT_RETURN_POLICY;
  return {
    windowDays: row.windowDays,
    restockingFee: { kind: row.restockingFeeKind, value: row.restockingFeeValue },
    shippingRefund: row.shippingRefund,
  };
}

const view = (channel: string, p: ReturnPolicy) => ({
  channel,
  windowDays: p.windowDays,
  restockingFeeKind: p.restockingFee.kind,
  restockingFeeValue: p.restockingFee.value,
  shippingRefund: p.shippingRefund,
});

/** Staff (order-admin or viewer on the channel) read its return rules. */
export async function readReturnPolicy(ctx: OrdersContext, channel: string) {
  if (!staffCan(ctx.channel, 'order-admin', channel) && !staffCan(ctx.channel, 'viewer', channel)) {
    throw appError('FORBIDDEN', `order-admin or viewer on ${channel} is required`);
  }
  return view(channel, await returnPolicyOf(ctx.db.db, channel));
}

export interface ReturnPolicyInput {
  channel: string;
  windowDays: number;
  restockingFeeKind: FeeKind;
  restockingFeeValue: number;
  shippingRefund: ShippingRefundRule;
}

/**
 * Staff (order-admin on the channel) set its return rules: a window of 0 to 365 days, a restocking fee (NONE;
 * PERCENT in basis points up to 10000; FIXED in minor units per return) and when shipping is refunded. Applies
 * to returns received from then on.
 */
export async function setReturnPolicy(ctx: OrdersContext, input: ReturnPolicyInput) {
  if (!CHANNEL.test(input.channel) || !staffCan(ctx.channel, 'order-admin', input.channel)) {
    throw appError('FORBIDDEN', `order-admin on ${input.channel} is required`);
  }
  const bad = (message: string, argument: string) => appError('BAD_USER_INPUT', message, { argument: `input.${argument}` });
  if (!Number.isInteger(input.windowDays) || input.windowDays < 0 || input.windowDays > 365) throw bad('windowDays is 0 to 365', 'windowDays');
  const value = input.restockingFeeValue;
  if (!Number.isSafeInteger(value) || value < 0) throw bad('restockingFeeValue is a non-negative integer', 'restockingFeeValue');
  if (input.restockingFeeKind === 'PERCENT' && value > 10_000) throw bad('a percentage fee is 0 to 10000 basis points', 'restockingFeeValue');
  if (input.restockingFeeKind === 'NONE' && value !== 0) throw bad('no fee takes no value', 'restockingFeeValue');
  const row = {
    channel: input.channel,
    windowDays: input.windowDays,
    restockingFeeKind: input.restockingFeeKind,
    restockingFeeValue: value,
    shippingRefund: input.shippingRefund,
    updatedBy: ctx.channel.staff!.id,
    updatedAt: new Date(),
  };
  await ctx.db.db.insert(returnPolicies).values(row).onConflictDoUpdate({ target: returnPolicies.channel, set: row });
  return view(input.channel, await returnPolicyOf(ctx.db.db, input.channel));
}
