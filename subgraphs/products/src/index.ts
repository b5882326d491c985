import { startSubgraph } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createProductsContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export { tables };

export function startProducts(env: NodeJS.ProcessEnv = process.env) {
  return startSubgraph(
    {
      name: 'products',
      pgSchema: 'products',
      defaultPort: 4101,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      extraSchemaFiles: [new URL('./schema.channels.graphql', import.meta.url)],
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      outbox: true,
      extendContext: createProductsContext,
      // Catalog reads; publishable keys stay on the primary (a revoked key must be refused at once).
      replicaReads: {
        rootFields: [
          'currentChannel',
          'salesChannel',
          'locale',
          'products',
          'product',
          'variantsById',
          'variantBySku',
          'variantByBarcode',
          'attributeDefinitions',
          '_entities',
        ],
      },
    },
    env,
  );
}
