import type { Database, JobQueue, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createCatalogLoaders, type CatalogLoaders } from './loaders/catalog.loaders.ts';

export type ProductsDb = Database<typeof tables>;

export interface ProductsContext extends SubgraphRequestContext {
  db: ProductsDb;
  jobs: JobQueue;
  loaders: CatalogLoaders;
}

export function createProductsContext(db: ProductsDb, base: SubgraphRequestContext, jobs: JobQueue): ProductsContext {
  const ctx = { ...base, db, jobs } as ProductsContext;
  ctx.loaders = createCatalogLoaders(ctx);
  return ctx;
}
