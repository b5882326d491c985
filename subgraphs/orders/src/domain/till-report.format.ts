import { formatMinor } from './till-receipt.format.ts';

export interface TillReportData {
  kind: 'X' | 'Z';
  sessionId: string;
  tillId: string;
  locationId: string;
  currency: string;
  openedAt: string;
  closedAt: string | null;
  takenAt: string;
  salesCount: number;
  grossSales: number;
  tax: number;
  discounts: number;
  manualDiscounts: number;
  byTender: { method: string; count: number; amount: number }[];
  /** Till returns paid back, by tender (none: no lines printed). */
  refundsByTender?: { method: string; count: number; amount: number }[];
  openingFloat: number;
  cashExpected: number;
  cashCounted: number | null;
  cashDifference: number | null;
}

const WIDTH = 40;
const row = (left: string, right: string) => `${left.slice(0, WIDTH - right.length - 1).padEnd(WIDTH - right.length)}${right}`;

/** The printable X or Z report: 40 columns, the structured report's figures only (nothing recomputed here). */
export function tillReportText(r: TillReportData): string {
  const m = (a: number) => formatMinor(a, r.currency);
  const out = [
    `${r.kind} REPORT${r.kind === 'Z' ? ' (session closed)' : ''}`,
    `Till ${r.tillId}`,
    `Session ${r.sessionId}`,
    `${r.openedAt.slice(0, 19).replace('T', ' ')} - ${(r.closedAt ?? r.takenAt).slice(0, 19).replace('T', ' ')} UTC`,
    '-'.repeat(WIDTH),
    row(`Sales (${r.salesCount})`, m(r.grossSales)),
    row('  incl. tax', m(r.tax)),
    row('Discounts', `-${m(r.discounts)}`),
    row('  of it by hand', `-${m(r.manualDiscounts)}`),
  ];
  for (const t of r.byTender) out.push(row(`${t.method} (${t.count})`, m(t.amount)));
  for (const t of r.refundsByTender ?? []) if (t.count > 0) out.push(row(`Refund ${t.method} (${t.count})`, `-${m(t.amount)}`));
  out.push('-'.repeat(WIDTH), row('Opening float', m(r.openingFloat)), row('Cash expected', m(r.cashExpected)));
  if (r.cashCounted != null) out.push(row('Cash counted', m(r.cashCounted)), row('Difference', m(r.cashDifference ?? 0)));
  return `${out.join('\n')}\n`;
}
