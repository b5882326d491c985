import DataLoader from 'dataloader';
import { byKey, groupByKey } from '@storegraph/kit';
import type { brands, categories, channelProducts, productTranslations, salesChannels, variants } from '../db/tables.ts';
import type { ProductsContext } from '../context.ts';
import { catalogQueries } from '../services/catalog.queries.ts';
import { channelValues, type ProductRow } from '../services/visibility.ts';

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

/**
 * Per-request loaders: one SQL statement per relation per request, whatever the page size. The loaders
 * carry the caller's context; the statements they run are prepared once per process.
 */
export function createCatalogLoaders(ctx: ProductsContext) {
  const q = catalogQueries(ctx.db);
  const channel = channelValues(ctx.channel);
  return {
    visibleProduct: new DataLoader<string, ProductRow | null>(async (ids) => {
      const rows = await q.visibleProducts.execute({ ...channel, ids });
      return byKey(ids, rows as ProductRow[], (r) => r.id);
    }),
    visibleVariant: new DataLoader<string, VariantRow | null>(async (ids) => {
      return byKey(ids, await q.visibleVariants.execute({ ...channel, ids }), (r) => r.id);
    }),
    /** By SKU, for documents that ask variantBySku many times (aliases): one statement per batch. */
    visibleVariantBySku: new DataLoader<string, VariantRow | null>(async (skus) => {
      return byKey(skus, await q.visibleVariantsBySku.execute({ ...channel, ids: skus }), (r) => r.sku);
    }),
    /** Sellable variants of products the caller already sees (the parent went through the visibility join). */
    variantsOfProduct: new DataLoader<string, VariantRow[]>(async (ids) => {
      return groupByKey(ids, await q.variantsOfProducts.execute({ ids }), (r) => r.productId);
    }),
    /** Every variant, archived ones too: the staff view of the master record. */
    allVariantsOfProduct: new DataLoader<string, VariantRow[]>(async (ids) => {
      return groupByKey(ids, await q.allVariantsOfProducts.execute({ ids }), (r) => r.productId);
    }),
    brand: new DataLoader<string, typeof brands.$inferSelect | null>(async (ids) => {
      return byKey(ids, await q.brands.execute({ ids }), (r) => r.id);
    }),
    category: new DataLoader<string, CategoryRow | null>(async (ids) => {
      return byKey(ids, await q.categories.execute({ ids }), (r) => r.id);
    }),
    categoriesOfProduct: new DataLoader<string, CategoryRow[]>(async (ids) => {
      const rows = await q.categoriesOfProducts.execute({ ids });
      return groupByKey(ids, rows, (r) => r.productId).map((list) => list.map((r) => r.category));
    }),
    /** Ids of each product's categories and their ancestors, sorted. */
    categoryIdsOfProduct: new DataLoader<string, string[]>(async (ids) => {
      const rows = await q.categoryIdsOfProducts.execute({ ids });
      return groupByKey(ids, rows, (r) => r.productId).map((list) => list.map((r) => r.id).sort());
    }),
    mediaOfProduct: new DataLoader<string, MediaRow[]>(async (ids) => {
      return groupByKey(ids, await q.mediaOfProducts.execute({ ...channel, ids }), (r) => r.productId);
    }),
    productAttributes: new DataLoader<string, AttributeRow[]>(async (ids) => {
      return groupByKey(ids, await q.productAttributes.execute({ ids }), (r) => r.productId);
    }),
    variantAttributes: new DataLoader<string, AttributeRow[]>(async (ids) => {
      return groupByKey(ids, await q.variantAttributes.execute({ ids }), (r) => r.variantId!);
    }),
    translationsOfProduct: new DataLoader<string, (typeof productTranslations.$inferSelect)[]>(async (ids) => {
      const rows = await q.translationsOfProducts.execute({ ids });
      return groupByKey(ids, rows as (typeof productTranslations.$inferSelect)[], (r) => r.productId);
    }),
    /** Staff view: the product's rows in every channel the staff member administers. */
    channelRowsOfProduct: new DataLoader<string, (typeof channelProducts.$inferSelect)[]>(async (ids) => {
      return groupByKey(ids, await q.channelRowsOfProducts.execute({ ids }), (r) => r.productId);
    }),
    channel: new DataLoader<string, typeof salesChannels.$inferSelect | null>(async (codes) => {
      return byKey(codes, await q.channels.execute({ codes }), (r) => r.code);
    }),
  };
}
export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
