import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
    index('levels_location_idx').on(t.locationId),
  ],
);
