import type { CheckoutStep, StepEnv } from '../checkout-step.ts';
import type { QuotedCart } from './quote-cart.step.ts';

export interface AuthorizedPayment {
  /** Null when nothing was due (a fully discounted order). */
  providerRef: string | null;
  amount: number;
}

const keyOf = (env: StepEnv, op: string) => `${env.checkout.id}:${op}`;

/** Authorises exactly the quote's total with the provider the shopper chose, under the saga's key. */
export const authorizePaymentStep: CheckoutStep = {
  id: 'authorize',
  async run(env) {
    const { quote } = env.outcome<QuotedCart>('quote');
    if (quote.total === 0) return { outcome: { providerRef: null, amount: 0 } satisfies AuthorizedPayment };
    const provider = env.deps.payments.get(env.checkout.paymentProvider);
    const answer = await provider.authorize({
      idempotencyKey: keyOf(env, 'authorize'),
      amount: { amount: quote.total, currency: quote.currency },
      paymentMethod: { provider: env.checkout.paymentProvider, token: env.paymentToken },
      reference: env.checkout.id,
      metadata: { channel: env.checkout.channel },
    });
    if (answer.status === 'DECLINED') return { fail: { __typename: 'PaymentDeclined', reason: answer.reason, declineCode: answer.declineCode } };
    if (answer.status === 'UNAVAILABLE')
      return { fail: { __typename: 'PaymentUnavailable', message: 'the payment provider did not answer; nothing was charged' } };
    return { outcome: { providerRef: answer.providerRef, amount: answer.amount.amount } satisfies AuthorizedPayment };
  },
  async undo(env, outcome) {
    const provider = env.deps.payments.get(env.checkout.paymentProvider);
    let ref = (outcome as AuthorizedPayment | undefined)?.providerRef ?? null;
    if (!outcome) {
      // The answer was lost (a timeout or a crash): find what the provider made under our key, and void it.
      const found = await provider.findAuthorization(keyOf(env, 'authorize'));
      if (found.status === 'UNAVAILABLE') throw new Error(`payment provider unavailable: ${found.message}`);
      if (found.status === 'NOT_FOUND' || found.state !== 'AUTHORIZED') return;
      ref = found.providerRef;
    }
    if (!ref) return;
    const voided = await provider.void({ providerRef: ref, idempotencyKey: keyOf(env, 'void') });
    if (voided.status === 'UNAVAILABLE') throw new Error(`payment provider unavailable: ${voided.message}`);
  },
};
