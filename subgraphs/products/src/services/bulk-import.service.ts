import { eq, inArray, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { appError } from '@storegraph/schema';
import type { ProductsContext, ProductsDb } from '../context.ts';
import { attributeValues, bulkJobs, products, variants, type BulkRowError } from '../db/tables.ts';
import { canonicalAttributeValue, type CanonicalValue } from './attribute-values.ts';
import { loadDefinitions, type Tx } from './attributes.service.ts';
import { parseCsv, parseInputRows, parseJsonLines, type BulkParse, type BulkRow, type BulkRowInput } from './bulk-parse.ts';
import { pgErrorOf } from './db-errors.ts';
import { visibleChannelsOf, writeProductsUpdated } from './product-events.ts';
import { refreshRuleMembership } from './rule-membership.ts';
import { ALL_CHANNELS, requireCatalogAdmin } from './staff-scope.ts';

export type BulkMode = 'ALL_OR_NOTHING' | 'BEST_EFFORT';
export interface BulkUpsertInput {
  mode: BulkMode;
  rows?: BulkRowInput[] | null;
  csv?: string | null;
  jsonl?: string | null;
}

/** 500 rows × 6 columns stays far below PostgreSQL's 65,535 parameters and keeps progress moving. */
const CHUNK = 500;

interface Ready {
  row: BulkRow;
  id: string;
  gtin: string | null;
  options: Record<string, string>;
  position: number;
  attributes: CanonicalValue[] | null;
}

/**
 * Parses and size-checks the payload in the request (10,001 rows is an error and writes nothing, not even
 * a job), records the job and runs it after responding; callers poll bulkJob(id).
 */
export async function startBulkUpsertVariants(ctx: ProductsContext, input: BulkUpsertInput) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  const given = [input.rows, input.csv, input.jsonl].filter((x) => x != null);
  if (given.length !== 1) throw appError('BAD_USER_INPUT', 'give exactly one of rows, csv, jsonl', { reason: 'INVALID_VALUE' });
  const parsed = input.rows ? parseInputRows(input.rows) : input.csv != null ? parseCsv(input.csv) : parseJsonLines(input.jsonl!);
  if (parsed.total === 0) throw appError('BAD_USER_INPUT', 'the import holds no rows', { reason: 'EMPTY_IMPORT' });
  const id = `blk_${randomUUID()}`;
  const [job] = await ctx.db.db
    .insert(bulkJobs)
    .values({ id, kind: 'variants', mode: input.mode, total: parsed.total, createdBy: ctx.channel.staff!.id })
    .returning();
  const log = ctx.log;
  setImmediate(() => {
    runBulkJob(ctx.db, id, input.mode, parsed).catch(async (err) => {
      log.error({ err, job: id }, 'bulk job failed unexpectedly');
      await ctx.db.db
        .update(bulkJobs)
        .set({ status: 'FAILED', finishedAt: sql`now()`, errors: [{ row: 0, code: 'WRITE_FAILED', message: 'the job stopped on an internal error' }] })
        .where(eq(bulkJobs.id, id))
        .catch(() => {});
    });
  });
  return job!;
}

export async function getBulkJob(ctx: ProductsContext, id: string) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  const [job] = await ctx.db.db.select().from(bulkJobs).where(eq(bulkJobs.id, id));
  return job ?? null;
}

