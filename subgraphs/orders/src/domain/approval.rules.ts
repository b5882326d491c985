/**
 * When a trade order needs an approver, and which level may give it. Pure: the checkout supplies the
 * buyer's limits (from the signed context), what they spent this calendar month and the company's policy.
 */
export type ApprovalReason = 'ORDER_LIMIT' | 'MONTHLY_BUDGET' | 'CREDIT_LIMIT';
export type ApprovalLevel = 'APPROVER' | 'ADMIN';

export interface BuyerLimits {
  currency: string;
  perOrder: number | null;
  monthly: number | null;
}

export interface ApprovalInput {
  total: number;
  currency: string;
  limits: BuyerLimits | undefined;
  /** This buyer's other orders and checkouts under way this calendar month (UTC), in `currency`. */
  spentThisMonth: number;
  /** Approvers decide up to this total; above it only the company admin. Null: approvers decide any. */
  approverLimit: number | null;
  /**
   * Paid on terms beyond the company's available credit, where the seller lets the company's admin accept it.
   * Only the admin decides it: committing the company beyond its credit line is not an approver's call.
   */
  overCredit?: boolean;
}

export type ApprovalDecision = { required: false } | { required: true; reasons: ApprovalReason[]; level: ApprovalLevel };

export function approvalFor(input: ApprovalInput): ApprovalDecision {
  const { total, currency, limits } = input;
  const reasons: ApprovalReason[] = [];
  // Limits in another currency than the order's cannot be compared: the order waits for a person.
  if (limits && limits.currency !== currency)
    return { required: true, reasons: ['ORDER_LIMIT', ...(input.overCredit ? ['CREDIT_LIMIT' as const] : [])], level: 'ADMIN' };
  if (limits?.perOrder != null && total > limits.perOrder) reasons.push('ORDER_LIMIT');
  // Pending and placed orders count alike, so splitting an order (or racing two) cannot dodge the budget.
  if (limits?.monthly != null && input.spentThisMonth + total > limits.monthly) reasons.push('MONTHLY_BUDGET');
  if (input.overCredit) reasons.push('CREDIT_LIMIT');
  if (reasons.length === 0) return { required: false };
  const level: ApprovalLevel = !input.overCredit && (input.approverLimit == null || total <= input.approverLimit) ? 'APPROVER' : 'ADMIN';
  return { required: true, reasons, level };
}

/** Who may decide at a level: an approver decides APPROVER-level requests, the admin both. */
export function mayDecide(role: string | undefined, level: ApprovalLevel): boolean {
  if (role === 'ADMIN') return true;
  return role === 'APPROVER' && level === 'APPROVER';
}
