import { bigint, integer, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ordersSchema } from './orders-schema.ts';

// The checkout saga: one row per checkout and one per step it finished (what its undo needs).

export type CheckoutStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'FAILED' | 'PENDING_APPROVAL';
/** A trade order's purchase order number and cost centre, as the buyer gave them. */
export type PurchaseOrderRef = { number: string | null; costCentre: string | null };

export const checkouts = ordersSchema.table('checkouts', {
  id: uuid('id').primaryKey().defaultRandom(),
  channel: text('channel').notNull(),
  owner: text('owner').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  requestHash: text('request_hash').notNull(),
  cartId: uuid('cart_id').notNull(),
  /** The caller's verified sales-channel context: recovery acts for the same customer in the same channel. */
  context: jsonb('context').notNull(),
  paymentProvider: text('payment_provider').notNull(),
  expectedTotal: bigint('expected_total', { mode: 'number' }).notNull(),
  /** What the request said, kept until create_order writes it on the order (recovery may be the one to). */
  purchaseOrder: jsonb('purchase_order').$type<PurchaseOrderRef>(),
  /** An accepted quote whose prices this checkout charges (the quote step holds it while the saga runs). */
  quoteId: uuid('quote_id'),
  status: text('status').$type<CheckoutStatus>().notNull().default('RUNNING'),
  step: text('step').notNull().default('started'),
  result: jsonb('result'),
  leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const checkoutSteps = ordersSchema.table(
  'checkout_steps',
  {
    checkoutId: uuid('checkout_id')
      .notNull()
      .references(() => checkouts.id, { onDelete: 'cascade' }),
    step: text('step').notNull(),
    outcome: jsonb('outcome').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.checkoutId, t.step] })],
);