/** Checks against the stored catalog: products exist, SKUs stay with their product, GTINs are free, attributes valid. */
async function validateAgainstCatalog(db: ProductsDb['db'], parsed: BulkParse): Promise<{ ready: Ready[]; errors: BulkRowError[] }> {
  const rows = parsed.rows;
  const productIds = [...new Set(rows.map((r) => r.productId))];
  const existingProducts = new Set(
    productIds.length ? (await db.select({ id: products.id }).from(products).where(inArray(products.id, productIds))).map((p) => p.id) : [],
  );
  const bySku = new Map(
    (
      await db
        .select({
          id: variants.id,
          sku: variants.sku,
          productId: variants.productId,
          gtin: variants.gtin,
          options: variants.options,
          position: variants.position,
        })
        .from(variants)
        .where(
          inArray(
            variants.sku,
            rows.map((r) => r.sku),
          ),
        )
    ).map((v) => [v.sku, v]),
  );
  const gtins = rows.flatMap((r) => (r.gtin ? [r.gtin] : []));
  const gtinOwner = new Map(
    gtins.length
      ? (await db.select({ sku: variants.sku, gtin: variants.gtin }).from(variants).where(inArray(variants.gtin, gtins))).map((v) => [v.gtin!, v.sku])
      : [],
  );
  const defs = await loadDefinitions(
    db,
    rows.flatMap((r) => r.attributes.map((a) => a.code)),
  );
  const ready: Ready[] = [];
  const errors: BulkRowError[] = [];
  for (const r of rows) {
    const fail = (code: string, message: string, field?: string) => errors.push({ row: r.row, code, message, field, sku: r.sku });
    const existing = bySku.get(r.sku);
    if (!existingProducts.has(r.productId)) {
      fail('PRODUCT_NOT_FOUND', `no product ${r.productId}`, 'productId');
      continue;
    }
    if (existing && existing.productId !== r.productId) {
      fail('SKU_OF_OTHER_PRODUCT', `SKU ${r.sku} belongs to product ${existing.productId}`, 'sku');
      continue;
    }
    const owner = r.gtin ? gtinOwner.get(r.gtin) : undefined;
    if (owner && owner !== r.sku) {
      fail('GTIN_TAKEN', `GTIN ${r.gtin} belongs to SKU ${owner}`, 'gtin');
      continue;
    }
    const checks = r.attributes.map((a) => canonicalAttributeValue(defs.get(a.code), a.code, a.value));
    const bad = checks.find((c) => !c.ok);
    if (bad && !bad.ok) {
      fail(bad.code, bad.message, 'attributes');
      continue;
    }
    ready.push({
      row: r,
      id: existing?.id ?? `var_${randomUUID()}`,
      // Absent fields keep what is stored; a new variant gets empty options and the next position.
      gtin: r.gtin ?? existing?.gtin ?? null,
      options: r.options ?? existing?.options ?? {},
      position: r.position ?? existing?.position ?? 0,
      attributes: r.attributes.length ? checks.map((c) => (c.ok ? c.value : null)!) : null,
    });
  }
  return { ready, errors };
}

async function writeChunk(tx: Tx, chunk: Ready[]): Promise<Set<string>> {
  const before = await visibleChannelsOf(tx, [...new Set(chunk.map((r) => r.row.productId))]);
  const written = await tx
    .insert(variants)
    .values(chunk.map((r) => ({ id: r.id, productId: r.row.productId, sku: r.row.sku, gtin: r.gtin, options: r.options, position: r.position })))
    .onConflictDoUpdate({
      target: variants.sku,
      set: {
        gtin: sql`excluded.gtin`,
        options: sql`excluded.options`,
        position: sql`excluded.position`,
        version: sql`${variants.version} + 1`,
      },
      // Never moves a SKU to another product, even if one raced in after validation.
      setWhere: sql`${variants.productId} = excluded.product_id`,
    })
    .returning({ sku: variants.sku, id: variants.id });
  const ids = new Map(written.map((w) => [w.sku, w.id]));
  const values = chunk.flatMap((r) =>
    r.attributes && ids.has(r.row.sku)
      ? r.attributes.map((a) => ({
          productId: r.row.productId,
          variantId: ids.get(r.row.sku)!,
          attributeCode: a.code,
          value: a.value,
          numberValue: a.numberValue,
        }))
      : [],
  );
  if (values.length) {
    await tx
      .insert(attributeValues)
      .values(values)
      .onConflictDoUpdate({
        target: [attributeValues.productId, attributeValues.variantId, attributeValues.attributeCode],
        set: { value: sql`excluded.value`, numberValue: sql`excluded.number_value` },
      });
  }
  if (values.length) await refreshRuleMembership(tx, { productIds: [...new Set(chunk.map((r) => r.row.productId))] });
  // One event per product the chunk wrote a variant of (a SKU refused by setWhere wrote nothing).
  const touched = new Set(chunk.filter((r) => ids.has(r.row.sku)).map((r) => r.row.productId));
  await writeProductsUpdated(tx, Object.fromEntries(Object.entries(before).filter(([id]) => touched.has(id))), 'BULK_IMPORT');
  return new Set(written.map((w) => w.sku));
}

