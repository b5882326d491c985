import { assertPayable, type PaymentProviderStrategy } from './payment-provider.strategy.ts';

/**
 * Pay later: cash on delivery, invoice, pay at the counter. Nothing is held anywhere, so every call
 * succeeds, and deriving the reference from the idempotency key makes a replay give the same answer
 * without keeping any state.
 */
export const manualPayment: PaymentProviderStrategy = {
  name: 'manual',
  requiresToken: false,

  async authorize(req) {
    assertPayable(req.amount);
    return { status: 'AUTHORIZED', providerRef: `manual:${req.idempotencyKey}`, amount: req.amount };
  },

  async void() {
    return { status: 'VOIDED' };
  },

  async capture(req) {
    assertPayable(req.amount);
    return { status: 'CAPTURED', amount: req.amount };
  },

  async refund(req) {
    assertPayable(req.amount);
    return { status: 'REFUNDED', refundRef: `manual:${req.idempotencyKey}`, amount: req.amount };
  },

  // Recovery looks an authorisation up only to void it; a manual one holds nothing, so there is none to find.
  async findAuthorization() {
    return { status: 'NOT_FOUND' };
  },
};
