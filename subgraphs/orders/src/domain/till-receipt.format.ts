import { minorDigits } from '@storegraph/schema';

export interface ReceiptData {
  receiptNumber: string;
  channel: string;
  locationId: string;
  tillId: string;
  cashierId: string;
  soldAt: string;
  currency: string;
  taxIncluded: boolean;
  lines: { sku: string; quantity: number; unitPrice: number; discount: number; lineTotal: number }[];
  subtotal: number;
  discountTotal: number;
  tax: number;
  total: number;
  tenders: { method: string; amount: number }[];
  change: number;
  /** Taken off by hand at the till (part of discountTotal) and, above the threshold, who approved it. */
  manualDiscount?: number;
  approvedBy?: string | null;
}

const WIDTH = 40;

/** 4760 EUR -> "47.60"; 500 JPY -> "500"; 1234 KWD -> "1.234". The one place a receipt turns minor units into text. */
export function formatMinor(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (digits === 0) return `${sign}${abs}`;
  const scale = 10 ** digits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}

const row = (left: string, right: string) => {
  const room = Math.max(1, WIDTH - right.length);
  return `${left.slice(0, room - 1).padEnd(room)}${right}`;
};

/** The printable receipt: 40 columns, the structured receipt's figures only (nothing recomputed here). */
export function receiptText(r: ReceiptData): string {
  const m = (a: number) => formatMinor(a, r.currency);
  const out = [
    `Receipt ${r.receiptNumber}`,
    `${r.channel} ${r.locationId}`,
    `${r.soldAt.slice(0, 19).replace('T', ' ')} UTC`,
    `Till ${r.tillId}`,
    '-'.repeat(WIDTH),
  ];
  for (const l of r.lines) {
    out.push(row(l.sku, m(l.lineTotal)));
    out.push(`  ${l.quantity} x ${m(l.unitPrice)}${l.discount ? `  -${m(l.discount)}` : ''}`);
  }
  out.push('-'.repeat(WIDTH));
  if (r.discountTotal) out.push(row('Discount', `-${m(r.discountTotal)}`));
  if (r.manualDiscount) out.push(row('  of it by hand', `-${m(r.manualDiscount)}`));
  if (r.approvedBy) out.push(`  approved by ${r.approvedBy}`.slice(0, WIDTH));
  out.push(row(`TOTAL ${r.currency}`, m(r.total)));
  out.push(row(r.taxIncluded ? 'incl. tax' : 'tax', m(r.tax)));
  for (const t of r.tenders) out.push(row(t.method, m(t.amount)));
  out.push(row('CHANGE', m(r.change)));
  return `${out.join('\n')}\n`;
}
