import type { Database, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createPriceLoaders, type PriceLoaders } from './loaders/price.loaders.ts';

export type PricesDb = Database<typeof tables>;

export interface PricesContext extends SubgraphRequestContext {
  db: PricesDb;
  loaders: PriceLoaders;
}

export function createPricesContext(db: PricesDb, base: SubgraphRequestContext): PricesContext {
  const ctx = { ...base, db } as PricesContext;
  ctx.loaders = createPriceLoaders(ctx);
  return ctx;
}
