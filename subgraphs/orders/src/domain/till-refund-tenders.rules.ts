/**
 * Which of a till sale's tenders a return pays back, pure and integer-only. Card tenders first, in the sale's
 * order, each up to what it charged less what earlier returns put back on it (a card refund goes to the card that
 * paid, traceably); the rest in cash out of the drawer, up to the cash the sale left in it (tendered minus change)
 * less earlier cash refunds. Store credit a sale was paid with goes back onto that credit (after the cards, before
 * cash: credit must not turn into cash). Nothing is refunded to a tender beyond what it paid.
 */
export interface SaleTender {
  method: 'CASH' | 'CARD' | 'STORE_CREDIT';
  amount: number;
  providerRef?: string | null;
}

export interface RefundSplit {
  method: 'CASH' | 'CARD' | 'STORE_CREDIT';
  amount: number;
  providerRef: string | null;
}

export function splitRefund(
  amount: number,
  sale: { tenders: readonly SaleTender[]; cashTaken: number },
  before: readonly { method: string; amount: number; providerRef?: string | null }[],
): RefundSplit[] {
  let left = amount;
  const out: RefundSplit[] = [];
  for (const method of ['CARD', 'STORE_CREDIT'] as const)
    for (const t of sale.tenders) {
      if (t.method !== method || !t.providerRef || left === 0) continue;
      const used = before.filter((b) => b.method === method && b.providerRef === t.providerRef).reduce((s, b) => s + b.amount, 0);
      const take = Math.min(left, Math.max(0, t.amount - used));
      if (take > 0) out.push({ method, amount: take, providerRef: t.providerRef });
      left -= take;
    }
  if (left > 0) {
    const cashBefore = before.filter((b) => b.method === 'CASH').reduce((s, b) => s + b.amount, 0);
    const take = Math.min(left, Math.max(0, sale.cashTaken - cashBefore));
    if (take > 0) out.push({ method: 'CASH', amount: take, providerRef: null });
    left -= take;
  }
  // The refund calculator never refunds past what the sale took; reaching here with money left is a bug.
  if (left > 0) throw new RangeError(`${left} of a ${amount} refund has no tender to go back to`);
  return out;
}
