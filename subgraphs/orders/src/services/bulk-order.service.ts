import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { BulkCsvRefused, parseBulkCsv, type BulkCsvProblem } from '../domain/bulk-order-csv.parser.ts';
import { mergeByVariant } from '../domain/order-line.rules.ts';
import { findCart, putCartLines } from './cart.service.ts';
import { checkOrderLines } from './order-line-check.service.ts';
import { backordersAccepted } from './purchase-order.service.ts';

export interface BulkOrderCheck {
  /** Data rows in the file. */
  rows: number;
  /** Cart lines the good rows make (rows of one SKU are one line). */
  lines: number;
  units: number;
  backorderedUnits: number;
  problems: BulkCsvProblem[];
}

/**
 * Every row of the file checked as quick order checks a line (catalogue, minimum, pack size, stock), plus
 * the file's own faults (a row without a SKU or quantity, broken quoting). Reads only.
 */
async function check(ctx: OrdersContext, csv: string, acceptBackorder: boolean) {
  const { channelKind, companyId, customerId } = ctx.channel;
  if (channelKind !== 'B2B' || !companyId || !customerId) throw appError('FORBIDDEN', 'bulk orders are for trade buyers of a company');
  let parsed: Awaited<ReturnType<typeof parseBulkCsv>>;
  try {
    parsed = await parseBulkCsv(csv);
  } catch (err) {
    if (err instanceof BulkCsvRefused) throw appError('BAD_USER_INPUT', err.message, { reason: err.reason, argument: 'csv' });
    throw err;
  }
  const checked = await checkOrderLines(ctx, parsed.lines, await backordersAccepted(ctx, acceptBackorder));
  // checkOrderLines numbers the lines it was given from 1; the file's own row numbers are what the buyer sees.
  const fileRow = (i: number) => parsed.lines[i - 1]!.row;
  const problems = [...parsed.problems, ...checked.problems.map((p) => ({ ...p, row: fileRow(p.row) }))].sort((a, b) => a.row - b.row);
  const merged = mergeByVariant(checked.good);
  const report: BulkOrderCheck = {
    rows: parsed.rows,
    lines: merged.length,
    units: checked.good.reduce((n, l) => n + l.quantity, 0),
    backorderedUnits: checked.good.reduce((n, l) => n + l.backordered, 0),
    problems,
  };
  return { report, merged };
}

/** The row report alone: nothing is written, so a buyer may check a file as often as they like. */
export async function checkBulkOrder(ctx: OrdersContext, csv: string, acceptBackorder: boolean): Promise<BulkOrderCheck> {
  return (await check(ctx, csv, acceptBackorder)).report;
}

/**
 * The whole file into a cart of the caller's, or nothing: with any bad row (or none good) the report comes
 * back and the cart is untouched; otherwise every line goes in in one cart change, which the buyer then
 * orders through the usual checkout (placeOrder with its idempotency key). The file is checked again here,
 * as stock may have moved since the buyer's check.
 */
export async function addBulkOrderToCart(
  ctx: OrdersContext,
  cartId: string,
  csv: string,
  expectedVersion: number | null | undefined,
  acceptBackorder: boolean,
) {
  const { report, merged } = await check(ctx, csv, acceptBackorder);
  if (report.problems.length > 0 || merged.length === 0) {
    const cart = await findCart(ctx, cartId);
    if (cart?.status !== 'ACTIVE') throw appError('NOT_FOUND', `no cart ${cartId}`, { argument: 'cartId' });
    return { check: report, cart: null };
  }
  const cart = await putCartLines(ctx, cartId, new Map(merged.map((l) => [l.variantId, l.quantity])), expectedVersion);
  return { check: report, cart };
}
