// The order book's tables, one file per aggregate (tables/); drizzle-kit and the code read them from here.
export * from './tables/orders-schema.ts';
export * from './tables/order-book.tables.ts';
export * from './tables/cart.tables.ts';
export * from './tables/checkout.tables.ts';
export * from './tables/b2b.tables.ts';
export * from './tables/fulfilment.tables.ts';
export * from './tables/returns.tables.ts';
export * from './tables/till.tables.ts';
export * from './tables/store-credit.tables.ts';
