import { loadConfig, startSubgraph } from '@storegraph/kit';
import { z } from 'zod';
import * as tables from './db/tables.ts';
import { createPricesContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export { tables };

export function startPrices(env: NodeJS.ProcessEnv = process.env) {
  const { PRICES_FX_FEED_URL } = loadConfig({ PRICES_FX_FEED_URL: z.string().url().optional() }, env);
  return startSubgraph(
    {
      name: 'prices',
      pgSchema: 'prices',
      defaultPort: 4103,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: (db, base) => createPricesContext(db, base, PRICES_FX_FEED_URL),
    },
    env,
  );
}
