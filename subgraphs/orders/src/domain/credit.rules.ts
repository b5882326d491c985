/**
 * Whether a trade order may be paid on terms (invoiced, due later). Pure: the checkout supplies the company's
 * terms (signed context, from its record), what it owes and what is overdue now (orders' invoices), and the
 * seller's policy for the company.
 */
export interface CompanyTerms {
  currency: string;
  termsDays: number;
  creditLimit: number;
}

export interface CreditPolicy {
  /** Beyond the available credit: refuse, or let the company's admin approve the order. */
  overLimit: 'REFUSE' | 'APPROVAL';
  blockWhenOverdue: boolean;
}

export const DEFAULT_CREDIT_POLICY: CreditPolicy = { overLimit: 'REFUSE', blockWhenOverdue: true };

export interface CreditInput {
  total: number;
  currency: string;
  terms: CompanyTerms | undefined;
  /** Open invoices' balances (amount - paid) in the terms' currency, checkouts on terms still running included. */
  owed: number;
  /** The part of `owed` past its due date. */
  overdue: number;
  policy: CreditPolicy;
  /** An approver already accepted this order beyond the credit (reason CREDIT_LIMIT). */
  approvedOverLimit: boolean;
}

export type CreditDecision =
  | { kind: 'OK'; available: number }
  | { kind: 'NO_TERMS'; reason: string }
  | { kind: 'OVERDUE'; overdue: number }
  | { kind: 'OVER_LIMIT'; available: number }
  | { kind: 'NEEDS_APPROVAL'; available: number };

export function creditFor(input: CreditInput): CreditDecision {
  const { terms, total } = input;
  if (!terms) return { kind: 'NO_TERMS', reason: 'this company does not buy on terms' };
  // A limit in another currency than the order's cannot be compared: terms do not apply to this order.
  if (terms.currency !== input.currency) return { kind: 'NO_TERMS', reason: `terms are given in ${terms.currency}, not ${input.currency}` };
  if (input.policy.blockWhenOverdue && input.overdue > 0) return { kind: 'OVERDUE', overdue: input.overdue };
  // What is owed may already pass the limit (a limit lowered since, or approved orders): nothing is available then.
  const available = Math.max(0, terms.creditLimit - input.owed);
  if (total <= available || input.approvedOverLimit) return { kind: 'OK', available };
  return input.policy.overLimit === 'APPROVAL' ? { kind: 'NEEDS_APPROVAL', available } : { kind: 'OVER_LIMIT', available };
}

/** When an invoice issued at `issuedAt` falls due: `termsDays` whole days later (UTC), same time of day. */
export function dueDate(issuedAt: Date, termsDays: number): Date {
  return new Date(issuedAt.getTime() + termsDays * 86_400_000);
}
