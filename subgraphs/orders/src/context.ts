import type { Database, SubgraphClient, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createOrderLoaders, type OrderLoaders } from './loaders/order.loaders.ts';
import { createCartLoaders, type CartLoaders } from './loaders/cart.loaders.ts';
import { createTradeLoaders, type TradeLoaders } from './loaders/trade.loaders.ts';
import { createReturnLoaders, type ReturnLoaders } from './loaders/return.loaders.ts';
import type { PaymentProviders } from './strategies/payment-provider.registry.ts';

export type OrdersDb = Database<typeof tables>;

/** What orders needs beyond its database: the subgraphs it calls, payments and its settings. */
export interface OrdersDeps {
  prices: SubgraphClient;
  stock: SubgraphClient;
  products: SubgraphClient;
  /** Asked which customers an offline till batch names exist (CUSTOMERS_URL). */
  customers: SubgraphClient;
  payments: PaymentProviders;
  /** Signs the checkout's service contexts (the first of STOREGRAPH_CONTEXT_SECRET). */
  contextSecret: string;
  /** A cart untouched this long expires. */
  cartIdleMs: number;
  /** How long checkout holds stock before the order confirms it (the TTL releases it if all else fails). */
  reservationTtlSeconds: number;
  /** How long a checkout worker owns its saga between two steps before recovery may take it over. */
  leaseSeconds: number;
  /** The one currency reports consolidate into (REPORTING_CURRENCY), each order at the rate of its placing. */
  reportingCurrency: string;
  /** Each payment provider's fee in basis points of the order total (ORDERS_PAYMENT_FEES), for net profit in reports. */
  paymentFeesBp: Record<string, number>;
  /** `orderChannel:posChannel` pairs (ORDERS_TILL_RETURNS): the POS channel's tills take that channel's online orders back. */
  tillReturns?: ReadonlySet<string>;
  /** A recurring order's failed attempt is tried again this long after (ORDERS_SCHEDULE_RETRY_MINUTES). */
  scheduleRetryMs: number;
  /** ORDERS_STORE_CREDIT_SECRET: the first derives new credits' codes; all are tried to derive an issued one again. */
  storeCreditSecrets: readonly string[];
  /** A store-credit spend with no recorded sale is released this long after it (ORDERS_CREDIT_SPEND_HOLD_MINUTES). */
  creditSpendHoldMs: number;
}

export interface OrdersContext extends SubgraphRequestContext {
  db: OrdersDb;
  deps: OrdersDeps;
  loaders: OrderLoaders & CartLoaders & TradeLoaders & ReturnLoaders;
}

export function createOrdersContext(db: OrdersDb, base: SubgraphRequestContext, deps: OrdersDeps): OrdersContext {
  const ctx = { ...base, db, deps } as OrdersContext;
  ctx.loaders = { ...createOrderLoaders(ctx), ...createCartLoaders(ctx), ...createTradeLoaders(ctx), ...createReturnLoaders(ctx) };
  return ctx;
}
