import DataLoader from 'dataloader';
import { byKey, groupByKey } from '@storegraph/kit';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
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
import type { ProductsContext } from '../context.ts';
import { channelJoin, productFields, visibleInChannel, type ProductRow } from '../services/visibility.ts';
import { CATALOG_DEFAULT_LOCALE, channelDefaultLocaleSql } from '../services/locale.ts';

export type VariantRow = typeof variants.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export interface MediaRow {
  id: string;
  productId: string;
  url: string;
  position: number;
  alt: string | null;
}
export interface AttributeRow {
  productId: string;
  variantId: string | null;
  code: string;
  name: string;
  type: 'TEXT' | 'NUMBER' | 'BOOLEAN' | 'ENUM';
  value: string;
  numberValue: number | null;
}

const attributeFields = {
  productId: attributeValues.productId,
  variantId: attributeValues.variantId,
  code: attributeValues.attributeCode,
  name: attributeDefinitions.name,
  type: attributeDefinitions.type,
  value: attributeValues.value,
  numberValue: attributeValues.numberValue,
};

/** Per-request loaders: one SQL statement per relation per request, whatever the page size. */
export function createCatalogLoaders(ctx: ProductsContext) {
  const { db } = ctx.db;
  const visible = visibleInChannel(ctx.channel);
  const { channel, locale } = ctx.channel;
  return {
    visibleProduct: new DataLoader<string, ProductRow | null>(async (ids) => {
      const rows = await db
        .select(productFields(ctx.channel))
        .from(products)
        .innerJoin(channelProducts, channelJoin(ctx.channel))
        .where(and(visible, inArray(products.id, [...ids])));
      return byKey(ids, rows as ProductRow[], (r) => r.id);
    }),
    visibleVariant: new DataLoader<string, VariantRow | null>(async (ids) => {
      const rows = await db
        .select({ variant: variants })
        .from(variants)
        .innerJoin(products, eq(products.id, variants.productId))
        .innerJoin(channelProducts, channelJoin(ctx.channel))
        .where(and(visible, eq(variants.status, 'ACTIVE'), inArray(variants.id, [...ids])));
      return byKey(
        ids,
        rows.map((r) => r.variant),
        (r) => r.id,
      );
    }),
    /** Sellable variants of products the caller already sees (the parent went through the visibility join). */
    variantsOfProduct: new DataLoader<string, VariantRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(variants)
        .where(and(inArray(variants.productId, [...ids]), eq(variants.status, 'ACTIVE')))
        .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id));
      return groupByKey(ids, rows, (r) => r.productId);
    }),
    /** Every variant, archived ones too: the staff view of the master record. */
    allVariantsOfProduct: new DataLoader<string, VariantRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(variants)
        .where(inArray(variants.productId, [...ids]))
        .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id));
      return groupByKey(ids, rows, (r) => r.productId);
    }),
    brand: new DataLoader<string, typeof brands.$inferSelect | null>(async (ids) => {
      const rows = await db
        .select()
        .from(brands)
        .where(inArray(brands.id, [...ids]));
      return byKey(ids, rows, (r) => r.id);
    }),
    category: new DataLoader<string, CategoryRow | null>(async (ids) => {
      const rows = await db
        .select()
        .from(categories)
        .where(inArray(categories.id, [...ids]));
      return byKey(ids, rows, (r) => r.id);
    }),
    categoriesOfProduct: new DataLoader<string, CategoryRow[]>(async (ids) => {
      const rows = await db
        .select({ productId: productCategories.productId, category: categories })
        .from(productCategories)
        .innerJoin(categories, eq(categories.id, productCategories.categoryId))
        .where(inArray(productCategories.productId, [...ids]))
        .orderBy(asc(productCategories.productId), asc(categories.id));
      return groupByKey(ids, rows, (r) => r.productId).map((list) => list.map((r) => r.category));
    }),
    /** Alt text is chosen in SQL (channel:locale, locale, channel:default, default, catalog) so it costs no extra statement. */
    mediaOfProduct: new DataLoader<string, MediaRow[]>(async (ids) => {
      const channelDefault = channelDefaultLocaleSql(channel);
      const rows = await db
        .select({
          id: media.id,
          productId: media.productId,
          url: media.url,
          position: media.position,
          alt: sql<string | null>`coalesce(
            ${media.alt} ->> ${`${channel}:${locale}`},
            ${media.alt} ->> ${locale},
            ${media.alt} ->> (${channel} || ':' || ${channelDefault}),
            ${media.alt} ->> ${channelDefault},
            ${media.alt} ->> ${CATALOG_DEFAULT_LOCALE})`,
        })
        .from(media)
        .where(inArray(media.productId, [...ids]))
        .orderBy(asc(media.productId), asc(media.position), asc(media.id));
      return groupByKey(ids, rows, (r) => r.productId);
    }),
    productAttributes: new DataLoader<string, AttributeRow[]>(async (ids) => {
      const rows = await db
        .select(attributeFields)
        .from(attributeValues)
        .innerJoin(attributeDefinitions, eq(attributeDefinitions.code, attributeValues.attributeCode))
        .where(and(inArray(attributeValues.productId, [...ids]), isNull(attributeValues.variantId)))
        .orderBy(asc(attributeValues.productId), asc(attributeValues.attributeCode));
      return groupByKey(ids, rows, (r) => r.productId);
    }),
    variantAttributes: new DataLoader<string, AttributeRow[]>(async (ids) => {
      const rows = await db
        .select(attributeFields)
        .from(attributeValues)
        .innerJoin(attributeDefinitions, eq(attributeDefinitions.code, attributeValues.attributeCode))
        .where(inArray(attributeValues.variantId, [...ids]))
        .orderBy(asc(attributeValues.variantId), asc(attributeValues.attributeCode));
      return groupByKey(ids, rows, (r) => r.variantId!);
    }),
    translationsOfProduct: new DataLoader<string, (typeof productTranslations.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select({
          productId: productTranslations.productId,
          locale: productTranslations.locale,
          name: productTranslations.name,
          description: productTranslations.description,
        })
        .from(productTranslations)
        .where(inArray(productTranslations.productId, [...ids]))
        .orderBy(asc(productTranslations.productId), asc(productTranslations.locale));
      return groupByKey(ids, rows as (typeof productTranslations.$inferSelect)[], (r) => r.productId);
    }),
    /** Staff view: the product's rows in every channel the staff member administers. */
    channelRowsOfProduct: new DataLoader<string, (typeof channelProducts.$inferSelect)[]>(async (ids) => {
      const rows = await db
        .select()
        .from(channelProducts)
        .where(inArray(channelProducts.productId, [...ids]))
        .orderBy(asc(channelProducts.productId), asc(channelProducts.channel));
      return groupByKey(ids, rows, (r) => r.productId);
    }),
    channel: new DataLoader<string, typeof salesChannels.$inferSelect | null>(async (codes) => {
      const rows = await db
        .select()
        .from(salesChannels)
        .where(inArray(salesChannels.code, [...codes]));
      return byKey(codes, rows, (r) => r.code);
    }),
  };
}
export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
