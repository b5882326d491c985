import { boolean, index, integer, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { ShipmentStatus } from '../../domain/shipment-status.machine.ts';
import { ordersSchema } from './orders-schema.ts';
import { orders } from './order-book.tables.ts';

// Shipments: one per location an order leaves from, and the units in each.

/** One shipment per location an order leaves from (migration 0007); states in domain/shipment-status.machine.ts. */
export const shipments = ordersSchema.table(
  'shipments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    channel: text('channel').notNull(),
    locationId: text('location_id').notNull(),
    status: text('status').$type<ShipmentStatus>().notNull().default('PENDING'),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    /** Click & collect: collected at the location instead of shipped. */
    pickup: boolean('pickup').notNull().default(false),
    /** Set when ready for pickup; the customer shows it at hand-over. */
    collectionCode: text('collection_code'),
    /** RESTOCK_PENDING -> RESTOCKED once a cancelled shipment's units are back on hand. */
    stockStatus: text('stock_status'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
  },
  (t) => [index('shipments_order_idx').on(t.orderId), index('shipments_queue_idx').on(t.locationId, t.status, t.createdAt)],
);

export const shipmentLines = ordersSchema.table(
  'shipment_lines',
  {
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shipmentId, t.variantId] })],
);
