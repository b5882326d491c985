/** How a till sale is paid: cash (change given from it) and card (through the payment terminal), split as the customer likes. */
export type TenderMethod = 'CASH' | 'CARD';

export interface Tender {
  method: TenderMethod;
  amount: number;
}

export type TenderCheck =
  | { ok: true; cashTaken: number; cardTaken: number; change: number }
  | { ok: false; reason: 'SHORT' | 'CARD_OVER_TOTAL' | 'CHANGE_WITHOUT_CASH'; message: string };

/**
 * Tenders against a total (minor units): together they must cover it; a card is charged no more than the total
 * left after the other cards (a terminal never pays change); the change comes out of the cash handed over, so it
 * can never exceed it. The drawer keeps cash tendered minus change.
 */
export function checkTenders(total: number, tenders: Tender[]): TenderCheck {
  const cash = tenders.filter((t) => t.method === 'CASH').reduce((s, t) => s + t.amount, 0);
  const card = tenders.filter((t) => t.method === 'CARD').reduce((s, t) => s + t.amount, 0);
  if (card > total) return { ok: false, reason: 'CARD_OVER_TOTAL', message: 'card tenders cannot exceed the total: a terminal pays no change' };
  if (cash + card < total) return { ok: false, reason: 'SHORT', message: `the tenders leave ${total - cash - card} minor units unpaid` };
  const change = cash + card - total;
  if (change > cash) return { ok: false, reason: 'CHANGE_WITHOUT_CASH', message: 'change is given from cash only' };
  return { ok: true, cashTaken: cash - change, cardTaken: card, change };
}
