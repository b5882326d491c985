import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import type { VariantRow } from '../loaders/catalog.loaders.ts';
import { catalogQueries } from './catalog.queries.ts';
import { channelValues, type ProductRow } from './visibility.ts';

export { listProducts, MAX_PAGE_SIZE, type ListProductsArgs } from './listing.service.ts';

export interface FindProductArgs {
  id?: string | null;
  slug?: string | null;
  sku?: string | null;
  barcode?: string | null;
}

/**
 * Every lookup goes through the one visibility join, so a product outside the caller's channel is null
 * by every key. A lookup by slug, SKU or barcode filters that join by its key (one statement instead of a
 * key-to-id lookup and then the join) and primes the loaders with what it read.
 */
export async function findProduct(ctx: ProductsContext, args: FindProductArgs): Promise<ProductRow | null> {
  const given = (['id', 'slug', 'sku', 'barcode'] as const).filter((k) => args[k] != null);
  if (given.length !== 1) throw appError('BAD_USER_INPUT', 'give exactly one of id, slug, sku, barcode');
  if (args.id) return ctx.loaders.visibleProduct.load(args.id);
  if (args.slug != null) {
    const [row] = await catalogQueries(ctx.db).visibleProductBySlug.execute({ ...channelValues(ctx.channel), slug: args.slug });
    if (!row) return null;
    ctx.loaders.visibleProduct.prime(row.id, row as ProductRow);
    return row as ProductRow;
  }
  const variant = await findVariant(ctx, args.sku != null ? { sku: args.sku } : { gtin: args.barcode! });
  return variant ? ctx.loaders.visibleProduct.load(variant.productId) : null;
}

/** A sellable variant of a visible product by SKU or GTIN, read with its product in one statement. */
export async function findVariant(ctx: ProductsContext, by: { sku?: string; gtin?: string }): Promise<VariantRow | null> {
  const q = catalogQueries(ctx.db);
  const statement = by.sku !== undefined ? q.visibleVariantBySku : q.visibleVariantByGtin;
  const [row] = await statement.execute({ ...channelValues(ctx.channel), key: by.sku ?? by.gtin ?? '' });
  if (!row) return null;
  ctx.loaders.visibleVariant.prime(row.variant.id, row.variant);
  ctx.loaders.visibleProduct.prime(row.product.id, row.product as ProductRow);
  return row.variant;
}
