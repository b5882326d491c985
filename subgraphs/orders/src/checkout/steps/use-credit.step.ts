import { sql } from 'drizzle-orm';
import { creditFor, type CreditDecision } from '../../domain/credit.rules.ts';
import { creditPolicyOf, creditPosition, lockCompanyCredit } from '../../services/credit.repository.ts';
import { recordStep } from '../checkout.repository.ts';
import type { CheckoutStep, StepEnv } from '../checkout-step.ts';
import type { PlaceOrderOutcome } from '../checkout.types.ts';
import type { ApprovalOutcome } from './await-approval.step.ts';
import type { ApprovalCheck } from './check-approval.step.ts';
import type { QuotedCart } from './quote-cart.step.ts';

/** The invoice this checkout is billed on; null unless paid on terms. */
export interface CreditOutcome {
  invoiceId: string | null;
}

/** The payment provider name a trade buyer picks to pay on terms. */
export const TERMS_PROVIDER = 'terms';

/** The answer for a decision that refuses the order; null when it may go on. */
export function creditRefusal(decision: CreditDecision, total: number, currency: string): PlaceOrderOutcome | null {
  switch (decision.kind) {
    case 'OK':
    case 'NEEDS_APPROVAL':
      return null;
    case 'NO_TERMS':
      return { __typename: 'PaymentDeclined', reason: decision.reason, declineCode: 'TERMS_NOT_AVAILABLE' };
    case 'OVERDUE':
      return { __typename: 'InvoicesOverdue', overdue: decision.overdue, currency };
    case 'OVER_LIMIT':
      return { __typename: 'CreditLimitExceeded', available: decision.available, required: total, currency };
  }
}

/**
 * Pays a trade order on terms: under the company's credit lock, what it owes and what is overdue are read,
 * the seller's rules applied, and the invoice written with this step's record in the same transaction, so a
 * crash leaves either both or neither. Runs after the approval (an approver may have accepted the order beyond
 * the credit) and before the provider's authorisation, which for terms holds nothing.
 */
export const useCreditStep: CheckoutStep = {
  id: 'credit',
  persistsItself: true,
  async run(env) {
    if (env.checkout.paymentProvider !== TERMS_PROVIDER) return { outcome: { invoiceId: null } satisfies CreditOutcome };
    const { quote } = env.outcome<QuotedCart>('quote');
    const ctx = env.context;
    const c = env.checkout;
    const approvedOverLimit =
      (env.outcome<ApprovalCheck>('check_approval') as { reasons?: string[] }).reasons?.includes('CREDIT_LIMIT') === true &&
      env.outcome<ApprovalOutcome>('approval').approvalId != null;
    const answer = await env.db.transaction(async (tx) => {
      if (!ctx.companyId || !ctx.companyCredit) {
        return { fail: creditRefusal(creditFor({ ...noTerms, total: quote.total, currency: quote.currency }), quote.total, quote.currency)! };
      }
      await lockCompanyCredit(tx, ctx.companyId);
      const [position, policy] = await Promise.all([creditPosition(tx, ctx.companyId, quote.currency), creditPolicyOf(tx, ctx.companyId)]);
      const decision = creditFor({ total: quote.total, currency: quote.currency, terms: ctx.companyCredit, ...position, policy, approvedOverLimit });
      // Approval was asked for before the reservation; here, after it, anything but OK refuses (the credit
      // may have gone to a raced order meanwhile).
      if (decision.kind === 'NEEDS_APPROVAL')
        return { fail: creditRefusal({ kind: 'OVER_LIMIT', available: decision.available }, quote.total, quote.currency)! };
      const refusal = creditRefusal(decision, quote.total, quote.currency);
      if (refusal) return { fail: refusal };
      const [invoice] = await tx.execute<{ id: string }>(sql`
        insert into orders.invoices (number, checkout_id, company_id, channel, currency, amount, due_at)
        values ('INV-' || lpad(nextval('orders.invoice_number_seq')::text, 8, '0'), ${c.id}::uuid, ${ctx.companyId}, ${c.channel},
          ${quote.currency}, ${quote.total}, now() + make_interval(days => ${ctx.companyCredit.termsDays}))
        on conflict (checkout_id) do update set status = orders.invoices.status
        returning id::text`);
      const outcome: CreditOutcome = { invoiceId: invoice!.id };
      await recordStep(tx, c, 'credit', outcome, env.deps.leaseSeconds);
      return { outcome };
    });
    return answer;
  },
  async undo(env: StepEnv) {
    // Never owed: the order was not placed. Payments are only recorded against placed orders' invoices.
    await env.db.execute(sql`
      update orders.invoices set status = 'VOID', closed_at = now()
      where checkout_id = ${env.checkout.id}::uuid and status = 'OPEN' and paid = 0`);
  },
};

const noTerms = { terms: undefined, owed: 0, overdue: 0, policy: { overLimit: 'REFUSE', blockWhenOverdue: true }, approvedOverLimit: false } as const;
