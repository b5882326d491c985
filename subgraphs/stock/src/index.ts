import { startSubgraph } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createStockContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export { tables };

export function startStock(env: NodeJS.ProcessEnv = process.env) {
  return startSubgraph(
    {
      name: 'stock',
      pgSchema: 'stock',
      defaultPort: 4102,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: createStockContext,
    },
    env,
  );
}
