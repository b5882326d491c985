import { createLogger, type Logger } from '@storegraph/kit';
import { appError } from '@storegraph/schema';
import { CardPaymentStrategy } from './card-payment.strategy.ts';
import { manualPayment } from './manual-payment.strategy.ts';
import { termsPayment } from './terms-payment.strategy.ts';
import { loadPaymentProvidersConfig, type PaymentProvidersConfig } from './payment-provider.config.ts';
import type { PaymentProviderStrategy } from './payment-provider.strategy.ts';

/** The providers this deployment offers, by the name a client picks (`paymentMethod.provider`). */
export interface PaymentProviders {
  /** Names on offer, for the storefront to list. */
  readonly names: readonly string[];
  /** The provider the client chose; a name not on offer is the client's mistake (BAD_USER_INPUT). */
  get(name: string): PaymentProviderStrategy;
}

export function createPaymentProviders(config: PaymentProvidersConfig, log: Logger): PaymentProviders {
  const byName = new Map<string, PaymentProviderStrategy>([
    [manualPayment.name, manualPayment],
    [termsPayment.name, termsPayment],
  ]);
  if (config.card) {
    const card = new CardPaymentStrategy(config.card, log);
    byName.set(card.name, card);
  }
  return {
    names: [...byName.keys()],
    get(name) {
      const provider = byName.get(name);
      if (!provider) throw appError('BAD_USER_INPUT', `payment provider '${name}' is not offered; choose one of: ${[...byName.keys()].join(', ')}`);
      return provider;
    },
  };
}

/** Start-up: configuration from the environment, validated once. */
export function paymentProvidersFromEnv(env: NodeJS.ProcessEnv = process.env, log: Logger = createLogger('orders')): PaymentProviders {
  return createPaymentProviders(loadPaymentProvidersConfig(env), log);
}
