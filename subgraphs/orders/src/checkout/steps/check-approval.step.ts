import { sql } from 'drizzle-orm';
import { approvalFor, type ApprovalDecision, type BuyerLimits } from '../../domain/approval.rules.ts';
import { creditFor, DEFAULT_CREDIT_POLICY, type CreditDecision } from '../../domain/credit.rules.ts';
import { creditPolicyOf, creditPosition } from '../../services/credit.repository.ts';
import { recordStep } from '../checkout.repository.ts';
import type { CheckoutStep, StepEnv } from '../checkout-step.ts';
import type { PlaceOrderOutcome } from '../checkout.types.ts';
import type { QuotedCart } from './quote-cart.step.ts';
import { creditRefusal, TERMS_PROVIDER } from './use-credit.step.ts';

/** Whether this checkout waits for an approver; with `holdSeconds` the reservation covers the wait. */
export type ApprovalCheck = ApprovalDecision & { approvalSeconds?: number; holdSeconds?: number };

/** Stock holds a reservation at most a day (its ttlSeconds bound). */
const LONGEST_HOLD_SECONDS = 86_400;

/**
 * What the buyer committed this calendar month (UTC) in this currency, besides this checkout: every
 * checkout of theirs past its quote that did not fail (placed orders, approvals pending or approved, and
 * checkouts still running), minus orders since cancelled. Counting the ones still running is what stops
 * two orders raced side by side from each passing the budget alone: of two, the later check sees the other.
 */
async function spentThisMonth(env: StepEnv, currency: string): Promise<number> {
  const c = env.checkout;
  const [row] = await env.db.execute<{ spent: string }>(sql`
    select coalesce(sum((s.outcome->'quote'->>'total')::bigint), 0)::text as spent
    from orders.checkouts k
    join orders.checkout_steps s on s.checkout_id = k.id and s.step = 'quote'
    left join orders.orders o on o.checkout_id = k.id
    where k.owner = ${c.owner} and k.id <> ${c.id}::uuid and k.status <> 'FAILED'
      and k.created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
      and s.outcome->'quote'->>'currency' = ${currency}
      and (o.status is null or o.status <> 'CANCELLED')`);
  return Number(row?.spent ?? 0);
}

/**
 * Trade checkouts only: the buyer's limits (signed context, from their company record) against this total
 * and their month. Runs before the reservation so that the hold can be made long enough for the wait.
 */
export const checkApprovalStep: CheckoutStep = {
  id: 'check_approval',
  // Persisted only where it depends on the month (a buyer with limits): everywhere else the answer is the
  // same on every run, so the consumer checkout pays no extra statement for it.
  persistsItself: true,
  async run(env) {
    const ctx = env.context;
    // On terms: refused here, before anything is reserved, when the credit cannot take it; the use_credit step
    // decides again under the company's lock once the order may go on.
    const credit = env.checkout.paymentProvider === TERMS_PROVIDER ? await creditPrecheck(env) : null;
    if (credit && 'fail' in credit) return credit;
    const overCredit = credit?.kind === 'NEEDS_APPROVAL';
    if (ctx.channelKind !== 'B2B' || !ctx.companyId || (!ctx.buyerLimits && !overCredit)) return { outcome: { required: false } satisfies ApprovalCheck };
    const outcome = await decide(env, ctx.companyId, ctx.buyerLimits, overCredit);
    if ('fail' in outcome) return outcome;
    await recordStep(env.db, env.checkout, 'check_approval', outcome, env.deps.leaseSeconds);
    return { outcome };
  },
};

/** The credit decision without the lock: a refusal answered now, or whether the order must wait for approval. */
async function creditPrecheck(env: StepEnv): Promise<{ fail: PlaceOrderOutcome } | CreditDecision> {
  const ctx = env.context;
  const { quote } = env.outcome<QuotedCart>('quote');
  const position = ctx.companyId && ctx.companyCredit ? await creditPosition(env.db, ctx.companyId, quote.currency) : { owed: 0, overdue: 0 };
  const policy = ctx.companyId ? await creditPolicyOf(env.db, ctx.companyId) : DEFAULT_CREDIT_POLICY;
  const terms = ctx.companyId ? ctx.companyCredit : undefined;
  const decision = creditFor({ total: quote.total, currency: quote.currency, terms, ...position, policy, approvedOverLimit: false });
  const refusal = creditRefusal(decision, quote.total, quote.currency);
  return refusal ? { fail: refusal } : decision;
}

async function decide(
  env: StepEnv,
  companyId: string,
  limits: BuyerLimits | undefined,
  overCredit: boolean,
): Promise<ApprovalCheck | { fail: PlaceOrderOutcome }> {
  const { quote } = env.outcome<QuotedCart>('quote');
  const [policy] = await env.db.execute<{ approver_limit: string | null; approval_seconds: number }>(sql`
      select approver_limit::text, approval_seconds from orders.company_order_policies where company_id = ${companyId}`);
  const decision = approvalFor({
    total: quote.total,
    currency: quote.currency,
    limits,
    spentThisMonth: limits?.monthly == null ? 0 : await spentThisMonth(env, quote.currency),
    approverLimit: policy?.approver_limit == null ? null : Number(policy.approver_limit),
    overCredit,
  });
  if (!decision.required) return decision;
  // The approver's decision authorises the payment with nobody present: a card's token is never stored,
  // so an order that must wait is paid on account. Refused before anything is reserved.
  if (env.deps.payments.get(env.checkout.paymentProvider).requiresToken) {
    const reason = 'an order that needs approval is paid on account (manual), not by card';
    return { fail: { __typename: 'PaymentDeclined', reason, declineCode: 'APPROVAL_NEEDS_ACCOUNT_PAYMENT' } };
  }
  // The hold outlasts the wait by the usual checkout window, so an approval at the last moment can still
  // finish the order; the wait gives way when the two would pass stock's longest hold.
  const ttl = env.deps.reservationTtlSeconds;
  const approvalSeconds = Math.min(policy?.approval_seconds ?? LONGEST_HOLD_SECONDS, LONGEST_HOLD_SECONDS - ttl);
  const holdSeconds = approvalSeconds + ttl;
  return { ...decision, approvalSeconds, holdSeconds };
}
