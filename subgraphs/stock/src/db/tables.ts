import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The stock ledger owns this Postgres schema; no other subgraph reads it. */
export const stockSchema = pgSchema('stock');

export const locationKind = stockSchema.enum('location_kind', ['WAREHOUSE', 'SHOP', 'DROPSHIP']);

export const locations = stockSchema.table('locations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: locationKind('kind').notNull(),
  address: text('address').notNull().default(''),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  /** Customers may collect orders here (click & collect). */
  pickup: boolean('pickup').notNull().default(false),
});

/** Which locations a channel sells from, lower priority first. */
export const channelLocations = stockSchema.table(
  'channel_locations',
  {
    channel: text('channel').notNull(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    priority: integer('priority').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channel, t.locationId] })],
);

/**
 * One row per variant and location. available = on_hand - reserved - safety_stock. The CHECKs are the
 * last line of defence: a bug that would oversell fails the statement instead of writing it.
 */
export const levels = stockSchema.table(
  'levels',
  {
    variantId: text('variant_id').notNull(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    safetyStock: integer('safety_stock').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.variantId, t.locationId] }),
    check('levels_reserved_non_negative', sql`${t.reserved} >= 0`),
    check('levels_on_hand_non_negative', sql`${t.onHand} >= 0`),
    check('levels_reserved_within_on_hand', sql`${t.reserved} <= ${t.onHand}`),
    check('levels_safety_stock_non_negative', sql`${t.safetyStock} >= 0`),
    index('levels_location_idx').on(t.locationId),
  ],
);

export const movementKind = stockSchema.enum('movement_kind', [
  'RECEIPT',
  'SALE',
  'RETURN',
  'ADJUSTMENT',
  'TRANSFER_OUT',
  'TRANSFER_IN',
  'RESERVATION',
  'RELEASE',
  'EXPIRY',
]);

/**
 * The append-only ledger: every change of a level's on_hand or reserved writes one row here in the same
 * transaction, so a level always equals the sum of its movements. Nothing updates or deletes a row.
 *
 * No foreign keys: every writer copies (variant, location) from the level row it holds locked, and that
 * row references its location. A foreign key check per inserted row took a FOR KEY SHARE lock on the
 * location row, which every concurrent reservation shares, so each one created a MultiXact (migration 0003).
 */
export const movements = stockSchema.table(
  'movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    variantId: text('variant_id').notNull(),
    locationId: text('location_id').notNull(),
    kind: movementKind('kind').notNull(),
    deltaOnHand: integer('delta_on_hand').notNull().default(0),
    deltaReserved: integer('delta_reserved').notNull().default(0),
    reason: text('reason').notNull().default(''),
    /** What caused it: a reservation id, a purchase order, a transfer id. */
    reference: text('reference'),
    /** Who caused it: a staff id, a customer id or `channel:<code>`. */
    actor: text('actor').notNull(),
    channel: text('channel'),
    reservationId: uuid('reservation_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('movements_changes_something', sql`${t.deltaOnHand} <> 0 OR ${t.deltaReserved} <> 0`),
    index('movements_level_idx').on(t.variantId, t.locationId, t.id),
    index('movements_demand_idx').on(t.kind, t.createdAt),
  ],
);

/**
 * Events for other services, written in the same transaction as the movement that caused them (a trigger
 * on movements, so no code path can forget one): `stock.changed`, one per movement, in the envelope every
 * outbox shares. The relay (kit's outbox-relay) reads rows with published_at null and marks them.
 */
export const outbox = stockSchema.table(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: uuid('event_id').notNull().defaultRandom(),
    type: text('type').notNull(),
    channel: text('channel'),
    aggregateId: text('aggregate_id').notNull(),
    aggregateVersion: bigint('aggregate_version', { mode: 'number' }).notNull(),
    data: jsonb('data').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [index('outbox_unpublished_idx').on(t.id).where(sql`${t.publishedAt} IS NULL`)],
);

