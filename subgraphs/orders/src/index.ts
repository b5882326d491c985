import { startSubgraph } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createOrdersContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export { tables };

export function startOrders(env: NodeJS.ProcessEnv = process.env) {
  return startSubgraph(
    {
      name: 'orders',
      pgSchema: 'orders',
      defaultPort: 4104,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: createOrdersContext,
    },
    env,
  );
}
