import { DependencyUnavailableError, serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { checkLines, wellFormedLines, type LineCheck, type SkuFacts } from '../domain/order-line.rules.ts';

/**
 * SKUs per products request: each is an aliased variantBySku field (products batches them into one
 * statement); 1,000 keeps one document near 40 KB however long the upload.
 */
const SKUS_PER_REQUEST = 1_000;

interface CatalogVariant {
  id: string;
  packSize: number;
  minOrderQuantity: number;
}

interface StockVariant {
  availability: { available: number; backorder: { allowed: boolean; remaining: number } } | null;
}

async function guarded<T>(service: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DependencyUnavailableError) throw serviceUnavailable(service);
    throw err;
  }
}

/** The variant behind each SKU as the caller's channel shows it: unknown and not sold here both answer null. */
async function catalogBySku(ctx: OrdersContext, skus: string[]): Promise<Map<string, CatalogVariant>> {
  const found = new Map<string, CatalogVariant>();
  for (let start = 0; start < skus.length; start += SKUS_PER_REQUEST) {
    const part = skus.slice(start, start + SKUS_PER_REQUEST);
    const vars = part.map((_, i) => `$s${i}: String!`).join(', ');
    const fields = part.map((_, i) => `v${i}: variantBySku(sku: $s${i}) { id packSize minOrderQuantity }`).join(' ');
    const variables = Object.fromEntries(part.map((s, i) => [`s${i}`, s]));
    const data = await guarded('products', () =>
      ctx.deps.products.execute<Record<string, CatalogVariant | null>>(
        ctx.contextToken,
        ctx.requestId,
        `query OrderLineSkus(${vars}) { ${fields} }`,
        variables,
      ),
    );
    part.forEach((sku, i) => {
      const v = data[`v${i}`];
      if (v) found.set(sku, v);
    });
  }
  return found;
}

/** What the caller's channel can reserve now and may backorder, per variant, in one entity fetch. */
async function stockByVariant(ctx: OrdersContext, variantIds: string[]): Promise<Map<string, { available: number; backorderRemaining: number }>> {
  const answers: (StockVariant | null)[] = [];
  // In parts, as the SKUs: an entity fetch is a read with a short timeout, and 5,000 at once need not fit it.
  for (let start = 0; start < variantIds.length; start += SKUS_PER_REQUEST) {
    const part = variantIds.slice(start, start + SKUS_PER_REQUEST);
    answers.push(
      ...(await guarded('stock', () =>
        ctx.deps.stock.entities<StockVariant>(ctx, 'Variant', part, 'availability { available backorder { allowed remaining } }'),
      )),
    );
  }
  const out = new Map<string, { available: number; backorderRemaining: number }>();
  variantIds.forEach((id, i) => {
    const a = answers[i]?.availability;
    // Stock answers every variant id (0 where it holds none); a null means it could not answer for it.
    if (!a) throw serviceUnavailable('stock');
    out.set(id, { available: a.available, backorderRemaining: a.backorder.allowed ? a.backorder.remaining : 0 });
  });
  return out;
}

/**
 * A typed or uploaded list checked row by row against the caller's catalogue (unknown or not sold here,
 * minimum, pack size) and stock (short, or backordered where the variant allows and the buyer accepts).
 * Reads only: nothing is written, whatever the answer.
 */
export async function checkOrderLines(ctx: OrdersContext, lines: { sku: string; quantity: number }[], acceptBackorder: boolean): Promise<LineCheck> {
  const { rows, problems } = wellFormedLines(lines);
  const catalog = await catalogBySku(ctx, [...new Set(rows.map((r) => r.sku))]);
  const variantIds = [...new Set([...catalog.values()].map((v) => v.id))];
  const stock = await stockByVariant(ctx, variantIds);
  const facts = new Map<string, SkuFacts>();
  for (const [sku, v] of catalog) {
    const s = stock.get(v.id)!;
    facts.set(sku, { variantId: v.id, packSize: v.packSize, minOrderQuantity: v.minOrderQuantity, ...s });
  }
  const checked = checkLines(rows, facts, acceptBackorder);
  return { good: checked.good, problems: [...problems, ...checked.problems].sort((a, b) => a.row - b.row) };
}
