import { describe, expect, it } from 'vitest';
import { tillReportText } from './till-report.format.ts';

describe('tillReportText', () => {
  it('prints an X report without a count, a Z report with the count and the difference, in 40 columns', () => {
    const base = {
      sessionId: 'tss_1',
      tillId: 'till_1',
      locationId: 'loc_berlin_shop',
      currency: 'EUR',
      openedAt: '2026-11-30T08:00:00.000Z',
      closedAt: null,
      takenAt: '2026-11-30T12:00:00.000Z',
      salesCount: 2,
      grossSales: 7140,
      tax: 1140,
      discounts: 0,
      manualDiscounts: 0,
      byTender: [
        { method: 'CASH', count: 1, amount: 4760 },
        { method: 'CARD', count: 1, amount: 2380 },
      ],
      openingFloat: 10000,
      cashExpected: 14760,
      cashCounted: null,
      cashDifference: null,
    };
    const x = tillReportText({ ...base, kind: 'X' });
    expect(x.split('\n')).toEqual([
      'X REPORT',
      'Till till_1',
      'Session tss_1',
      '2026-11-30 08:00:00 - 2026-11-30 12:00:00 UTC',
      '-'.repeat(40),
      'Sales (2)                          71.40',
      '  incl. tax                        11.40',
      'Discounts                          -0.00',
      '  of it by hand                    -0.00',
      'CASH (1)                           47.60',
      'CARD (1)                           23.80',
      '-'.repeat(40),
      'Opening float                     100.00',
      'Cash expected                     147.60',
      '',
    ]);
    const z = tillReportText({ ...base, kind: 'Z', closedAt: '2026-11-30T18:00:00.000Z', cashCounted: 14750, cashDifference: -10 });
    expect(z).toMatch(/^Z REPORT \(session closed\)\n/);
    expect(z).toContain('\n2026-11-30 08:00:00 - 2026-11-30 18:00:00 UTC\n');
    expect(z.endsWith('Cash counted                      147.50\nDifference                         -0.10\n')).toBe(true);
  });
});
