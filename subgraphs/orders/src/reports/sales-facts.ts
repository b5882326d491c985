import { convertMinor } from '@storegraph/schema';
import type { OrdersDeps } from '../context.ts';
import { costsAt, ratesAt } from './report-rates.client.ts';

export type FactDeps = Pick<OrdersDeps, 'prices' | 'contextSecret' | 'reportingCurrency' | 'paymentFeesBp'>;

export interface OrderRow extends Record<string, unknown> {
  id: string;
  channel: string;
  currency: string;
  placed_at: Date | string;
  status: string;
  version: number;
  payment_provider: string | null;
  subtotal: string;
  discount_total: string;
  shipping_total: string;
  tax_total: string;
  total: string;
}

export interface LineRow extends Record<string, unknown> {
  order_id: string;
  line_no: number;
  variant_id: string;
  sku: string;
  quantity: number;
  line_total: string;
}

const placedAt = (o: OrderRow) => new Date(o.placed_at);

/**
 * The facts of orders as they are now: every amount in the order's currency and, at the rate in force when
 * it was placed, in the reporting currency; the cost of goods at each variant's cost price of that day
 * (converted from the cost's currency at that day's rates); the payment provider's fee. Two calls to prices
 * for the whole batch: the cost prices, then every rate at once.
 */
export async function factsOf(found: OrderRow[], lines: LineRow[], deps: FactDeps) {
  const to = deps.reportingCurrency;
  const orderOf = new Map(found.map((o) => [o.id, o]));
  const ours = lines.filter((l) => orderOf.has(l.order_id));
  const costs = await costsAt(
    deps.prices,
    deps.contextSecret,
    ours.map((l) => ({ variantId: l.variant_id, at: placedAt(orderOf.get(l.order_id)!) })),
  );
  // Rates asked: each order's currency to the reporting one, then each costed line's cost currency to the
  // order's currency and to the reporting one.
  const costed = ours.map((l, i) => ({ line: l, cost: costs[i] ?? null })).filter((c) => c.cost);
  const rates = await ratesAt(deps.prices, deps.contextSecret, [
    ...found.map((o) => ({ from: o.currency, to, at: placedAt(o) })),
    ...costed.flatMap(({ line, cost }) => {
      const o = orderOf.get(line.order_id)!;
      return [
        { from: cost!.currency, to: o.currency, at: placedAt(o) },
        { from: cost!.currency, to, at: placedAt(o) },
      ];
    }),
  ]);
  const rateOf = new Map(found.map((o, i) => [o.id, rates[i] ?? null]));
  const inReporting = (o: OrderRow, amount: string | bigint) => {
    const rate = rateOf.get(o.id);
    return rate ? convertMinor(BigInt(amount), o.currency, to, rate) : 0n;
  };
  const costOf = new Map<string, { own: bigint; reporting: bigint; uncosted: number }>(found.map((o) => [o.id, { own: 0n, reporting: 0n, uncosted: 0 }]));
  for (const l of ours) costOf.get(l.order_id)!.uncosted++;
  costed.forEach(({ line, cost }, i) => {
    const own = rates[found.length + 2 * i];
    const reporting = rates[found.length + 2 * i + 1];
    if (!own || !reporting) return;
    const o = orderOf.get(line.order_id)!;
    const amount = BigInt(cost!.amount) * BigInt(line.quantity);
    const sum = costOf.get(o.id)!;
    sum.own += convertMinor(amount, cost!.currency, o.currency, own);
    sum.reporting += convertMinor(amount, cost!.currency, to, reporting);
    sum.uncosted--;
  });
  const facts = found.map((o) => {
    const bp = BigInt(deps.paymentFeesBp[o.payment_provider ?? ''] ?? 0);
    const fees = (BigInt(o.total) * bp + 5_000n) / 10_000n;
    const cost = costOf.get(o.id)!;
    return {
      order_id: o.id,
      channel: o.channel,
      currency: o.currency,
      placed_at: placedAt(o).toISOString(),
      cancelled: o.status === 'CANCELLED',
      units: ours.filter((l) => l.order_id === o.id).reduce((s, l) => s + Number(l.quantity), 0),
      gross: o.subtotal,
      discounts: o.discount_total,
      shipping: o.shipping_total,
      tax: o.tax_total,
      total: o.total,
      cost: cost.own.toString(),
      fees: fees.toString(),
      uncosted_lines: cost.uncosted,
      reporting_currency: to,
      rate_ppb: rateOf.get(o.id)?.toString() ?? null,
      r_gross: inReporting(o, o.subtotal).toString(),
      r_discounts: inReporting(o, o.discount_total).toString(),
      r_shipping: inReporting(o, o.shipping_total).toString(),
      r_tax: inReporting(o, o.tax_total).toString(),
      r_total: inReporting(o, o.total).toString(),
      r_cost: cost.reporting.toString(),
      r_fees: inReporting(o, fees).toString(),
      order_version: o.version,
    };
  });
  const factLines = ours.map((l) => ({ ...l, r_line_total: inReporting(orderOf.get(l.order_id)!, l.line_total).toString() }));
  return { facts, factLines };
}
