import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { bff, type GraphQLResponse } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';

/**
 * What the sales report files (admin-reports-*.test.ts) share: the names of one file's own channels and
 * variants, its report staff, the figures' shape and the wait for the projector. Each file calls
 * `reportNames()` once, so its channels, variants, order ids and numbers are its own.
 */

/** An admin operation by name: the reports walk's claiming `run` in admin-reports-sales.test.ts, `reportCall` elsewhere. */
export type ReportCall = (name: string, variables: Record<string, unknown>, auth?: { token?: string; channel?: string }) => Promise<GraphQLResponse>;

/** Setup and behaviour outside the walk: the same operations by name through the admin BFF (the sales file claims them). */
export const reportCall: ReportCall = (name, variables, auth = {}) => bff('admin', name, variables, auth);

/**
 * Channels that exist only in the calling file (EU in EUR, XT in XTS, ISO 4217's code for tests, LATE and RAND
 * for the projector) and its three variants.
 */
export function reportNames() {
  const K = Math.random().toString(36).slice(2, 8);
  return {
    K,
    EU: `rpt-${K}-eu`,
    XT: `rpt-${K}-xt`,
    LATE: `rpt-${K}-late`,
    RAND: `rpt-${K}-rand`,
    V: { a: `var_rpt_${K}_a`, b: `var_rpt_${K}_b`, c: `var_rpt_${K}_c` },
  };
}
export type ReportNames = ReturnType<typeof reportNames>;

const STAFF = {
  // A report viewer on web-eu and every channel of the file's own.
  viewer: (n: ReportNames) => createStaff('reports-viewer', ['report-viewer'], ['web-eu', n.EU, n.XT, n.LATE, n.RAND]),
  // A report viewer of web-us only.
  narrow: () => createStaff('reports-narrow', ['report-viewer'], ['web-us']),
  admin: () => createStaff('reports-admin', ['staff-admin', 'report-viewer'], ['*']),
  // Sets FX rates and cost prices.
  fx: () => createStaff('reports-fx', ['pricing-admin'], ['*']),
};
type StaffKind = keyof typeof STAFF;

/** Signed-in staff of the file's own, one token per kind asked for. */
export async function reportStaff<K extends StaffKind>(n: ReportNames, kinds: K[]): Promise<Record<K, string>> {
  const members = await Promise.all(kinds.map((kind) => STAFF[kind](n)));
  const tokens = {} as Record<K, string>;
  for (const [i, kind] of kinds.entries()) tokens[kind] = (await staffSession(members[i]!.email)).token;
  return tokens;
}

export const eur = (amount: number) => ({ amount, currency: 'EUR' });
export const xts = (amount: number) => ({ amount, currency: 'XTS' });

/** What variants a and b cost from 2019 on (c has no cost: its lines count as uncosted). */
export async function setReportCosts(call: ReportCall, fxToken: string, V: ReportNames['V']) {
  const costs = await call(
    'SetCostPrices',
    {
      entries: [
        { variantId: V.a, amount: 500, currency: 'EUR', effectiveFrom: '2019-01-01T00:00:00Z' },
        { variantId: V.b, amount: 300, currency: 'EUR', effectiveFrom: '2019-01-01T00:00:00Z' },
      ],
    },
    { token: fxToken },
  );
  expect(costs.errors).toBeUndefined();
  expect(costs.data!.setCostPrices.map((c: any) => [c.variantId, c.cost, c.effectiveFrom])).toEqual([
    [V.a, eur(500), '2019-01-01T00:00:00.000Z'],
    [V.b, eur(300), '2019-01-01T00:00:00.000Z'],
  ]);
}

/** One row's (or the totals') figures as the report answers them, from the hand-worked sums. */
export function fig(
  m: (n: number) => { amount: number; currency: string },
  f: {
    orders: number;
    cancelled?: number;
    unconverted?: number;
    units: number;
    gross: number;
    discounts: number;
    shipping: number;
    tax: number;
    total: number;
    aov: number;
    cost?: number;
    fees?: number;
    uncosted?: number;
  },
) {
  const net = f.total - f.tax;
  return {
    orders: f.orders,
    cancelledOrders: f.cancelled ?? 0,
    unconvertedOrders: f.unconverted ?? 0,
    units: f.units,
    gross: m(f.gross),
    discounts: m(f.discounts),
    shipping: m(f.shipping),
    tax: m(f.tax),
    refunds: m(0),
    total: m(f.total),
    netRevenue: m(net),
    averageOrderValue: m(f.aov),
    costOfGoods: m(f.cost ?? 0),
    paymentFees: m(f.fees ?? 0),
    grossMargin: m(net - (f.cost ?? 0)),
    netProfit: m(net - (f.cost ?? 0) - (f.fees ?? 0)),
    uncostedLines: f.uncosted ?? 0,
  };
}

/** Asks until the projector has caught up with `ready` (it runs about once a second). */
export async function untilReport(call: ReportCall, auth: { token: string; channel: string }, input: object, ready: (r: any) => boolean) {
  let last: any;
  for (let i = 0; i < 100; i++) {
    last = await call('SalesReport', { input }, auth);
    if (!last.errors && ready(last.data.salesReport)) return last.data.salesReport;
    await sleep(150);
  }
  throw new Error(`the report never caught up: ${JSON.stringify(last)}`);
}
