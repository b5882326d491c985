import type { Database, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createStockLoaders, type StockLoaders } from './loaders/stock.loaders.ts';

export type StockDb = Database<typeof tables>;

export interface StockContext extends SubgraphRequestContext {
  db: StockDb;
  loaders: StockLoaders;
}

export function createStockContext(db: StockDb, base: SubgraphRequestContext): StockContext {
  const ctx = { ...base, db } as StockContext;
  ctx.loaders = createStockLoaders(ctx);
  return ctx;
}
