/**
 * Read once per server process. The publishable keys are public by design (they only name a channel);
 * STOREFRONT_PUBLISHABLE_KEYS is `web-eu=pk_...,web-us=pk_...` (`npm start` prints the demo's).
 */
export interface StorefrontConfig {
  b2cUrl: string;
  keys: Record<string, string>;
  /** Off for the bench's uncached comparison only. */
  catalogueCache: boolean;
  mediaHosts: string[];
  /**
   * The whsec_ signing secret of this storefront's webhook endpoint (price.changed, product.updated), which
   * POST /api/revalidate verifies; unset, that route answers 404 and cached pages end only at their max-age.
   */
  webhookSecret?: string;
  /** Redis shared by the storefront's replicas for the catalogue cache (unset: each process keeps its own). */
  redisUrl?: string;
  /** Every key starts with it, so storefronts (and test runs) sharing one Redis never share a key. */
  redisKeyPrefix: string;
}

let config: StorefrontConfig | undefined;

export function storefrontConfig(): StorefrontConfig {
  if (config) return config;
  const b2cUrl = process.env.STOREGRAPH_B2C_URL ?? 'http://localhost:4201/graphql';
  if (!/^https?:\/\/.+\/graphql$/.test(b2cUrl)) throw new Error(`STOREGRAPH_B2C_URL must be the B2C BFF's /graphql URL, got ${b2cUrl}`);
  const keys: Record<string, string> = {};
  for (const pair of (process.env.STOREFRONT_PUBLISHABLE_KEYS ?? '').split(',').filter(Boolean)) {
    const [channel, key] = pair.split('=');
    if (!channel || !key?.startsWith('pk_')) throw new Error(`STOREFRONT_PUBLISHABLE_KEYS: expected channel=pk_..., got ${pair}`);
    keys[channel.trim()] = key.trim();
  }
  const cache = process.env.STOREFRONT_CATALOGUE_CACHE ?? 'on';
  if (cache !== 'on' && cache !== 'off') throw new Error(`STOREFRONT_CATALOGUE_CACHE must be on or off, got ${cache}`);
  const mediaHosts = (process.env.STOREFRONT_MEDIA_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const webhookSecret = process.env.STOREFRONT_WEBHOOK_SECRET?.trim() || undefined;
  if (webhookSecret && !/^whsec_[A-Za-z0-9+/=]+$/.test(webhookSecret))
    throw new Error('STOREFRONT_WEBHOOK_SECRET must be the whsec_... secret the endpoint was registered with');
  const redisUrl = process.env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got ${redisUrl}`);
  const redisKeyPrefix = process.env.REDIS_KEY_PREFIX?.trim() || 'storefront';
  config = { b2cUrl, keys, catalogueCache: cache === 'on', mediaHosts, webhookSecret, redisUrl, redisKeyPrefix };
  return config;
}

export function publishableKey(channel: string): string {
  const key = storefrontConfig().keys[channel];
  if (!key) throw new Error(`STOREFRONT_PUBLISHABLE_KEYS has no key for ${channel}`);
  return key;
}
