import { and, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { products, variants } from '../db/tables.ts';
import { canonicalValues, replaceAttributeValues, type Tx } from './attributes.service.ts';
import { rethrowAsClientError } from './db-errors.ts';
import { orVersionConflict, versionConflict, VersionConflictAbort } from './version-conflict.ts';
import { lockVisibleChannels, writeProductUpdated } from './product-events.ts';
import { SKU_PATTERN, isValidGtin } from './gtin.ts';
import { refreshRuleMembership } from './rule-membership.ts';
import { ALL_CHANNELS, requireCatalogAdmin } from './staff-scope.ts';

export interface VariantInput {
  id?: string | null;
  sku: string;
  gtin?: string | null;
  options?: { name: string; value: string }[] | null;
  position?: number | null;
  attributes?: { code: string; value: string }[] | null;
}
export interface UpdateVariantInput {
  sku?: string | null;
  gtin?: string | null;
  options?: { name: string; value: string }[] | null;
  position?: number | null;
  status?: 'DRAFT' | 'ACTIVE' | 'ARCHIVED' | null;
  attributes?: { code: string; value: string }[] | null;
  packSize?: number | null;
  minOrderQuantity?: number | null;
}

export function checkSku(sku: string) {
  if (!SKU_PATTERN.test(sku)) throw appError('BAD_USER_INPUT', `SKU "${sku}" must be 1-64 letters, digits, . _ / -`, { reason: 'INVALID_SKU', field: 'sku' });
}
export function checkGtin(gtin: string | null | undefined) {
  if (gtin != null && !isValidGtin(gtin)) throw appError('BAD_USER_INPUT', `"${gtin}" is not a valid GTIN`, { reason: 'INVALID_GTIN', field: 'gtin' });
}
export function optionsObject(list: { name: string; value: string }[] | null | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((o) => [o.name, o.value]));
}

/** Inserts new variants of a product inside the caller's transaction; a taken SKU surfaces as DUPLICATE_SKU. */
export async function insertVariants(tx: Tx, productId: string, list: VariantInput[]) {
  const withValues = [];
  for (const v of list) {
    checkSku(v.sku);
    checkGtin(v.gtin);
    withValues.push({ v, id: v.id ?? `var_${randomUUID()}`, attributes: await canonicalValues(tx, v.attributes) });
  }
  if (withValues.length === 0) return [];
  await tx
    .insert(variants)
    .values(
      withValues.map(({ v, id }, i) => ({ id, productId, sku: v.sku, gtin: v.gtin ?? null, options: optionsObject(v.options), position: v.position ?? i })),
    );
  for (const { id, attributes } of withValues) if (attributes.length) await replaceAttributeValues(tx, productId, id, attributes);
  if (withValues.some((w) => w.attributes.length)) await refreshRuleMembership(tx, { productIds: [productId] });
  return withValues.map((w) => w.id);
}

const variantFields = {
  id: variants.id,
  productId: variants.productId,
  sku: variants.sku,
  gtin: variants.gtin,
  options: variants.options,
  position: variants.position,
  status: variants.status,
  version: variants.version,
  packSize: variants.packSize,
  minOrderQuantity: variants.minOrderQuantity,
};

/** A cart line holds at most 10,000 units, so a larger pack or minimum could never be ordered. */
function checkOrderQuantity(value: number | null | undefined, field: 'packSize' | 'minOrderQuantity') {
  if (value === undefined) return;
  if (value === null || !Number.isInteger(value) || value < 1 || value > 10_000) {
    throw appError('BAD_USER_INPUT', `${field} must be from 1 to 10000`, { reason: 'INVALID_VALUE', field });
  }
}

export async function adminVariant(ctx: ProductsContext, id: string) {
  const [row] = await ctx.db.db.select(variantFields).from(variants).where(eq(variants.id, id));
  if (!row) throw appError('NOT_FOUND', `no variant ${id}`);
  return row;
}

