import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { LeaseLost } from '../checkout.repository.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { PlaceOrderOutcome } from '../checkout.types.ts';
import type { ApprovalCheck } from './check-approval.step.ts';
import type { QuotedCart } from './quote-cart.step.ts';
import type { ReservedStock } from './reserve-stock.step.ts';

/** What the approver's decision records as this step's outcome (approval.service.ts). */
export interface ApprovalOutcome {
  approvalId: string | null;
}

/**
 * Pauses the saga before anything is charged when the check asked for an approver: the approval request,
 * the saga's PENDING_APPROVAL state with its answer (ApprovalRequired, what a replay of the key gets) and the
 * `approval.requested` event are one statement, fenced by the lease like every step. The approver's decision
 * resumes the saga (approval.service.ts) or undoes it, as the expiry job does when nobody decides in time.
 */
export const awaitApprovalStep: CheckoutStep = {
  id: 'approval',
  persistsItself: true,
  async run(env) {
    const check = env.outcome<ApprovalCheck>('check_approval');
    const c = env.checkout;
    // Nothing to wait for: nothing to persist either (the check's answer is what a re-run would find again).
    if (!check.required) return { outcome: { approvalId: null } satisfies ApprovalOutcome };
    const ctx = env.context;
    const { quote } = env.outcome<QuotedCart>('quote');
    const { reservationId } = env.outcome<ReservedStock>('reserve');
    // The id is made here so that the saga's answer names it in the same statement (a row may be updated
    // once per statement).
    const approvalId = randomUUID();
    const answer: PlaceOrderOutcome = { __typename: 'ApprovalRequired', approvalId };
    const rows = await env.db.execute<{ id: string }>(sql`
      with moved as (
        update orders.checkouts set status = 'PENDING_APPROVAL', step = 'approval', result = ${JSON.stringify(answer)}::jsonb, updated_at = now()
        where id = ${c.id}::uuid and attempts = ${c.attempts} and status = 'RUNNING'
        returning id),
      requested as (
        insert into orders.approvals (id, checkout_id, channel, company_id, requested_by, total, currency, reasons, level, expires_at)
        select ${approvalId}::uuid, id, ${c.channel}, ${ctx.companyId!}, ${ctx.customerId!}, ${quote.total}, ${quote.currency},
          ${JSON.stringify(check.reasons)}::jsonb, ${check.level}, now() + make_interval(secs => ${check.approvalSeconds!}) from moved
        returning id, expires_at),
      announced as (
        insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data)
        select 'approval.requested', ${c.channel}, requested.id::text, 1, jsonb_build_object(
          'approvalId', requested.id, 'companyId', ${ctx.companyId!}::text, 'requestedBy', ${ctx.customerId!}::text,
          'total', jsonb_build_object('amount', ${quote.total}::bigint, 'currency', ${quote.currency}::text),
          'reasons', ${JSON.stringify(check.reasons)}::jsonb, 'level', ${check.level}::text, 'expiresAt', requested.expires_at,
          'reservationId', ${reservationId}::text)
        from requested)
      select id::text from requested`);
    if (!rows[0]) throw new LeaseLost(`checkout ${c.id} was taken over`);
    return { pause: answer };
  },
};
