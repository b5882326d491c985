import type { CheckoutStatus, PurchaseOrderRef } from '../db/tables.ts';
import type { CartProblem } from '../services/cart-view.service.ts';

/** The answer placeOrder gives, stored with the saga so every replay of the key gives it again. */
export type PlaceOrderOutcome =
  | { __typename: 'OrderPlaced'; orderId: string }
  | { __typename: 'PriceChanged'; expected: number; actual: number; currency: string }
  | { __typename: 'InsufficientStock'; lines: { variantId: string; requested: number; available: number }[] }
  | { __typename: 'PaymentDeclined'; reason: string; declineCode: string | null }
  | { __typename: 'PaymentUnavailable'; message: string }
  | { __typename: 'CartNotReady'; problems: CartProblem[] }
  | { __typename: 'CartLocked'; cartId: string; status: string }
  | { __typename: 'ApprovalRequired'; approvalId: string }
  | { __typename: 'ApprovalRejected'; approvalId: string }
  | { __typename: 'ApprovalExpired'; approvalId: string }
  | { __typename: 'CreditLimitExceeded'; available: number; required: number; currency: string }
  | { __typename: 'InvoicesOverdue'; overdue: number; currency: string }
  | { __typename: 'QuoteNotUsable'; quoteId: string; code: QuoteUnusableCode };

/** Why a quote cannot be ordered (stable codes a client switches on). */
export type QuoteUnusableCode = 'NOT_FOUND' | 'NOT_PROPOSED' | 'EXPIRED' | 'REJECTED' | 'ALREADY_USED' | 'CART_CHANGED';

export interface CheckoutRow {
  id: string;
  channel: string;
  owner: string;
  idempotencyKey: string;
  requestHash: string;
  cartId: string;
  context: unknown;
  paymentProvider: string;
  expectedTotal: number;
  /** A trade order's PO number and cost centre, written on the order by create_order. */
  purchaseOrder: PurchaseOrderRef | null;
  /** The quote whose prices this checkout charges, if the buyer is ordering one. */
  quoteId: string | null;
  status: CheckoutStatus;
  step: string;
  result: PlaceOrderOutcome | null;
  attempts: number;
}

/** The steps in order. Each persists its outcome before the next starts; ids are stable (they are stored). */
export const STEP_ORDER = [
  'validate',
  'quote',
  'check_approval',
  'reserve',
  'approval',
  'credit',
  'authorize',
  'create_order',
  'confirm_stock',
  'redeem_promotions',
] as const;
export type StepId = (typeof STEP_ORDER)[number];

/** From this step on the order exists: recovery finishes the saga instead of undoing it. */
export const POINT_OF_NO_RETURN: StepId = 'create_order';
