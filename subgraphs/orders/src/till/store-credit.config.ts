import { z } from 'zod';
import { DEV_STORE_CREDIT_SECRET } from '../domain/store-credit-code.rules.ts';

/**
 * ORDERS_STORE_CREDIT_SECRET, as STOREGRAPH_CONTEXT_SECRET is configured: comma-separated for rotation (the first
 * derives new codes, every one is tried for an issued code), required when NODE_ENV=production, a development
 * default otherwise. Each at least 32 characters: the secret is all that stands between a copy of the database
 * and every open credit.
 */
export const storeCreditSecretsSchema = (nodeEnv: string | undefined) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const secrets = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (secrets.length === 0) {
        if (nodeEnv !== 'production') return [DEV_STORE_CREDIT_SECRET];
        ctx.addIssue({ code: 'custom', message: 'ORDERS_STORE_CREDIT_SECRET is required in production' });
        return z.NEVER;
      }
      if (secrets.some((s) => s.length < 32)) {
        ctx.addIssue({ code: 'custom', message: 'each ORDERS_STORE_CREDIT_SECRET is at least 32 characters' });
        return z.NEVER;
      }
      return secrets;
    });
