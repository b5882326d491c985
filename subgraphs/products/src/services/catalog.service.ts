import { and, asc, eq, exists, gt, inArray, or, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { decodeCursor, encodeCursor } from '@storegraph/kit';
import { brands, categories, channelProducts, productCategories, products, variants } from '../db/tables.ts';
import type { ProductsContext } from '../context.ts';
import { productFields, visibleInChannel, type ProductRow } from './visibility.ts';

export const MAX_PAGE_SIZE = 100;

export interface ListProductsArgs {
  first: number;
  after?: string | null;
  filter?: { categorySlug?: string | null; brandSlug?: string | null } | null;
}

/** Keyset pagination over the channel's sort order: constant cost per page, stable under inserts. */
export async function listProducts(ctx: ProductsContext, args: ListProductsArgs) {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE) {
    throw appError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
  }
  const conditions = [visibleInChannel(ctx.channel)];
  if (args.after) {
    const cursor = decodeCursor(args.after);
    if (cursor?.length !== 2 || typeof cursor[0] !== 'number' || typeof cursor[1] !== 'string') {
      throw appError('BAD_USER_INPUT', 'malformed cursor', { argument: 'after' });
    }
    const [sortOrder, id] = cursor as [number, string];
    conditions.push(or(gt(channelProducts.sortOrder, sortOrder), and(eq(channelProducts.sortOrder, sortOrder), gt(products.id, id)))!);
  }
  if (args.filter?.categorySlug) {
    conditions.push(
      exists(
        ctx.db.db
          .select({ one: sql`1` })
          .from(productCategories)
          .innerJoin(categories, eq(categories.id, productCategories.categoryId))
          .where(and(eq(productCategories.productId, products.id), eq(categories.slug, args.filter.categorySlug))),
      ),
    );
  }
  if (args.filter?.brandSlug) {
    conditions.push(inArray(products.brandId, ctx.db.db.select({ id: brands.id }).from(brands).where(eq(brands.slug, args.filter.brandSlug))));
  }
  const rows = (await ctx.db.db
    .select(productFields(ctx.channel))
    .from(products)
    .innerJoin(channelProducts, eq(channelProducts.productId, products.id))
    .where(and(...conditions))
    .orderBy(asc(channelProducts.sortOrder), asc(products.id))
    .limit(args.first + 1)) as ProductRow[];
  const page = rows.slice(0, args.first);
  for (const row of page) ctx.loaders.visibleProduct.prime(row.id, row);
  const edges = page.map((node) => ({ cursor: encodeCursor([node.sortOrder, node.id]), node }));
  return {
    edges,
    nodes: page,
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

export async function findProduct(ctx: ProductsContext, args: { id?: string | null; slug?: string | null }): Promise<ProductRow | null> {
  if (args.id) return ctx.loaders.visibleProduct.load(args.id);
  if (!args.slug) throw appError('BAD_USER_INPUT', 'give a product id or slug');
  const [row] = await ctx.db.db.select({ id: products.id }).from(products).where(eq(products.slug, args.slug)).limit(1);
  return row ? ctx.loaders.visibleProduct.load(row.id) : null;
}

export async function findVariant(ctx: ProductsContext, by: { sku?: string; gtin?: string }) {
  const condition = by.sku !== undefined ? eq(variants.sku, by.sku) : eq(variants.gtin, by.gtin ?? '');
  const [row] = await ctx.db.db.select({ id: variants.id }).from(variants).where(condition).limit(1);
  return row ? ctx.loaders.visibleVariant.load(row.id) : null;
}
