import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { contextSecretsSchema, createLogger, loadConfig, startSubgraph, SubgraphClient } from '@storegraph/kit';
import { ACCESS_TOKEN_TTL_SECONDS, DEV_IDP_SECRET } from '@storegraph/schema';
import * as tables from './db/tables.ts';
import { createCustomersContext, type CustomersDb, type CustomersDeps } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { PasswordHasher } from './services/password-hasher.ts';
import { SignInThrottle } from './services/sign-in.throttle.ts';
import { RealmDirectory } from './services/realm.directory.ts';
import { startErasureRetries } from './jobs/erasure.job.ts';

export { tables };
export { PasswordHasher, ARGON2_OPTIONS } from './services/password-hasher.ts';

export async function startCustomers(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      ORDERS_URL: z.string().min(1).default('http://127.0.0.1:4104/graphql'),
      // Till staff shops are checked against the locations stock binds to the channel (comma-separated: replicas).
      STOCK_URL: z.string().min(1).default('http://127.0.0.1:4102/graphql'),
      STOREGRAPH_CONTEXT_SECRET: contextSecretsSchema,
      STOREGRAPH_IDP_SECRET:
        env.NODE_ENV === 'production' ? z.string().min(32, 'at least 32 characters') : z.string().min(32, 'at least 32 characters').default(DEV_IDP_SECRET),
      // Each hash takes one core for ~25 ms. Half the machine's cores at most: the bench's sign-in storm with
      // both of this machine's 2 cores hashing cut cold catalogue reads beside it to 37%; the other half stays
      // free for them.
      CUSTOMERS_HASH_CONCURRENCY: z.coerce
        .number()
        .int()
        .min(1)
        .max(16)
        .default(Math.max(1, Math.floor(availableParallelism() / 2))),
      CUSTOMERS_SIGNIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
      CUSTOMERS_SIGNIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(100),
      CUSTOMERS_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
      // 15 minutes by default: a revoked session's token works until it expires. Shorter only to watch clients
      // refresh (the storefront's refresh test runs a customers replica with 20 s).
      CUSTOMERS_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(ACCESS_TOKEN_TTL_SECONDS),
      CUSTOMERS_REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
      CUSTOMERS_SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(730).default(90),
      CUSTOMERS_VERIFY_EMAIL_TTL_HOURS: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 14)
        .default(48),
      CUSTOMERS_RESET_PASSWORD_TTL_MINUTES: z.coerce
        .number()
        .int()
        .min(5)
        .max(24 * 60)
        .default(60),
      // A day by default: how long a till's customer ticket names the customer on its offline sales (at most a week).
      CUSTOMERS_TILL_CUSTOMER_TICKET_TTL_HOURS: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 7)
        .default(24),
      CUSTOMERS_ERASURE_RETRY_MS: z.coerce.number().int().min(100).default(10_000),
    },
    env,
  );
  const logger = createLogger('customers');
  let database: CustomersDb | undefined;
  const deps: CustomersDeps = {
    hasher: new PasswordHasher(config.CUSTOMERS_HASH_CONCURRENCY),
    throttle: new SignInThrottle({
      perAccount: config.CUSTOMERS_SIGNIN_FAILURES_PER_ACCOUNT,
      perIp: config.CUSTOMERS_SIGNIN_FAILURES_PER_IP,
      windowSeconds: config.CUSTOMERS_SIGNIN_WINDOW_SECONDS,
    }),
    realms: new RealmDirectory(() => database!),
    idpSecret: config.STOREGRAPH_IDP_SECRET,
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    orders: new SubgraphClient('orders', config.ORDERS_URL),
    stock: new SubgraphClient('stock', config.STOCK_URL),
    accessTtlSeconds: config.CUSTOMERS_ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlDays: config.CUSTOMERS_REFRESH_TTL_DAYS,
    sessionMaxDays: config.CUSTOMERS_SESSION_MAX_DAYS,
    verifyEmailTtlHours: config.CUSTOMERS_VERIFY_EMAIL_TTL_HOURS,
    resetPasswordTtlMinutes: config.CUSTOMERS_RESET_PASSWORD_TTL_MINUTES,
    tillCustomerTicketTtlSeconds: config.CUSTOMERS_TILL_CUSTOMER_TICKET_TTL_HOURS * 3600,
  };
  const running = await startSubgraph(
    {
      name: 'customers',
      pgSchema: 'customers',
      defaultPort: 4105,
      schemaFile: new URL('./schema.graphql', import.meta.url),
      extraSchemaFiles: [
        new URL('./schema.staff.graphql', import.meta.url),
        new URL('./schema.staff-roles.graphql', import.meta.url),
        new URL('./schema.pos.graphql', import.meta.url),
      ],
      migrationsFolder: new URL('./db/migrations', import.meta.url),
      tables,
      resolvers: resolvers as never,
      extendContext: (db, base) => createCustomersContext(db, base, deps),
      // Answers about people are private (never in a shared cache): no NOTIFY on these tables.
      changeVersion: {
        quietTables: [
          'accounts',
          'sessions',
          'account_tokens',
          'addresses',
          'companies',
          'company_locations',
          'company_members',
          'erasures',
          'outbox',
          'account_policies',
          'staff_members',
          'staff_sessions',
          'staff_roles',
          'staff_grants',
        ],
        query: `select coalesce(max(id), 0)::text as version from customers.outbox`,
        intervalMs: 5_000,
      },
      outbox: true,
      background: (db, queue) => startErasureRetries(db, deps, logger, queue, config.CUSTOMERS_ERASURE_RETRY_MS),
    },
    env,
  );
  database = running.database;
  return {
    ...running,
    close: async () => {
      await running.close();
      await Promise.all([deps.orders.close(), deps.stock.close()]);
    },
  };
}
