import { assertPayable, type PaymentProviderStrategy } from './payment-provider.strategy.ts';
import { manualPayment } from './manual-payment.strategy.ts';

/**
 * Pay on terms: the order is invoiced (the checkout's use_credit step writes the invoice and uses the
 * company's credit) and paid later by bank transfer, which staff record against the invoice. The provider
 * itself holds nothing, exactly as the manual one, under its own name so the order shows how it is paid.
 */
export const termsPayment: PaymentProviderStrategy = {
  ...manualPayment,
  name: 'terms',
  async authorize(req) {
    assertPayable(req.amount);
    return { status: 'AUTHORIZED', providerRef: `terms:${req.idempotencyKey}`, amount: req.amount };
  },
};
