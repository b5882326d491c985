import { and, eq, inArray, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { cartLines, carts } from '../db/tables.ts';
import type { Address } from '@storegraph/schema';
import { ownerOf } from './cart-owner.ts';
import { assertSoldInChannel } from './cart-catalog.service.ts';
import { checkedSource } from './aisle-source.validation.ts';
import {
  CART_LIMITS,
  assertCode,
  assertLineTotal,
  assertQuantity,
  assertVariantId,
  checkedAddress,
  cleanCoupons,
  cleanEmail,
  isUuid,
  mergeLines,
} from './cart-input.validation.ts';

export type CartRow = typeof carts.$inferSelect;

function requireOwner(ctx: OrdersContext): string {
  const owner = ownerOf(ctx.channel);
  if (!owner) throw appError('UNAUTHENTICATED', 'a cart belongs to a signed-in customer or a guest session');
  return owner;
}

const expiry = (ctx: OrdersContext) => new Date(Date.now() + ctx.deps.cartIdleMs);

/** A cart of the caller's in this channel (any status), or null; an expired active cart reads as gone. */
export async function findCart(ctx: OrdersContext, id: string): Promise<CartRow | null> {
  const owner = ownerOf(ctx.channel);
  if (!owner || !isUuid(id)) return null;
  const [row] = await ctx.db.db
    .select()
    .from(carts)
    .where(and(eq(carts.id, id), eq(carts.channel, ctx.channel.channel), eq(carts.owner, owner)));
  if (!row || (row.status === 'ACTIVE' && row.expiresAt.getTime() < Date.now())) return null;
  return row;
}

export async function myCart(ctx: OrdersContext): Promise<CartRow | null> {
  const owner = ownerOf(ctx.channel);
  if (!owner) return null;
  const [row] = await ctx.db.db
    .select()
    .from(carts)
    .where(and(eq(carts.channel, ctx.channel.channel), eq(carts.owner, owner), eq(carts.status, 'ACTIVE'), sql`${carts.expiresAt} > now()`))
    .orderBy(sql`${carts.updatedAt} desc`)
    .limit(1);
  return row ?? null;
}

export async function createCart(ctx: OrdersContext, email?: string | null): Promise<CartRow> {
  const owner = requireOwner(ctx);
  const c = ctx.channel;
  const [row] = await ctx.db.db
    .insert(carts)
    .values({
      channel: c.channel,
      owner,
      customerId: c.customerId ?? null,
      companyId: c.companyId ?? null,
      currency: c.currency,
      email: cleanEmail(email),
      expiresAt: expiry(ctx),
    })
    .returning();
  return row!;
}

type Tx = Parameters<Parameters<OrdersContext['db']['db']['transaction']>[0]>[0];

/**
 * Every cart change: in one transaction, bump the version of the caller's active cart (refusing a stale
 * expectedVersion with CONFLICT), then apply the change. Nothing is written when the change throws.
 */
async function changeCart(ctx: OrdersContext, id: string, expectedVersion: number | null | undefined, change: (tx: Tx, cart: CartRow) => Promise<void>) {
  const owner = requireOwner(ctx);
  if (!isUuid(id)) throw appError('NOT_FOUND', `no cart ${id}`);
  if (expectedVersion != null && !Number.isInteger(expectedVersion))
    throw appError('BAD_USER_INPUT', 'expectedVersion is an integer', { argument: 'expectedVersion' });
  return ctx.db.db.transaction(async (tx) => {
    const [cart] = await tx
      .select()
      .from(carts)
      .where(and(eq(carts.id, id), eq(carts.channel, ctx.channel.channel), eq(carts.owner, owner)))
      .for('update');
    if (!cart || (cart.status === 'ACTIVE' && cart.expiresAt.getTime() < Date.now())) throw appError('NOT_FOUND', `no cart ${id}`);
    if (cart.status !== 'ACTIVE') throw appError('CONFLICT', `the cart is ${cart.status.toLowerCase().replace('_', ' ')}`, { reason: 'CART_NOT_ACTIVE' });
    if (expectedVersion != null && expectedVersion !== cart.version) {
      throw appError('CONFLICT', `the cart changed (version ${cart.version}, not ${expectedVersion})`, { reason: 'CART_VERSION', version: cart.version });
    }
    await change(tx, cart);
    const [updated] = await tx
      .update(carts)
      .set({ version: sql`${carts.version} + 1`, updatedAt: new Date(), expiresAt: expiry(ctx) })
      .where(eq(carts.id, id))
      .returning();
    return updated!;
  });
}

async function lineCount(tx: Tx, cartId: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(cartLines).where(eq(cartLines.cartId, cartId));
  return row!.n;
}

export async function addCartLines(ctx: OrdersContext, id: string, lines: { variantId: string; quantity: number }[], expectedVersion?: number | null) {
  const merged = mergeLines(lines);
  await assertSoldInChannel(ctx, [...merged.keys()]);
  return putCartLines(ctx, id, merged, expectedVersion);
}

/**
 * Adds lines already checked against the catalogue (merged by variant, each within a line's units) in one
 * cart change: one INSERT for all of them, as a bulk order brings thousands. A cart holds at most
 * CART_LIMITS.maxCartLines lines in all, however many requests filled it.
 */
export async function putCartLines(ctx: OrdersContext, id: string, merged: Map<string, number>, expectedVersion?: number | null) {
  return changeCart(ctx, id, expectedVersion, async (tx, cart) => {
    // Under the cart's row lock: what the lines already hold plus what is added stays within a line's limit.
    const held = await tx
      .select({ variantId: cartLines.variantId, quantity: cartLines.quantity })
      .from(cartLines)
      .where(and(eq(cartLines.cartId, cart.id), inArray(cartLines.variantId, [...merged.keys()])));
    for (const h of held) assertLineTotal(h.variantId, h.quantity + merged.get(h.variantId)!);
    await tx
      .insert(cartLines)
      .values([...merged].map(([variantId, quantity]) => ({ cartId: cart.id, variantId, quantity })))
      .onConflictDoUpdate({ target: [cartLines.cartId, cartLines.variantId], set: { quantity: sql`${cartLines.quantity} + excluded.quantity` } });
    if ((await lineCount(tx, cart.id)) > CART_LIMITS.maxCartLines)
      throw appError('BAD_USER_INPUT', `a cart has at most ${CART_LIMITS.maxCartLines} lines`, { reason: 'TOO_MANY_LINES', argument: 'lines' });
  });
}

export async function updateCartLine(ctx: OrdersContext, id: string, variantId: string, quantity: number, expectedVersion?: number | null) {
  assertVariantId(variantId, 'variantId');
  assertQuantity(quantity, 'quantity', 0);
  return changeCart(ctx, id, expectedVersion, async (tx, cart) => {
    if (quantity === 0) {
      await tx.delete(cartLines).where(and(eq(cartLines.cartId, cart.id), eq(cartLines.variantId, variantId)));
      return;
    }
    const updated = await tx
      .update(cartLines)
      .set({ quantity })
      .where(and(eq(cartLines.cartId, cart.id), eq(cartLines.variantId, variantId)))
      .returning({ v: cartLines.variantId });
    if (updated.length === 0) throw appError('NOT_FOUND', `no line for ${variantId} in this cart`, { argument: 'variantId' });
  });
}

export interface CartDetailsInput {
  email?: string | null;
  shippingAddress?: Address | null;
  billingAddress?: Address | null;
  shippingMethod?: string | null;
  pickupLocationId?: string | null;
  /** Endless aisle, a till only: the shop or warehouse the units come from (see aisle-source.validation.ts). */
  sourceLocationId?: string | null;
  couponCodes?: string[] | null;
}

/** Only the fields present are changed; an explicit null clears one. */
export async function setCartDetails(ctx: OrdersContext, id: string, input: CartDetailsInput, expectedVersion?: number | null) {
  const set: Partial<typeof carts.$inferInsert> = {};
  if ('email' in input) set.email = cleanEmail(input.email);
  if ('shippingAddress' in input) set.shippingAddress = checkedAddress(input.shippingAddress, 'input.shippingAddress');
  if ('billingAddress' in input) set.billingAddress = checkedAddress(input.billingAddress, 'input.billingAddress');
  if ('shippingMethod' in input) {
    if (input.shippingMethod != null) assertCode(input.shippingMethod, 'input.shippingMethod');
    set.shippingMethod = input.shippingMethod ?? null;
  }
  if ('pickupLocationId' in input) {
    if (input.pickupLocationId != null) assertCode(input.pickupLocationId, 'input.pickupLocationId');
    set.pickupLocationId = input.pickupLocationId ?? null;
  }
  if ('sourceLocationId' in input) set.sourceLocationId = checkedSource(ctx.channel, input.sourceLocationId);
  if ('couponCodes' in input) set.couponCodes = cleanCoupons(input.couponCodes ?? []);
  return changeCart(ctx, id, expectedVersion, async (tx, cart) => {
    if (Object.keys(set).length > 0) await tx.update(carts).set(set).where(eq(carts.id, cart.id));
  });
}

/**
 * After sign-in the BFF signs the customer's context with the guest session they came from: the guest's
 * newest active cart moves into the customer's (quantities of the same variant add up) and is marked
 * MERGED. With no customer cart yet, the guest cart simply becomes the customer's.
 */
export async function mergeGuestCart(ctx: OrdersContext): Promise<CartRow | null> {
  const c = ctx.channel;
  if (!c.customerId) throw appError('UNAUTHENTICATED', 'sign in to merge a guest cart');
  if (!c.guestId) return myCart(ctx);
  const guestOwner = `guest:${c.guestId}`;
  const customerOwner = `customer:${c.customerId}`;
  return ctx.db.db.transaction(async (tx) => {
    const [guest] = await tx
      .select()
      .from(carts)
      .where(and(eq(carts.channel, c.channel), eq(carts.owner, guestOwner), eq(carts.status, 'ACTIVE'), sql`${carts.expiresAt} > now()`))
      .orderBy(sql`${carts.updatedAt} desc`)
      .limit(1)
      .for('update');
    const [mine] = await tx
      .select()
      .from(carts)
      .where(and(eq(carts.channel, c.channel), eq(carts.owner, customerOwner), eq(carts.status, 'ACTIVE'), sql`${carts.expiresAt} > now()`))
      .orderBy(sql`${carts.updatedAt} desc`)
      .limit(1)
      .for('update');
    if (!guest) return mine ?? null;
    if (!mine) {
      const [adopted] = await tx
        .update(carts)
        .set({ owner: customerOwner, customerId: c.customerId, companyId: c.companyId ?? null, version: sql`${carts.version} + 1`, updatedAt: new Date() })
        .where(eq(carts.id, guest.id))
        .returning();
      return adopted!;
    }
    await tx.execute(sql`insert into orders.cart_lines (cart_id, variant_id, quantity)
      select ${mine.id}::uuid, variant_id, quantity from orders.cart_lines where cart_id = ${guest.id}::uuid
      on conflict (cart_id, variant_id) do update set quantity = least(orders.cart_lines.quantity + excluded.quantity, ${CART_LIMITS.maxQuantity})`);
    await tx.update(carts).set({ status: 'MERGED', updatedAt: new Date() }).where(eq(carts.id, guest.id));
    const [merged] = await tx
      .update(carts)
      .set({
        email: mine.email ?? guest.email,
        couponCodes: [...new Set([...mine.couponCodes, ...guest.couponCodes])].slice(0, CART_LIMITS.maxCoupons),
        version: sql`${carts.version} + 1`,
        updatedAt: new Date(),
        expiresAt: expiry(ctx),
      })
      .where(eq(carts.id, mine.id))
      .returning();
    return merged!;
  });
}
