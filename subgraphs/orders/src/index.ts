import { z } from 'zod';
import { contextSecretsSchema, createLogger, loadConfig, startSubgraph, SubgraphClient } from '@storegraph/kit';
import * as tables from './db/tables.ts';
import { createOrdersContext, type OrdersDeps } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { startRecovery } from './checkout/recovery.job.ts';
import { startRecurringOrders } from './jobs/recurring-orders.job.ts';
import { startStoreCreditRelease } from './jobs/store-credit-release.job.ts';
import { storeCreditSecretsSchema } from './till/store-credit.config.ts';
import { startSalesProjector } from './reports/sales-projector.ts';
import { paymentProvidersFromEnv } from './strategies/payment-provider.registry.ts';

export { tables };
export { recoverCheckouts } from './checkout/recovery.job.ts';

/** One client per subgraph; a comma-separated URL list (replicas) is used round-robin by the pool's origin. */
const clientOf = (name: string, urls: string) => new SubgraphClient(name, urls);

export async function startOrders(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      PRODUCTS_URL: z.string().min(1).default('http://127.0.0.1:4101/graphql'),
      STOCK_URL: z.string().min(1).default('http://127.0.0.1:4102/graphql'),
      PRICES_URL: z.string().min(1).default('http://127.0.0.1:4103/graphql'),
      CUSTOMERS_URL: z.string().min(1).default('http://127.0.0.1:4105/graphql'),
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
      REPORTING_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .default('EUR'),
      // How often a replica asks for due recurring orders (one pass per interval across replicas).
      ORDERS_SCHEDULE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
      ORDERS_SCHEDULE_RETRY_MINUTES: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(60),
      ORDERS_REPORTS_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
      // provider:basis points, comma-separated, e.g. card:140 (1.40 % of the total); a provider not listed costs 0.
      // Orders of an online channel a POS channel's tills take back (order channel:POS channel, comma-separated),
      // e.g. web-eu:pos-berlin where both sell in one realm and currency; none unless listed.
      ORDERS_TILL_RETURNS: z
        .string()
        .regex(/^([a-z0-9-]+:[a-z0-9-]+(,[a-z0-9-]+:[a-z0-9-]+)*)?$/, 'orderChannel:posChannel,...')
        .default(''),
      // Derives store-credit codes (HMAC-SHA256 of the credit id); comma-separated for rotation (first derives).
      ORDERS_STORE_CREDIT_SECRET: storeCreditSecretsSchema(env.NODE_ENV),
      // A credit spent by a till sale that was never recorded is given back this long after the spend.
      // Fractions allowed (0.1 = 6 s) for tests; a real sale is recorded within seconds.
      ORDERS_CREDIT_SPEND_HOLD_MINUTES: z.coerce
        .number()
        .positive()
        .max(24 * 60)
        .default(30),
      // How often a replica asks for spends past their hold (one pass per interval across replicas).
      ORDERS_CREDIT_RELEASE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
      ORDERS_PAYMENT_FEES: z
        .string()
        .regex(/^([a-z0-9-]+:\d{1,4}(,[a-z0-9-]+:\d{1,4})*)?$/, 'provider:basisPoints,...')
        .default(''),
    },
    env,
  );
  const logger = createLogger('orders');
  const deps: OrdersDeps = {
    products: clientOf('products', config.PRODUCTS_URL),
    stock: clientOf('stock', config.STOCK_URL),
    prices: clientOf('prices', config.PRICES_URL),
    customers: clientOf('customers', config.CUSTOMERS_URL),
    payments: paymentProvidersFromEnv(env, logger),
    // The same secret list startSubgraph verifies with; the first one signs (rotation: first signs, all verify).
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    cartIdleMs: config.ORDERS_CART_IDLE_HOURS * 3_600_000,
    reservationTtlSeconds: config.ORDERS_RESERVATION_TTL_SECONDS,
    leaseSeconds: config.ORDERS_CHECKOUT_LEASE_SECONDS,
    reportingCurrency: config.REPORTING_CURRENCY,
    tillReturns: new Set(config.ORDERS_TILL_RETURNS.split(',').filter(Boolean)),
    scheduleRetryMs: config.ORDERS_SCHEDULE_RETRY_MINUTES * 60_000,
    storeCreditSecrets: config.ORDERS_STORE_CREDIT_SECRET,
    creditSpendHoldMs: Math.round(config.ORDERS_CREDIT_SPEND_HOLD_MINUTES * 60_000),
    paymentFeesBp: Object.fromEntries(
      config.ORDERS_PAYMENT_FEES.split(',')
        .filter(Boolean)
        .map((pair) => [pair.split(':')[0]!, Number(pair.split(':')[1])]),
    ),
  };
  const running = await startSubgraph(
    {
      name: 'orders',
      pgSchema: 'orders',
      defaultPort: 4104,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      extraSchemaFiles: [
        new URL('./schema.webhooks.graphql', import.meta.url),
        new URL('./schema.trade.graphql', import.meta.url),
        new URL('./schema.reports.graphql', import.meta.url),
        new URL('./schema.fulfilment.graphql', import.meta.url),
        new URL('./schema.credit.graphql', import.meta.url),
        new URL('./schema.lists.graphql', import.meta.url),
        new URL('./schema.returns.graphql', import.meta.url),
        new URL('./schema.till.graphql', import.meta.url),
        new URL('./schema.till-returns.graphql', import.meta.url),
        new URL('./schema.store-credit.graphql', import.meta.url),
        new URL('./schema.bulk.graphql', import.meta.url),
        new URL('./schema.quotes.graphql', import.meta.url),
        new URL('./schema.recurring.graphql', import.meta.url),
      ],
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: (db, base) => createOrdersContext(db, base, deps),
      // Order answers are private (never in a shared cache), so the checkout's writes send no NOTIFY; the
      // outbox id moves whenever an order does.
      changeVersion: {
        quietTables: [
          ...['orders', 'order_lines', 'order_numbers', 'carts', 'cart_lines', 'checkouts', 'checkout_steps', 'outbox'],
          ...['company_order_policies', 'approvals', 'quotes', 'quote_lines', 'recurring_orders', 'recurring_order_runs'],
          // The reports' read model is staff-only and never cached: its passes must not announce a change each second.
          ...['sales_facts', 'sales_fact_lines', 'sales_daily', 'report_projection', 'report_regions'],
        ],
        query: `select coalesce(max(id), 0)::text as version from orders.outbox`,
        intervalMs: 1_000,
      },
      outbox: true,
      background: async (db, queue) => {
        await startRecovery(db.db, deps, logger, queue, config.ORDERS_RECOVERY_INTERVAL_MS);
        await startRecurringOrders(db, deps, logger, queue, config.ORDERS_SCHEDULE_INTERVAL_MS);
        await startStoreCreditRelease(db, logger, queue, config.ORDERS_CREDIT_RELEASE_INTERVAL_MS);
        // The projector stays a loop in every process: it follows the outbox within a second, its passes are
        // serialised by its watermark row, and a crash loses nothing (the watermark moves with each pass).
        return !queue.working ? async () => {} : startSalesProjector(db.db, deps, logger, config.ORDERS_REPORTS_INTERVAL_MS);
      },
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
