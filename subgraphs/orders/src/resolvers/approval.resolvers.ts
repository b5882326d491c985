import type { OrdersContext } from '../context.ts';
import { orderIdOf } from '../checkout/steps/create-order.step.ts';
import { companyApprovals, decideApproval, findApproval, type ApprovalRow } from '../services/approval.service.ts';

type Ctx = OrdersContext;
type DecideArgs = { id: string; idempotencyKey: string; reason?: string | null };

export const approvalResolvers = {
  Query: {
    companyApprovals: (_: unknown, args: { status?: string; first: number }, ctx: Ctx) => companyApprovals(ctx, args),
    approval: (_: unknown, args: { id: string }, ctx: Ctx) => findApproval(ctx, args.id),
  },
  Mutation: {
    approveOrder: (_: unknown, args: DecideArgs, ctx: Ctx) => decideApproval(ctx, args, 'APPROVED'),
    rejectOrder: (_: unknown, args: DecideArgs, ctx: Ctx) => decideApproval(ctx, args, 'REJECTED'),
  },
  ApprovalDecisionResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  OrderApproval: {
    total: (a: ApprovalRow) => ({ amount: a.total, currency: a.currency }),
    requestedBy: (a: ApprovalRow) => ({ id: a.requestedBy }),
    requestedAt: (a: ApprovalRow) => a.createdAt.toISOString(),
    expiresAt: (a: ApprovalRow) => a.expiresAt.toISOString(),
    decidedBy: (a: ApprovalRow) => (a.decidedBy ? { id: a.decidedBy } : null),
    decidedAt: (a: ApprovalRow) => a.decidedAt?.toISOString() ?? null,
    // The saga's order id is derived from its checkout: the company's loader answers it (or null before it exists).
    order: (a: ApprovalRow, _: unknown, ctx: Ctx) => (a.status === 'APPROVED' ? ctx.loaders.visibleOrder.load(orderIdOf(a.checkoutId)) : null),
  },
};
