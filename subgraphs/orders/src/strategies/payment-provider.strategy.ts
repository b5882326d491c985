import { assertMinorUnits, type Money } from '@storegraph/schema';

/**
 * The contract the checkout saga holds a payment provider to. Every call may be repeated: a crash can
 * fall between the provider's answer and the saga persisting it, and the recovery job (perhaps on
 * another replica) then calls again with the same idempotency key. The provider must give the same
 * result for the same key, so each key is derived from the saga, e.g. `<sagaId>:authorize`.
 *
 * Calls take no request context on purpose: the recovery job runs them with no request behind it, so
 * each call carries everything it needs.
 *
 * Expected outcomes (a declined card, a provider that is down, capturing a voided authorisation) are
 * data; only a bug (an amount that is not a positive safe integer, a key reused with other parameters)
 * throws.
 */
export interface PaymentProviderStrategy {
  readonly name: string;
  /** The client must send a payment-method token (a card form's); checked before any checkout starts. */
  readonly requiresToken: boolean;

  /**
   * Reserves `amount` on the payment method. Replaying a key returns the first answer again, as it was
   * then (an authorisation voided since is still reported AUTHORIZED): `findAuthorization` tells the
   * state now.
   */
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;

  /** Releases an authorisation that was not captured: the saga's compensation, or a cancelled order. */
  void(req: VoidRequest): Promise<VoidResult>;

  /** Takes up to the authorised amount; at most one capture per authorisation. */
  capture(req: CaptureRequest): Promise<CaptureResult>;

  /** Gives back part or all of what was captured; several refunds may follow one capture. */
  refund(req: RefundRequest): Promise<RefundResult>;

  /**
   * For recovery after an `authorize` whose answer was lost (UNAVAILABLE, or a crash): whether an
   * authorisation was made under this key, and its state now, so it can be voided or adopted.
   * NOT_FOUND is only final once the provider's own lag has passed (Stripe's search index trails
   * writes by up to about a minute); before that, replaying `authorize` with the same key is the way
   * to a known state.
   */
  findAuthorization(idempotencyKey: string): Promise<FindAuthorizationResult>;
}

export interface PaymentMethodInput {
  /** The provider the client chose: 'manual' | 'card' (see payment-provider.registry.ts). */
  provider: string;
  /** The provider's token for the customer's payment method (e.g. from a card form); never logged. */
  token?: string;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  /** Integer minor units of `currency`, greater than 0. */
  amount: Money;
  paymentMethod: PaymentMethodInput;
  /** Our reference shown beside the payment at the provider (e.g. the order number). */
  reference: string;
  /** Extra string pairs stored with the payment at the provider; keep personal data out. */
  metadata?: Record<string, string>;
}

export type AuthorizeResult =
  | { status: 'AUTHORIZED'; providerRef: string; amount: Money }
  /** Refused for good: nothing is held, nothing to void. The customer may try another payment method. */
  | { status: 'DECLINED'; reason: string; declineCode: string }
  /** Timeout, 5xx, network: the outcome is unknown. Retry with the same key, or find and void. */
  | { status: 'UNAVAILABLE'; message: string };

export interface VoidRequest {
  providerRef: string;
  idempotencyKey: string;
}

export interface CaptureRequest {
  providerRef: string;
  /** At most the authorised amount, in the authorised currency. */
  amount: Money;
  idempotencyKey: string;
}

export interface RefundRequest {
  providerRef: string;
  /** At most what was captured and not yet refunded, in the captured currency. */
  amount: Money;
  idempotencyKey: string;
}

/** Why a provider refused a void, capture or refund for good; the saga picks its next move from it. */
export type PaymentRejectionReason =
  /** The provider knows no such authorisation. */
  | 'NOT_FOUND'
  /** Void after capture: refund instead. */
  | 'ALREADY_CAPTURED'
  /** Capture or refund after a void, or of an authorisation the provider let expire (Stripe: 7 days). */
  | 'ALREADY_VOIDED'
  /** Refund before capture: void instead. */
  | 'NOT_CAPTURED'
  /** Capture above the authorised amount, or refund above what is left to refund. */
  | 'AMOUNT_TOO_LARGE'
  /** The provider accepted the refund and then could not pay it back (e.g. a closed card account). */
  | 'REFUND_FAILED';

export type Rejected = { status: 'REJECTED'; reason: PaymentRejectionReason; message: string };
export type Unavailable = { status: 'UNAVAILABLE'; message: string };

/** Voiding what is already voided is VOIDED: the outcome the caller wanted holds. */
export type VoidResult = { status: 'VOIDED' } | Rejected | Unavailable;

/** `amount` is what the provider actually took (a replay reports the first capture's amount). */
export type CaptureResult = { status: 'CAPTURED'; amount: Money } | Rejected | Unavailable;

/** A refund the provider accepted but has not paid out yet counts as REFUNDED. */
export type RefundResult = { status: 'REFUNDED'; refundRef: string; amount: Money } | Rejected | Unavailable;

export type AuthorizationState = 'AUTHORIZED' | 'DECLINED' | 'VOIDED' | 'CAPTURED';

export type FindAuthorizationResult =
  | { status: 'FOUND'; providerRef: string; state: AuthorizationState; amount: Money }
  | { status: 'NOT_FOUND' }
  | Unavailable;

/** The precondition of every call that moves money; breaking it is a bug in the caller, so it throws. */
export function assertPayable(amount: Money): void {
  assertMinorUnits(amount.amount);
  if (amount.amount <= 0) throw new RangeError(`a payment amount must be positive: ${amount.amount}`);
  if (!/^[A-Z]{3}$/.test(amount.currency)) throw new RangeError(`not an ISO 4217 currency code: ${amount.currency}`);
}
