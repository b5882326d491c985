/** The environment every service of the bench runs with: production mode, fixed ports, one database. */
import { DEFAULT_CONTEXT_ISSUERS } from '@storegraph/schema';
import { DEV_CONTEXT_SECRET } from '@storegraph/kit';
import { DEV_IDP_SECRET } from '@storegraph/bff-kit';

export function benchEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    STOREGRAPH_CONTEXT_SECRET: DEV_CONTEXT_SECRET,
    // The harness signs its own contexts for the subgraph-direct scenarios.
    STOREGRAPH_CONTEXT_ISSUERS: [...DEFAULT_CONTEXT_ISSUERS, 'bench'].join(','),
    STOREGRAPH_IDP_SECRET: DEV_IDP_SECRET,
    ORDERS_STORE_CREDIT_SECRET: 'bench-store-credit-secret-of-32-characters-or-more',
    STOREGRAPH_EXPOSE_SQL_COUNT: 'true',
    // Cold-cache scenarios ask for fresh answers with Cache-Control: no-cache.
    BFF_CACHE_BYPASS: 'true',
    PRODUCTS_PORT: '4301',
    STOCK_PORT: '4302',
    PRICES_PORT: '4303',
    ORDERS_PORT: '4304',
    CUSTOMERS_PORT: '4305',
    GATEWAY_PORT: '4300',
    B2C_PORT: '4311',
    B2B_PORT: '4312',
    POS_PORT: '4313',
    PRODUCTS_URL: 'http://127.0.0.1:4301/graphql',
    STOCK_URL: 'http://127.0.0.1:4302/graphql',
    PRICES_URL: 'http://127.0.0.1:4303/graphql',
    ORDERS_URL: 'http://127.0.0.1:4304/graphql',
    CUSTOMERS_URL: 'http://127.0.0.1:4305/graphql',
    GATEWAY_URL: 'http://127.0.0.1:4300/graphql',
  };
}
