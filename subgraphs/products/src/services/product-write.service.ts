import { and, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { media, productCategories, productTranslations, products } from '../db/tables.ts';
import { canonicalValues, replaceAttributeValues, type Tx } from './attributes.service.ts';
import { rethrowAsClientError } from './db-errors.ts';
import { orVersionConflict, versionConflict, VersionConflictAbort } from './version-conflict.ts';
import { lockVisibleChannels, writeProductUpdated } from './product-events.ts';
import { assertKnownLocales } from './locale.ts';
import { refreshRuleMembership } from './rule-membership.ts';
import { ALL_CHANNELS, requireCatalogAdmin } from './staff-scope.ts';
import { insertVariants, type VariantInput } from './variant-write.service.ts';

type Status = 'DRAFT' | 'ACTIVE' | 'ARCHIVED';
interface AttrInput {
  code: string;
  value: string;
}
interface TranslationInput {
  locale: string;
  name: string;
  description?: string | null;
}
interface MediaInput {
  url: string;
  alt?: { key: string; text: string }[] | null;
}
export interface CreateProductInput {
  id?: string | null;
  slug: string;
  name: string;
  description?: string | null;
  status?: Status | null;
  brandId?: string | null;
  categoryIds?: string[] | null;
  attributes?: AttrInput[] | null;
  translations?: TranslationInput[] | null;
  media?: MediaInput[] | null;
  variants?: VariantInput[] | null;
}
export interface UpdateProductInput {
  slug?: string | null;
  name?: string | null;
  description?: string | null;
  status?: Status | null;
  brandId?: string | null;
  categoryIds?: string[] | null;
  attributes?: AttrInput[] | null;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function checkText(field: string, value: string | null | undefined, max: number) {
  if (value == null) return;
  if (value.trim() === '' || value.length > max) {
    throw appError('BAD_USER_INPUT', `${field} must be 1 to ${max} characters`, { reason: 'INVALID_VALUE', field });
  }
}
function checkSlug(slug: string | null | undefined) {
  if (slug != null && !SLUG.test(slug))
    throw appError('BAD_USER_INPUT', 'slug must be lower-case words joined by hyphens', { reason: 'INVALID_VALUE', field: 'slug' });
}

async function checkMediaAlt(ctx: ProductsContext, list: MediaInput[] | null | undefined) {
  const locales: string[] = [];
  for (const m of list ?? []) {
    if (!/^https:\/\/\S+$/.test(m.url)) throw appError('BAD_USER_INPUT', 'media url must be https', { reason: 'INVALID_VALUE', field: 'media.url' });
    for (const a of m.alt ?? []) locales.push(a.key.includes(':') ? a.key.split(':')[1]! : a.key);
  }
  await assertKnownLocales(ctx, locales);
}

async function insertMedia(tx: Tx, productId: string, list: MediaInput[], startAt: number) {
  if (list.length === 0) return;
  await tx.insert(media).values(
    list.map((m, i) => ({
      id: `med_${randomUUID()}`,
      productId,
      url: m.url,
      position: startAt + i,
      alt: Object.fromEntries((m.alt ?? []).map((a) => [a.key, a.text])),
    })),
  );
}

async function writeTranslations(tx: Tx, productId: string, list: TranslationInput[]) {
  if (list.length === 0) return;
  await tx
    .insert(productTranslations)
    .values(list.map((t) => ({ productId, locale: t.locale, name: t.name, description: t.description ?? '' })))
    .onConflictDoUpdate({
      target: [productTranslations.productId, productTranslations.locale],
      set: { name: sql`excluded.name`, description: sql`excluded.description` },
    });
}

function checkTranslations(list: TranslationInput[] | null | undefined) {
  const seen = new Set<string>();
  for (const t of list ?? []) {
    checkText('translations.name', t.name, 300);
    if (seen.has(t.locale)) throw appError('BAD_USER_INPUT', `locale ${t.locale} given twice`, { reason: 'INVALID_VALUE', field: 'locale' });
    seen.add(t.locale);
  }
}

export async function createProduct(ctx: ProductsContext, input: CreateProductInput) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  const id = input.id ?? `prd_${randomUUID()}`;
  if (!ID.test(id)) throw appError('BAD_USER_INPUT', 'id may hold letters, digits, _ and - only', { reason: 'INVALID_VALUE', field: 'id' });
  checkSlug(input.slug);
  checkText('name', input.name, 300);
  checkTranslations(input.translations);
  await assertKnownLocales(
    ctx,
    (input.translations ?? []).map((t) => t.locale),
  );
  await checkMediaAlt(ctx, input.media);
  const attributes = await canonicalValues(ctx.db.db, input.attributes);
  try {
    await ctx.db.db.transaction(async (tx) => {
      await tx.insert(products).values({
        id,
        slug: input.slug,
        name: input.name,
        description: input.description ?? '',
        status: input.status ?? 'DRAFT',
        brandId: input.brandId ?? null,
      });
      if (input.categoryIds?.length)
        await tx.insert(productCategories).values([...new Set(input.categoryIds)].map((categoryId) => ({ productId: id, categoryId })));
      await writeTranslations(tx, id, input.translations ?? []);
      await insertMedia(tx, id, input.media ?? [], 0);
      await replaceAttributeValues(tx, id, null, attributes);
      await insertVariants(tx, id, input.variants ?? []);
      await refreshRuleMembership(tx, { productIds: [id] });
      await writeProductUpdated(tx, id, [], 'CREATED');
    });
  } catch (err) {
    rethrowAsClientError(err);
  }
  return adminProduct(ctx, id);
}

/**
 * Optimistic concurrency in one statement: the UPDATE only matches the version the caller read, and the
 * row lock it takes makes a concurrent writer re-check the version after we commit, so a second writer
 * holding the same version gets the VersionConflict result instead of overwriting us.
 */
async function bumpVersion(tx: Tx, id: string, expectedVersion: number, set: Partial<typeof products.$inferInsert> = {}) {
  const [row] = await tx
    .update(products)
    .set({ ...set, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(products.id, id), eq(products.version, expectedVersion)))
    .returning({ version: products.version });
  if (row) return row.version;
  const [current] = await tx.select({ version: products.version }).from(products).where(eq(products.id, id));
  if (!current) throw appError('NOT_FOUND', `no product ${id}`);
  throw versionConflict(id, expectedVersion, current.version);
}

export async function updateProduct(ctx: ProductsContext, id: string, expectedVersion: number, input: UpdateProductInput) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  checkSlug(input.slug);
  checkText('name', input.name, 300);
  if (input.status === null || input.slug === null || input.name === null) {
    throw appError('BAD_USER_INPUT', 'status, slug and name cannot be cleared', { reason: 'INVALID_VALUE' });
  }
  const attributes = input.attributes ? await canonicalValues(ctx.db.db, input.attributes) : null;
  return orVersionConflict(async () => {
    await writeProductUpdate(ctx, id, expectedVersion, input, attributes);
    return adminProduct(ctx, id);
  });
}

