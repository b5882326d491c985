import { DEV_CONTEXT_SECRET } from '@storegraph/kit';
import { ensureDatabase, dropDatabase, freePort, startEmbeddedPostgres, withDatabase, type RunningPostgres } from '@storegraph/dev-tools';
import { DEV_IDP_SECRET } from '@storegraph/bff-kit';
import { startProducts } from '@storegraph/products';
import { startStock } from '@storegraph/stock';
import { startPrices } from '@storegraph/prices';
import { startOrders } from '@storegraph/orders';
import { startCustomers } from '@storegraph/customers';
import { startGateway } from '@storegraph/gateway';
import { startB2cBff } from '@storegraph/bff-b2c';
import { startB2bBff } from '@storegraph/bff-b2b';
import { startPosBff } from '@storegraph/bff-pos';
import { startAdminBff } from '@storegraph/bff-admin';
import { seedDemoData } from '@storegraph/demo';
import postgres from 'postgres';
import { CARD_PROVIDER_STANDIN_KEY, serveCardProviderStandin } from './card-provider-standin.ts';
import { OIDC_STANDIN_AUDIENCE, serveOidcProviderStandin } from './oidc-provider-standin.ts';
import { DEFAULT_CONTEXT_ISSUERS } from '@storegraph/schema';
import { dbPools } from './db-pools.ts';
import { deleteStream } from './nats-bus.ts';

/**
 * Channels some subgraph tests sign contexts for (their own currency, or promotions that must not touch
 * another test's carts). The catalog must know them like any channel: registered here with every demo
 * product assigned, as staff would set up a new storefront.
 */
const TEST_CHANNELS = [
  ['test-promo', 'EUR', 'DE'],
  ['test-jp', 'JPY', 'JP'],
  ['test-kw', 'KWD', 'KW'],
  ['test-ch', 'CHF', 'DE'],
  ['test-import', 'EUR', 'DE'],
  ['test-tie', 'EUR', 'DE'],
  ['test-at-trade', 'EUR', 'AT'],
] as const;

async function registerTestChannels(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    for (const [code, currency, country] of TEST_CHANNELS) {
      await sql`insert into products.sales_channels (code, kind, name, currency, default_locale, locales, country, tax_mode)
        values (${code}, 'B2C', ${code}, ${currency}, 'en-GB', ${['en-GB']}, ${country}, 'INCLUSIVE') on conflict do nothing`;
      await sql`insert into products.channel_products (channel, product_id, assigned, visible)
        select ${code}, id, true, true from products.products on conflict do nothing`;
    }
  } finally {
    await sql.end();
  }
}

export interface SystemUrls {
  databaseUrl: string;
  products: string;
  stock: string[];
  prices: string;
  orders: string;
  customers: string;
  gateway: string;
  b2c: string;
  b2b: string;
  pos: string;
  /** The staff front door. */
  admin: string;
  contextSecret: string;
  idpSecret: string;
  /** The card provider stand-in (msw handlers on a real port): `/__standin/intents?reference=<checkout id>`. */
  cardProvider: string;
  /** The OpenID Connect provider stand-in: `POST /__standin/token` issues a token for a user. */
  oidcProvider: string;
  /** The event bus of this run: its own JetStream stream and subject prefix on the machine's NATS. */
  nats: { url: string; stream: string; subjectPrefix: string };
}

/**
 * Boots the real system for tests on free ports: a fresh database (on DATABASE_URL's server, else an
 * embedded PostgreSQL under .data/test-pg), four subgraphs with two stock replicas, the gateway and
 * the three BFFs, then seeds the demo brand.
 */
export interface SystemOptions {
  /** The PostgreSQL server to use instead of DATABASE_URL's or the embedded one (URL without a database). */
  serverUrl?: string;
  /** A streaming replica of serverUrl: the subgraphs get DATABASE_READ_URL on it (same database name). */
  readServerUrl?: string;
  /** Demo products to seed (240 by default; a file's own system seeds fewer to boot faster). */
  demoProducts?: number;
}

