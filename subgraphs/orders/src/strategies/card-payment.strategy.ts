import type { Logger } from '@storegraph/kit';
import { appError, type Money } from '@storegraph/schema';
import { type CardApiAnswer, type CardApiConfig, CardApiTransport } from './card-api.transport.ts';
import {
  type AuthorizationState,
  type AuthorizeRequest,
  type AuthorizeResult,
  assertPayable,
  type CaptureRequest,
  type CaptureResult,
  type FindAuthorizationResult,
  type PaymentProviderStrategy,
  type PaymentRejectionReason,
  type RefundRequest,
  type RefundResult,
  type VoidRequest,
  type VoidResult,
} from './payment-provider.strategy.ts';

/** The fields of a Stripe PaymentIntent this adapter reads. */
interface PaymentIntent {
  id: string;
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
}

const STATES: Record<string, AuthorizationState> = {
  requires_capture: 'AUTHORIZED',
  requires_payment_method: 'DECLINED',
  canceled: 'VOIDED',
  succeeded: 'CAPTURED',
};

/**
 * A card provider with Stripe's PaymentIntents API: authorise = create and confirm with
 * capture_method=manual, void = cancel, then capture and refunds. Every call sends the caller's
 * idempotency key, so a retry (ours, or the saga's after a crash) replays the provider's first answer.
 */
export class CardPaymentStrategy implements PaymentProviderStrategy {
  readonly name = 'card';
  readonly requiresToken = true;
  private readonly api: CardApiTransport;

  constructor(config: CardApiConfig, log: Logger) {
    this.api = new CardApiTransport(config, log);
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    assertPayable(req.amount);
    const token = req.paymentMethod.token;
    if (!token) throw appError('BAD_USER_INPUT', 'a card payment needs the payment method token from the card form');
    const answer = await this.api.send({
      operation: 'authorize',
      method: 'POST',
      path: '/v1/payment_intents',
      idempotencyKey: req.idempotencyKey,
      form: {
        amount: req.amount.amount,
        currency: req.amount.currency.toLowerCase(),
        payment_method: token,
        payment_method_types: ['card'],
        capture_method: 'manual',
        confirm: true,
        // A card that wants 3-D Secure fails as a decline instead of waiting for a redirect this flow has not got.
        error_on_requires_action: true,
        // Ours last, so caller metadata cannot hide the key that findAuthorization searches by.
        metadata: { ...req.metadata, reference: req.reference, idempotency_key: req.idempotencyKey },
      },
    });
    if (answer.kind === 'unavailable') return { status: 'UNAVAILABLE', message: answer.message };
    const { status, body } = answer;
    // Provider messages may quote the token ("No such PaymentMethod: 'tok_…'"); ours go to logs and clients.
    const redact = (message: string) => message.replaceAll(token, '[payment method]');
    if (status === 200 && body.status === 'requires_capture') return { status: 'AUTHORIZED', providerRef: body.id, amount: moneyOf(body, 'amount') };
    if (status === 402) {
      const e = body.error ?? {};
      return { status: 'DECLINED', reason: redact(e.message ?? 'the card was declined'), declineCode: e.decline_code ?? e.code ?? 'card_declined' };
    }
    if (status === 400 && body.error?.type === 'idempotency_error') {
      throw appError('IDEMPOTENCY_KEY_REUSED', `payment idempotency key ${req.idempotencyKey} was first used with other parameters`);
    }
    // Refused as invalid (unknown payment method, amount below the provider's minimum): nothing is held,
    // and a retry would be refused again, so it is a decline the customer can answer with another card.
    if (status === 400 || status === 404) {
      const e = body.error ?? {};
      return { status: 'DECLINED', reason: redact(e.message ?? 'the payment was refused as invalid'), declineCode: e.code ?? 'invalid_request' };
    }
    const failed = unavailable('authorize', answer);
    return { ...failed, message: redact(failed.message) };
  }

  async void(req: VoidRequest): Promise<VoidResult> {
    const answer = await this.api.send({
      operation: 'void',
      method: 'POST',
      path: `/v1/payment_intents/${encodeURIComponent(req.providerRef)}/cancel`,
      idempotencyKey: req.idempotencyKey,
    });
    if (answer.kind === 'unavailable') return { status: 'UNAVAILABLE', message: answer.message };
    if (answer.status === 200 && answer.body.status === 'canceled') return { status: 'VOIDED' };
    const state = unexpectedState(answer);
    if (state === 'VOIDED') return { status: 'VOIDED' };
    if (state === 'CAPTURED') return rejected('ALREADY_CAPTURED', `${req.providerRef} was captured; refund it instead`);
    if (answer.status === 404) return rejected('NOT_FOUND', `the card provider knows no payment ${req.providerRef}`);
    return unavailable('void', answer);
  }

