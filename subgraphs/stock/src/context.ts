import type { Database, SubgraphClient, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createStockLoaders, type StockLoaders } from './loaders/stock.loaders.ts';
import type { RoutingStrategy } from './strategies/routing.strategy.ts';
import type { SoldInChannelCache } from './services/sold-in-channel.cache.ts';

export type StockDb = Database<typeof tables>;

export interface StockContext extends SubgraphRequestContext {
  db: StockDb;
  loaders: StockLoaders;
  /** The products subgraph: which variants the caller's channel sells (the read paths' own definition). */
  catalog: SubgraphClient;
  /** The prices subgraph: cost prices for stock value (through clients/prices.client.ts). */
  prices: SubgraphClient;
  /** Its answers, until the catalogue announces a change. */
  soldInChannel: SoldInChannelCache;
  /** Which locations serve an order (configured at start-up). */
  routing: RoutingStrategy;
}

export function createStockContext(
  db: StockDb,
  base: SubgraphRequestContext,
  catalog: SubgraphClient,
  prices: SubgraphClient,
  soldInChannel: SoldInChannelCache,
  routing: RoutingStrategy,
): StockContext {
  const ctx = { ...base, db, catalog, prices, soldInChannel, routing } as StockContext;
  ctx.loaders = createStockLoaders(ctx);
  return ctx;
}
