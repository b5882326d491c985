import { z } from 'zod';
import { boolSchema, contextSecretsSchema, loadConfig, optionalUrlSchema, portSchema, urlListSchema } from '@storegraph/server-kit';
import { DEV_IDP_SECRET } from '@storegraph/schema';

export { DEV_IDP_SECRET };

/** The configuration every BFF shares; validated once at start-up. */
export function bffConfig(prefix: string, defaultPort: number, env: NodeJS.ProcessEnv) {
  const dev = env.NODE_ENV !== 'production';
  return loadConfig(
    {
      [`${prefix}_PORT`]: portSchema(defaultPort),
      // /metrics on a port of its own, which the ingress does not route (unset: on the public port, as before).
      METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
      // One gateway, or several comma-separated: requests take them in turn and pass over one that is down.
      GATEWAY_URL: urlListSchema('http://127.0.0.1:4000/graphql'),
      STOREGRAPH_CONTEXT_SECRET: contextSecretsSchema,
      STOREGRAPH_IDP_SECRET: dev ? z.string().min(32).default(DEV_IDP_SECRET) : z.string().min(32),
      BFF_ALLOW_ADHOC: boolSchema(dev),
      BFF_IDE: boolSchema(dev),
      BFF_DEMO_LOGIN: boolSchema(dev),
      // Off in production: the header is unsigned, so anyone could pick any channel with it.
      BFF_CHANNEL_HEADER: boolSchema(dev),
      BFF_CACHE_MAX: z.coerce.number().int().min(0).default(5000),
      // Off in production: an anonymous client could otherwise send every read past the cache to the backend.
      BFF_CACHE_BYPASS: boolSchema(dev),
      BFF_CACHE_TTL_MS: z.coerce.number().int().min(1000).default(300_000),
      // How long a signed-in caller's group, company and session state are reused; the bound on how late a
      // removed buyer or a changed group takes effect (the customers issue asks for 60 s at most).
      BFF_ACCOUNT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(30_000),
      // An external OpenID Connect provider beside the built-in accounts (both or neither of issuer and JWKS).
      OIDC_ISSUER: z.string().url().optional(),
      OIDC_JWKS_URL: z.string().url().optional(),
      OIDC_AUDIENCE: z.string().min(1).optional(),
      BFF_CACHE_STALE_MS: z.coerce.number().int().min(0).default(600_000),
      // Budgets per window (0 turns one off). One address is often many shoppers (a storefront's SSR
      // servers, an office NAT), so its default only stops floods: 20,000 requests/s for 10 s, above what
      // one BFF process serves (5,600/s of cached listings, bare Node 16,500/s on the 2-core bench machine,
      // where 50,000 per 10 s answered 7,402 of the bench's requests 429). Set it lower where shoppers
      // connect directly. A signed-in account gets 200/s (a person clicks a few a second); sessions 60.
      BFF_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
      BFF_RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(200_000),
      BFF_RATE_LIMIT_PER_CREDENTIAL: z.coerce.number().int().min(0).default(2_000),
      BFF_RATE_LIMIT_SIGN_IN: z.coerce.number().int().min(0).default(60),
      BFF_TRUST_FORWARDED_FOR: boolSchema(false),
      REDIS_URL: optionalUrlSchema,
      // Every key this BFF writes in Redis starts with it: deployments (or test runs) sharing a Redis stay apart.
      REDIS_KEY_PREFIX: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/)
        .default('sg'),
      // A product page or till screen watches one list of variants (up to 50 in one subscription); 10 at once
      // leaves room for several open views and bounds what one socket makes the BFF re-read on every stock change.
      BFF_LIVE_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(1000).default(10),
    },
    env,
  ) as {
    METRICS_PORT?: number;
    GATEWAY_URL: string[];
    STOREGRAPH_CONTEXT_SECRET: string[];
    STOREGRAPH_IDP_SECRET: string;
    BFF_ALLOW_ADHOC: boolean;
    BFF_IDE: boolean;
    BFF_DEMO_LOGIN: boolean;
    BFF_CHANNEL_HEADER: boolean;
    BFF_CACHE_MAX: number;
    BFF_CACHE_BYPASS: boolean;
    BFF_CACHE_TTL_MS: number;
    BFF_ACCOUNT_CACHE_MS: number;
    OIDC_ISSUER?: string;
    OIDC_JWKS_URL?: string;
    OIDC_AUDIENCE?: string;
    BFF_CACHE_STALE_MS: number;
    BFF_RATE_LIMIT_WINDOW_SECONDS: number;
    BFF_RATE_LIMIT_PER_IP: number;
    BFF_RATE_LIMIT_PER_CREDENTIAL: number;
    BFF_RATE_LIMIT_SIGN_IN: number;
    BFF_TRUST_FORWARDED_FOR: boolean;
    REDIS_URL?: string;
    REDIS_KEY_PREFIX: string;
    BFF_LIVE_MAX_SUBSCRIPTIONS: number;
  } & Record<string, unknown>;
}
