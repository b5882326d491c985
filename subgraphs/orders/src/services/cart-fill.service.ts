import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { addCartLines, findCart } from './cart.service.ts';
import { mergeLines } from './cart-input.validation.ts';

export interface CartFilled {
  cart: Awaited<ReturnType<typeof addCartLines>>;
  added: number;
  skipped: { variantId: string; quantity: number }[];
}

/**
 * Copies lines into a cart of the caller's: what this channel no longer sells (asked of the catalogue with the
 * caller's context, as every cart change is) is left out and listed, the rest added in one cart change. When
 * nothing is left the cart is answered unchanged.
 */
export async function fillCart(
  ctx: OrdersContext,
  cartId: string,
  lines: { variantId: string; quantity: number }[],
  expectedVersion?: number | null,
): Promise<CartFilled> {
  const merged = mergeLines(lines);
  const { hidden } = await ctx.deps.products.shown(ctx, 'Variant', [...merged.keys()]);
  const gone = new Set(hidden);
  const skipped = [...merged].filter(([v]) => gone.has(v)).map(([variantId, quantity]) => ({ variantId, quantity }));
  const kept = [...merged].filter(([v]) => !gone.has(v)).map(([variantId, quantity]) => ({ variantId, quantity }));
  if (kept.length === 0) {
    const cart = await findCart(ctx, cartId);
    if (cart?.status !== 'ACTIVE') throw appError('NOT_FOUND', `no cart ${cartId}`, { argument: 'cartId' });
    return { cart, added: 0, skipped };
  }
  return { cart: await addCartLines(ctx, cartId, kept, expectedVersion), added: kept.length, skipped };
}
