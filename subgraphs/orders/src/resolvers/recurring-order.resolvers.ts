import type { OrdersContext } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { signCustomerContext } from '../clients/service-context.ts';
import {
  createRecurringOrder,
  recurringOrders,
  runsOf,
  setRecurringOrderStatus,
  type CreateRecurringOrderInput,
  type RunRow,
  type ScheduleRow,
} from '../services/recurring-order.service.ts';
import { runRecurringOrderNow } from '../services/recurring-order-run.service.ts';

type Ctx = OrdersContext;
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());
const lineView = (lines: ScheduleRow['lines']) => lines.map((l) => ({ variantId: l.variantId, variant: { id: l.variantId }, quantity: l.quantity }));

/** The coming run at today's prices, priced as the admin it orders for (their contract prices, their channel). */
async function preview(s: ScheduleRow, ctx: Ctx) {
  if (s.status !== 'ACTIVE') return null;
  const token = await signCustomerContext(s.context, ctx.deps.contextSecret);
  const quote = await quoteCart(ctx.deps.prices, token, ctx.requestId, {
    lines: s.lines,
    couponCodes: [],
    shipTo: { country: s.shipping_address.country, region: s.shipping_address.region ?? null },
    shippingMethod: s.shipping_method,
  });
  return {
    date: s.next_run,
    lines: lineView(s.lines),
    estimatedTotal: quote.__typename === 'Quote' ? { amount: quote.total, currency: quote.currency } : null,
  };
}

export const recurringOrderResolvers = {
  Query: {
    recurringOrders: (_: unknown, __: unknown, ctx: Ctx) => recurringOrders(ctx),
  },
  Mutation: {
    createRecurringOrder: (_: unknown, args: { input: CreateRecurringOrderInput }, ctx: Ctx) => createRecurringOrder(ctx, args.input),
    setRecurringOrderStatus: (_: unknown, args: { id: string; status: 'ACTIVE' | 'PAUSED' }, ctx: Ctx) => setRecurringOrderStatus(ctx, args.id, args.status),
    runRecurringOrderNow: (_: unknown, args: { id: string; runDate: string }, ctx: Ctx) => runRecurringOrderNow(ctx, args.id, args.runDate),
  },
  RecurringOrder: {
    pausedReason: (s: ScheduleRow) => s.paused_reason,
    customerId: (s: ScheduleRow) => s.customer_id,
    shippingMethod: (s: ScheduleRow) => s.shipping_method,
    paymentProvider: (s: ScheduleRow) => s.payment_provider,
    purchaseOrderNumber: (s: ScheduleRow) => s.purchase_order?.number ?? null,
    lines: (s: ScheduleRow) => lineView(s.lines),
    nextRun: (s: ScheduleRow, _: unknown, ctx: Ctx) => preview(s, ctx),
    runs: (s: ScheduleRow, args: { first: number }, ctx: Ctx) => runsOf(ctx, s.id, Math.min(Math.max(args.first, 1), 50)),
  },
  RecurringOrderRun: {
    runDate: (r: RunRow) => r.run_date,
    orderId: (r: RunRow) => r.order_id,
    approvalId: (r: RunRow) => r.approval_id,
    retryAt: (r: RunRow) => iso(r.retry_at),
    createdAt: (r: RunRow) => iso(r.created_at),
  },
};
