import { bigint, index, integer, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ReturnReason, ReturnStatus } from '../../domain/return-status.machine.ts';
import type { FeeKind, ShippingRefundRule } from '../../domain/refund.calculator.ts';
import { ordersSchema } from './orders-schema.ts';
import { orders } from './order-book.tables.ts';

// Returns and refunds: a channel's return rules, return requests and their lines, and refunds paid back.

/** A channel's return rules (migration 0008); a channel without a row gets DEFAULT_RETURN_POLICY. */
export const returnPolicies = ordersSchema.table('return_policies', {
  channel: text('channel').primaryKey(),
  windowDays: integer('window_days').notNull().default(30),
  restockingFeeKind: text('restocking_fee_kind').$type<FeeKind>().notNull().default('NONE'),
  /** Basis points (PERCENT) or minor units per return (FIXED). */
  restockingFeeValue: bigint('restocking_fee_value', { mode: 'number' }).notNull().default(0),
  shippingRefund: text('shipping_refund').$type<ShippingRefundRule>().notNull().default('WHOLE_ORDER'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A return request for lines of one order; states in domain/return-status.machine.ts. */
export const returns = ordersSchema.table(
  'returns',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    channel: text('channel').notNull(),
    status: text('status').$type<ReturnStatus>().notNull().default('REQUESTED'),
    requestedBy: text('requested_by').notNull(),
    requestKey: text('request_key').notNull(),
    requestHash: text('request_hash').notNull(),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    receiveKey: text('receive_key'),
    receivedBy: text('received_by'),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('returns_order_id_request_key_key').on(t.orderId, t.requestKey),
    index('returns_order_idx').on(t.orderId),
    index('returns_queue_idx').on(t.channel, t.status, t.createdAt),
  ],
);

export type ReturnDisposition = 'RESTOCK' | 'WRITE_OFF';

export const returnLines = ordersSchema.table(
  'return_lines',
  {
    returnId: text('return_id')
      .notNull()
      .references(() => returns.id),
    lineNo: integer('line_no').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    reason: text('reason').$type<ReturnReason>().notNull(),
    note: text('note'),
    disposition: text('disposition').$type<ReturnDisposition>(),
    locationId: text('location_id'),
    /** RESTOCK_PENDING -> RESTOCKED once stock has the units back (or booked the write-off). */
    stockStatus: text('stock_status'),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.lineNo] })],
);

export type RefundStatus = 'PENDING' | 'REFUNDED' | 'FAILED';

/** One refund per received return; its id is the payment provider's idempotency key. */
export const refunds = ordersSchema.table(
  'refunds',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    returnId: text('return_id')
      .notNull()
      .unique()
      .references(() => returns.id),
    channel: text('channel').notNull(),
    currency: text('currency').notNull(),
    goods: bigint('goods', { mode: 'number' }).notNull(),
    restockingFee: bigint('restocking_fee', { mode: 'number' }).notNull(),
    shipping: bigint('shipping', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    status: text('status').$type<RefundStatus>().notNull().default('PENDING'),
    providerRef: text('provider_ref'),
    failure: text('failure'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (t) => [index('refunds_order_idx').on(t.orderId)],
);
