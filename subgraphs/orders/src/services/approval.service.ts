import { and, desc, eq, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { approvals, type ApprovalStatus } from '../db/tables.ts';
import { mayDecide } from '../domain/approval.rules.ts';
import { decideApprovalRow, type Decision } from './approval-decision.ts';
import { badInput } from './cart-input.validation.ts';

export type ApprovalRow = typeof approvals.$inferSelect;

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES: ApprovalStatus[] = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED'];

/**
 * Who sees an approval: its company's approvers and admin see all of the company's; a buyer only the ones
 * they asked for. Another company's (or a consumer) none, and an unknown id looks the same as theirs.
 */
function visibleTo(ctx: OrdersContext): SQL | null {
  const { channelKind, companyId, companyRole, customerId } = ctx.channel;
  if (channelKind !== 'B2B' || !companyId || !customerId) return null;
  const company = eq(approvals.companyId, companyId);
  return companyRole === 'APPROVER' || companyRole === 'ADMIN' ? company : and(company, eq(approvals.requestedBy, customerId))!;
}

/** The caller's company's approvals, newest first (pending ones by default). */
export async function companyApprovals(ctx: OrdersContext, args: { status?: string | null; first: number }): Promise<ApprovalRow[]> {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) badInput('INVALID_FIRST', 'first must be between 1 and 100', 'first');
  const status = (args.status ?? 'PENDING') as ApprovalStatus;
  if (!STATUSES.includes(status)) badInput('INVALID_STATUS', 'unknown approval status', 'status');
  const visible = visibleTo(ctx);
  if (!visible) return [];
  return ctx.db.db
    .select()
    .from(approvals)
    .where(and(visible, eq(approvals.status, status)))
    .orderBy(desc(approvals.createdAt), desc(approvals.id))
    .limit(args.first);
}

export async function findApproval(ctx: OrdersContext, id: string): Promise<ApprovalRow | null> {
  const visible = visibleTo(ctx);
  if (!visible || !UUID.test(id)) return null;
  const [row] = await ctx.db.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.id, id), visible));
  return row ?? null;
}

/** The approval a checkout of the caller's paused on (the caller owns the saga, as findOrderForCheckout). */
export async function approvalOfCheckout(ctx: OrdersContext, id: string): Promise<ApprovalRow | null> {
  const [row] = await ctx.db.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.id, id), eq(approvals.channel, ctx.channel.channel)));
  return row ?? null;
}

/**
 * An approver (or the admin, above the approver limit) approves or rejects. Never the buyer who asked,
 * never another company's (NOT_FOUND, as for an unknown id). The same key gives the same answer; a
 * request already decided otherwise (by another approver, or expired) is ApprovalAlreadyDecided.
 */
export async function decideApproval(ctx: OrdersContext, args: { id: string; idempotencyKey: string; reason?: string | null }, decision: Decision) {
  if (!KEY.test(args.idempotencyKey)) badInput('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', 'idempotencyKey');
  const reason = args.reason?.trim() || null;
  if (decision === 'REJECTED' && !reason) badInput('REASON_REQUIRED', 'a rejection says why (1 to 500 characters)', 'reason');
  if (reason && reason.length > 500) badInput('INVALID_REASON', 'reason is at most 500 characters', 'reason');
  const approval = await findApproval(ctx, args.id);
  if (!approval) throw appError('NOT_FOUND', `no approval ${args.id}`);
  const { customerId, companyRole } = ctx.channel;
  // The same key again: the first answer, whoever asks (only the decider could have used it).
  if (approval.decisionKey === args.idempotencyKey && approval.decidedBy === customerId) return { __typename: 'ApprovalDecided', approval };
  if (!mayDecide(companyRole, approval.level)) {
    throw appError('FORBIDDEN', approval.level === 'ADMIN' ? "only the company's admin decides an order this large" : 'only approvers decide');
  }
  if (approval.requestedBy === customerId) throw appError('FORBIDDEN', 'nobody approves their own order');
  return decideApprovalRow(ctx, approval, { decision, decidedBy: customerId!, key: args.idempotencyKey, reason });
}
