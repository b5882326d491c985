import { randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { appError, hmacKey, IDENTITY_LOOKUP_ISSUER, TILL_TOKEN_ISSUER, TILL_TOKEN_TTL_SECONDS } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { tillSignIns, tillStaff, tills } from '../db/tables.ts';
import { isUuid } from '../domain/account-input.rules.ts';
import { worksAt } from '../domain/till-shop.rules.ts';
import { hashToken } from './session-tokens.ts';
import { tillStaffView, tillView, type TillStaffRow } from './till-registry.service.ts';

const signInFailed = { __typename: 'SignInFailed' as const, message: 'till, staff code or PIN is wrong' };
/**
 * Answered only after the till's secret and the member's PIN were both right: telling the cashier why (ask a
 * staff admin to add this shop) costs nothing against enumeration, since without the PIN the answer is
 * SignInFailed whatever the shop, and whoever knows the PIN learns only where it works. Answering SignInFailed
 * here instead would send a cashier with the right PIN into the throttle, believing the PIN wrong.
 */
const otherShop = {
  __typename: 'TillSignInRefused' as const,
  reason: 'OTHER_SHOP' as const,
  message: "this staff member does not work in this till's shop",
};

/** The failure budget a till sign-in and a PIN change share: per till and staff code (5 per window), and per address. */
export const tillSignInKey = (tillId: string, staffCode: string) => `till:${tillId}:${staffCode.toLowerCase()}`;

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A staff member signs in on a registered till: the till's secret proves the device, the PIN (argon2id, the
 * bounded hasher) the person. Failures are throttled per till and staff code (5 per window) and per address, and
 * an unknown till, code or PIN all answer alike after one argon2 verification. The till's channel and shop and the
 * cashier's role are read again from their records on every request (tillSessionFacts), never trusted from here.
 */
export async function tillSignIn(ctx: CustomersContext, input: { tillId: string; tillSecret: string; staffCode: string; pin: string }) {
  if (input.tillId.length > 64 || input.tillSecret.length > 100 || input.staffCode.length > 16 || input.pin.length > 12) return signInFailed;
  const key = tillSignInKey(input.tillId, input.staffCode);
  const wait = await ctx.deps.throttle.attempt(key, ctx.channel.clientIp);
  if (wait > 0) return { __typename: 'SignInThrottled' as const, message: 'too many failed sign-ins; try again later', retryAfterSeconds: wait };
  const [till] = await ctx.db.db.select().from(tills).where(eq(tills.id, input.tillId));
  const deviceOk = !!till && till.status === 'ACTIVE' && sameHash(till.secretHash, hashToken(input.tillSecret));
  let member: TillStaffRow | undefined;
  if (deviceOk) {
    [member] = await ctx.db.db
      .select()
      .from(tillStaff)
      .where(and(eq(tillStaff.channel, till.channel), eq(tillStaff.staffCode, input.staffCode)));
  }
  const pinOk = await ctx.deps.hasher.verify(member?.pinHash, input.pin);
  if (!deviceOk || !member || !pinOk || member.status !== 'ACTIVE') return signInFailed;
  // The PIN was right: only failures count against the budget, whatever the shop rule says next.
  await ctx.deps.throttle.succeeded(key, ctx.channel.clientIp);
  if (!worksAt(member.locationIds, till.locationId)) return otherShop;
  const sid = randomUUID();
  const expiresAt = new Date(Date.now() + TILL_TOKEN_TTL_SECONDS * 1000);
  const landed = await recordSignIn(ctx, { sid, till, member, expiresAt });
  if (landed !== 'SIGNED_IN') return landed === 'OTHER_SHOP' ? otherShop : signInFailed;
  const accessToken = await new SignJWT({ kind: 'device', sid, channel: till.channel, name: member.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TILL_TOKEN_ISSUER)
    .setSubject(till.id)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(ctx.deps.idpSecret));
  return {
    __typename: 'TillSignedIn' as const,
    accessToken,
    accessTokenExpiresAt: expiresAt.toISOString(),
    till: tillView(till),
    staff: tillStaffView(member),
  };
}

/**
 * The sign-in row, written only if the till and the member are still as they were read before the PIN check (an
 * argon2 verification: tens of milliseconds). The rows are read again under FOR SHARE, which waits for a
 * revokeTill or updateTillStaff in flight (they lock the row to change it) and then sees its outcome: without it a
 * sign-in racing a deactivation was written open after the deactivation had ended the open ones, and a later
 * reactivation brought its 8-hour token back to life.
 */
async function recordSignIn(
  ctx: CustomersContext,
  a: { sid: string; till: typeof tills.$inferSelect; member: TillStaffRow; expiresAt: Date },
): Promise<'SIGNED_IN' | 'FAILED' | 'OTHER_SHOP'> {
  return ctx.db.db.transaction(async (tx) => {
    const [till] = await tx.select({ status: tills.status }).from(tills).where(eq(tills.id, a.till.id)).for('share');
    const [member] = await tx
      .select({ status: tillStaff.status, pinHash: tillStaff.pinHash, locationIds: tillStaff.locationIds })
      .from(tillStaff)
      .where(eq(tillStaff.id, a.member.id))
      .for('share');
    // A PIN changed meanwhile: the one just verified is no longer this member's.
    if (till?.status !== 'ACTIVE' || member?.status !== 'ACTIVE' || member.pinHash !== a.member.pinHash) return 'FAILED';
    if (!worksAt(member.locationIds, a.till.locationId)) return 'OTHER_SHOP';
    await tx.insert(tillSignIns).values({ id: a.sid, tillId: a.till.id, tillStaffId: a.member.id, expiresAt: a.expiresAt });
    return 'SIGNED_IN';
  });
}

export async function tillSignOut(ctx: CustomersContext): Promise<boolean> {
  const till = ctx.channel.till;
  if (!till || !isUuid(till.signInId)) return false;
  await ctx.db.db
    .update(tillSignIns)
    .set({ endedAt: new Date() })
    .where(and(eq(tillSignIns.id, till.signInId), eq(tillSignIns.tillId, till.id), isNull(tillSignIns.endedAt)));
  return true;
}

/** For the POS BFF's context: the till's channel and shop and the cashier's role now, and whether the sign-in stands. */
export async function tillSessionFacts(ctx: CustomersContext, tillId: string, sessionId: string) {
  if (ctx.issuer !== IDENTITY_LOOKUP_ISSUER) throw appError('FORBIDDEN', 'only a BFF identity lookup reads till sessions');
  if (!isUuid(sessionId)) return null;
  const [row] = await ctx.db.db
    .select({ signIn: tillSignIns, till: tills, member: tillStaff })
    .from(tillSignIns)
    .innerJoin(tills, eq(tills.id, tillSignIns.tillId))
    .innerJoin(tillStaff, eq(tillStaff.id, tillSignIns.tillStaffId))
    .where(and(eq(tillSignIns.id, sessionId), eq(tillSignIns.tillId, tillId)));
  if (!row) return null;
  // The shop again: a sign-in that raced a change of the member's shops (updateTillStaff) ends here.
  const active =
    row.signIn.endedAt === null &&
    row.signIn.expiresAt.getTime() > Date.now() &&
    row.till.status === 'ACTIVE' &&
    row.member.status === 'ACTIVE' &&
    worksAt(row.member.locationIds, row.till.locationId);
  return { active, tillId: row.till.id, channel: row.till.channel, locationId: row.till.locationId, staffId: row.member.id, role: row.member.role };
}
