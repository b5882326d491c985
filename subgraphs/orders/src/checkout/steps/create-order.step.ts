import { sql } from 'drizzle-orm';
import { LeaseLost } from '../checkout.repository.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { AuthorizedPayment } from './authorize-payment.step.ts';
import type { QuotedCart } from './quote-cart.step.ts';
import type { ReservedStock } from './reserve-stock.step.ts';
import type { ValidatedCart } from './validate-cart.step.ts';

export interface CreatedOrder {
  orderId: string;
  number: string;
}

/** Shipment n of an order (1 = the first location routing chose). */
export const shipmentIdOf = (orderId: string, n: number) => `shp_${orderId.slice(4)}_${n}`;

/** One order per saga, whatever the number of attempts: its id is the saga's. */
export const orderIdOf = (checkoutId: string) => `ord_${checkoutId.replaceAll('-', '').slice(0, 24)}`;

const json = (v: unknown) => JSON.stringify(v);

/**
 * The order, its number, its lines, its shipments, the cart's completion, the `order.placed` event (transactional outbox)
 * and this step's outcome are ONE statement, so one implicit transaction: a crash leaves all of them or
 * none, and the channel's number counter is locked for one statement only (a transaction of seven round
 * trips held it seven times as long). Every part hangs off `moved`, the lease-fenced saga update: a worker
 * that lost its saga to recovery writes nothing. Numbers are the channel's prefix and counter, so unique
 * and increasing per channel (a rolled-back order gives its number back).
 */
export const createOrderStep: CheckoutStep = {
  id: 'create_order',
  persistsItself: true,
  async run(env) {
    const c = env.checkout;
    const ctx = env.context;
    const { lines, cart } = env.outcome<ValidatedCart>('validate');
    const { quote, skus } = env.outcome<QuotedCart>('quote');
    const { reservationId, allocations = [] } = env.outcome<ReservedStock>('reserve');
    const payment = env.outcome<AuthorizedPayment>('authorize');
    const orderId = orderIdOf(c.id);
    const byVariant = new Map(quote.lines.map((l) => [l.variantId, l]));
    const orderLines = lines.map((l, i) => {
      const q = byVariant.get(l.variantId)!;
      return {
        line_no: i + 1,
        variant_id: l.variantId,
        sku: skus[l.variantId]!,
        quantity: l.quantity,
        unit_amount: q.unit,
        discount_total: q.discount,
        tax: q.tax,
        tax_rate_bp: q.taxRateBp,
        line_total: q.total,
      };
    });
    // One shipment per location, numbered in the order routing chose them; backordered units have none yet.
    const locations = [...new Set(allocations.map((a) => a.locationId))];
    const shipmentLines = allocations.map((a) => ({ shipment_id: shipmentIdOf(orderId, locations.indexOf(a.locationId) + 1), ...a }));
    const shipmentRows = locations.map((locationId, i) => ({ id: shipmentIdOf(orderId, i + 1), location_id: locationId }));
    const event = {
      orderId,
      channel: c.channel,
      customerId: cart.customerId ?? null,
      companyId: cart.companyId ?? null,
      total: { amount: quote.total, currency: quote.currency },
      purchaseOrder: c.purchaseOrder ?? null,
      lines: lines.map((l) => ({ variantId: l.variantId, sku: skus[l.variantId], quantity: l.quantity })),
    };
    const rows = await env.db.execute<{ number: string }>(sql`
      with moved as (
        update orders.checkouts set step = 'create_order', updated_at = now(), lease_until = now() + make_interval(secs => ${env.deps.leaseSeconds})
        where id = ${c.id} and attempts = ${c.attempts}
        returning id),
      counter as (
        insert into orders.order_numbers (channel, prefix, last_value)
        select ${c.channel}, ${c.channel.toUpperCase()}, 1 from moved
        on conflict (channel) do update set last_value = orders.order_numbers.last_value + 1
        returning prefix || '-' || case when last_value < 1000000 then lpad(last_value::text, 6, '0') else last_value::text end as number),
      placed as (
        insert into orders.orders (id, number, channel, customer_id, company_id, status, owner, currency, email, shipping_address,
          billing_address, shipping_method, pickup_location_id, tax_included, subtotal, discount_total, shipping_total, tax_total, total,
          payment_provider, payment_ref, payment_status, reservation_id, checkout_id, purchase_order, cost_centre)
        select ${orderId}, counter.number, ${c.channel}, ${cart.customerId ?? ctx.customerId ?? null}, ${cart.companyId ?? ctx.companyId ?? null},
          'PLACED', ${c.owner}, ${quote.currency}, ${cart.email}, ${cart.shippingAddress ? json(cart.shippingAddress) : null}::jsonb,
          ${json(cart.billingAddress ?? cart.shippingAddress ?? null)}::jsonb, ${cart.shippingMethod}, ${cart.pickupLocationId},
          ${quote.taxIncluded}, ${quote.subtotal}, ${quote.discountTotal}, ${quote.shipping?.amount ?? 0}, ${quote.tax}, ${quote.total},
          ${c.paymentProvider}, ${payment.providerRef}, ${payment.providerRef ? 'AUTHORIZED' : 'NONE'}, ${reservationId}::uuid, ${c.id}::uuid,
          ${c.purchaseOrder?.number ?? null}, ${c.purchaseOrder?.costCentre ?? null}
        from counter
        returning id, number),
      lines as (
        insert into orders.order_lines (order_id, line_no, variant_id, sku, quantity, unit_amount, discount_total, tax, tax_rate_bp, line_total)
        select placed.id, l.line_no, l.variant_id, l.sku, l.quantity, l.unit_amount, l.discount_total, l.tax, l.tax_rate_bp, l.line_total
        from placed, jsonb_to_recordset(${json(orderLines)}::jsonb) as l(line_no int, variant_id text, sku text, quantity int,
          unit_amount bigint, discount_total bigint, tax bigint, tax_rate_bp int, line_total bigint)),
      shipped_from as (
        insert into orders.shipments (id, order_id, channel, location_id, pickup)
        select s.id, placed.id, ${c.channel}, s.location_id, ${cart.pickupLocationId != null} from placed, jsonb_to_recordset(${json(shipmentRows)}::jsonb) as s(id text, location_id text)),
      shipment_lines as (
        insert into orders.shipment_lines (shipment_id, variant_id, quantity)
        select l.shipment_id, l."variantId", l.quantity from placed,
          jsonb_to_recordset(${json(shipmentLines)}::jsonb) as l(shipment_id text, "variantId" text, quantity int)),
      completed as (
        update orders.carts set status = 'COMPLETED', order_id = ${orderId}, updated_at = now()
        where id = ${c.cartId}::uuid and exists (select 1 from placed)),
      announced as (
        insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data)
        select 'order.placed', ${c.channel}, placed.id, 1, ${json(event)}::jsonb || jsonb_build_object('number', placed.number) from placed),
      recorded as (
        insert into orders.checkout_steps (checkout_id, step, outcome)
        select ${c.id}::uuid, 'create_order', jsonb_build_object('orderId', placed.id, 'number', placed.number) from placed
        on conflict do nothing)
      select number from placed`);
    if (!rows[0]) throw new LeaseLost(`checkout ${c.id} was taken over`);
    const outcome: CreatedOrder = { orderId, number: rows[0].number };
    return { outcome };
  },
};