export const allocationMode = stockSchema.enum('allocation_mode', ['SHARED', 'DEDICATED', 'DYNAMIC']);

/** How a channel draws stock; a channel without a row shares the pool. */
export const channelAllocationPolicies = stockSchema.table('channel_allocation_policies', {
  channel: text('channel').primaryKey(),
  mode: allocationMode('mode').notNull().default('SHARED'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Ring-fences: units at a location held for one channel. `remaining` is what the channel has not yet
 * reserved; no other channel can reserve it. Changed only while holding the level row lock of the same
 * (variant, location), so the level lock guards the fences too.
 */
export const allocations = stockSchema.table(
  'allocations',
  {
    channel: text('channel').notNull(),
    variantId: text('variant_id').notNull(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    remaining: integer('remaining').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.variantId, t.locationId] }),
    check('allocations_remaining_non_negative', sql`${t.remaining} >= 0`),
    index('allocations_level_idx').on(t.variantId, t.locationId),
  ],
);

/** Backorders per variant and channel: up to `limit` units may be reserved beyond stock. */
export const backorderPolicies = stockSchema.table(
  'backorder_policies',
  {
    channel: text('channel').notNull(),
    variantId: text('variant_id').notNull(),
    limit: integer('limit').notNull().default(0),
    /** Units currently promised on backorder (active or confirmed reservations). */
    backordered: integer('backordered').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.variantId] }),
    check('backorder_policies_limit_non_negative', sql`${t.limit} >= 0`),
    check('backorder_policies_backordered_non_negative', sql`${t.backordered} >= 0`),
  ],
);

export const reservationStatus = stockSchema.enum('reservation_status', ['ACTIVE', 'CONFIRMED', 'RELEASED', 'EXPIRED', 'RESTOCKED']);

/** One reservation per (channel, idempotency key); request_hash tells a retry from a reused key. */
export const reservations = stockSchema.table(
  'reservations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: reservationStatus('status').notNull().default('ACTIVE'),
    actor: text('actor').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reservations_idempotency_idx').on(t.channel, t.idempotencyKey),
    index('reservations_expiry_idx').on(t.expiresAt).where(sql`${t.status} = 'ACTIVE'`),
  ],
);

/**
 * Where each reserved unit came from: a location (and how much of it from the channel's fence) or backorder.
 * Written only by stock.reserve, for the reservation row it has just inserted and the level rows it holds
 * locked; reservations are never deleted once they have allocations. No foreign keys, as on movements:
 * their per-row checks were a third of the database's work per reservation (migration 0003).
 */
export const reservationAllocations = stockSchema.table(
  'reservation_allocations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reservationId: uuid('reservation_id').notNull(),
    variantId: text('variant_id').notNull(),
    /** Null for units promised on backorder. */
    locationId: text('location_id'),
    quantity: integer('quantity').notNull(),
    fenceQuantity: integer('fence_quantity').notNull().default(0),
    /** Sold units of this allocation put back on hand (a shipment or the order cancelled before it left). */
    restocked: integer('restocked').notNull().default(0),
  },
  (t) => [
    check('reservation_allocations_quantity_positive', sql`${t.quantity} > 0`),
    check('reservation_allocations_fence_within', sql`${t.fenceQuantity} >= 0 AND ${t.fenceQuantity} <= ${t.quantity}`),
    index('reservation_allocations_reservation_idx').on(t.reservationId),
  ],
);

/** Routing rules staff set per channel (migration 0008); a channel without a row routes with none. */
export const routingRules = stockSchema.table(
  'routing_rules',
  {
    channel: text('channel').primaryKey(),
    excludedLocationIds: text('excluded_location_ids').array().notNull().default(sql`'{}'`),
    preferWarehouses: boolean('prefer_warehouses').notNull().default(false),
    /** Most locations one order may ship from; null: no limit. */
    maxShipments: integer('max_shipments'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('routing_rules_max_shipments', sql`${t.maxShipments} BETWEEN 1 AND 50`)],
);
