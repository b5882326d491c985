import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';

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
    /** Whether the amounts are gross (tax included, consumer list prices) or net (trade lists). */
    taxIncluded: boolean('tax_included').notNull().default(false),
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
    // One entry per (book, variant, tier, start): an import of the same key replaces the price instead
    // of leaving two equal candidates behind.
    unique('price_entries_identity').on(t.bookId, t.variantId, t.minQuantity, t.validFrom).nullsNotDistinct(),
    check('price_entries_amount_non_negative', sql`${t.amount} >= 0`),
    check('price_entries_min_quantity_positive', sql`${t.minQuantity} >= 1`),
    check('price_entries_window', sql`${t.validTo} is null or ${t.validFrom} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);

/**
 * Exchange rates as integer fixed point: `rate_ppb` major units of `quote` per major unit of `base`,
 * times 10^9 (EUR->JPY 161.5 is 161_500_000_000). The rate in force is the latest one whose
 * `effective_from` has passed, so a rate can be scheduled ahead and history is kept.
 */
export const fxRates = pricesSchema.table(
  'fx_rates',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    baseCurrency: text('base_currency').notNull(),
    quoteCurrency: text('quote_currency').notNull(),
    ratePpb: bigint('rate_ppb', { mode: 'bigint' }).notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    /** `staff:<id>` or `feed:<url host>`. */
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fx_rates_pair_time_idx').on(t.baseCurrency, t.quoteCurrency, t.effectiveFrom), check('fx_rates_positive', sql`${t.ratePpb} > 0`)],
);

/**
 * Per-channel pricing settings the catalog does not own: which base currency converted prices come
 * from, and the optional "charm" rounding of converted prices (up to the next amount ending in
 * `rounding_ending` modulo `rounding_step` minor units: 99/100 gives x.99, 80/100 gives ¥1,980).
 */
export const channelPricing = pricesSchema.table(
  'channel_pricing',
  {
    channel: text('channel').primaryKey(),
    fxSourceCurrency: text('fx_source_currency').notNull().default('EUR'),
    roundingEnding: integer('rounding_ending'),
    roundingStep: integer('rounding_step'),
  },
  (t) => [
    check(
      'channel_pricing_rounding',
      sql`(${t.roundingEnding} is null and ${t.roundingStep} is null) or (${t.roundingStep} > 0 and ${t.roundingEnding} >= 0 and ${t.roundingEnding} < ${t.roundingStep})`,
    ),
  ],
);

export const taxCategory = pricesSchema.enum('tax_category', ['STANDARD', 'REDUCED', 'ZERO']);

/** Variants not listed here are STANDARD. */
export const variantTaxCategories = pricesSchema.table('variant_tax_categories', {
  variantId: text('variant_id').primaryKey(),
  category: taxCategory('category').notNull(),
});

/** Rates per jurisdiction in basis points (1900 = 19%). Region '' is the country-wide rate. */
export const taxRates = pricesSchema.table(
  'tax_rates',
  {
    country: text('country').notNull(),
    region: text('region').notNull().default(''),
    category: taxCategory('category').notNull(),
    rateBp: integer('rate_bp').notNull(),
  },
  (t) => [primaryKey({ columns: [t.country, t.region, t.category] }), check('tax_rates_range', sql`${t.rateBp} between 0 and 10000`)],
);

export const promotionKind = pricesSchema.enum('promotion_kind', ['PERCENT_OFF', 'AMOUNT_OFF', 'BUY_N']);
export const promotionTarget = pricesSchema.enum('promotion_target', ['PRODUCTS', 'CATEGORIES', 'SUBTOTAL']);
export const promotionStacking = pricesSchema.enum('promotion_stacking', ['EXCLUSIVE', 'COMBINABLE']);

export const promotions = pricesSchema.table(
  'promotions',
  {
    id: text('id').primaryKey(),
    /** A promotion belongs to exactly one channel and is never read for another. */
    channel: text('channel').notNull(),
    name: text('name').notNull(),
    kind: promotionKind('kind').notNull(),
    target: promotionTarget('target').notNull(),
    variantIds: text('variant_ids').array().notNull().default(sql`'{}'::text[]`),
    categoryIds: text('category_ids').array().notNull().default(sql`'{}'::text[]`),
    /** PERCENT_OFF: basis points off (1500 = 15%). */
    percentBp: integer('percent_bp'),
    /** AMOUNT_OFF: minor units of `currency`, off each qualifying line (or once off the subtotal). */
    amountOff: bigint('amount_off', { mode: 'number' }),
    currency: text('currency'),
    /** BUY_N: [{ minQuantity, percentBp }], the highest tier the qualifying quantity reaches applies. */
    tiers: jsonb('tiers').$type<{ minQuantity: number; percentBp: number }[]>(),
    /** Upper-cased; null for an automatic promotion. */
    couponCode: text('coupon_code'),
    stacking: promotionStacking('stacking').notNull().default('COMBINABLE'),
    priority: integer('priority').notNull().default(0),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    usageLimit: integer('usage_limit'),
    perCustomerLimit: integer('per_customer_limit'),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    index('promotions_channel_idx').on(t.channel),
    uniqueIndex('promotions_channel_code_idx').on(t.channel, t.couponCode),
    check('promotions_percent_range', sql`${t.percentBp} is null or ${t.percentBp} between 1 and 10000`),
    check('promotions_amount_positive', sql`${t.amountOff} is null or ${t.amountOff} > 0`),
  ],
);

/** One row per promotion used by an order; (promotion, order) is unique, so a retried redemption is a no-op. */
export const promotionRedemptions = pricesSchema.table(
  'promotion_redemptions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id, { onDelete: 'cascade' }),
    orderId: text('order_id').notNull(),
    customerId: text('customer_id'),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('promotion_redemptions_order_idx').on(t.promotionId, t.orderId),
    index('promotion_redemptions_customer_idx').on(t.promotionId, t.customerId),
    index('promotion_redemptions_by_order_idx').on(t.orderId),
  ],
);

export const shippingMethodKind = pricesSchema.enum('shipping_method_kind', ['FLAT', 'FREE_ABOVE', 'WEIGHT_BANDS', 'PICKUP']);

/**
 * Shipping methods of one channel, priced in the channel's currency and tax basis (gross in INCLUSIVE
 * channels, net in EXCLUSIVE ones) like the goods. FLAT and FREE_ABOVE charge `amount` (FREE_ABOVE
 * nothing once the goods total after discounts reaches `free_from`); WEIGHT_BANDS charge the first band
 * whose `upToGrams` the cart's weight does not exceed; PICKUP is 0. An empty `countries` ships anywhere.
 */
export const shippingMethods = pricesSchema.table(
  'shipping_methods',
  {
    channel: text('channel').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: shippingMethodKind('kind').notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }),
    freeFrom: bigint('free_from', { mode: 'number' }),
    /** WEIGHT_BANDS only: ascending by upToGrams; heavier than the last band is not shipped this way. */
    weightBands: jsonb('weight_bands').$type<{ upToGrams: number; amount: number }[]>(),
    taxCategory: taxCategory('tax_category').notNull().default('STANDARD'),
    countries: text('countries').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    /** Display order of a channel's offers, then code. */
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.code] }),
    check('shipping_methods_amount_non_negative', sql`${t.amount} is null or ${t.amount} >= 0`),
    check('shipping_methods_free_from_positive', sql`${t.freeFrom} is null or ${t.freeFrom} > 0`),
    check(
      'shipping_methods_kind_shape',
      sql`case ${t.kind}
        when 'FLAT' then ${t.amount} is not null
        when 'FREE_ABOVE' then ${t.amount} is not null and ${t.freeFrom} is not null
        when 'WEIGHT_BANDS' then ${t.weightBands} is not null
        else ${t.amount} = 0 end`,
    ),
  ],
);
