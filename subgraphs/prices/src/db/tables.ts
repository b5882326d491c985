import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/** The pricing engine owns this Postgres schema; no other subgraph reads it. */
export const pricesSchema = pgSchema('prices');

/** Most specific wins: COMPANY > GROUP > CHANNEL > BASE. */
export const bookLevel = pricesSchema.enum('book_level', ['BASE', 'CHANNEL', 'GROUP', 'COMPANY']);

export const priceBooks = pricesSchema.table(
  'price_books',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    level: bookLevel('level').notNull(),
    currency: text('currency').notNull(),
    /** Set for CHANNEL books (and optionally to scope GROUP/COMPANY books to one channel). */
    channel: text('channel'),
    customerGroup: text('customer_group'),
    companyId: text('company_id'),
  },
  (t) => [index('price_books_scope_idx').on(t.level, t.currency)],
);

export const priceEntries = pricesSchema.table(
  'price_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    bookId: text('book_id')
      .notNull()
      .references(() => priceBooks.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    /** Minor units of the book's currency. bigint: B2B totals pass 2^31. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** Compare-at ("was") price for display, minor units. */
    compareAt: bigint('compare_at', { mode: 'number' }),
    minQuantity: integer('min_quantity').notNull().default(1),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [
    index('price_entries_variant_idx').on(t.variantId, t.bookId),
    check('price_entries_amount_non_negative', sql`${t.amount} >= 0`),
    check('price_entries_min_quantity_positive', sql`${t.minQuantity} >= 1`),
  ],
);
