import { describe, expect, it } from 'vitest';
import { defaultPriceSelection } from './default-price-selection.strategy.ts';
import type { PriceCandidate } from './price-selection.strategy.ts';

const now = new Date('2025-06-01T12:00:00Z');
let seq = 0;
function entry(p: Partial<PriceCandidate>): PriceCandidate {
  seq += 1;
  return {
    entryId: seq,
    variantId: 'var_1',
    bookId: `bk_${seq}`,
    bookName: `book ${seq}`,
    level: 'BASE',
    currency: 'EUR',
    taxIncluded: true,
    amount: 1000,
    compareAt: null,
    minQuantity: 1,
    validFrom: null,
    validTo: null,
    ...p,
  };
}

describe('price resolution order', () => {
  it('prefers company over group over channel over base', () => {
    const base = entry({ level: 'BASE', amount: 1000 });
    const channel = entry({ level: 'CHANNEL', amount: 900 });
    const group = entry({ level: 'GROUP', amount: 950 });
    const company = entry({ level: 'COMPANY', amount: 990 });
    const s = defaultPriceSelection.select([base, channel, group, company], 1, now);
    expect(s).toMatchObject({ kind: 'selected', winner: company, list: base });
  });

  it('takes the highest tier the quantity reaches within the winning level', () => {
    const one = entry({ level: 'COMPANY', amount: 750 });
    const ten = entry({ level: 'COMPANY', amount: 700, minQuantity: 10 });
    expect(defaultPriceSelection.select([one, ten], 9, now)).toMatchObject({ winner: one });
    expect(defaultPriceSelection.select([one, ten], 10, now)).toMatchObject({ winner: ten });
  });

  it('lets a dated entry beat the evergreen one and ignores entries outside their window', () => {
    const evergreen = entry({ level: 'CHANNEL', amount: 1000 });
    const sale = entry({ level: 'CHANNEL', amount: 800, validFrom: new Date('2025-05-01Z'), validTo: new Date('2025-07-01Z') });
    const expired = entry({ level: 'COMPANY', amount: 1, validTo: new Date('2025-05-01Z') });
    const future = entry({ level: 'COMPANY', amount: 2, validFrom: new Date('2025-07-01Z') });
    expect(defaultPriceSelection.select([evergreen, sale, expired, future], 1, now)).toMatchObject({ winner: sale });
    const verdicts = defaultPriceSelection.explain([evergreen, sale, expired, future], 1, now).map((v) => v.status);
    expect(verdicts).toEqual(['OLDER_WINDOW', 'WINNER', 'EXPIRED', 'NOT_YET_VALID']);
  });

  it('reports equal candidates as ambiguous instead of picking one', () => {
    const a = entry({ level: 'GROUP', amount: 900 });
    const b = entry({ level: 'GROUP', amount: 800 });
    const s = defaultPriceSelection.select([a, b], 1, now);
    expect(s.kind).toBe('ambiguous');
    expect(defaultPriceSelection.explain([a, b], 1, now).map((v) => v.status)).toEqual(['AMBIGUOUS', 'AMBIGUOUS']);
  });
});
