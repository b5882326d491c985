import DataLoader from 'dataloader';
import { byKey, groupByKey } from '@storegraph/kit';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { brands, categories, channelProducts, media, productCategories, products, salesChannels, variants } from '../db/tables.ts';
import type { ProductsContext } from '../context.ts';
import { productFields, visibleInChannel, type ProductRow } from '../services/visibility.ts';

export type VariantRow = typeof variants.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export type MediaRow = typeof media.$inferSelect;

/** Per-request loaders: one SQL statement per relation per request, whatever the page size. */
export function createCatalogLoaders(ctx: ProductsContext) {
  const { db } = ctx.db;
  const visible = visibleInChannel(ctx.channel);
  return {
    visibleProduct: new DataLoader<string, ProductRow | null>(async (ids) => {
      const rows = await db
        .select(productFields(ctx.channel))
        .from(products)
        .innerJoin(channelProducts, eq(channelProducts.productId, products.id))
        .where(and(visible, inArray(products.id, [...ids])));
      return byKey(ids, rows as ProductRow[], (r) => r.id);
    }),
    visibleVariant: new DataLoader<string, VariantRow | null>(async (ids) => {
      const rows = await db
        .select({ variant: variants })
        .from(variants)
        .innerJoin(products, eq(products.id, variants.productId))
        .innerJoin(channelProducts, eq(channelProducts.productId, products.id))
        .where(and(visible, inArray(variants.id, [...ids])));
      return byKey(
        ids,
        rows.map((r) => r.variant),
        (r) => r.id,
      );
    }),
    variantsOfProduct: new DataLoader<string, VariantRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(variants)
        .where(inArray(variants.productId, [...ids]))
        .orderBy(asc(variants.productId), asc(variants.position));
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
        .where(inArray(productCategories.productId, [...ids]));
      return groupByKey(ids, rows, (r) => r.productId).map((list) => list.map((r) => r.category));
    }),
    mediaOfProduct: new DataLoader<string, MediaRow[]>(async (ids) => {
      const rows = await db
        .select()
        .from(media)
        .where(inArray(media.productId, [...ids]))
        .orderBy(asc(media.productId), asc(media.position));
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
