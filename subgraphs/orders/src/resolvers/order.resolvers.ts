import type { OrdersContext } from '../context.ts';
import { allowedNext } from '../domain/order-status.machine.ts';
import type { orderLines } from '../db/tables.ts';
import { cancelOrder, findOrder, orderQueue, setOrderStatus } from '../services/order-admin.service.ts';
import { myOrders, type OrderRow } from '../services/order-query.service.ts';
import { anonymiseCustomerOrders } from '../services/order-erasure.service.ts';

type Ctx = OrdersContext;
type LineRow = typeof orderLines.$inferSelect & { currency: string };
const money = (amount: number, currency: string) => ({ amount, currency });

export const orderResolvers = {
  Query: {
    myOrders: (_: unknown, args: { first: number; after?: string; purchaseOrder?: string }, ctx: Ctx) => myOrders(ctx, args),
    order: (_: unknown, args: { id: string }, ctx: Ctx) => findOrder(ctx, args.id),
    orderQueue: (_: unknown, args: { channel: string; statuses?: string[]; first: number; after?: string; purchaseOrder?: string }, ctx: Ctx) =>
      orderQueue(ctx, args),
  },
  Mutation: {
    cancelOrder: (_: unknown, args: { id: string; reason: string }, ctx: Ctx) => cancelOrder(ctx, args.id, args.reason),
    setOrderStatus: (_: unknown, args: { id: string; status: string }, ctx: Ctx) => setOrderStatus(ctx, args.id, args.status),
    anonymiseCustomerOrders: (_: unknown, args: { customerId: string }, ctx: Ctx) => anonymiseCustomerOrders(ctx, args.customerId),
  },
  OrderTransitionResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  Order: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.visibleOrder.load(ref.id),
    channel: (o: OrderRow) => ({ code: o.channel }),
    customer: (o: OrderRow) => (o.customerId ? { id: o.customerId } : null),
    company: (o: OrderRow) => (o.companyId ? { id: o.companyId } : null),
    placedAt: (o: OrderRow) => o.placedAt.toISOString(),
    subtotal: (o: OrderRow) => money(o.subtotal, o.currency),
    discountTotal: (o: OrderRow) => money(o.discountTotal, o.currency),
    shippingTotal: (o: OrderRow) => money(o.shippingTotal, o.currency),
    taxTotal: (o: OrderRow) => money(o.taxTotal, o.currency),
    total: (o: OrderRow) => money(o.total, o.currency),
    payment: (o: OrderRow) => (o.paymentProvider ? { provider: o.paymentProvider, status: o.paymentStatus ?? 'NONE' } : null),
    nextStatuses: (o: OrderRow) => allowedNext(o.status),
    purchaseOrder: (o: OrderRow) => (o.purchaseOrder || o.costCentre ? { number: o.purchaseOrder, costCentre: o.costCentre } : null),
    lines: async (o: OrderRow, _: unknown, ctx: Ctx) => (await ctx.loaders.linesOfOrder.load(o.id)).map((l) => ({ ...l, currency: o.currency })),
  },
  OrderLine: {
    variant: (l: LineRow) => ({ id: l.variantId }),
    unitPrice: (l: LineRow) => money(l.unitAmount, l.currency),
    discount: (l: LineRow) => money(l.discountTotal, l.currency),
    tax: (l: LineRow) => money(l.tax, l.currency),
    lineTotal: (l: LineRow) => money(l.lineTotal, l.currency),
  },
};
