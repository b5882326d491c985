import type { OrdersContext } from '../context.ts';
import type { refunds, returnLines } from '../db/tables.ts';
import { allowedReturnNext } from '../domain/return-status.machine.ts';
import type { OrderRow } from '../services/order-query.service.ts';
import { decideReturn } from '../services/return-decision.service.ts';
import { readReturnPolicy, setReturnPolicy, type ReturnPolicyInput } from '../services/return-policy.service.ts';
import { returnQueue } from '../services/return-query.service.ts';
import { receiveReturn, type ReceiveReturnInput } from '../services/return-receive.service.ts';
import { requestReturn, type RequestReturnInput, type ReturnRow } from '../services/return-request.service.ts';

type Ctx = OrdersContext;
type RefundRow = typeof refunds.$inferSelect;
const money = (amount: number, currency: string) => ({ amount, currency });
const byTypename = { __resolveType: (r: { __typename: string }) => r.__typename };

export const returnResolvers = {
  Query: {
    returnQueue: (_: unknown, args: { channel: string; statuses?: string[]; first: number }, ctx: Ctx) => returnQueue(ctx, args),
    returnPolicy: (_: unknown, args: { channel: string }, ctx: Ctx) => readReturnPolicy(ctx, args.channel),
  },
  Mutation: {
    requestReturn: (_: unknown, args: { input: RequestReturnInput }, ctx: Ctx) => requestReturn(ctx, args.input),
    approveReturn: (_: unknown, args: { id: string; note?: string }, ctx: Ctx) => decideReturn(ctx, args.id, 'APPROVED', args.note),
    rejectReturn: (_: unknown, args: { id: string; reason: string }, ctx: Ctx) => decideReturn(ctx, args.id, 'REJECTED', args.reason),
    receiveReturn: (_: unknown, args: { input: ReceiveReturnInput }, ctx: Ctx) => receiveReturn(ctx, args.input),
    setReturnPolicy: (_: unknown, args: { input: ReturnPolicyInput }, ctx: Ctx) => setReturnPolicy(ctx, args.input),
  },
  RequestReturnResult: byTypename,
  ReturnTransitionResult: byTypename,
  OrderReturn: {
    // Reached through an order the caller may read, or the staff queue: the order is read by id.
    order: (r: ReturnRow, _: unknown, ctx: Ctx) => ctx.loaders.orderOfReturn.load(r.orderId),
    requestedAt: (r: ReturnRow) => r.createdAt.toISOString(),
    receivedAt: (r: ReturnRow) => r.receivedAt?.toISOString() ?? null,
    lines: (r: ReturnRow, _: unknown, ctx: Ctx) => ctx.loaders.linesOfReturn.load(r.id),
    refund: (r: ReturnRow, _: unknown, ctx: Ctx) => ctx.loaders.refundOfReturn.load(r.id),
    nextStatuses: (r: ReturnRow) => allowedReturnNext(r.status),
  },
  ReturnLine: {
    variant: (l: typeof returnLines.$inferSelect) => ({ id: l.variantId }),
    location: (l: typeof returnLines.$inferSelect) => (l.locationId ? { id: l.locationId } : null),
  },
  Refund: {
    goods: (r: RefundRow) => money(r.goods, r.currency),
    restockingFee: (r: RefundRow) => money(r.restockingFee, r.currency),
    shipping: (r: RefundRow) => money(r.shipping, r.currency),
    amount: (r: RefundRow) => money(r.amount, r.currency),
    refundedAt: (r: RefundRow) => r.refundedAt?.toISOString() ?? null,
  },
  orderReturns: (o: OrderRow, _: unknown, ctx: Ctx) => ctx.loaders.returnsOfOrder.load(o.id),
  orderRefundedTotal: (o: OrderRow) => money(o.refundedTotal, o.currency),
};
