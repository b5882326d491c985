import { appError } from '@storegraph/schema';
import { DependencyUnavailableError, serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { addCartLines, findCart } from './cart.service.ts';
import { badInput, CART_LIMITS } from './cart-input.validation.ts';

export interface QuickOrderLine {
  sku: string;
  quantity: number;
}

export interface QuickOrderProblem {
  /** 1-based position in the list the buyer sent (a spreadsheet row, a line typed in). */
  row: number;
  sku: string;
  code: 'UNKNOWN_SKU' | 'INVALID_QUANTITY';
  message: string;
}

/** The catalogue's SKU syntax: anything else cannot be a SKU, so it is answered without asking products. */
const SKU = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/**
 * The variant behind each SKU as the caller's channel shows it, in ONE request to products (aliased
 * variantBySku fields of one document): unknown and not sold here both answer null, so a buyer learns
 * nothing about another channel's catalogue.
 */
async function variantsBySku(ctx: OrdersContext, skus: string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const vars = skus.map((_, i) => `$s${i}: String!`).join(', ');
  const fields = skus.map((_, i) => `v${i}: variantBySku(sku: $s${i}) { id }`).join(' ');
  const variables = Object.fromEntries(skus.map((s, i) => [`s${i}`, s]));
  let data: Record<string, { id: string } | null>;
  try {
    data = await ctx.deps.products.execute(ctx.contextToken, ctx.requestId, `query QuickOrderSkus(${vars}) { ${fields} }`, variables);
  } catch (err) {
    if (err instanceof DependencyUnavailableError) throw serviceUnavailable('products');
    throw err;
  }
  const found = new Map<string, string>();
  skus.forEach((sku, i) => {
    const v = data[`v${i}`];
    if (v) found.set(sku, v.id);
  });
  return found;
}

/**
 * Quick order: a list of SKU + quantity becomes cart lines. Each line is checked on its own (a SKU the
 * channel does not sell, a quantity outside 1 to 10,000) and reported by its row; the good lines are added
 * in one cart change (the same SKU twice adds up, as addCartLines merges by variant). Nothing is added
 * when no line is good. A list longer than a cart may hold is refused whole (BAD_USER_INPUT).
 */
export async function addCartLinesBySku(ctx: OrdersContext, cartId: string, lines: QuickOrderLine[], expectedVersion?: number | null) {
  if (lines.length === 0 || lines.length > CART_LIMITS.maxLines) badInput('INVALID_LINES', `1 to ${CART_LIMITS.maxLines} lines`, 'lines');
  const problems: QuickOrderProblem[] = [];
  const wellFormed = lines.map((l, i) => {
    const sku = l.sku.trim();
    if (!SKU.test(sku)) {
      problems.push({ row: i + 1, sku: l.sku, code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' });
      return null;
    }
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > CART_LIMITS.maxQuantity) {
      problems.push({ row: i + 1, sku, code: 'INVALID_QUANTITY', message: `quantity must be from 1 to ${CART_LIMITS.maxQuantity}` });
      return null;
    }
    return { row: i + 1, sku, quantity: l.quantity };
  });
  const candidates = wellFormed.filter((l) => l !== null);
  const variants = await variantsBySku(ctx, [...new Set(candidates.map((l) => l.sku))]);
  const good: { variantId: string; quantity: number }[] = [];
  for (const l of candidates) {
    const variantId = variants.get(l.sku);
    if (variantId) good.push({ variantId, quantity: l.quantity });
    else problems.push({ row: l.row, sku: l.sku, code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' });
  }
  problems.sort((a, b) => a.row - b.row);
  if (good.length === 0) {
    const cart = await findCart(ctx, cartId);
    if (!cart) throw appError('NOT_FOUND', `no cart ${cartId}`, { argument: 'cartId' });
    return { cart, added: 0, problems };
  }
  const cart = await addCartLines(ctx, cartId, good, expectedVersion);
  return { cart, added: good.length, problems };
}
