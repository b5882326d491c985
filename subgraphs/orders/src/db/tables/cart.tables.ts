import { index, integer, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Address } from '@storegraph/schema';
import { ordersSchema } from './orders-schema.ts';
import type { CartStatus } from './order-book.tables.ts';

// Carts and their lines, for guests, customers and buyers.

export const carts = ordersSchema.table(
  'carts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    /** `customer:<id>` or `guest:<id>`: who may read and change it. */
    owner: text('owner').notNull(),
    customerId: text('customer_id'),
    companyId: text('company_id'),
    currency: text('currency').notNull(),
    status: text('status').$type<CartStatus>().notNull().default('ACTIVE'),
    version: integer('version').notNull().default(1),
    email: text('email'),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    billingAddress: jsonb('billing_address').$type<Address>(),
    shippingMethod: text('shipping_method'),
    pickupLocationId: text('pickup_location_id'),
    /** Endless aisle: the shop or warehouse a till's order takes its units from (null: the channel's routing). */
    sourceLocationId: text('source_location_id'),
    couponCodes: text('coupon_codes').array().notNull().default([]),
    checkoutId: uuid('checkout_id'),
    orderId: text('order_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('carts_owner_idx').on(t.channel, t.owner, t.status, t.updatedAt)],
);

export const cartLines = ordersSchema.table(
  'cart_lines',
  {
    cartId: uuid('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.variantId] })],
);
