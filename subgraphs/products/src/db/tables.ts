import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** The catalog owns this Postgres schema; no other subgraph reads it. */
export const productsSchema = pgSchema('products');

export const channelKind = productsSchema.enum('channel_kind', ['B2C', 'B2B', 'POS']);
export const taxMode = productsSchema.enum('tax_mode', ['INCLUSIVE', 'EXCLUSIVE']);
export const productStatus = productsSchema.enum('product_status', ['DRAFT', 'ACTIVE', 'ARCHIVED']);

export const salesChannels = productsSchema.table('sales_channels', {
  code: text('code').primaryKey(),
  kind: channelKind('kind').notNull(),
  name: text('name').notNull(),
  currency: text('currency').notNull(),
  defaultLocale: text('default_locale').notNull(),
  locales: text('locales').array().notNull(),
  country: text('country').notNull(),
  taxMode: taxMode('tax_mode').notNull(),
});

export const brands = productsSchema.table('brands', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
});

export const categories = productsSchema.table('categories', {
  id: text('id').primaryKey(),
  parentId: text('parent_id'),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
});

export const products = productsSchema.table(
  'products',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    status: productStatus('status').notNull().default('DRAFT'),
    brandId: text('brand_id').references(() => brands.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Optimistic concurrency: every update must name the version it read. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('products_brand_idx').on(t.brandId)],
);

export const productTranslations = productsSchema.table(
  'product_translations',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    locale: text('locale').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.productId, t.locale] })],
);

export const productCategories = productsSchema.table(
  'product_categories',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
  },
  (t) => [primaryKey({ columns: [t.productId, t.categoryId] }), index('product_categories_category_idx').on(t.categoryId)],
);

export const variants = productsSchema.table(
  'variants',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    gtin: text('gtin'),
    /** Option values, e.g. {"size":"M","colour":"Navy"}. */
    options: jsonb('options').$type<Record<string, string>>().notNull().default({}),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    uniqueIndex('variants_sku_uq').on(t.sku),
    uniqueIndex('variants_gtin_uq').on(t.gtin).where(sql`${t.gtin} is not null`),
    index('variants_product_idx').on(t.productId, t.position),
  ],
);

/** Explicit assignment of a product to a channel, with the channel's overrides. */
export const channelProducts = productsSchema.table(
  'channel_products',
  {
    channel: text('channel')
      .notNull()
      .references(() => salesChannels.code),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    visible: boolean('visible').notNull().default(true),
    nameOverride: text('name_override'),
    descriptionOverride: text('description_override'),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channel, t.productId] }), index('channel_products_listing_idx').on(t.channel, t.sortOrder, t.productId)],
);

export const media = productsSchema.table(
  'media',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    position: integer('position').notNull().default(0),
    /** Alt text per locale, optionally per channel: {"de-DE": "...", "web-eu:de-DE": "..."}. */
    alt: jsonb('alt').$type<Record<string, string>>().notNull().default({}),
  },
  (t) => [index('media_product_idx').on(t.productId, t.position)],
);
