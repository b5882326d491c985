import { eq } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { products, variants } from '../db/tables.ts';
import type { ProductsContext } from '../context.ts';
import type { ProductRow } from './visibility.ts';

export { listProducts, MAX_PAGE_SIZE, type ListProductsArgs } from './listing.service.ts';

export interface FindProductArgs {
  id?: string | null;
  slug?: string | null;
  sku?: string | null;
  barcode?: string | null;
}

/**
 * Every lookup resolves a key to an id, then goes through the visibleProduct loader: the one
 * visibility join decides, so a product outside the caller's channel is null by every key.
 */
export async function findProduct(ctx: ProductsContext, args: FindProductArgs): Promise<ProductRow | null> {
  const given = (['id', 'slug', 'sku', 'barcode'] as const).filter((k) => args[k] != null);
  if (given.length !== 1) throw appError('BAD_USER_INPUT', 'give exactly one of id, slug, sku, barcode');
  if (args.id) return ctx.loaders.visibleProduct.load(args.id);
  if (args.slug != null) {
    const [row] = await ctx.db.db.select({ id: products.id }).from(products).where(eq(products.slug, args.slug)).limit(1);
    return row ? ctx.loaders.visibleProduct.load(row.id) : null;
  }
  const variant = await findVariant(ctx, args.sku != null ? { sku: args.sku } : { gtin: args.barcode! });
  return variant ? ctx.loaders.visibleProduct.load(variant.productId) : null;
}

export async function findVariant(ctx: ProductsContext, by: { sku?: string; gtin?: string }) {
  const condition = by.sku !== undefined ? eq(variants.sku, by.sku) : eq(variants.gtin, by.gtin ?? '');
  const [row] = await ctx.db.db.select({ id: variants.id }).from(variants).where(condition).limit(1);
  return row ? ctx.loaders.visibleVariant.load(row.id) : null;
}
