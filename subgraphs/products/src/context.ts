import type { Database, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createCatalogLoaders, type CatalogLoaders } from './loaders/catalog.loaders.ts';

export type ProductsDb = Database<typeof tables>;

export interface ProductsContext extends SubgraphRequestContext {
  db: ProductsDb;
  loaders: CatalogLoaders;
}

export function createProductsContext(db: ProductsDb, base: SubgraphRequestContext): ProductsContext {
  const ctx = { ...base, db } as ProductsContext;
  ctx.loaders = createCatalogLoaders(ctx);
  return ctx;
}