  async capture(req: CaptureRequest): Promise<CaptureResult> {
    assertPayable(req.amount);
    const answer = await this.api.send({
      operation: 'capture',
      method: 'POST',
      path: `/v1/payment_intents/${encodeURIComponent(req.providerRef)}/capture`,
      idempotencyKey: req.idempotencyKey,
      form: { amount_to_capture: req.amount.amount },
    });
    if (answer.kind === 'unavailable') return { status: 'UNAVAILABLE', message: answer.message };
    if (answer.status === 200 && answer.body.status === 'succeeded') return { status: 'CAPTURED', amount: moneyOf(answer.body, 'amount_received') };
    const state = unexpectedState(answer);
    // One capture per authorisation: captured already (under another key) is the outcome asked for.
    if (state === 'CAPTURED') return { status: 'CAPTURED', amount: moneyOf(answer.body.error.payment_intent, 'amount_received') };
    if (state === 'VOIDED' || answer.body.error?.code === 'charge_expired_for_capture') {
      return rejected('ALREADY_VOIDED', `${req.providerRef} was voided or expired before capture`);
    }
    if (state === 'DECLINED') return rejected('NOT_FOUND', `${req.providerRef} holds no authorisation (it was declined)`);
    if (answer.status === 400 && (answer.body.error?.code === 'amount_too_large' || answer.body.error?.param === 'amount_to_capture')) {
      return rejected('AMOUNT_TOO_LARGE', `capturing ${req.amount.amount} is more than ${req.providerRef} holds`);
    }
    if (answer.status === 404) return rejected('NOT_FOUND', `the card provider knows no payment ${req.providerRef}`);
    return unavailable('capture', answer);
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    assertPayable(req.amount);
    const answer = await this.api.send({
      operation: 'refund',
      method: 'POST',
      path: '/v1/refunds',
      idempotencyKey: req.idempotencyKey,
      form: { payment_intent: req.providerRef, amount: req.amount.amount, metadata: { idempotency_key: req.idempotencyKey } },
    });
    if (answer.kind === 'unavailable') return { status: 'UNAVAILABLE', message: answer.message };
    const { status, body } = answer;
    if (status === 200 && (body.status === 'failed' || body.status === 'canceled')) {
      return rejected('REFUND_FAILED', `refund ${body.id} ${body.status}: ${body.failure_reason ?? 'no reason given'}`);
    }
    if (status === 200 && typeof body.id === 'string') return { status: 'REFUNDED', refundRef: body.id, amount: moneyOf(body, 'amount') };
    const state = unexpectedState(answer);
    if (state === 'AUTHORIZED') return rejected('NOT_CAPTURED', `${req.providerRef} is not captured; void it instead`);
    if (state === 'VOIDED' || state === 'DECLINED') return rejected('ALREADY_VOIDED', `${req.providerRef} was never captured`);
    const code = body.error?.code;
    if (status === 400 && (code === 'amount_too_large' || code === 'charge_already_refunded' || body.error?.param === 'amount')) {
      return rejected('AMOUNT_TOO_LARGE', `refunding ${req.amount.amount} is more than is left to refund on ${req.providerRef}`);
    }
    if (status === 404) return rejected('NOT_FOUND', `the card provider knows no payment ${req.providerRef}`);
    return unavailable('refund', answer);
  }

  async findAuthorization(idempotencyKey: string): Promise<FindAuthorizationResult> {
    const escaped = idempotencyKey.replace(/[\\']/g, (c) => `\\${c}`);
    const query = new URLSearchParams({ query: `metadata['idempotency_key']:'${escaped}'` });
    const answer = await this.api.send({ operation: 'findAuthorization', method: 'GET', path: `/v1/payment_intents/search?${query}` });
    if (answer.kind === 'unavailable') return { status: 'UNAVAILABLE', message: answer.message };
    if (answer.status !== 200 || !Array.isArray(answer.body.data)) return unavailable('findAuthorization', answer);
    const intent = (answer.body.data as PaymentIntent[])[0];
    if (!intent) return { status: 'NOT_FOUND' };
    const state = STATES[intent.status];
    // processing, requires_action, ...: not a state a manual-capture card payment rests in; ask again later.
    if (!state) return { status: 'UNAVAILABLE', message: `payment ${intent.id} is ${intent.status}` };
    return { status: 'FOUND', providerRef: intent.id, state, amount: moneyOf(intent, 'amount') };
  }
}

/** Stripe writes currencies in lower case; ours are ISO 4217 upper case. */
function moneyOf<T extends { currency: string }>(intentOrRefund: T, field: keyof T): Money {
  return { amount: intentOrRefund[field] as number, currency: intentOrRefund.currency.toUpperCase() };
}

/** Stripe answers an action the intent's status forbids with 400 payment_intent_unexpected_state and the intent. */
function unexpectedState(answer: CardApiAnswer & { kind: 'answered' }): AuthorizationState | undefined {
  const error = answer.body.error;
  if (answer.status !== 400 || error?.code !== 'payment_intent_unexpected_state' || !error.payment_intent) return undefined;
  return STATES[(error.payment_intent as PaymentIntent).status];
}

function rejected(reason: PaymentRejectionReason, message: string) {
  return { status: 'REJECTED' as const, reason, message };
}

function unavailable(operation: string, answer: CardApiAnswer & { kind: 'answered' }) {
  const detail = answer.body.error?.message ?? answer.body.status ?? 'unexpected answer';
  return { status: 'UNAVAILABLE' as const, message: `card provider ${operation}: HTTP ${answer.status}: ${detail}` };
}
