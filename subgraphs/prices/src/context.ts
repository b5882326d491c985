import type { Database, SubgraphClient, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createPriceLoaders, type PriceLoaders } from './loaders/price.loaders.ts';
import { createPromotionLoaders, type PromotionLoaders } from './loaders/promotion.loaders.ts';
import { createSettingsLoaders, type SettingsLoaders } from './loaders/settings.loaders.ts';
import { createShippingLoaders, type ShippingLoaders } from './loaders/shipping.loaders.ts';
import { createVariantPriceLoaders, type VariantPriceLoaders } from './loaders/variant-price.loaders.ts';

export type PricesDb = Database<typeof tables>;

export interface PricesContext extends SubgraphRequestContext {
  db: PricesDb;
  /** One instant per request: every line of a quote is priced at the same time. */
  now: Date;
  loaders: PriceLoaders & SettingsLoaders & PromotionLoaders & VariantPriceLoaders & ShippingLoaders;
  /** The products subgraph: which variants the caller's channel sells, their categories and weights. */
  catalog: SubgraphClient;
  /** Where `importFxRates` reads from (PRICES_FX_FEED_URL); undefined when no feed is configured. */
  fxFeedUrl: string | undefined;
}

export function createPricesContext(db: PricesDb, base: SubgraphRequestContext, catalog: SubgraphClient, fxFeedUrl?: string): PricesContext {
  const ctx = { ...base, db, catalog, now: new Date(), fxFeedUrl } as PricesContext;
  ctx.loaders = {
    ...createPriceLoaders(ctx),
    ...createSettingsLoaders(ctx),
    ...createPromotionLoaders(ctx),
    ...createVariantPriceLoaders(ctx),
    ...createShippingLoaders(ctx),
  };
  return ctx;
}
