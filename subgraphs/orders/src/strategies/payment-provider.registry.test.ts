import type { Logger } from '@storegraph/kit';
import { describe, expect, it } from 'vitest';
import { paymentProvidersFromEnv } from './payment-provider.registry.ts';

const log = { warn() {}, error() {} } as unknown as Logger;
const card = { PAYMENT_CARD_API_URL: 'https://card-provider.test', PAYMENT_CARD_API_KEY: 'sk_test_standin' };

describe('the payment providers on offer', () => {
  it('offers only manual payment when no card provider is configured', () => {
    const providers = paymentProvidersFromEnv({}, log);
    expect(providers.names).toEqual(['manual', 'terms']);
    expect(providers.get('manual').name).toBe('manual');
    expect(() => providers.get('card')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
  });

  it('offers the card provider when its URL and key are configured, and refuses a name not on offer', () => {
    const providers = paymentProvidersFromEnv(card, log);
    expect(providers.names).toEqual(['manual', 'terms', 'card']);
    expect(providers.get('card').name).toBe('card');
    expect(() => providers.get('paypal')).toThrow("payment provider 'paypal' is not offered; choose one of: manual, terms, card");
  });

  it('stops start-up naming the variable that is missing or wrong', () => {
    expect(() => paymentProvidersFromEnv({ PAYMENT_CARD_API_URL: card.PAYMENT_CARD_API_URL }, log)).toThrow(/PAYMENT_CARD_API_KEY/);
    expect(() => paymentProvidersFromEnv({ ...card, PAYMENT_CARD_TIMEOUT_MS: '5s' }, log)).toThrow(/PAYMENT_CARD_TIMEOUT_MS/);
    expect(() => paymentProvidersFromEnv({ ...card, PAYMENT_CARD_API_URL: 'card-provider' }, log)).toThrow(/PAYMENT_CARD_API_URL/);
  });
});
