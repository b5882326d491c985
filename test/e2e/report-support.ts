import type postgres from 'postgres';

/**
 * An order of the past, for report tests: no client can place one, so it is written as the order book writes
 * it (the order, its lines, its order.placed event) with the outbox row already published (no webhook receiver
 * is sent history). Line: [variant, quantity, line total].
 */
export interface Fixture {
  id: string;
  channel: string;
  currency: string;
  at: string;
  status?: string;
  /** The payment provider (reports charge its fee). */
  provider?: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  lines: [string, number, number][];
}

/** The event as the checkout writes it (events-catalogue.test.ts validates every event of the run). */
const placedEvent = (orderId: string, number: string, o: Fixture) => ({
  orderId,
  number,
  channel: o.channel,
  customerId: null,
  companyId: null,
  total: { amount: o.total, currency: o.currency },
  lines: o.lines.map(([variantId, quantity]) => ({ variantId, sku: variantId.toUpperCase(), quantity })),
});

/** Writes `o` in `tx` (a transaction or a reserved connection) as order `ord_rpt_<tag>_<o.id>`, number `RPT-<tag>-<n>`. */
export async function writeHistoricOrder(tx: postgres.TransactionSql | postgres.ReservedSql, tag: string, n: number, o: Fixture) {
  const id = `ord_rpt_${tag}_${o.id}`;
  const number = `RPT-${tag}-${n}`;
  await tx`insert into orders.orders (id, number, channel, status, currency, subtotal, discount_total, shipping_total, tax_total, total, placed_at,
      payment_provider)
    values (${id}, ${number}, ${o.channel}, ${o.status ?? 'PROCESSING'}, ${o.currency}, ${o.subtotal}, ${o.discount}, ${o.shipping},
      ${o.tax}, ${o.total}, ${o.at}, ${o.provider ?? null})`;
  for (const [i, [variant, quantity, lineTotal]] of o.lines.entries()) {
    await tx`insert into orders.order_lines (order_id, line_no, variant_id, sku, quantity, unit_amount, line_total)
      values (${id}, ${i + 1}, ${variant}, ${variant.toUpperCase()}, ${quantity}, ${Math.round(lineTotal / quantity)}, ${lineTotal})`;
  }
  await tx`insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data, published_at)
    values ('order.placed', ${o.channel}, ${id}, 1, ${tx.json(placedEvent(id, number, o) as never)}, now())`;
}
