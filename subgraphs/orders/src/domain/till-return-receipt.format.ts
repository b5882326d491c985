import { formatMinor } from './till-receipt.format.ts';

export interface ReturnReceiptData {
  returnNumber: string;
  /** null: a return without a receipt. */
  receiptNumber: string | null;
  channel: string;
  locationId: string;
  tillId: string;
  returnedAt: string;
  currency: string;
  lines: { sku: string; quantity: number; amount: number }[];
  total: number;
  refunds: { method: string; amount: number }[];
}

const WIDTH = 40;
const row = (left: string, right: string) => {
  const room = Math.max(1, WIDTH - right.length);
  return `${left.slice(0, room - 1).padEnd(room)}${right}`;
};

/** The printable return receipt: 40 columns, the structured figures only (nothing recomputed here). */
export function returnReceiptText(r: ReturnReceiptData): string {
  const m = (a: number) => formatMinor(a, r.currency);
  const out = [
    `Return ${r.returnNumber}`,
    r.receiptNumber ? `of receipt ${r.receiptNumber}` : 'without a receipt',
    `${r.channel} ${r.locationId}`,
    `${r.returnedAt.slice(0, 19).replace('T', ' ')} UTC`,
    `Till ${r.tillId}`,
    '-'.repeat(WIDTH),
  ];
  for (const l of r.lines) out.push(row(`${l.quantity} x ${l.sku}`, `-${m(l.amount)}`));
  out.push('-'.repeat(WIDTH));
  out.push(row(`REFUND ${r.currency}`, m(r.total)));
  for (const t of r.refunds) out.push(row(`  ${t.method}`, m(t.amount)));
  return `${out.join('\n')}\n`;
}
