import { bigint, index, integer, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** The order book owns this Postgres schema; no other subgraph reads it. */
export const ordersSchema = pgSchema('orders');

export const orderStatus = ordersSchema.enum('order_status', ['PENDING', 'CONFIRMED', 'FULFILLED', 'CANCELLED']);

export const orders = ordersSchema.table(
  'orders',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull().unique(),
    channel: text('channel').notNull(),
    customerId: text('customer_id'),
    companyId: text('company_id'),
    status: orderStatus('status').notNull().default('PENDING'),
    currency: text('currency').notNull(),
    /** Minor units. */
    total: bigint('total', { mode: 'number' }).notNull(),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('orders_customer_idx').on(t.customerId, t.placedAt), index('orders_company_idx').on(t.companyId, t.placedAt)],
);

export const orderLines = ordersSchema.table(
  'order_lines',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    variantId: text('variant_id').notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    unitAmount: bigint('unit_amount', { mode: 'number' }).notNull(),
    lineTotal: bigint('line_total', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);
