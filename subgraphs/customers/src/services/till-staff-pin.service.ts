import { and, eq, isNull, ne } from 'drizzle-orm';
import { appError, Code, staffCan } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { tillSignIns, tillStaff } from '../db/tables.ts';
import { isUuid } from '../domain/account-input.rules.ts';
import { PIN, requireTillAdmin, TILL_STAFF_VIEW_COLUMNS, tillStaffView } from './till-registry.service.ts';
import { tillSignInKey } from './till-sign-in.service.ts';

const inputInvalid = (message: string, field?: string) => ({ __typename: 'TillInputInvalid' as const, message, field });
const wrongPin = { __typename: 'SignInFailed' as const, message: 'the current PIN is wrong' };

/**
 * Staff-admin of the member's channel sets a new PIN for a member who forgot theirs. In one transaction with the
 * new hash: every open sign-in of theirs ends, so whoever learnt the old PIN and is signed in is out on their next
 * request (the POS BFF's lookup reads the sign-in again). The audit trail records the call with `pin` redacted
 * (kit's audit plugin), and the answer carries no PIN.
 */
export async function resetTillStaffPin(ctx: CustomersContext, input: { id: string; pin: string }) {
  if (!ctx.channel.staff) throw appError(Code.UNAUTHENTICATED, 'staff sign-in required');
  const [current] = await ctx.db.db.select({ channel: tillStaff.channel }).from(tillStaff).where(eq(tillStaff.id, input.id));
  // Another channel's member is answered as an unknown one (as updateTillStaff does): FORBIDDEN would tell a staff
  // admin of any channel which ids exist elsewhere.
  if (!current || !staffCan(ctx.channel, 'staff-admin', current.channel)) throw appError(Code.NOT_FOUND, `no till staff member ${input.id} you manage`);
  requireTillAdmin(ctx, current.channel);
  if (!PIN.test(input.pin)) return inputInvalid('4 to 12 digits', 'pin');
  const pinHash = await ctx.deps.hasher.hash(input.pin);
  return ctx.db.db.transaction(async (tx) => {
    const [after] = await tx.update(tillStaff).set({ pinHash }).where(eq(tillStaff.id, input.id)).returning(TILL_STAFF_VIEW_COLUMNS);
    const ended = await tx
      .update(tillSignIns)
      .set({ endedAt: new Date() })
      .where(and(eq(tillSignIns.tillStaffId, input.id), isNull(tillSignIns.endedAt)))
      .returning({ id: tillSignIns.id });
    return { __typename: 'TillPinReset' as const, staff: tillStaffView(after!), endedSignIns: ended.length };
  });
}

/**
 * The member signed in on this till changes their own PIN. The current PIN is checked against the same failure
 * budget as a sign-in on this till (tillSignInKey): a stolen till session cannot guess the PIN here faster than
 * at the sign-in screen. A new PIN of the wrong form is refused before the budget is touched. The write only
 * lands while the PIN is still the one just verified, so a staff reset racing it wins. In the same transaction
 * the member's other open sign-ins end (as a reset ends them all): a sign-in made with the old PIN by whoever
 * learnt it is out on its next request; this one goes on.
 */
export async function changeMyTillPin(ctx: CustomersContext, input: { currentPin: string; pin: string }) {
  const till = ctx.channel.till;
  if (!till || !isUuid(till.signInId)) throw appError(Code.UNAUTHENTICATED, 'only a member signed in on a till changes their PIN');
  const [row] = await ctx.db.db
    .select({ member: { ...TILL_STAFF_VIEW_COLUMNS, pinHash: tillStaff.pinHash }, expiresAt: tillSignIns.expiresAt })
    .from(tillSignIns)
    .innerJoin(tillStaff, eq(tillStaff.id, tillSignIns.tillStaffId))
    .where(and(eq(tillSignIns.id, till.signInId), eq(tillSignIns.tillId, till.id), isNull(tillSignIns.endedAt)));
  if (!row || row.expiresAt.getTime() <= Date.now() || row.member.status !== 'ACTIVE')
    throw appError(Code.UNAUTHENTICATED, 'this till sign-in has ended; sign in again');
  if (!PIN.test(input.pin)) return inputInvalid('4 to 12 digits', 'pin');
  const key = tillSignInKey(till.id, row.member.staffCode);
  const wait = await ctx.deps.throttle.attempt(key, ctx.channel.clientIp);
  if (wait > 0) return { __typename: 'SignInThrottled' as const, message: 'too many wrong PINs; try again later', retryAfterSeconds: wait };
  if (input.currentPin.length > 12 || !(await ctx.deps.hasher.verify(row.member.pinHash, input.currentPin))) return wrongPin;
  await ctx.deps.throttle.succeeded(key, ctx.channel.clientIp);
  if (input.pin === input.currentPin) return inputInvalid('not the current PIN', 'pin');
  const pinHash = await ctx.deps.hasher.hash(input.pin);
  return ctx.db.db.transaction(async (tx) => {
    const [after] = await tx
      .update(tillStaff)
      .set({ pinHash })
      .where(and(eq(tillStaff.id, row.member.id), eq(tillStaff.pinHash, row.member.pinHash)))
      .returning(TILL_STAFF_VIEW_COLUMNS);
    if (!after) return wrongPin;
    await tx
      .update(tillSignIns)
      .set({ endedAt: new Date() })
      .where(and(eq(tillSignIns.tillStaffId, row.member.id), isNull(tillSignIns.endedAt), ne(tillSignIns.id, till.signInId)));
    return { __typename: 'TillPinChanged' as const, staff: tillStaffView(after) };
  });
}
