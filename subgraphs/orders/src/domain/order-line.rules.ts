/**
 * Line-by-line checks of a typed or uploaded trade order (quick order, CSV bulk order). Pure: the caller
 * brings what the catalogue and stock said about each SKU; nothing here does I/O.
 */

export const ORDER_LINE_MAX_QUANTITY = 10_000;

export type OrderLineProblemCode = 'UNKNOWN_SKU' | 'INVALID_QUANTITY' | 'BELOW_MINIMUM' | 'NOT_PACK_MULTIPLE' | 'SHORT_STOCK';

export interface OrderLineProblem {
  /** 1-based position in the list the buyer sent (a line typed in, a CSV data row). */
  row: number;
  sku: string;
  code: OrderLineProblemCode;
  message: string;
}

/** What the catalogue and stock said about one SKU, as the caller's channel sees it. */
export interface SkuFacts {
  variantId: string;
  packSize: number;
  minOrderQuantity: number;
  /** Units the channel can reserve now. */
  available: number;
  /** Units that may still go on backorder (0 where the variant takes none). */
  backorderRemaining: number;
}

export interface CheckedLine {
  row: number;
  sku: string;
  variantId: string;
  quantity: number;
  /** Units of this row beyond stock, to be backordered (0 when stock covers it). */
  backordered: number;
}

export interface LineCheck {
  good: CheckedLine[];
  problems: OrderLineProblem[];
}

/** The catalogue's SKU syntax: anything else cannot be a SKU, so it is answered without asking products. */
export const SKU_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

const unknown = (row: number, sku: string): OrderLineProblem => ({ row, sku, code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' });

/** Rows whose SKU or quantity cannot be right whatever the catalogue says; the rest, trimmed, to look up. */
export function wellFormedLines(lines: { sku: string; quantity: number }[]): {
  rows: { row: number; sku: string; quantity: number }[];
  problems: OrderLineProblem[];
} {
  const rows: { row: number; sku: string; quantity: number }[] = [];
  const problems: OrderLineProblem[] = [];
  lines.forEach((l, i) => {
    const row = i + 1;
    const sku = l.sku.trim();
    if (!SKU_SYNTAX.test(sku)) problems.push(unknown(row, l.sku));
    else if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > ORDER_LINE_MAX_QUANTITY)
      problems.push({ row, sku, code: 'INVALID_QUANTITY', message: `quantity must be from 1 to ${ORDER_LINE_MAX_QUANTITY}` });
    else rows.push({ row, sku, quantity: l.quantity });
  });
  return { rows, problems };
}

/**
 * Each row against its SKU's facts, in row order. Pack size and minimum apply to each row as typed (a row is
 * what the buyer means to order). Stock applies to the running total per variant: the row that takes the
 * total past what is in stock is backordered for the excess when the variant takes backorders (and the buyer
 * accepts them), and refused as SHORT_STOCK when even backorder cannot cover it; rows after it are checked
 * against what is left. The same variant's rows together stay within a line's 10,000 units.
 */
export function checkLines(rows: { row: number; sku: string; quantity: number }[], facts: ReadonlyMap<string, SkuFacts>, acceptBackorder: boolean): LineCheck {
  const good: CheckedLine[] = [];
  const problems: OrderLineProblem[] = [];
  const taken = new Map<string, number>();
  for (const r of rows) {
    const f = facts.get(r.sku);
    if (!f) {
      problems.push(unknown(r.row, r.sku));
      continue;
    }
    if (r.quantity < f.minOrderQuantity) {
      problems.push({ row: r.row, sku: r.sku, code: 'BELOW_MINIMUM', message: `at least ${f.minOrderQuantity} units a line` });
      continue;
    }
    if (r.quantity % f.packSize !== 0) {
      problems.push({ row: r.row, sku: r.sku, code: 'NOT_PACK_MULTIPLE', message: `sold in packs of ${f.packSize}` });
      continue;
    }
    const before = taken.get(f.variantId) ?? 0;
    const after = before + r.quantity;
    if (after > ORDER_LINE_MAX_QUANTITY) {
      problems.push({ row: r.row, sku: r.sku, code: 'INVALID_QUANTITY', message: `this SKU's rows add up to more than ${ORDER_LINE_MAX_QUANTITY}` });
      continue;
    }
    const room = f.available + (acceptBackorder ? f.backorderRemaining : 0);
    if (after > room) {
      const left = Math.max(0, room - before);
      problems.push({ row: r.row, sku: r.sku, code: 'SHORT_STOCK', message: `only ${left} more can be ordered now` });
      continue;
    }
    taken.set(f.variantId, after);
    // Units of this row beyond stock: those past the larger of stock and what earlier rows already took.
    const backordered = Math.max(0, after - Math.max(f.available, before));
    good.push({ row: r.row, sku: r.sku, variantId: f.variantId, quantity: r.quantity, backordered });
  }
  return { good, problems };
}

/** Good rows merged by variant (the same SKU twice is one cart line), in first-seen order. */
export function mergeByVariant(good: CheckedLine[]): { variantId: string; quantity: number }[] {
  const merged = new Map<string, number>();
  for (const l of good) merged.set(l.variantId, (merged.get(l.variantId) ?? 0) + l.quantity);
  return [...merged].map(([variantId, quantity]) => ({ variantId, quantity }));
}
