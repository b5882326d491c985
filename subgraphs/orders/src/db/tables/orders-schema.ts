import { pgSchema } from 'drizzle-orm/pg-core';

/** The order book owns this Postgres schema; no other subgraph reads it. */
export const ordersSchema = pgSchema('orders');
