import { MinorUnitsScalar } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { myOrders, type OrderRow } from '../services/order-query.service.ts';
import type { orderLines } from '../db/tables.ts';

type Ctx = OrdersContext;
type LineRow = typeof orderLines.$inferSelect & { currency?: string };

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: {
    myOrders: (_: unknown, args: { first: number; after?: string }, ctx: Ctx) => myOrders(ctx, args),
  },
  Order: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.visibleOrder.load(ref.id),
    channel: (o: OrderRow) => ({ code: o.channel }),
    placedAt: (o: OrderRow) => o.placedAt.toISOString(),
    total: (o: OrderRow) => ({ amount: o.total, currency: o.currency }),
    lines: async (o: OrderRow, _: unknown, ctx: Ctx) => (await ctx.loaders.linesOfOrder.load(o.id)).map((l) => ({ ...l, currency: o.currency })),
  },
  OrderLine: {
    variant: (l: LineRow) => ({ id: l.variantId }),
    unitPrice: (l: LineRow) => ({ amount: l.unitAmount, currency: l.currency }),
    lineTotal: (l: LineRow) => ({ amount: l.lineTotal, currency: l.currency }),
  },
};
