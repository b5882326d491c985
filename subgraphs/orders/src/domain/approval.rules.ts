/**
 * When a trade order needs an approver, and which level may give it. Pure: the checkout supplies the
 * buyer's limits (from the signed context), what they spent this calendar month and the company's policy.
 */
export type ApprovalReason = 'ORDER_LIMIT' | 'MONTHLY_BUDGET';
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
}

export type ApprovalDecision = { required: false } | { required: true; reasons: ApprovalReason[]; level: ApprovalLevel };

export function approvalFor(input: ApprovalInput): ApprovalDecision {
  const { total, currency, limits } = input;
  if (!limits) return { required: false };
  // Limits in another currency than the order's cannot be compared: the order waits for a person.
  if (limits.currency !== currency) return { required: true, reasons: ['ORDER_LIMIT'], level: 'ADMIN' };
  const reasons: ApprovalReason[] = [];
  if (limits.perOrder != null && total > limits.perOrder) reasons.push('ORDER_LIMIT');
  // Pending and placed orders count alike, so splitting an order (or racing two) cannot dodge the budget.
  if (limits.monthly != null && input.spentThisMonth + total > limits.monthly) reasons.push('MONTHLY_BUDGET');
  if (reasons.length === 0) return { required: false };
  const level: ApprovalLevel = input.approverLimit == null || total <= input.approverLimit ? 'APPROVER' : 'ADMIN';
  return { required: true, reasons, level };
}

/** Who may decide at a level: an approver decides APPROVER-level requests, the admin both. */
export function mayDecide(role: string | undefined, level: ApprovalLevel): boolean {
  if (role === 'ADMIN') return true;
  return role === 'APPROVER' && level === 'APPROVER';
}
