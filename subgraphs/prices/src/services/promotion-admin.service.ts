import { eq } from 'drizzle-orm';
import type { PricesContext } from '../context.ts';
import { promotions } from '../db/tables.ts';
import type { BuyNTier, PromotionKind, PromotionStacking, PromotionTarget } from '../pricing/promotion.types.ts';
import { assertCurrency, badInput, MAX_QUANTITY, parseInstant } from './input.validation.ts';
import { normalizeCode } from './promotion-eligibility.service.ts';
import { assertStaff } from './staff-scope.ts';

export interface PromotionInput {
  id: string;
  channel: string;
  name: string;
  kind: PromotionKind;
  target: PromotionTarget;
  variantIds?: string[] | null;
  categoryIds?: string[] | null;
  percentBasisPoints?: number | null;
  amountOff?: { amount: number; currency: string } | null;
  tiers?: { minQuantity: number; percentBasisPoints: number }[] | null;
  couponCode?: string | null;
  stacking?: PromotionStacking | null;
  priority?: number | null;
  startsAt?: string | null;
  endsAt?: string | null;
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
  active?: boolean | null;
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const bp = (v: number | null | undefined) => v != null && Number.isInteger(v) && v >= 1 && v <= 10_000;

function toRow(p: PromotionInput): typeof promotions.$inferInsert {
  const fail = (reason: string, message: string, argument: string) => {
    throw badInput(reason, message, { argument: `input.${argument}` });
  };
  if (!ID.test(p.id)) fail('INVALID_ID', 'id: 1-64 of letters, digits, _ . : -', 'id');
  if (!ID.test(p.channel)) fail('INVALID_ID', 'malformed channel', 'channel');
  if (!p.name.trim() || p.name.length > 200) fail('INVALID_NAME', 'name: 1-200 characters', 'name');
  const variantIds = p.variantIds ?? [];
  const categoryIds = p.categoryIds ?? [];
  if (![...variantIds, ...categoryIds].every((id) => ID.test(id)) || variantIds.length > 1000 || categoryIds.length > 100)
    fail('INVALID_ID', 'malformed or too many target ids', 'variantIds');
  if (p.target === 'PRODUCTS' && variantIds.length === 0) fail('INVALID_TARGET', 'a PRODUCTS promotion lists variantIds', 'variantIds');
  if (p.target === 'CATEGORIES' && categoryIds.length === 0) fail('INVALID_TARGET', 'a CATEGORIES promotion lists categoryIds', 'categoryIds');
  let tiers: BuyNTier[] | null = null;
  if (p.kind === 'PERCENT_OFF' && !bp(p.percentBasisPoints)) fail('INVALID_DISCOUNT', 'percentBasisPoints from 1 to 10000', 'percentBasisPoints');
  if (p.kind === 'AMOUNT_OFF') {
    if (!p.amountOff || !Number.isSafeInteger(p.amountOff.amount) || p.amountOff.amount <= 0)
      fail('INVALID_DISCOUNT', 'amountOff is a positive amount of minor units', 'amountOff');
    assertCurrency(p.amountOff!.currency, 'input.amountOff.currency');
  }
  if (p.kind === 'BUY_N') {
    const t = p.tiers ?? [];
    const valid =
      t.length > 0 &&
      t.length <= 10 &&
      t.every((x) => Number.isInteger(x.minQuantity) && x.minQuantity >= 1 && x.minQuantity <= MAX_QUANTITY && bp(x.percentBasisPoints));
    if (!valid || new Set(t.map((x) => x.minQuantity)).size !== t.length)
      fail('INVALID_DISCOUNT', '1 to 10 tiers with distinct minQuantity and percentBasisPoints 1-10000', 'tiers');
    tiers = t.map((x) => ({ minQuantity: x.minQuantity, percentBp: x.percentBasisPoints })).sort((a, b) => a.minQuantity - b.minQuantity);
  }
  const couponCode = p.couponCode ? normalizeCode(p.couponCode) : null;
  if (couponCode !== null && !/^[A-Z0-9_-]{1,64}$/.test(couponCode)) fail('INVALID_COUPON_CODE', 'coupon codes are letters, digits, _ and -', 'couponCode');
  const startsAt = parseInstant(p.startsAt, 'input.startsAt');
  const endsAt = parseInstant(p.endsAt, 'input.endsAt');
  if (startsAt && endsAt && endsAt <= startsAt) fail('INVALID_WINDOW', 'endsAt must be after startsAt', 'endsAt');
  const limit = (v: number | null | undefined, arg: string) => {
    if (v != null && (!Number.isInteger(v) || v < 1)) fail('INVALID_LIMIT', `${arg} is a positive integer`, arg);
    return v ?? null;
  };
  const priority = p.priority ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > 1_000_000) fail('INVALID_PRIORITY', 'priority is an integer within +-1,000,000', 'priority');
  return {
    id: p.id,
    channel: p.channel,
    name: p.name.trim(),
    kind: p.kind,
    target: p.target,
    variantIds,
    categoryIds,
    percentBp: p.kind === 'PERCENT_OFF' ? p.percentBasisPoints! : null,
    amountOff: p.kind === 'AMOUNT_OFF' ? p.amountOff!.amount : null,
    currency: p.kind === 'AMOUNT_OFF' ? p.amountOff!.currency : null,
    tiers,
    couponCode,
    stacking: p.stacking ?? 'COMBINABLE',
    priority,
    startsAt,
    endsAt,
    usageLimit: limit(p.usageLimit, 'usageLimit'),
    perCustomerLimit: limit(p.perCustomerLimit, 'perCustomerLimit'),
    active: p.active ?? true,
  };
}

export function promotionView(r: typeof promotions.$inferSelect) {
  return {
    ...r,
    percentBasisPoints: r.percentBp,
    amountOff: r.amountOff !== null ? { amount: r.amountOff, currency: r.currency } : null,
    tiers: (r.tiers ?? []).map((t) => ({ minQuantity: t.minQuantity, percentBasisPoints: t.percentBp })),
    startsAt: r.startsAt?.toISOString() ?? null,
    endsAt: r.endsAt?.toISOString() ?? null,
  };
}

/** Creates or updates a promotion of one channel; a promotion never moves to another channel. */
export async function upsertPromotion(ctx: PricesContext, input: PromotionInput) {
  const row = toRow(input);
  assertStaff(ctx, row.channel);
  return ctx.db.db.transaction(async (tx) => {
    const [existing] = await tx.select({ channel: promotions.channel }).from(promotions).where(eq(promotions.id, row.id)).for('update');
    if (existing && existing.channel !== row.channel)
      throw badInput('IMMUTABLE_PROMOTION_FIELD', 'a promotion stays in its channel', { argument: 'input.channel' });
    try {
      const [saved] = await tx.insert(promotions).values(row).onConflictDoUpdate({ target: promotions.id, set: row }).returning();
      return promotionView(saved!);
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === '23505' || (err as { code?: string }).code === '23505') {
        throw badInput('DUPLICATE_COUPON_CODE', `coupon code ${row.couponCode} is already used in ${row.channel}`, { argument: 'input.couponCode' });
      }
      throw err;
    }
  });
}

/** Promotions of the channels the staff member may see. */
export async function listPromotions(ctx: PricesContext, channel: string) {
  assertStaff(ctx, channel, ['pricing-admin', 'viewer']);
  const rows = await ctx.db.db.select().from(promotions).where(eq(promotions.channel, channel)).orderBy(promotions.id);
  return rows.map(promotionView);
}
