import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { mergeByVariant, type OrderLineProblem } from '../domain/order-line.rules.ts';
import { addCartLines, findCart } from './cart.service.ts';
import { badInput, CART_LIMITS } from './cart-input.validation.ts';
import { checkOrderLines } from './order-line-check.service.ts';
import { backordersAccepted } from './purchase-order.service.ts';

export interface QuickOrderLine {
  sku: string;
  quantity: number;
}

export type QuickOrderProblem = OrderLineProblem;

/**
 * Quick order: a list of SKU + quantity becomes cart lines. Each line is checked on its own (a SKU the
 * channel does not sell, a quantity outside 1 to 10,000, below the variant's minimum, not a multiple of its
 * pack size, more than stock and backorder can cover) and reported by its row; the good lines are added in
 * one cart change (the same SKU twice adds up), and those partly beyond stock are listed as backordered.
 * Nothing is added when no line is good. A list longer than a cart may hold is refused whole (BAD_USER_INPUT).
 */
export async function addCartLinesBySku(ctx: OrdersContext, cartId: string, lines: QuickOrderLine[], expectedVersion?: number | null, acceptBackorder = true) {
  if (lines.length === 0 || lines.length > CART_LIMITS.maxLines) badInput('INVALID_LINES', `1 to ${CART_LIMITS.maxLines} lines`, 'lines');
  const { good, problems } = await checkOrderLines(ctx, lines, await backordersAccepted(ctx, acceptBackorder));
  const backordered = good.filter((l) => l.backordered > 0).map((l) => ({ row: l.row, sku: l.sku, quantity: l.backordered }));
  if (good.length === 0) {
    const cart = await findCart(ctx, cartId);
    if (!cart) throw appError('NOT_FOUND', `no cart ${cartId}`, { argument: 'cartId' });
    return { cart, added: 0, problems, backordered };
  }
  const cart = await addCartLines(ctx, cartId, mergeByVariant(good), expectedVersion);
  return { cart, added: good.length, problems, backordered };
}
