import { and, asc, eq, getTableColumns, isNull, sql, type Column } from 'drizzle-orm';
import {
  attributeDefinitions,
  attributeValues,
  brands,
  categories,
  channelProducts,
  media,
  productCategories,
  productTranslations,
  products,
  salesChannels,
  variants,
} from '../db/tables.ts';
import { perDatabase } from '@storegraph/kit';
import type { ProductsDb } from '../context.ts';
import { channelJoin, channelPlaceholders, productFields, visibleInChannel } from './visibility.ts';
import { CATALOG_DEFAULT_LOCALE, channelDefaultLocaleSql } from './locale.ts';

/**
 * The catalog's hot read statements, built once per database and prepared: building a statement in
 * drizzle cost more CPU than running it (a 50-product listing spent ~7% of the process in `_prepare`),
 * and a named statement skips PostgreSQL's parse and, once its plan is cached, its planning. Batches bind
 * their keys as one array (`= any($1)`), so the SQL text is the same whatever the batch size.
 * The caller's channel binds as parameters: execute with `channelValues(ctx.channel)`.
 */
const ids = sql.placeholder('ids');
const anyOf = (column: Column) => sql`${column} = any(${ids}::text[])`;

const variantColumns = getTableColumns(variants);
const attributeFields = {
  productId: attributeValues.productId,
  variantId: attributeValues.variantId,
  code: attributeValues.attributeCode,
  name: attributeDefinitions.name,
  type: attributeDefinitions.type,
  value: attributeValues.value,
  numberValue: attributeValues.numberValue,
};

