import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** The catalog owns this Postgres schema; no other subgraph reads it. */
export const productsSchema = pgSchema('products');

export const channelKind = productsSchema.enum('channel_kind', ['B2C', 'B2B', 'POS']);
export const taxMode = productsSchema.enum('tax_mode', ['INCLUSIVE', 'EXCLUSIVE']);
export const productStatus = productsSchema.enum('product_status', ['DRAFT', 'ACTIVE', 'ARCHIVED']);
export const attributeType = productsSchema.enum('attribute_type', ['TEXT', 'NUMBER', 'BOOLEAN', 'ENUM']);
export const ruleEffect = productsSchema.enum('rule_effect', ['INCLUDE', 'EXCLUDE']);
export const ruleKind = productsSchema.enum('rule_kind', ['CATEGORY', 'BRAND', 'ATTRIBUTE']);
export const bulkMode = productsSchema.enum('bulk_mode', ['ALL_OR_NOTHING', 'BEST_EFFORT']);
export const bulkStatus = productsSchema.enum('bulk_status', ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']);

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });

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

/**
 * A storefront's publishable key (Medusa's idea): a public token shipped in a web page or app that names
 * the channel its shoppers are in. Public by design, so it is stored as issued (a secret would be hashed);
 * revoking sets revoked_at and the B2C BFF refuses the key from the next change the stream announces.
 */
export const publishableKeys = productsSchema.table(
  'publishable_keys',
  {
    token: text('token').primaryKey(),
    channel: text('channel')
      .notNull()
      .references(() => salesChannels.code),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('publishable_keys_channel').on(t.channel)],
);

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
    /** The master text is in the catalog default locale (en-GB); products.search_config is a SQL function. */
    searchVector: tsvector('search_vector').notNull().generatedAlwaysAs(sql`to_tsvector(products.search_config('en-GB'), name || ' ' || description)`),
  },
  (t) => [
    index('products_brand_idx').on(t.brandId),
    index('products_created_idx').on(t.createdAt, t.id),
    index('products_search_idx').using('gin', t.searchVector),
  ],
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
    /** Stemmed with the locale's own text search configuration (german for de-*, french for fr-*, ...). */
    searchVector: tsvector('search_vector').notNull().generatedAlwaysAs(sql`to_tsvector(products.search_config(locale), name || ' ' || description)`),
  },
  (t) => [primaryKey({ columns: [t.productId, t.locale] }), index('product_translations_search_idx').using('gin', t.searchVector)],
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
    /** DRAFT is unused for variants: a variant is sellable (ACTIVE) or retired (ARCHIVED). */
    status: productStatus('status').notNull().default('ACTIVE'),
    version: integer('version').notNull().default(1),
    /** Shipping weight in grams, packaging included; null when not yet measured (pricing counts it as 0 g). */
    weightGrams: integer('weight_grams'),
    /** Trade ordering: a line's quantity must be a multiple of this (sold in packs of 6, say). */
    packSize: integer('pack_size').notNull().default(1),
    /** Trade ordering: the fewest units one order line may hold. */
    minOrderQuantity: integer('min_order_quantity').notNull().default(1),
  },
  (t) => [
    check('variants_weight_grams_non_negative', sql`${t.weightGrams} >= 0`),
    check('variants_pack_size_range', sql`${t.packSize} between 1 and 10000`),
    check('variants_min_order_quantity_range', sql`${t.minOrderQuantity} between 1 and 10000`),
    uniqueIndex('variants_sku_uq').on(t.sku),
    uniqueIndex('variants_gtin_uq').on(t.gtin).where(sql`${t.gtin} is not null`),
    index('variants_product_idx').on(t.productId, t.position),
  ],
);

/**
 * A product's membership of a channel and the channel's overrides. `assigned` is the explicit
 * assignment a staff member made; `by_rule` is the result of the channel's assignment rules,
 * materialised on every write that can change it (rules, brand, categories, attributes), so every read
 * stays one indexed join instead of evaluating rules per request.
 */
