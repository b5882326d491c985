import { and, eq } from 'drizzle-orm';
import { signTillApproval } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { tillStaff } from '../db/tables.ts';
import { worksAt } from '../domain/till-shop.rules.ts';
import { tillStaffView, type TillStaffRow } from './till-registry.service.ts';

const signInFailed = { __typename: 'SignInFailed' as const, message: 'staff code or PIN is wrong' };
const refused = (reason: 'NOT_ON_A_TILL' | 'NOT_A_MANAGER' | 'OTHER_SHOP' | 'OWN_SALE' | 'INVALID_AMOUNT', message: string) => ({
  __typename: 'TillApprovalRefused' as const,
  reason,
  message,
});

/**
 * A manager approves a manual discount on the till where a cashier is signed in: the manager types their staff
 * code and PIN there (argon2id, throttled like a sign-in, per till and staff code), and the answer is a token
 * orders checks when the sale is written. It binds the till, the cashier's sign-in and the most discount it
 * covers, for five minutes. Only a MANAGER of the till's channel who works in the till's shop approves, and never
 * the person signed in: a cashier (or a manager ringing up) cannot approve their own sale.
 */
export async function approveTillDiscount(
  ctx: CustomersContext,
  input: { staffCode: string; pin: string; maxDiscount: number; purpose?: 'DISCOUNT' | 'RETURN' | null },
) {
  const till = ctx.channel.till;
  if (!till || ctx.channel.channelKind !== 'POS') return refused('NOT_ON_A_TILL', 'a manager approves at a till where a cashier is signed in');
  if (!Number.isSafeInteger(input.maxDiscount) || input.maxDiscount <= 0) return refused('INVALID_AMOUNT', 'maxDiscount is a positive amount of minor units');
  if (input.staffCode.length > 16 || input.pin.length > 12) return signInFailed;
  const key = `till:${till.id}:${input.staffCode.toLowerCase()}`;
  const wait = await ctx.deps.throttle.attempt(key, ctx.channel.clientIp);
  if (wait > 0) return { __typename: 'SignInThrottled' as const, message: 'too many failed attempts; try again later', retryAfterSeconds: wait };
  const [member]: (TillStaffRow | undefined)[] = await ctx.db.db
    .select()
    .from(tillStaff)
    .where(and(eq(tillStaff.channel, ctx.channel.channel), eq(tillStaff.staffCode, input.staffCode)));
  // One argon2 verification whether or not the code exists, as at sign-in.
  const pinOk = await ctx.deps.hasher.verify(member?.pinHash, input.pin);
  if (!member || !pinOk || member.status !== 'ACTIVE') return signInFailed;
  await ctx.deps.throttle.succeeded(key, ctx.channel.clientIp);
  if (member.role !== 'MANAGER') return refused('NOT_A_MANAGER', 'only a manager approves a discount above the threshold');
  // The till's shop comes from its record (the POS BFF signs it as the context's location), never from the client.
  if (!ctx.channel.locationId || !worksAt(member.locationIds, ctx.channel.locationId))
    return refused('OTHER_SHOP', "this manager does not work in this till's shop");
  if (member.id === till.staffId) return refused('OWN_SALE', 'the person signed in on the till cannot approve their own sale');
  const { token, expiresAt } = await signTillApproval(
    {
      tillId: till.id,
      signInId: till.signInId,
      managerId: member.id,
      managerName: member.name,
      maxDiscount: input.maxDiscount,
      purpose: input.purpose ?? 'DISCOUNT',
    },
    ctx.deps.contextSecret,
  );
  return {
    __typename: 'TillDiscountApproval' as const,
    approvalToken: token,
    expiresAt: expiresAt.toISOString(),
    manager: tillStaffView(member),
    maxDiscount: { amount: input.maxDiscount, currency: ctx.channel.currency },
  };
}
