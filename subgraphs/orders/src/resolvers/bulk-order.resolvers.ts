import type { OrdersContext as Ctx } from '../context.ts';
import { addBulkOrderToCart, checkBulkOrder } from '../services/bulk-order.service.ts';

export const bulkOrderResolvers = {
  Query: {
    checkBulkOrder: (_: unknown, a: { csv: string; acceptBackorder: boolean }, ctx: Ctx) => checkBulkOrder(ctx, a.csv, a.acceptBackorder),
  },
  Mutation: {
    addBulkOrderToCart: (_: unknown, a: { cartId: string; csv: string; expectedVersion?: number | null; acceptBackorder: boolean }, ctx: Ctx) =>
      addBulkOrderToCart(ctx, a.cartId, a.csv, a.expectedVersion, a.acceptBackorder),
  },
};
