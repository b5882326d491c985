import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, priceVariant, receive } from './stock-support.ts';

/**
 * X and Z reports of a till session (issue #15, end of day): sales, tax and discounts, takings by tender and the
 * drawer's cash expected against the count; X is read mid-session through TillXReport, Z comes with
 * CloseTillSession, which ends the session.
 */

const eur = (amount: number) => ({ amount, currency: 'EUR' });
// 23.80 EUR gross each, 19 % VAT in it.
const UNIT = 2380;
const ran = new Set<string>();
let token = '';

const pos = (name: string, variables: Record<string, unknown>) => {
  ran.add(name);
  return bff('pos', name, variables, { token });
};

beforeAll(async () => {
  const admin = await createStaff('pos-report-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '5566');
  const till = await registerTill(staffToken, BERLIN);
  token = await tillToken(till, cashier.staffCode, cashier.pin);
});

afterAll(() => {
  expect(POS_WALKS.reports.filter((n) => !ran.has(n))).toEqual([]);
});

describe('the X and Z reports of a till session', () => {
  it('adds up three sales by tender mid-session (X), then closes with the count and the difference (Z)', async () => {
    const created = await createTestProduct({ channels: ['pos-berlin'], name: 'Report product' });
    const variantId = created.variants[0]!.id as string;
    await priceVariant(variantId, { eur: UNIT, usd: 2599 });
    await receive(variantId, BERLIN, 10);
    const opened = data(await pos('OpenTillSession', { openingFloat: 10000 })).openTillSession;
    expect(opened.__typename).toBe('TillSession');

    const sell = async (input: Record<string, unknown>) => {
      const r = data(await pos('TillSale', { input: { idempotencyKey: key('rep'), ...input } })).tillSale;
      expect(r.__typename, JSON.stringify(r)).toBe('Receipt');
    };
    // A: 2 x 23.80 = 47.60 less 1.00 by hand = 46.60 (VAT 46.60 x 19 / 119 = 7.44), 50.00 cash, 3.40 change.
    await sell({ lines: [{ variantId, quantity: 2, discount: { amount: 100 } }], expectedTotal: eur(4660), tenders: [{ method: 'CASH', amount: 5000 }] });
    // B: 23.80 (VAT 3.80) by card.
    await sell({ lines: [{ variantId, quantity: 1 }], expectedTotal: eur(UNIT), tenders: [{ method: 'CARD', amount: UNIT, cardToken: 'tok_visa' }] });
    // C: 23.80 split: 10.00 card, 20.00 cash, 6.20 change: 13.80 cash kept.
    await sell({
      lines: [{ variantId, quantity: 1 }],
      expectedTotal: eur(UNIT),
      tenders: [
        { method: 'CARD', amount: 1000, cardToken: 'tok_visa' },
        { method: 'CASH', amount: 2000 },
      ],
    });

    const x = data(await pos('TillXReport', {})).currentTillSession;
    expect(x.id).toBe(opened.id);
    // Sales 46.60 + 23.80 + 23.80 = 94.20; VAT 7.44 + 3.80 + 3.80 = 15.04; cash 46.60 + 13.80 = 60.40 (A, C);
    // card 23.80 + 10.00 = 33.80 (B, C); expected in the drawer 100.00 + 60.40 = 160.40.
    const figures = {
      sessionId: opened.id,
      salesCount: 3,
      grossSales: eur(9420),
      tax: eur(1504),
      discounts: eur(100),
      manualDiscounts: eur(100),
      salesByTender: [
        { method: 'CASH', count: 2, amount: eur(6040) },
        { method: 'CARD', count: 2, amount: eur(3380) },
      ],
      // No returns in this session: nothing paid back by either tender.
      refundsByTender: [
        { method: 'CASH', count: 0, amount: eur(0) },
        { method: 'CARD', count: 0, amount: eur(0) },
      ],
      openingFloat: eur(10000),
      cashExpected: eur(16040),
    };
    expect(x.report).toEqual({ ...figures, kind: 'X', takenAt: x.report.takenAt, cashCounted: null, cashDifference: null, text: x.report.text });
    expect(x.report.text).toContain('\nSales (3)                          94.20\n');
    expect(x.report.text).toContain('\nCash expected                     160.40\n');

    // Counted 160.00: 0.40 short.
    const closed = data(await pos('CloseTillSession', { countedCash: 16000 })).closeTillSession;
    expect(closed).toMatchObject({ id: opened.id, status: 'CLOSED' });
    expect(closed.report).toEqual({
      ...figures,
      kind: 'Z',
      takenAt: closed.report.takenAt,
      cashCounted: eur(16000),
      cashDifference: eur(-40),
      text: closed.report.text,
    });
    expect(closed.report.text).toMatch(/^Z REPORT \(session closed\)\n/);
    expect(closed.report.text).toContain('\nDifference                         -0.40\n');
    // The session is over: no X report until a new one opens.
    expect(data(await pos('TillXReport', {})).currentTillSession).toBeNull();
  });
});
