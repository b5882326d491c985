import { inArray, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { ProductsDb } from '../context.ts';
import { attributeValues, products, variants, type BulkRowError } from '../db/tables.ts';
import { canonicalAttributeValue, type CanonicalValue } from './attribute-values.ts';
import { loadDefinitions, type Tx } from './attributes.service.ts';
import type { BulkParse, BulkRow } from './bulk-parse.ts';
import { pgErrorOf } from './db-errors.ts';
import { visibleChannelsOf, writeProductsUpdated } from './product-events.ts';
import { refreshRuleMembership } from './rule-membership.ts';

/** 500 rows × 6 columns stays far below PostgreSQL's 65,535 parameters and keeps progress moving. */
export const CHUNK = 500;

export interface Ready {
  row: BulkRow;
  id: string;
  gtin: string | null;
  options: Record<string, string>;
  position: number;
  attributes: CanonicalValue[] | null;
}

/** Checks against the stored catalog: products exist, SKUs stay with their product, GTINs are free, attributes valid. */
export async function validateAgainstCatalog(db: ProductsDb['db'], parsed: BulkParse): Promise<{ ready: Ready[]; errors: BulkRowError[] }> {
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

export async function writeChunk(tx: Tx, chunk: Ready[]): Promise<Set<string>> {
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

export function writeError(r: Ready, err: unknown): BulkRowError {
  const pg = pgErrorOf(err);
  const constraint = pg?.constraint_name ?? '';
  const code = constraint === 'variants_gtin_uq' ? 'GTIN_TAKEN' : constraint === 'variants_sku_uq' ? 'DUPLICATE_SKU' : 'WRITE_FAILED';
  return { row: r.row.row, code, message: `row ${r.row.row} could not be written (${code})`, sku: r.row.sku };
}
