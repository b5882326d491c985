import { bigint, bigserial, boolean, index, integer, jsonb, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { OrderStatus } from '../../domain/order-status.machine.ts';
import type { Address } from '@storegraph/schema';
import { ordersSchema } from './orders-schema.ts';

// The order book: orders, their lines, order numbers, and the outbox written in the same transactions.

export const orders = ordersSchema.table(
  'orders',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull().unique(),
    channel: text('channel').notNull(),
    customerId: text('customer_id'),
    companyId: text('company_id'),
    status: text('status').$type<OrderStatus>().notNull().default('PLACED'),
    /** Who placed it (`customer:…`, `guest:…`, `till:…`), as carts and checkouts name owners. */
    owner: text('owner'),
    version: integer('version').notNull().default(1),
    currency: text('currency').notNull(),
    email: text('email'),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    billingAddress: jsonb('billing_address').$type<Address>(),
    shippingMethod: text('shipping_method'),
    pickupLocationId: text('pickup_location_id'),
    taxIncluded: boolean('tax_included').notNull().default(true),
    /** Minor units, all of them. */
    subtotal: bigint('subtotal', { mode: 'number' }).notNull(),
    discountTotal: bigint('discount_total', { mode: 'number' }).notNull().default(0),
    shippingTotal: bigint('shipping_total', { mode: 'number' }).notNull().default(0),
    taxTotal: bigint('tax_total', { mode: 'number' }).notNull().default(0),
    total: bigint('total', { mode: 'number' }).notNull(),
    paymentProvider: text('payment_provider'),
    paymentRef: text('payment_ref'),
    paymentStatus: text('payment_status'),
    reservationId: uuid('reservation_id'),
    /** SOLD once the checkout confirmed the hold; RESTOCK_PENDING -> RESTOCKED when a cancellation puts it back. */
    stockStatus: text('stock_status'),
    checkoutId: uuid('checkout_id'),
    cancelReason: text('cancel_reason'),
    /** The trade buyer's purchase order number and cost centre, carried to the invoice. */
    purchaseOrder: text('purchase_order'),
    costCentre: text('cost_centre'),
    /** Refunds booked against the order, pending ones included (migration 0008): at most `total`. */
    refundedTotal: bigint('refunded_total', { mode: 'number' }).notNull().default(0),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('orders_customer_idx').on(t.customerId, t.placedAt),
    index('orders_company_idx').on(t.companyId, t.placedAt),
    index('orders_queue_idx').on(t.channel, t.status, t.placedAt, t.id),
    uniqueIndex('orders_checkout_uq').on(t.checkoutId),
  ],
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
    discountTotal: bigint('discount_total', { mode: 'number' }).notNull().default(0),
    tax: bigint('tax', { mode: 'number' }).notNull().default(0),
    taxRateBp: integer('tax_rate_bp'),
    /** What the line costs the customer after discounts (gross in tax-inclusive channels, net otherwise). */
    lineTotal: bigint('line_total', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

export const orderNumbers = ordersSchema.table('order_numbers', {
  channel: text('channel').primaryKey(),
  prefix: text('prefix').notNull(),
  lastValue: bigint('last_value', { mode: 'number' }).notNull().default(0),
});

export type CartStatus = 'ACTIVE' | 'CHECKING_OUT' | 'COMPLETED' | 'MERGED';

export const outbox = ordersSchema.table('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().defaultRandom(),
  type: text('type').notNull(),
  channel: text('channel').notNull(),
  aggregateId: text('aggregate_id').notNull(),
  aggregateVersion: integer('aggregate_version').notNull(),
  data: jsonb('data').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  publishedAt: timestamp('published_at', { withTimezone: true }),
});
