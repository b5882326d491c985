import type { ChannelKind } from '@storegraph/schema';
import { createLogger } from '@storegraph/server-kit';
import { bffConfig } from './bff-config.ts';
import { allowListText, liveOperationsText } from './operation-files.ts';
import { startBff, type BffOptions } from './bff-server.ts';

export interface ChannelBff {
  name: 'b2c' | 'b2b' | 'pos' | 'admin';
  kind: ChannelKind;
  defaultPort: number;
  resolveCaller: BffOptions['resolveCaller'];
  /** Storefronts: the channel comes from a publishable key (x-publishable-key). */
  publishableKeys?: boolean;
  /** Offers guest sessions (POST /auth/guest): the B2C storefront does, trade and till channels do not. */
  guestSessions?: boolean;
  /** The admin BFF: a staff caller's context may only be for one of their own channels. */
  staffChannelsOnly?: boolean;
  /** Self-contained pages this BFF serves on GET (the admin dashboard). */
  pages?: BffOptions['pages'];
  /** Answers a signed-in staff member's introspection from the committed supergraph (GraphiQL for staff). */
  staffSchema?: boolean;
  /** Operations that carry a file as one long text (the trade portal's CSV bulk order). */
  uploads?: BffOptions['uploads'];
}

function oidcOptions(config: ReturnType<typeof bffConfig>) {
  if (!config.OIDC_ISSUER && !config.OIDC_JWKS_URL) return undefined;
  // Without an audience, tokens the same provider issued to any other application would be accepted here.
  if (!config.OIDC_ISSUER || !config.OIDC_JWKS_URL || !config.OIDC_AUDIENCE)
    throw new Error('invalid configuration:\n  OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE: set all three or none');
  return { issuer: config.OIDC_ISSUER, jwksUrl: config.OIDC_JWKS_URL, audience: config.OIDC_AUDIENCE };
}

/** Starts one channel's BFF from validated configuration: only its caller rules and operations differ. */
export async function startChannelBff(bff: ChannelBff, env: NodeJS.ProcessEnv = process.env) {
  const prefix = bff.name.toUpperCase();
  const config = bffConfig(prefix, bff.defaultPort, env);
  return startBff({
    name: bff.name,
    kind: bff.kind,
    port: config[`${prefix}_PORT`] as number,
    metricsPort: config.METRICS_PORT,
    gatewayUrls: config.GATEWAY_URL,
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    idpSecret: config.STOREGRAPH_IDP_SECRET,
    // bffs/<name>/src/operations.graphql, the shared operations (channel BFFs) and (storefront, portal) the account operations.
    operations: allowListText(bff.name),
    liveOperations: liveOperationsText(),
    liveMaxSubscriptions: config.BFF_LIVE_MAX_SUBSCRIPTIONS,
    allowAdhoc: config.BFF_ALLOW_ADHOC,
    ide: config.BFF_IDE,
    demoLogin: config.BFF_DEMO_LOGIN,
    accountCacheMs: config.BFF_ACCOUNT_CACHE_MS,
    oidc: oidcOptions(config),
    cache: {
      max: config.BFF_CACHE_MAX,
      ttlMs: config.BFF_CACHE_TTL_MS,
      staleMs: config.BFF_CACHE_STALE_MS,
      honourNoCache: config.BFF_CACHE_BYPASS,
      redisUrl: config.REDIS_URL,
      redisKeyPrefix: config.REDIS_KEY_PREFIX,
    },
    logger: createLogger(`bff-${bff.name}`),
    resolveCaller: bff.resolveCaller,
    uploads: bff.uploads,
    guestSessions: bff.guestSessions ?? false,
    publishableKeys: bff.publishableKeys ?? false,
    limits: {
      windowSeconds: config.BFF_RATE_LIMIT_WINDOW_SECONDS,
      perIp: config.BFF_RATE_LIMIT_PER_IP,
      perCredential: config.BFF_RATE_LIMIT_PER_CREDENTIAL,
      signInPerIp: config.BFF_RATE_LIMIT_SIGN_IN,
      trustForwardedFor: config.BFF_TRUST_FORWARDED_FOR,
      redisUrl: config.REDIS_URL,
      redisKeyPrefix: config.REDIS_KEY_PREFIX,
    },
    channelHeader: config.BFF_CHANNEL_HEADER,
    staffChannelsOnly: bff.staffChannelsOnly ?? false,
    pages: bff.pages,
    staffSchema: bff.staffSchema,
  });
}
