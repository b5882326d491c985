import { startSubgraph } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createPricesContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export { tables };

export function startPrices(env: NodeJS.ProcessEnv = process.env) {
  return startSubgraph(
    {
      name: 'prices',
      pgSchema: 'prices',
      defaultPort: 4103,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: createPricesContext,
    },
    env,
  );
}
