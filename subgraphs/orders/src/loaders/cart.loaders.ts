import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { groupByKey } from '@storegraph/kit';
import { cartLines } from '../db/tables.ts';
import type { OrdersContext } from '../context.ts';
import type { CartRow } from '../services/cart.service.ts';
import { quoteCart, type QuoteAnswer } from '../clients/prices.client.ts';
import { quoteRequestOf } from '../services/cart-view.service.ts';

export type CartLineRow = typeof cartLines.$inferSelect;

export interface CartLoaders {
  linesOfCart: DataLoader<string, CartLineRow[]>;
  cartQuote: DataLoader<CartRow, QuoteAnswer | null, string>;
}

export function createCartLoaders(ctx: OrdersContext): CartLoaders {
  const { db } = ctx.db;
  const linesOfCart = new DataLoader<string, CartLineRow[]>(async (ids) => {
    const rows = await db
      .select()
      .from(cartLines)
      .where(inArray(cartLines.cartId, [...ids]))
      .orderBy(asc(cartLines.cartId), asc(cartLines.addedAt), asc(cartLines.variantId));
    return groupByKey(ids, rows, (r) => r.cartId);
  });
  return {
    linesOfCart,
    /**
     * The live quote of a cart, once per request however many fields ask; with the caller's own context,
     * so the cart shows exactly the prices the caller's group or company gets. Null for an empty cart.
     */
    cartQuote: new DataLoader<CartRow, QuoteAnswer | null, string>(
      (cartsToPrice) =>
        Promise.all(
          cartsToPrice.map(async (cart) => {
            const lines = await linesOfCart.load(cart.id);
            if (lines.length === 0) return null;
            return quoteCart(ctx.deps.prices, ctx.contextToken, ctx.requestId, quoteRequestOf(cart, lines));
          }),
        ),
      { cacheKeyFn: (c) => `${c.id}:${c.version}` },
    ),
  };
}
