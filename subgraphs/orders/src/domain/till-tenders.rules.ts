/**
 * How a till sale is paid: cash (change given from it), card (through the payment terminal) and store credit (a
 * code's balance), split as the customer likes.
 */
export type TenderMethod = 'CASH' | 'CARD' | 'STORE_CREDIT';

export interface Tender {
  method: TenderMethod;
  amount: number;
}

export type TenderCheck =
  | { ok: true; cashTaken: number; cardTaken: number; creditTaken: number; change: number }
  | { ok: false; reason: 'SHORT' | 'CARD_OVER_TOTAL' | 'CHANGE_WITHOUT_CASH'; message: string };

/**
 * Tenders against a total (minor units): together they must cover it; a card is charged no more than the total
 * left after the other cards (a terminal never pays change), and store credit likewise (change in cash for credit
 * would turn credit into cash); the change comes out of the cash handed over, so it can never exceed it. The
 * drawer keeps cash tendered minus change.
 */
export function checkTenders(total: number, tenders: Tender[]): TenderCheck {
  const cash = tenders.filter((t) => t.method === 'CASH').reduce((s, t) => s + t.amount, 0);
  const card = tenders.filter((t) => t.method === 'CARD').reduce((s, t) => s + t.amount, 0);
  const credit = tenders.filter((t) => t.method === 'STORE_CREDIT').reduce((s, t) => s + t.amount, 0);
  if (card + credit > total)
    return { ok: false, reason: 'CARD_OVER_TOTAL', message: 'card and store-credit tenders cannot exceed the total: neither pays change' };
  if (cash + card + credit < total) return { ok: false, reason: 'SHORT', message: `the tenders leave ${total - cash - card - credit} minor units unpaid` };
  const change = cash + card + credit - total;
  if (change > cash) return { ok: false, reason: 'CHANGE_WITHOUT_CASH', message: 'change is given from cash only' };
  return { ok: true, cashTaken: cash - change, cardTaken: card, creditTaken: credit, change };
}