function writeError(r: Ready, err: unknown): BulkRowError {
  const pg = pgErrorOf(err);
  const constraint = pg?.constraint_name ?? '';
  const code = constraint === 'variants_gtin_uq' ? 'GTIN_TAKEN' : constraint === 'variants_sku_uq' ? 'DUPLICATE_SKU' : 'WRITE_FAILED';
  return { row: r.row.row, code, message: `row ${r.row.row} could not be written (${code})`, sku: r.row.sku };
}

class RollBack extends Error {}

export async function runBulkJob(database: ProductsDb, id: string, mode: BulkMode, parsed: BulkParse): Promise<void> {
  const { db } = database;
  const progress = (set: Record<string, unknown>) => db.update(bulkJobs).set(set).where(eq(bulkJobs.id, id));
  await progress({ status: 'RUNNING' });
  const checked = await validateAgainstCatalog(db, parsed);
  const errors = [...parsed.errors, ...checked.errors].sort((a, b) => a.row - b.row);
  const finish = (status: 'SUCCEEDED' | 'FAILED', written: number, all: BulkRowError[]) =>
    progress({ status, processed: parsed.total, written, failed: all.length, errors: all, finishedAt: sql`now()` });

  if (mode === 'ALL_OR_NOTHING') {
    if (errors.length > 0) return void (await finish('FAILED', 0, errors));
    let done = 0;
    try {
      // One transaction for the whole import; progress is written beside it, on another connection.
      await db.transaction(async (tx) => {
        for (let i = 0; i < checked.ready.length; i += CHUNK) {
          const chunk = checked.ready.slice(i, i + CHUNK);
          const ok = await writeChunk(tx, chunk);
          const lost = chunk.filter((r) => !ok.has(r.row.sku));
          if (lost.length) {
            errors.push(
              ...lost.map((r) => ({ row: r.row.row, code: 'SKU_OF_OTHER_PRODUCT', message: 'the SKU moved to another product meanwhile', sku: r.row.sku })),
            );
            throw new RollBack();
          }
          done += chunk.length;
          await progress({ processed: done });
        }
      });
    } catch (err) {
      if (!(err instanceof RollBack)) errors.push({ row: 0, code: 'WRITE_FAILED', message: `nothing was written: ${writeError(checked.ready[0]!, err).code}` });
      return void (await finish('FAILED', 0, errors));
    }
    return void (await finish('SUCCEEDED', checked.ready.length, []));
  }

  // Best effort: each chunk commits on its own; a chunk that fails is retried row by row.
  let written = 0;
  let handled = parsed.errors.length + checked.errors.length;
  for (let i = 0; i < checked.ready.length; i += CHUNK) {
    const chunk = checked.ready.slice(i, i + CHUNK);
    try {
      const ok = await db.transaction((tx) => writeChunk(tx, chunk));
      written += ok.size;
      for (const r of chunk)
        if (!ok.has(r.row.sku)) errors.push({ row: r.row.row, code: 'SKU_OF_OTHER_PRODUCT', message: 'the SKU belongs to another product', sku: r.row.sku });
    } catch {
      for (const r of chunk) {
        try {
          const ok = await db.transaction((tx) => writeChunk(tx, [r]));
          written += ok.size;
        } catch (err) {
          errors.push(writeError(r, err));
        }
      }
    }
    handled += chunk.length;
    await progress({ processed: Math.min(handled, parsed.total), written });
  }
  errors.sort((a, b) => a.row - b.row);
  await finish('SUCCEEDED', written, errors);
}