export async function startSystem(log: (m: string) => void = () => {}, opts: SystemOptions = {}) {
  let pg: RunningPostgres | undefined;
  let serverUrl = opts.serverUrl ?? process.env.DATABASE_URL;
  if (!serverUrl) {
    pg = await startEmbeddedPostgres('.data/test', log);
    serverUrl = pg.serverUrl;
  }
  const dbName = `sg_test_${Date.now().toString(36)}_${process.pid}`;
  const databaseUrl = await ensureDatabase(serverUrl, dbName);
  // A stream and subjects of the run's own: two runs on one NATS never share a stream (JetStream refuses two
  // streams with overlapping subjects). In memory, deleted at the end; 6 h of age if a run dies first.
  const nats = { url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', stream: dbName.toUpperCase(), subjectPrefix: dbName };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ...(opts.readServerUrl ? { DATABASE_READ_URL: withDatabase(opts.readServerUrl, dbName) } : {}),
    STOREGRAPH_CONTEXT_SECRET: DEV_CONTEXT_SECRET,
    STOREGRAPH_IDP_SECRET: DEV_IDP_SECRET,
    // Subgraph tests sign their own contexts (issuer 'test'), as a BFF would.
    STOREGRAPH_CONTEXT_ISSUERS: [...DEFAULT_CONTEXT_ISSUERS, 'test'].join(','),
    STOREGRAPH_EXPOSE_SQL_COUNT: 'true',
    // 5 connections a subgraph process (7 processes, ~40 in all with the sweepers' listeners): a shared
    // 100-connection PostgreSQL holds two test runs at once; the default 10 made a second run fail with
    // "too many clients". Races still overlap (both stock replicas' pools busy, row-lock waits seen).
    ...dbPools(5),
    // No background sweeps or rebalances during a run: a test that asserts on them triggers the work itself
    // (expireReservations, rebalanceStockFences), so what it counts is its own (an hour outlasts any run).
    STOCK_SWEEP_INTERVAL_MS: '3600000',
    STOCK_REBALANCE_INTERVAL_MS: '3600000',
    PRODUCTS_PORT: '0',
    STOCK_PORT: '0',
    PRICES_PORT: '0',
    ORDERS_PORT: '0',
    CUSTOMERS_PORT: '0',
    GATEWAY_PORT: '0',
    B2C_PORT: '0',
    B2B_PORT: '0',
    POS_PORT: '0',
    ADMIN_PORT: '0',
    // A removed buyer or a changed group shows within 1 s here (30 s by default), so tests need not wait long.
    BFF_ACCOUNT_CACHE_MS: '1000',
    // Every test file signs in from 127.0.0.1: the shared BFFs' session budget per address would be one
    // budget for the whole suite. bff-rate-limits.test.ts tests the budget on BFFs of its own.
    BFF_RATE_LIMIT_SIGN_IN: '100000',
    // The BFF IDEs (development) load the schema through the gateway.
    GATEWAY_INTROSPECTION: 'true',
    // The front doors run as production runs them: allow-listed operations only, no demo login, no IDE.
    // The IDE's own test (graphiql.test.ts) starts a development BFF and gateway of its own.
    BFF_ALLOW_ADHOC: 'false',
    BFF_DEMO_LOGIN: 'false',
    BFF_IDE: 'false',
    NATS_URL: nats.url,
    NATS_STREAM: nats.stream,
    NATS_SUBJECT_PREFIX: nats.subjectPrefix,
    NATS_STREAM_STORAGE: 'memory',
    NATS_STREAM_MAX_AGE_HOURS: '6',
  };
  // The card provider is a third party: its msw stand-in is served on a real port, because orders calls it
  // from this process while the tests run in workers (they read what it holds over its /__standin routes).
  const card = await serveCardProviderStandin();
  const products = await startProducts(env);
  const withCatalog = { ...env, PRODUCTS_URL: products.url };
  // Stock asks prices for cost prices (stockValue), so prices comes up first.
  const prices = await startPrices(withCatalog);
  const withPrices = { ...withCatalog, PRICES_URL: prices.url };
  const stockA = await startStock(withPrices);
  const stockB = await startStock(withPrices);
  // Orders asks customers about offline till sales' customers and customers asks orders to anonymise erased
  // people: customers' port is chosen first, so orders knows its URL before customers starts.
  const customersPort = await freePort();
  const orders = await startOrders({
    ...withCatalog,
    CUSTOMERS_URL: `http://127.0.0.1:${customersPort}/graphql`,
    STOCK_URL: stockA.url,
    PRICES_URL: prices.url,
    PAYMENT_CARD_API_URL: card.url,
    PAYMENT_CARD_API_KEY: CARD_PROVIDER_STANDIN_KEY,
    // Declines and lost answers come back fast in tests: 1 s per attempt, 2 attempts.
    PAYMENT_CARD_TIMEOUT_MS: '1000',
    PAYMENT_CARD_MAX_ATTEMPTS: '2',
    ORDERS_RECOVERY_INTERVAL_MS: '500',
    ORDERS_SCHEDULE_INTERVAL_MS: '1000',
    // Crashed checkouts are taken over after 5 s (the slowest test step, a card timing out twice, takes ~2.3 s).
    ORDERS_CHECKOUT_LEASE_SECONDS: '5',
    // Reports charge card payments 1.40 % of the total (admin-reports-sales.test.ts).
    ORDERS_PAYMENT_FEES: 'card:140,manual:0',
    ORDERS_TILL_RETURNS: 'web-eu:pos-berlin',
    // Store-credit spends past their hold are looked for each second (the hold itself stays 30 min here; the
    // crash test's replica spends with a hold of seconds).
    ORDERS_CREDIT_RELEASE_INTERVAL_MS: '1000',
  });
  const customers = await startCustomers({
    ...env,
    CUSTOMERS_PORT: String(customersPort),
    ORDERS_URL: orders.url,
    STOCK_URL: `${stockA.url},${stockB.url}`,
    CUSTOMERS_ERASURE_RETRY_MS: '500',
  });
  await seedDemoData(databaseUrl, { products: opts.demoProducts });
  await registerTestChannels(databaseUrl);
  const gateway = await startGateway({
    ...env,
    PRODUCTS_URL: products.url,
    STOCK_URL: `${stockA.url},${stockB.url}`,
    PRICES_URL: prices.url,
    ORDERS_URL: orders.url,
    CUSTOMERS_URL: customers.url,
  });
  // An external OpenID Connect provider beside the built-in accounts (a third party: an msw stand-in on a port).
  const oidc = await serveOidcProviderStandin();
  const bffEnv = { ...env, GATEWAY_URL: gateway.url, OIDC_ISSUER: oidc.issuer, OIDC_JWKS_URL: oidc.jwksUrl, OIDC_AUDIENCE: OIDC_STANDIN_AUDIENCE };
  const [b2c, b2b, pos, admin] = await Promise.all([startB2cBff(bffEnv), startB2bBff(bffEnv), startPosBff(bffEnv), startAdminBff(bffEnv)]);
  const urls: SystemUrls = {
    databaseUrl,
    products: products.url,
    stock: [stockA.url, stockB.url],
    prices: prices.url,
    orders: orders.url,
    customers: customers.url,
    gateway: gateway.url,
    b2c: b2c.url,
    b2b: b2b.url,
    pos: pos.url,
    admin: admin.url,
    contextSecret: DEV_CONTEXT_SECRET,
    idpSecret: DEV_IDP_SECRET,
    cardProvider: card.url,
    oidcProvider: oidc.url,
    nats,
  };
  const stop = async () => {
    for (const s of [b2c, b2b, pos, admin, gateway]) await s.close();
    for (const s of [customers, products, stockA, stockB, prices, orders]) await s.close();
    await card.close();
    await oidc.close();
    await deleteStream(nats.url, nats.stream).catch(() => {});
    await dropDatabase(serverUrl!, dbName).catch(() => {});
    if (pg) await pg.stop();
  };
  return { urls, stop };
}
