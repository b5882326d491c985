/** The compose manifest: every subgraph, its SDL (and any further SDL files of it) and its default port. */
export const SUBGRAPHS = [
  {
    name: 'products',
    sdl: 'subgraphs/products/src/schema.graphql',
    extraSdl: ['subgraphs/products/src/schema.channels.graphql'],
    port: 4101,
    env: 'PRODUCTS_URL',
  },
  {
    name: 'stock',
    sdl: 'subgraphs/stock/src/schema.graphql',
    extraSdl: [
      'subgraphs/stock/src/schema.alerts.graphql',
      'subgraphs/stock/src/schema.routing.graphql',
      'subgraphs/stock/src/schema.value.graphql',
      'subgraphs/stock/src/schema.till.graphql',
    ],
    port: 4102,
    env: 'STOCK_URL',
  },
  { name: 'prices', sdl: 'subgraphs/prices/src/schema.graphql', port: 4103, env: 'PRICES_URL' },
  {
    name: 'orders',
    sdl: 'subgraphs/orders/src/schema.graphql',
    extraSdl: [
      'subgraphs/orders/src/schema.webhooks.graphql',
      'subgraphs/orders/src/schema.trade.graphql',
      'subgraphs/orders/src/schema.reports.graphql',
      'subgraphs/orders/src/schema.fulfilment.graphql',
      'subgraphs/orders/src/schema.credit.graphql',
      'subgraphs/orders/src/schema.lists.graphql',
      'subgraphs/orders/src/schema.returns.graphql',
      'subgraphs/orders/src/schema.till.graphql',
      'subgraphs/orders/src/schema.till-returns.graphql',
      'subgraphs/orders/src/schema.store-credit.graphql',
      'subgraphs/orders/src/schema.bulk.graphql',
      'subgraphs/orders/src/schema.quotes.graphql',
      'subgraphs/orders/src/schema.recurring.graphql',
    ],
    port: 4104,
    env: 'ORDERS_URL',
  },
  {
    name: 'customers',
    sdl: 'subgraphs/customers/src/schema.graphql',
    extraSdl: [
      'subgraphs/customers/src/schema.staff.graphql',
      'subgraphs/customers/src/schema.staff-roles.graphql',
      'subgraphs/customers/src/schema.pos.graphql',
    ],
    port: 4105,
    env: 'CUSTOMERS_URL',
  },
] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];
export const SUPERGRAPH_PATH = 'schema/supergraph.graphql';