export async function createVariant(ctx: ProductsContext, productId: string, input: VariantInput) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  const [product] = await ctx.db.db.select({ id: products.id }).from(products).where(eq(products.id, productId));
  if (!product) throw appError('NOT_FOUND', `no product ${productId}`);
  let id: string | undefined;
  try {
    await ctx.db.db.transaction(async (tx) => {
      const before = (await lockVisibleChannels(tx, productId)) ?? [];
      [id] = await insertVariants(tx, productId, [input]);
      await writeProductUpdated(tx, productId, before, 'VARIANT_CREATED', id!);
    });
  } catch (err) {
    rethrowAsClientError(err);
  }
  return adminVariant(ctx, id!);
}

/** Same optimistic rule as products: the UPDATE matches only the version the caller read. */
export async function updateVariant(ctx: ProductsContext, id: string, expectedVersion: number, input: UpdateVariantInput) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  if (input.sku != null) checkSku(input.sku);
  checkGtin(input.gtin);
  if (input.sku === null || input.status === null) throw appError('BAD_USER_INPUT', 'sku and status cannot be cleared', { reason: 'INVALID_VALUE' });
  if (input.status === 'DRAFT') throw appError('BAD_USER_INPUT', 'a variant is ACTIVE or ARCHIVED', { reason: 'INVALID_VALUE', field: 'status' });
  checkOrderQuantity(input.packSize, 'packSize');
  checkOrderQuantity(input.minOrderQuantity, 'minOrderQuantity');
  const attributes = input.attributes ? await canonicalValues(ctx.db.db, input.attributes) : null;
  return orVersionConflict(async () => {
    await writeVariantUpdate(ctx, id, expectedVersion, input, attributes);
    return adminVariant(ctx, id);
  });
}

async function writeVariantUpdate(
  ctx: ProductsContext,
  id: string,
  expectedVersion: number,
  input: UpdateVariantInput,
  attributes: Awaited<ReturnType<typeof canonicalValues>> | null,
) {
  try {
    await ctx.db.db.transaction(async (tx) => {
      // The product's row lock first (as every product write takes it), then the variant's.
      const [owner] = await tx.select({ productId: variants.productId }).from(variants).where(eq(variants.id, id));
      const before = owner ? ((await lockVisibleChannels(tx, owner.productId)) ?? []) : [];
      const set: Partial<typeof variants.$inferInsert> = {};
      if (input.sku !== undefined) set.sku = input.sku!;
      if (input.gtin !== undefined) set.gtin = input.gtin;
      if (input.options !== undefined) set.options = optionsObject(input.options);
      if (input.position != null) set.position = input.position;
      if (input.status !== undefined) set.status = input.status!;
      if (input.packSize != null) set.packSize = input.packSize;
      if (input.minOrderQuantity != null) set.minOrderQuantity = input.minOrderQuantity;
      const [row] = await tx
        .update(variants)
        .set({ ...set, version: sql`${variants.version} + 1` })
        .where(and(eq(variants.id, id), eq(variants.version, expectedVersion)))
        .returning({ productId: variants.productId });
      if (!row) {
        const [current] = await tx.select({ version: variants.version }).from(variants).where(eq(variants.id, id));
        if (!current) throw appError('NOT_FOUND', `no variant ${id}`);
        throw versionConflict(id, expectedVersion, current.version);
      }
      if (attributes) {
        await replaceAttributeValues(tx, row.productId, id, attributes);
        await refreshRuleMembership(tx, { productIds: [row.productId] });
      }
      await writeProductUpdated(tx, row.productId, before, 'VARIANT_UPDATED', id);
    });
  } catch (err) {
    if (err instanceof VersionConflictAbort) throw err;
    rethrowAsClientError(err);
  }
}

export function archiveVariant(ctx: ProductsContext, id: string, expectedVersion: number) {
  return updateVariant(ctx, id, expectedVersion, { status: 'ARCHIVED' });
}
