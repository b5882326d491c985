import { loadConfig, startSubgraph, SubgraphClient } from '@storegraph/kit';
import { z } from 'zod';
import * as tables from './db/tables.ts';
import { createPricesContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export { tables };

export async function startPrices(env: NodeJS.ProcessEnv = process.env) {
  const { PRICES_FX_FEED_URL, PRODUCTS_URL } = loadConfig(
    { PRICES_FX_FEED_URL: z.string().url().optional(), PRODUCTS_URL: z.string().min(1).default('http://127.0.0.1:4101/graphql') },
    env,
  );
  // PRODUCTS_URL may list replicas for the gateway; one is enough here.
  const catalog = new SubgraphClient('products', PRODUCTS_URL);
  const running = await startSubgraph(
    {
      name: 'prices',
      pgSchema: 'prices',
      defaultPort: 4103,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      outbox: true,
      extendContext: (db, base) => createPricesContext(db, base, catalog, PRICES_FX_FEED_URL),
      // Storefront price reads; the checkout's quote comes from orders directly and so from the primary.
      replicaReads: { rootFields: ['quote', 'shippingMethods', '_entities'] },
    },
    env,
  );
  return {
    ...running,
    close: async () => {
      await running.close();
      await catalog.close();
    },
  };
}
