import { loadConfig } from '@storegraph/kit';
import { z } from 'zod';
import type { CardApiConfig } from './card-api.transport.ts';

export interface PaymentProvidersConfig {
  /** Absent: the card provider is not offered, only manual payment. */
  card: CardApiConfig | null;
}

/** Read once at start-up; a bad value stops the subgraph naming the variable. */
export function loadPaymentProvidersConfig(env: NodeJS.ProcessEnv = process.env): PaymentProvidersConfig {
  const c = loadConfig(
    {
      PAYMENT_CARD_API_URL: z.string().url().optional(),
      PAYMENT_CARD_API_KEY: z.string().min(1).optional(),
      // Stripe answers an authorisation in well under 2 s; 5 s leaves room for a slow issuer.
      PAYMENT_CARD_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
      // 3 attempts with 250 ms and 500 ms between them: a lost answer costs at most ~16 s of a checkout.
      PAYMENT_CARD_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
      PAYMENT_CARD_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(250),
    },
    env,
  );
  if (!c.PAYMENT_CARD_API_URL) return { card: null };
  if (!c.PAYMENT_CARD_API_KEY) throw new Error('invalid configuration:\n  PAYMENT_CARD_API_KEY: required when PAYMENT_CARD_API_URL is set');
  return {
    card: {
      baseUrl: c.PAYMENT_CARD_API_URL,
      apiKey: c.PAYMENT_CARD_API_KEY,
      timeoutMs: c.PAYMENT_CARD_TIMEOUT_MS,
      maxAttempts: c.PAYMENT_CARD_MAX_ATTEMPTS,
      retryBackoffMs: c.PAYMENT_CARD_RETRY_BACKOFF_MS,
    },
  };
}
