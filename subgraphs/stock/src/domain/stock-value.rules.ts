import { assertMinorUnits } from '@storegraph/schema';

export interface Holding {
  variantId: string;
  units: number;
}

export interface UnitCost {
  amount: number;
  currency: string;
}

export interface StockValue {
  units: number;
  /** One total per cost currency, in currency order: amounts of different currencies are never added. */
  values: { value: { amount: number; currency: string }; units: number }[];
  unvaluedUnits: number;
  /** Variants on hand without a cost price, in variant order: counted, not valued at zero. */
  unvalued: Holding[];
}

/** Values one location's holdings at each variant's unit cost. */
export function valueHoldings(holdings: Holding[], costs: ReadonlyMap<string, UnitCost>): StockValue {
  const byCurrency = new Map<string, { amount: number; units: number }>();
  const unvalued: Holding[] = [];
  let units = 0;
  for (const h of holdings) {
    if (h.units <= 0) continue;
    units += h.units;
    const cost = costs.get(h.variantId);
    if (!cost) {
      unvalued.push(h);
      continue;
    }
    const total = byCurrency.get(cost.currency) ?? { amount: 0, units: 0 };
    total.amount += h.units * cost.amount;
    // Past 2^53 minor units a sum would silently lose units: a bug to throw, not a figure to report.
    assertMinorUnits(total.amount);
    total.units += h.units;
    byCurrency.set(cost.currency, total);
  }
  const values = [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, t]) => ({ value: { amount: t.amount, currency }, units: t.units }));
  unvalued.sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
  return { units, values, unvaluedUnits: unvalued.reduce((n, h) => n + h.units, 0), unvalued };
}
