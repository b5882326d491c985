import { z } from 'zod';
import { createLogger, loadConfig, startSubgraph } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createProductsContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { declareBulkImportJob } from './jobs/bulk-import.job.ts';

export { tables };

export function startProducts(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      // A bulk run still active after this long is taken as dead and run again from its checkpoint (a run
      // of 10,000 rows takes well under a minute; a run that outlives it is superseded, never doubled).
      PRODUCTS_BULK_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    },
    env,
  );
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
      background: async (db, jobs) => {
        await declareBulkImportJob(db, jobs, createLogger('products-jobs'), config.PRODUCTS_BULK_JOB_EXPIRE_SECONDS);
        return async () => {};
      },
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