export const channelProducts = productsSchema.table(
  'channel_products',
  {
    channel: text('channel')
      .notNull()
      .references(() => salesChannels.code),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    assigned: boolean('assigned').notNull().default(false),
    byRule: boolean('by_rule').notNull().default(false),
    /** Override: false hides the product in this channel whatever assigned or the rules say. */
    visible: boolean('visible').notNull().default(true),
    nameOverride: text('name_override'),
    descriptionOverride: text('description_override'),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channel, t.productId] }), index('channel_products_listing_idx').on(t.channel, t.sortOrder, t.productId)],
);

/**
 * The document each (channel, locale) searches, one row per product of the channel and locale of the channel:
 * what a reader there sees (translation chain, else the master) and, apart, the channel's name override. Written
 * only by triggers in the same transaction as the inputs (migration 0008, db/functions/); read by search.
 */
export const channelSearchDocuments = productsSchema.table(
  'channel_search_documents',
  {
    productId: text('product_id').notNull(),
    channel: text('channel').notNull(),
    locale: text('locale').notNull(),
    /** The configuration the document was stemmed with: a query is parsed with the same one. */
    config: regconfig('config').notNull(),
    vector: tsvector('vector').notNull(),
    overrideVector: tsvector('override_vector'),
  },
  // GIN over text columns needs btree_gin, which the migration creates.
  (t) => [
    primaryKey({ columns: [t.productId, t.channel, t.locale] }),
    index('channel_search_documents_vector_idx').using('gin', t.channel, t.locale, t.vector).with({ fastupdate: false }),
    index('channel_search_documents_override_idx')
      .using('gin', t.channel, t.locale, t.overrideVector)
      .with({ fastupdate: false })
      .where(sql`${t.overrideVector} is not null`),
  ],
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

/** Typed attributes: the definition says how a value is validated, filtered and faceted. */
export const attributeDefinitions = productsSchema.table('attribute_definitions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  type: attributeType('type').notNull(),
  /** Allowed values of an ENUM attribute. */
  allowedValues: text('allowed_values').array().notNull().default(sql`'{}'::text[]`),
  filterable: boolean('filterable').notNull().default(true),
});

/**
 * An attribute value of a product (variant_id null) or of one of its variants. `value` is the canonical
 * text ("true", "42.5", "wool") used for equality filters and facets; number_value backs range filters.
 */
export const attributeValues = productsSchema.table(
  'attribute_values',
  {
    id: serial('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').references(() => variants.id, { onDelete: 'cascade' }),
    attributeCode: text('attribute_code')
      .notNull()
      .references(() => attributeDefinitions.code),
    value: text('value').notNull(),
    numberValue: doublePrecision('number_value'),
  },
  (t) => [
    unique('attribute_values_owner_uq').on(t.productId, t.variantId, t.attributeCode).nullsNotDistinct(),
    index('attribute_values_filter_idx').on(t.attributeCode, t.value, t.productId),
    index('attribute_values_variant_idx').on(t.variantId),
  ],
);

/** Assignment rules of a channel: products matching an INCLUDE rule and no EXCLUDE rule are in it. */
export const channelRules = productsSchema.table(
  'channel_rules',
  {
    id: text('id').primaryKey(),
    channel: text('channel')
      .notNull()
      .references(() => salesChannels.code),
    effect: ruleEffect('effect').notNull(),
    kind: ruleKind('kind').notNull(),
    categoryId: text('category_id').references(() => categories.id),
    brandId: text('brand_id').references(() => brands.id),
    attributeCode: text('attribute_code').references(() => attributeDefinitions.code),
    attributeValue: text('attribute_value'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('channel_rules_channel_idx').on(t.channel)],
);

export interface BulkRowError {
  row: number;
  code: string;
  message: string;
  field?: string;
  sku?: string;
}

/** A bulk import run as a job: callers poll processed/total while it runs and read the report after. */
export const bulkJobs = productsSchema.table('bulk_jobs', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  mode: bulkMode('mode').notNull(),
  status: bulkStatus('status').notNull().default('QUEUED'),
  total: integer('total').notNull(),
  processed: integer('processed').notNull().default(0),
  written: integer('written').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  errors: jsonb('errors').$type<BulkRowError[]>().notNull().default([]),
  /** Runs so far (jobs/bulk-import.job.ts): only the newest may write. */
  attempt: integer('attempt').notNull().default(0),
  /** Best effort: the last source row whose write (or failure) is committed; a later run resumes after it. */
  cursor: integer('cursor').notNull().default(0),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
