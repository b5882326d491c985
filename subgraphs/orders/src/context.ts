import type { Database, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createOrderLoaders, type OrderLoaders } from './loaders/order.loaders.ts';

export type OrdersDb = Database<typeof tables>;

export interface OrdersContext extends SubgraphRequestContext {
  db: OrdersDb;
  loaders: OrderLoaders;
}

export function createOrdersContext(db: OrdersDb, base: SubgraphRequestContext): OrdersContext {
  const ctx = { ...base, db } as OrdersContext;
  ctx.loaders = createOrderLoaders(ctx);
  return ctx;
}