async function writeProductUpdate(
  ctx: ProductsContext,
  id: string,
  expectedVersion: number,
  input: UpdateProductInput,
  attributes: Awaited<ReturnType<typeof canonicalValues>> | null,
) {
  try {
    await ctx.db.db.transaction(async (tx) => {
      const set: Partial<typeof products.$inferInsert> = {};
      if (input.slug != null) set.slug = input.slug;
      if (input.name != null) set.name = input.name;
      if (input.description !== undefined) set.description = input.description ?? '';
      if (input.status != null) set.status = input.status;
      if (input.brandId !== undefined) set.brandId = input.brandId;
      const before = (await lockVisibleChannels(tx, id)) ?? [];
      await bumpVersion(tx, id, expectedVersion, set);
      if (input.categoryIds) {
        await tx.delete(productCategories).where(eq(productCategories.productId, id));
        if (input.categoryIds.length)
          await tx.insert(productCategories).values([...new Set(input.categoryIds)].map((categoryId) => ({ productId: id, categoryId })));
      }
      if (attributes) await replaceAttributeValues(tx, id, null, attributes);
      if (input.brandId !== undefined || input.categoryIds || attributes) await refreshRuleMembership(tx, { productIds: [id] });
      await writeProductUpdated(tx, id, before, 'UPDATED');
    });
  } catch (err) {
    if (err instanceof VersionConflictAbort) throw err;
    rethrowAsClientError(err);
  }
}

export function archiveProduct(ctx: ProductsContext, id: string, expectedVersion: number) {
  return updateProduct(ctx, id, expectedVersion, { status: 'ARCHIVED' });
}

export async function setProductTranslations(ctx: ProductsContext, id: string, expectedVersion: number, list: TranslationInput[]) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  checkTranslations(list);
  await assertKnownLocales(
    ctx,
    list.map((t) => t.locale),
  );
  return orVersionConflict(async () => {
    await ctx.db.db.transaction(async (tx) => {
      const before = (await lockVisibleChannels(tx, id)) ?? [];
      await bumpVersion(tx, id, expectedVersion);
      await writeTranslations(tx, id, list);
      await writeProductUpdated(tx, id, before, 'TRANSLATIONS');
    });
    return adminProduct(ctx, id);
  });
}

export async function addProductMedia(ctx: ProductsContext, id: string, expectedVersion: number, list: MediaInput[]) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  await checkMediaAlt(ctx, list);
  return orVersionConflict(async () => {
    await ctx.db.db.transaction(async (tx) => {
      const before = (await lockVisibleChannels(tx, id)) ?? [];
      await bumpVersion(tx, id, expectedVersion);
      const [{ next }] = (await tx.execute(sql`select coalesce(max(position) + 1, 0)::int as next from ${media} where product_id = ${id}`)) as unknown as [
        { next: number },
      ];
      await insertMedia(tx, id, list, next);
      await writeProductUpdated(tx, id, before, 'MEDIA');
    });
    return adminProduct(ctx, id);
  });
}

export const masterFields = {
  id: products.id,
  slug: products.slug,
  status: products.status,
  version: products.version,
  name: products.name,
  description: products.description,
  brandId: products.brandId,
};

export async function adminProduct(ctx: ProductsContext, id: string) {
  const [row] = await ctx.db.db.select(masterFields).from(products).where(eq(products.id, id));
  if (!row) throw appError('NOT_FOUND', `no product ${id}`);
  return row;
}