function prepareCatalogQueries({ db }: ProductsDb) {
  const channel = channelPlaceholders;
  const visible = visibleInChannel(channel);
  const visibleProducts = () => db.select(productFields(channel)).from(products).innerJoin(channelProducts, channelJoin(channel));
  const sellable = and(visible, eq(variants.status, 'ACTIVE'));
  const channelOrder = [asc(channelProducts.sortOrder), asc(products.id)];
  const afterCursor = sql`(${channelProducts.sortOrder}, ${products.id}) > (${sql.placeholder('afterSortOrder')}, ${sql.placeholder('afterId')})`;
  // The page size is written into the SQL, one statement per size asked (at most MAX_PAGE_SIZE): with a
  // LIMIT placeholder PostgreSQL's generic plan assumes a tenth of the channel (cost 9,586 against 1,172 for
  // 51 rows), so it never caches the plan and plans the listing again on every execution.
  const listingPage = (limit: number, after: boolean) =>
    visibleProducts()
      .where(after ? and(visible, afterCursor) : visible)
      .orderBy(...channelOrder)
      // drizzle binds a numeric limit as a parameter; the integer is written into the text instead.
      .limit(sql.raw(String(Math.trunc(limit))) as unknown as number)
      .prepare(`products_listing_${after ? 'after_' : ''}${limit}`);
  const listingPages = new Map<string, ReturnType<typeof listingPage>>();
  const channelDefault = channelDefaultLocaleSql(channel.channel);
  const variantBy = (column: Column, name: string) =>
    db
      .select({ variant: variantColumns, product: productFields(channel) })
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .innerJoin(channelProducts, channelJoin(channel))
      .where(and(sellable, eq(column, sql.placeholder('key'))))
      .limit(1)
      .prepare(name);

  return {
    /** The unfiltered listing in channel order (the storefronts' pages), `limit` rows, from the start or after a cursor. */
    listing(limit: number, after: boolean) {
      const key = `${limit}:${after}`;
      let statement = listingPages.get(key);
      if (!statement) {
        statement = listingPage(limit, after);
        listingPages.set(key, statement);
      }
      return statement;
    },
    visibleProducts: visibleProducts()
      .where(and(visible, anyOf(products.id)))
      .prepare('products_visible_by_id'),
    visibleProductBySlug: visibleProducts()
      .where(and(visible, eq(products.slug, sql.placeholder('slug'))))
      .prepare('products_visible_by_slug'),
    visibleVariants: db
      .select(variantColumns)
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .innerJoin(channelProducts, channelJoin(channel))
      .where(and(sellable, anyOf(variants.id)))
      .prepare('products_visible_variants_by_id'),
    /** A till's scan or SKU lookup: the variant and its product in one statement. */
    visibleVariantByGtin: variantBy(variants.gtin, 'products_visible_variant_by_gtin'),
    visibleVariantBySku: variantBy(variants.sku, 'products_visible_variant_by_sku'),
    /** Many SKUs at once (a quick or bulk order's aliased variantBySku fields): one statement, not one per SKU. */
    visibleVariantsBySku: db
      .select(variantColumns)
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .innerJoin(channelProducts, channelJoin(channel))
      .where(and(sellable, anyOf(variants.sku)))
      .prepare('products_visible_variants_by_sku'),
    variantsOfProducts: db
      .select()
      .from(variants)
      .where(and(anyOf(variants.productId), eq(variants.status, 'ACTIVE')))
      .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id))
      .prepare('products_variants_of_products'),
    allVariantsOfProducts: db
      .select()
      .from(variants)
      .where(anyOf(variants.productId))
      .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id))
      .prepare('products_all_variants_of_products'),
    brands: db.select().from(brands).where(anyOf(brands.id)).prepare('products_brands_by_id'),
    categories: db.select().from(categories).where(anyOf(categories.id)).prepare('products_categories_by_id'),
    categoriesOfProducts: db
      .select({ productId: productCategories.productId, category: categories })
      .from(productCategories)
      .innerJoin(categories, eq(categories.id, productCategories.categoryId))
      .where(anyOf(productCategories.productId))
      .orderBy(asc(productCategories.productId), asc(categories.id))
      .prepare('products_categories_of_products'),
    /** Each product's categories and all their ancestors, in one statement however deep the tree. */
    categoryIdsOfProducts: db
      .select({ productId: sql<string>`up.product_id`, id: sql<string>`up.id` })
      .from(
        sql`(with recursive up(product_id, id, parent_id) as (
          select pc.product_id, c.id, c.parent_id
          from ${productCategories} pc join ${categories} c on c.id = pc.category_id
          where pc.product_id = any(${ids}::text[])
          union
          select up.product_id, c.id, c.parent_id from up join ${categories} c on c.id = up.parent_id
        ) select product_id, id from up) as up`,
      )
      .prepare('products_category_ids_of_products'),
    /** Alt text is chosen in SQL (channel:locale, locale, channel:default, default, catalog) so it costs no extra statement. */
    mediaOfProducts: db
      .select({
        id: media.id,
        productId: media.productId,
        url: media.url,
        position: media.position,
        alt: sql<string | null>`coalesce(
          ${media.alt} ->> (${channel.channel}::text || ':' || ${channel.locale}::text),
          ${media.alt} ->> ${channel.locale}::text,
          ${media.alt} ->> (${channel.channel}::text || ':' || ${channelDefault}),
          ${media.alt} ->> ${channelDefault},
          ${media.alt} ->> ${CATALOG_DEFAULT_LOCALE})`,
      })
      .from(media)
      .where(anyOf(media.productId))
      .orderBy(asc(media.productId), asc(media.position), asc(media.id))
      .prepare('products_media_of_products'),
    productAttributes: db
      .select(attributeFields)
      .from(attributeValues)
      .innerJoin(attributeDefinitions, eq(attributeDefinitions.code, attributeValues.attributeCode))
      .where(and(anyOf(attributeValues.productId), isNull(attributeValues.variantId)))
      .orderBy(asc(attributeValues.productId), asc(attributeValues.attributeCode))
      .prepare('products_product_attributes'),
    variantAttributes: db
      .select(attributeFields)
      .from(attributeValues)
      .innerJoin(attributeDefinitions, eq(attributeDefinitions.code, attributeValues.attributeCode))
      .where(anyOf(attributeValues.variantId))
      .orderBy(asc(attributeValues.variantId), asc(attributeValues.attributeCode))
      .prepare('products_variant_attributes'),
    translationsOfProducts: db
      .select({
        productId: productTranslations.productId,
        locale: productTranslations.locale,
        name: productTranslations.name,
        description: productTranslations.description,
      })
      .from(productTranslations)
      .where(anyOf(productTranslations.productId))
      .orderBy(asc(productTranslations.productId), asc(productTranslations.locale))
      .prepare('products_translations_of_products'),
    channelRowsOfProducts: db
      .select()
      .from(channelProducts)
      .where(anyOf(channelProducts.productId))
      .orderBy(asc(channelProducts.productId), asc(channelProducts.channel))
      .prepare('products_channel_rows_of_products'),
    channels: db
      .select()
      .from(salesChannels)
      .where(sql`${salesChannels.code} = any(${sql.placeholder('codes')}::text[])`)
      .prepare('products_channels_by_code'),
  };
}

export type CatalogQueries = ReturnType<typeof prepareCatalogQueries>;

/** The prepared statements of this database (one pool per process): built on first use, then shared by every request. */
export const catalogQueries: (db: ProductsDb) => CatalogQueries = perDatabase(prepareCatalogQueries);
