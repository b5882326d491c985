import type { tillReturns } from '../db/tables.ts';
import { returnReceiptText } from '../domain/till-return-receipt.format.ts';

export type TillReturnRow = typeof tillReturns.$inferSelect;

/** The receipt of a till return: structured figures plus the printable text, read back from its row. */
export function returnReceiptOf(row: TillReturnRow, currency: string) {
  const money = (amount: number) => ({ amount, currency });
  const receiptNumber = row.number.replace(/-R\d+$/, '');
  const returnedAt = row.returnedAt.toISOString();
  return {
    __typename: 'TillReturnReceipt' as const,
    returnNumber: row.number,
    receiptNumber,
    orderId: row.orderId,
    clientId: row.clientId,
    tillId: row.tillId,
    locationId: row.locationId,
    cashierId: row.cashierId,
    returnedAt,
    lines: row.lines.map((l) => ({ lineNo: l.lineNo, variantId: l.variantId, sku: l.sku, quantity: l.quantity, refund: money(l.amount) })),
    total: money(row.total),
    refunds: row.refunds.map((r) => ({ method: r.method, amount: money(r.amount) })),
    restocked: row.stockStatus === 'RESTOCKED',
    text: returnReceiptText({
      returnNumber: row.number,
      receiptNumber,
      channel: row.channel,
      locationId: row.locationId,
      tillId: row.tillId,
      returnedAt,
      currency,
      lines: row.lines,
      total: row.total,
      refunds: row.refunds,
    }),
  };
}
