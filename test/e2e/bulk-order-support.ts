/** The B2B operations test/e2e/b2b-bulk-order.test.ts runs by name (the allow-list walk leaves them to it). */
export const BULK_ORDER_OPS = ['CheckBulkOrder', 'AddBulkOrderToCart'];

/** A bulk order file as a spreadsheet exports it: a header, then one `sku,quantity` row per line. */
export function bulkCsv(rows: (readonly [string, number | string])[], header = 'sku,quantity'): string {
  return `${header}\r\n${rows.map(([sku, q]) => `${sku},${q}`).join('\r\n')}\r\n`;
}
