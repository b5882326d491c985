import { sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { assertSoldInChannel } from './cart-catalog.service.ts';
import { fillCart, type CartFilled } from './cart-fill.service.ts';
import { badInput, isUuid, mergeLines } from './cart-input.validation.ts';
import { ordersByIds } from './order-query.service.ts';

export type SavedListRow = {
  id: string;
  name: string;
  shared: boolean;
  owner: string;
  version: number;
  updated_at: Date;
};

const NAME_MAX = 80;

/** Trade buyers only: a list belongs to a buyer of a company, in one channel. */
function buyer(ctx: OrdersContext) {
  const { channelKind, companyId, customerId, companyRole, channel } = ctx.channel;
  if (channelKind !== 'B2B' || !companyId || !customerId) throw appError('FORBIDDEN', 'saved lists are for trade buyers of a company');
  return { companyId, customerId, channel, admin: companyRole === 'ADMIN' };
}

/** Who may change a list: its owner; the company admin also a shared one. */
export function mayEdit(ctx: OrdersContext, list: Pick<SavedListRow, 'owner' | 'shared'>): boolean {
  const me = buyer(ctx);
  return list.owner === me.customerId || (list.shared && me.admin);
}

/** The caller's own lists and their company's shared ones in this channel; nothing of another company. */
const visible = (ctx: OrdersContext) => {
  const me = buyer(ctx);
  return sql`l.company_id = ${me.companyId} and l.channel = ${me.channel} and (l.owner = ${me.customerId} or l.shared)`;
};

export async function savedLists(ctx: OrdersContext, first: number): Promise<SavedListRow[]> {
  if (!Number.isInteger(first) || first < 1 || first > 200) badInput('INVALID_FIRST', 'first must be from 1 to 200', 'first');
  return [
    ...(await ctx.db.db.execute<SavedListRow>(sql`
      select l.id::text, l.name, l.shared, l.owner, l.version, l.updated_at from orders.saved_lists l
      where ${visible(ctx)} order by l.updated_at desc, l.id limit ${first}`)),
  ];
}

async function visibleList(ctx: OrdersContext, id: string): Promise<SavedListRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await ctx.db.db.execute<SavedListRow>(sql`
    select l.id::text, l.name, l.shared, l.owner, l.version, l.updated_at from orders.saved_lists l where l.id = ${id}::uuid and ${visible(ctx)}`);
  return row ?? null;
}

/**
 * Creates or replaces a list (name, sharing and every line) in one transaction. Replacing checks the caller may
 * change it and, with expectedVersion, that nobody changed it since they read it (CONFLICT).
 */
export async function saveList(
  ctx: OrdersContext,
  input: { id?: string | null; expectedVersion?: number | null; name: string; shared: boolean; lines: { variantId: string; quantity: number }[] },
): Promise<SavedListRow> {
  const me = buyer(ctx);
  const name = input.name.trim();
  if (name.length < 1 || name.length > NAME_MAX) badInput('INVALID_NAME', `a list's name is 1 to ${NAME_MAX} characters`, 'name');
  const lines = mergeLines(input.lines);
  await assertSoldInChannel(ctx, [...lines.keys()]);
  return ctx.db.db.transaction(async (tx) => {
    let id = input.id ?? null;
    if (id) {
      const existing = await visibleList(ctx, id);
      if (!existing) throw appError('NOT_FOUND', `no list ${id}`, { argument: 'id' });
      if (!mayEdit(ctx, existing)) throw appError('FORBIDDEN', 'only its owner (or the company admin, for a shared list) changes a list');
      const [moved] = await tx.execute<{ id: string }>(sql`
        update orders.saved_lists set name = ${name}, shared = ${input.shared}, version = version + 1, updated_at = now()
        where id = ${id}::uuid and (${input.expectedVersion ?? null}::int is null or version = ${input.expectedVersion ?? null}::int)
        returning id::text`);
      if (!moved) throw appError('CONFLICT', 'the list changed since it was read', { reason: 'LIST_VERSION' });
      await tx.execute(sql`delete from orders.saved_list_lines where list_id = ${id}::uuid`);
    } else {
      const [created] = await tx.execute<{ id: string }>(sql`
        insert into orders.saved_lists (channel, company_id, owner, name, shared)
        values (${me.channel}, ${me.companyId}, ${me.customerId}, ${name}, ${input.shared}) returning id::text`);
      id = created!.id;
    }
    let position = 0;
    for (const [variantId, quantity] of lines) {
      await tx.execute(sql`
        insert into orders.saved_list_lines (list_id, position, variant_id, quantity) values (${id}::uuid, ${position++}, ${variantId}, ${quantity})`);
    }
    const [row] = await tx.execute<SavedListRow>(sql`
      select id::text, name, shared, owner, version, updated_at from orders.saved_lists where id = ${id}::uuid`);
    return row!;
  });
}

export async function deleteSavedList(ctx: OrdersContext, id: string): Promise<boolean> {
  const list = await visibleList(ctx, id);
  if (!list) return false;
  if (!mayEdit(ctx, list)) throw appError('FORBIDDEN', 'only its owner (or the company admin, for a shared list) deletes a list');
  const gone = await ctx.db.db.execute(sql`delete from orders.saved_lists where id = ${id}::uuid returning id`);
  return gone.length === 1;
}

export async function addSavedListToCart(ctx: OrdersContext, listId: string, cartId: string, expectedVersion?: number | null): Promise<CartFilled> {
  const list = await visibleList(ctx, listId);
  if (!list) throw appError('NOT_FOUND', `no list ${listId}`, { argument: 'listId' });
  const lines = await ctx.loaders.linesOfSavedList.load(list.id);
  return fillCart(
    ctx,
    cartId,
    lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
    expectedVersion,
  );
}

/** An order the caller may see (their own; a trade buyer's company's), its lines into a cart at today's prices. */
export async function reorder(ctx: OrdersContext, orderId: string, cartId: string, expectedVersion?: number | null): Promise<CartFilled> {
  const [order] = await ordersByIds(ctx, [orderId]);
  if (!order) throw appError('NOT_FOUND', `no order ${orderId}`, { argument: 'orderId' });
  if (order.channel !== ctx.channel.channel) throw appError('NOT_FOUND', `no order ${orderId} in channel ${ctx.channel.channel}`, { argument: 'orderId' });
  const lines = await ctx.loaders.linesOfOrder.load(order.id);
  return fillCart(
    ctx,
    cartId,
    lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    expectedVersion,
  );
}
