import { and, eq, inArray, isNull } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { ProductsContext, ProductsDb } from '../context.ts';
import { attributeDefinitions, attributeValues } from '../db/tables.ts';
import { canonicalAttributeValue, type AttributeDefinitionRow, type CanonicalValue } from './attribute-values.ts';
import { ALL_CHANNELS, requireCatalogAdmin } from './staff-scope.ts';
import { rethrowAsClientError } from './db-errors.ts';

export type Tx = Parameters<Parameters<ProductsDb['db']['transaction']>[0]>[0];
type Executor = ProductsDb['db'] | Tx;

export async function loadDefinitions(db: Executor, codes: string[]): Promise<Map<string, AttributeDefinitionRow>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .select()
    .from(attributeDefinitions)
    .where(inArray(attributeDefinitions.code, [...new Set(codes)]));
  return new Map(rows.map((r) => [r.code, r]));
}

/** Validates input values; a bad one is BAD_USER_INPUT with the same reason codes bulk rows use. */
export async function canonicalValues(db: Executor, inputs: { code: string; value: string }[] | null | undefined): Promise<CanonicalValue[]> {
  if (!inputs?.length) return [];
  const seen = new Set<string>();
  for (const i of inputs) {
    if (seen.has(i.code)) throw appError('BAD_USER_INPUT', `attribute ${i.code} given twice`, { reason: 'INVALID_ATTRIBUTE_VALUE', field: i.code });
    seen.add(i.code);
  }
  const defs = await loadDefinitions(
    db,
    inputs.map((i) => i.code),
  );
  return inputs.map((i) => {
    const check = canonicalAttributeValue(defs.get(i.code), i.code, i.value);
    if (!check.ok) throw appError('BAD_USER_INPUT', check.message, { reason: check.code, field: i.code });
    return check.value;
  });
}

/** Replaces the values of one owner (a product, or one of its variants). */
export async function replaceAttributeValues(tx: Tx, productId: string, variantId: string | null, values: CanonicalValue[]) {
  await tx
    .delete(attributeValues)
    .where(and(eq(attributeValues.productId, productId), variantId ? eq(attributeValues.variantId, variantId) : isNull(attributeValues.variantId)));
  if (values.length === 0) return;
  await tx.insert(attributeValues).values(values.map((v) => ({ productId, variantId, attributeCode: v.code, value: v.value, numberValue: v.numberValue })));
}

export async function defineAttribute(
  ctx: ProductsContext,
  input: { code: string; name: string; type: AttributeDefinitionRow['type']; allowedValues?: string[] | null; filterable?: boolean | null },
) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(input.code)) {
    throw appError('BAD_USER_INPUT', 'attribute code must be lower_snake_case', { reason: 'INVALID_VALUE', field: 'code' });
  }
  const allowed = input.allowedValues ?? [];
  if (input.type === 'ENUM' && allowed.length === 0) {
    throw appError('BAD_USER_INPUT', 'an ENUM attribute needs allowedValues', { reason: 'INVALID_VALUE', field: 'allowedValues' });
  }
  try {
    const [row] = await ctx.db.db
      .insert(attributeDefinitions)
      .values({ code: input.code, name: input.name, type: input.type, allowedValues: allowed, filterable: input.filterable ?? true })
      .returning();
    return row!;
  } catch (err) {
    rethrowAsClientError(err);
  }
}

export function listAttributeDefinitions(ctx: ProductsContext) {
  return ctx.db.db.select().from(attributeDefinitions).orderBy(attributeDefinitions.code);
}
