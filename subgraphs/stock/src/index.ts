import { z } from 'zod';
import { ChangeStreamClient, loadConfig, replicaUrls, startSubgraph, SubgraphClient } from '@storegraph/kit';
import { SoldInChannelCache } from './services/sold-in-channel.cache.ts';
import * as tables from './db/tables.ts';
import { createStockContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { startStockJobs } from './jobs/stock-jobs.ts';
import { ROUTING_STRATEGIES, ROUTING_STRATEGY_NAMES } from './strategies/routing.registry.ts';

export { tables };
export { expireOverdueReservations } from './services/expiry.service.ts';
export { rebalanceFences } from './services/rebalance.service.ts';

export async function startStock(env: NodeJS.ProcessEnv = process.env) {
  const jobs = loadConfig(
    {
      STOCK_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
      STOCK_REBALANCE_INTERVAL_MS: z.coerce
        .number()
        .int()
        .min(1_000)
        .default(15 * 60_000),
      STOCK_REBALANCE_WINDOW_HOURS: z.coerce.number().int().min(1).max(2_160).default(168),
      PRODUCTS_URL: z.string().min(1).default('http://127.0.0.1:4101/graphql'),
      PRICES_URL: z.string().min(1).default('http://127.0.0.1:4103/graphql'),
      STOCK_ROUTING_STRATEGY: z.enum(ROUTING_STRATEGY_NAMES).default('default'),
    },
    env,
  );
  // PRODUCTS_URL and PRICES_URL may list replicas: calls take them in turn (subgraph-client.ts). The change
  // stream follows one, and the next when that one goes away; every replica tells the same changes, since they
  // come from the database.
  const catalog = new SubgraphClient('products', jobs.PRODUCTS_URL);
  const prices = new SubgraphClient('prices', jobs.PRICES_URL);
  const catalogChanges = new ChangeStreamClient(replicaUrls(jobs.PRODUCTS_URL, 'products').map((u) => String(u).replace(/\/graphql$/, '/changes'))).start();
  const soldInChannel = new SoldInChannelCache(catalogChanges);
  const running = await startSubgraph(
    {
      name: 'stock',
      pgSchema: 'stock',
      defaultPort: 4102,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      extraSchemaFiles: [
        new URL('./schema.alerts.graphql', import.meta.url),
        new URL('./schema.routing.graphql', import.meta.url),
        new URL('./schema.value.graphql', import.meta.url),
        new URL('./schema.till.graphql', import.meta.url),
      ],
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: (db, base) => createStockContext(db, base, catalog, prices, soldInChannel, ROUTING_STRATEGIES[jobs.STOCK_ROUTING_STRATEGY]),
      // Availability shown with the catalogue; a reservation is read where it was written (the primary).
      replicaReads: { rootFields: ['locations', '_entities'] },
      // The tables every reservation writes announce changes by a polled version, not NOTIFY, which
      // serialised reservation commits. A level change always writes a movement and so an outbox row;
      // fences and backorder allowances carry updated_at (and rows can go): their count and newest stamp.
      changeVersion: {
        quietTables: ['levels', 'movements', 'outbox', 'reservations', 'reservation_allocations', 'allocations', 'backorder_policies'],
        query: `select concat_ws('/', (select max(id) from stock.outbox),
          (select count(*) || ':' || coalesce(max(updated_at)::text, '') from stock.allocations),
          (select count(*) || ':' || coalesce(max(updated_at)::text, '') from stock.backorder_policies)) as version`,
        intervalMs: 100,
      },
      outbox: true,
      background: (db, queue) =>
        startStockJobs(db, queue, {
          sweepIntervalMs: jobs.STOCK_SWEEP_INTERVAL_MS,
          rebalanceIntervalMs: jobs.STOCK_REBALANCE_INTERVAL_MS,
          rebalanceWindowHours: jobs.STOCK_REBALANCE_WINDOW_HOURS,
        }),
    },
    env,
  );
  return {
    ...running,
    close: async () => {
      catalogChanges.stop();
      await running.close();
      await catalog.close();
      await prices.close();
    },
  };
}
