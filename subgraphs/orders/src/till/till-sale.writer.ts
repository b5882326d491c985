import { sql } from 'drizzle-orm';
import type { CartQuote } from '../clients/prices.client.ts';
import type { OrdersDb } from '../context.ts';

export interface TillSaleRecord {
  id: string;
  orderId: string;
  tillId: string;
  clientId: string;
  requestHash: string;
  tillSessionId: string | null;
  channel: string;
  locationId: string;
  cashierId: string;
  owner: string;
  /** The customer attached at the till (their own token): the sale is theirs, in their order history. */
  customerId?: string | null;
  reservationId: string | null;
  quote: Pick<CartQuote, 'currency' | 'taxIncluded' | 'subtotal' | 'discountTotal' | 'tax' | 'total' | 'lines'>;
  tenders: { method: 'CASH' | 'CARD' | 'STORE_CREDIT'; amount: number; providerRef?: string | null }[];
  cashTaken: number;
  cardTaken: number;
  change: number;
  soldAt: Date;
  /** Taken off by hand (in quote.discountTotal too), and the manager who approved it when it needed one. */
  manualDiscount?: number;
  approvedBy?: { id: string; name: string } | null;
  /** Offline sales: what staff must look at, written with the sale. */
  discrepancies?: {
    kind: 'STOCK_SHORTFALL' | 'PRICE_CHANGED' | 'DISCOUNT_NOT_APPROVED' | 'CUSTOMER_UNKNOWN';
    variantId: string;
    quantity: number;
    soldUnit: number | null;
    currentUnit: number | null;
    /** CUSTOMER_UNKNOWN: the id the till sent, which is nobody's account the channel may attach. */
    customerId?: string | null;
  }[];
}

const json = (v: unknown) => JSON.stringify(v);

/**
 * The order (COMPLETED: the goods left over the counter, no shipment), its number, its lines, the till sale and
 * `order.placed` in ONE statement. The (till, client id) unique index decides between duplicates: the loser's
 * statement fails whole (23505) and writes nothing, and answers false; its caller reads the winner's sale.
 */
export async function recordTillSale(db: Pick<OrdersDb['db'], 'execute'>, r: TillSaleRecord): Promise<boolean> {
  const lines = r.quote.lines.map((l, i) => ({
    line_no: i + 1,
    variant_id: l.variantId,
    sku: l.sku,
    quantity: l.quantity,
    unit_amount: l.unit,
    discount_total: l.discount,
    tax: l.tax,
    tax_rate_bp: l.taxRateBp,
    line_total: l.total,
  }));
  const event = {
    orderId: r.orderId,
    channel: r.channel,
    customerId: r.customerId ?? null,
    companyId: null,
    total: { amount: r.quote.total, currency: r.quote.currency },
    purchaseOrder: null,
    lines: r.quote.lines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity })),
  };
  try {
    await db.execute(sql`
      with sale as (
        insert into orders.till_sales (id, till_id, client_id, request_hash, till_session_id, channel, location_id, cashier_id, order_id,
          tenders, cash_taken, card_taken, change_given, sold_at, manual_discount, discount_approved_by, discount_approver_name)
        values (${r.id}, ${r.tillId}, ${r.clientId}, ${r.requestHash}, ${r.tillSessionId}, ${r.channel}, ${r.locationId}, ${r.cashierId},
          ${r.orderId}, ${json(r.tenders)}::jsonb, ${r.cashTaken}, ${r.cardTaken}, ${r.change}, ${r.soldAt.toISOString()}::timestamptz,
          ${r.manualDiscount ?? 0}, ${r.approvedBy?.id ?? null}, ${r.approvedBy?.name ?? null})
        returning id),
      flagged as (
        insert into orders.till_discrepancies (till_sale_id, till_id, channel, location_id, kind, variant_id, quantity, sold_unit, current_unit, customer_id)
        select sale.id, ${r.tillId}, ${r.channel}, ${r.locationId}, d.kind, d."variantId", d.quantity, d."soldUnit", d."currentUnit", d."customerId"
        from sale, jsonb_to_recordset(${json(r.discrepancies ?? [])}::jsonb)
          as d(kind text, "variantId" text, quantity int, "soldUnit" bigint, "currentUnit" bigint, "customerId" text)),
      counter as (
        insert into orders.order_numbers (channel, prefix, last_value)
        select ${r.channel}, ${r.channel.toUpperCase()}, 1 from sale
        on conflict (channel) do update set last_value = orders.order_numbers.last_value + 1
        returning prefix || '-' || case when last_value < 1000000 then lpad(last_value::text, 6, '0') else last_value::text end as number),
      placed as (
        insert into orders.orders (id, number, channel, status, owner, customer_id, currency, pickup_location_id, tax_included, subtotal, discount_total,
          shipping_total, tax_total, total, payment_provider, payment_status, reservation_id, stock_status, placed_at)
        select ${r.orderId}, counter.number, ${r.channel}, 'COMPLETED', ${r.owner}, ${r.customerId ?? null}, ${r.quote.currency}, ${r.locationId}, ${r.quote.taxIncluded},
          ${r.quote.subtotal}, ${r.quote.discountTotal}, 0, ${r.quote.tax}, ${r.quote.total}, 'till',
          ${r.cardTaken > 0 ? 'CAPTURED' : 'PAID'}, ${r.reservationId}::uuid, 'SOLD', ${r.soldAt.toISOString()}::timestamptz
        from counter
        returning id, number),
      lines as (
        insert into orders.order_lines (order_id, line_no, variant_id, sku, quantity, unit_amount, discount_total, tax, tax_rate_bp, line_total)
        select placed.id, l.line_no, l.variant_id, l.sku, l.quantity, l.unit_amount, l.discount_total, l.tax, l.tax_rate_bp, l.line_total
        from placed, jsonb_to_recordset(${json(lines)}::jsonb) as l(line_no int, variant_id text, sku text, quantity int,
          unit_amount bigint, discount_total bigint, tax bigint, tax_rate_bp int, line_total bigint))
      insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data)
      select 'order.placed', ${r.channel}, placed.id, 1, ${json(event)}::jsonb || jsonb_build_object('number', placed.number) from placed`);
    return true;
  } catch (err) {
    const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    if (code === '23505') return false;
    throw err;
  }
}
