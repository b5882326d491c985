import { GraphQLError } from 'graphql';
import { findInputViolation, type ChannelContext } from '@storegraph/schema';
import { followChanges } from './live-follow.ts';
import type { LiveField } from './live-schema.ts';

export interface ApprovalRequest {
  approvalId: string;
  status: string;
  level: string;
  reasons: string[];
  total: { amount: number; currency: string };
  requestedAt: string;
  expiresAt: string;
  /** Where a reconnecting client resumes (`after`): this request's time and id. */
  cursor: string;
}

export interface LiveApprovalsDeps {
  /** The company's pending approvals as the caller may see them (through the gateway, in their context), any order. */
  readPending: (ctx: ChannelContext) => Promise<Omit<ApprovalRequest, 'cursor'>[]>;
  /** Fires whenever the orders subgraph reports a change (its outbox moved, e.g. by `approval.requested`). */
  onOrdersChange: (listener: () => void) => () => void;
}

const cursorOf = (a: { requestedAt: string; approvalId: string }) => Buffer.from(`${a.requestedAt}|${a.approvalId}`).toString('base64url');
const positionOf = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/**
 * `approvalRequested(after)`: for a company's approvers and admin on the trade portal, each approval request
 * still waiting, oldest first: those pending now (or only those requested after the `after` cursor a
 * reconnecting client kept), then each new one as it is requested. Fed by the orders outbox: the
 * `approval.requested` row moves it, the orders change stream wakes the subscription, which re-reads the
 * company's pending approvals in the caller's own context, so the orders subgraph's visibility rule (an
 * approver sees their company's, nobody another company's) is the only filter. Buyers are refused (FORBIDDEN):
 * they would see only their own requests, which is not what this feed is for.
 */
export function approvalRequestedField(deps: LiveApprovalsDeps): LiveField<{ after?: string | null }> {
  return { subscribe: (_root, args, ctx) => watchApprovals(deps, ctx.channel, args.after ?? null) };
}

async function* watchApprovals(deps: LiveApprovalsDeps, ctx: ChannelContext, after: string | null): AsyncGenerator<ApprovalRequest> {
  if (after !== null) {
    const bad = findInputViolation(after, {}, '$.after');
    if (bad) throw new GraphQLError(bad.message, { extensions: { code: 'BAD_USER_INPUT', argument: bad.path, reason: bad.reason } });
  }
  if (!ctx.companyId || (ctx.companyRole !== 'APPROVER' && ctx.companyRole !== 'ADMIN'))
    throw new GraphQLError('only a company’s approvers and admin watch its approval requests', { extensions: { code: 'FORBIDDEN' } });
  // Resuming: time then id, compared as one string (requestedAt is ISO 8601 UTC, fixed width: text order is
  // time order). Within the subscription, what was sent is remembered by id instead, so a request whose
  // transaction committed after a later-stamped one is still sent.
  const from = after === null ? '' : positionOf(after);
  let sent = new Set<string>();
  const read = async () => {
    const pending = (await deps.readPending(ctx)).map((a) => ({ ...a, cursor: cursorOf(a) }));
    const fresh = pending
      .filter((a) => !sent.has(a.approvalId) && `${a.requestedAt}|${a.approvalId}` > from)
      .sort((a, b) => (`${a.requestedAt}|${a.approvalId}` < `${b.requestedAt}|${b.approvalId}` ? -1 : 1));
    // Only ids still pending are kept: a decided request never comes back, so the set stays the size of the queue.
    const stillPending = new Set(pending.map((a) => a.approvalId));
    sent = new Set([...sent, ...fresh.map((a) => a.approvalId)].filter((id) => stillPending.has(id)));
    return fresh;
  };
  // Each batch is new by construction; the key only keeps followChanges from dropping a batch.
  let batches = 0;
  for await (const batch of followChanges(deps.onOrdersChange, read, () => String(batches++))) yield* batch;
}
