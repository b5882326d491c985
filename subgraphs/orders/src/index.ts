import { z } from 'zod';
import { contextSecretsSchema, createLogger, loadConfig, startSubgraph, SubgraphClient } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createOrdersContext, type OrdersDeps } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { startRecovery } from './checkout/recovery.job.ts';
import { paymentProvidersFromEnv } from './strategies/payment-provider.registry.ts';

export { tables };
export { recoverCheckouts } from './checkout/recovery.job.ts';

/** One client per subgraph; a comma-separated URL list (replicas) is used round-robin by the pool's origin. */
const clientOf = (name: string, urls: string) => new SubgraphClient(name, urls.split(',')[0]!);

export async function startOrders(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      PRODUCTS_URL: z.string().min(1).default('http://127.0.0.1:4101/graphql'),
      STOCK_URL: z.string().min(1).default('http://127.0.0.1:4102/graphql'),
      PRICES_URL: z.string().min(1).default('http://127.0.0.1:4103/graphql'),
      STOREGRAPH_CONTEXT_SECRET: contextSecretsSchema,
      ORDERS_CART_IDLE_HOURS: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .default(24 * 14),
      ORDERS_RESERVATION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      ORDERS_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
      // Longer than the slowest step (a card authorisation: 3 attempts of 5 s plus backoff).
      ORDERS_CHECKOUT_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
    },
    env,
  );
  const logger = createLogger('orders');
  const deps: OrdersDeps = {
    products: clientOf('products', config.PRODUCTS_URL),
    stock: clientOf('stock', config.STOCK_URL),
    prices: clientOf('prices', config.PRICES_URL),
    payments: paymentProvidersFromEnv(env, logger),
    // The same secret list startSubgraph verifies with; the first one signs (rotation: first signs, all verify).
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    cartIdleMs: config.ORDERS_CART_IDLE_HOURS * 3_600_000,
    reservationTtlSeconds: config.ORDERS_RESERVATION_TTL_SECONDS,
    leaseSeconds: config.ORDERS_CHECKOUT_LEASE_SECONDS,
  };
  const running = await startSubgraph(
    {
      name: 'orders',
      pgSchema: 'orders',
      defaultPort: 4104,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      extraSchemaFiles: [new URL('./schema.webhooks.graphql', import.meta.url), new URL('./schema.fulfilment.graphql', import.meta.url)],
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: (db, base) => createOrdersContext(db, base, deps),
      // Order answers are private (never in a shared cache), so the checkout's writes send no NOTIFY; the
      // outbox id moves whenever an order does.
      changeVersion: {
        quietTables: ['orders', 'order_lines', 'order_numbers', 'carts', 'cart_lines', 'checkouts', 'checkout_steps', 'outbox'],
        query: `select coalesce(max(id), 0)::text as version from orders.outbox`,
        intervalMs: 1_000,
      },
      outbox: true,
      background: (db) => startRecovery(db.db, deps, logger, config.ORDERS_RECOVERY_INTERVAL_MS),
    },
    env,
  );
  return {
    ...running,
    close: async () => {
      await running.close();
      await Promise.all([deps.products.close(), deps.stock.close(), deps.prices.close()]);
    },
  };
}
