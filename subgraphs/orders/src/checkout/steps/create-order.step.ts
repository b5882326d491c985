import { eq, sql } from 'drizzle-orm';
import { carts, orderLines, orders, outbox } from '../../db/tables.ts';
import { recordStep } from '../checkout.repository.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { AuthorizedPayment } from './authorize-payment.step.ts';
import type { QuotedCart } from './quote-cart.step.ts';
import type { ReservedStock } from './reserve-stock.step.ts';
import type { ValidatedCart } from './validate-cart.step.ts';

export interface CreatedOrder {
  orderId: string;
  number: string;
}

/** One order per saga, whatever the number of attempts: its id is the saga's. */
export const orderIdOf = (checkoutId: string) => `ord_${checkoutId.replaceAll('-', '').slice(0, 24)}`;

/**
 * The order, its lines, the cart's completion, the `order.placed` event (transactional outbox) and this
 * step's outcome are one transaction: a crash leaves all of them or none. The number comes from the
 * channel's counter in the same transaction, so numbers are unique and increasing per channel.
 */
export const createOrderStep: CheckoutStep = {
  id: 'create_order',
  persistsItself: true,
  async run(env) {
    const c = env.checkout;
    const ctx = env.context;
    const { lines, cart } = env.outcome<ValidatedCart>('validate');
    const { quote, skus } = env.outcome<QuotedCart>('quote');
    const { reservationId } = env.outcome<ReservedStock>('reserve');
    const payment = env.outcome<AuthorizedPayment>('authorize');
    const orderId = orderIdOf(c.id);
    return env.db.transaction(async (tx) => {
      const [counter] = await tx.execute<{ prefix: string; last_value: string }>(sql`
        insert into orders.order_numbers (channel, prefix, last_value) values (${c.channel}, ${c.channel.toUpperCase()}, 1)
        on conflict (channel) do update set last_value = orders.order_numbers.last_value + 1
        returning prefix, last_value`);
      const number = `${counter!.prefix}-${String(counter!.last_value).padStart(6, '0')}`;
      await tx.insert(orders).values({
        id: orderId,
        number,
        channel: c.channel,
        customerId: cart.customerId ?? ctx.customerId ?? null,
        companyId: cart.companyId ?? ctx.companyId ?? null,
        status: 'PLACED',
        owner: c.owner,
        currency: quote.currency,
        email: cart.email,
        shippingAddress: cart.shippingAddress,
        billingAddress: cart.billingAddress ?? cart.shippingAddress,
        shippingMethod: cart.shippingMethod,
        pickupLocationId: cart.pickupLocationId,
        taxIncluded: quote.taxIncluded,
        subtotal: quote.subtotal,
        discountTotal: quote.discountTotal,
        shippingTotal: quote.shipping?.amount ?? 0,
        taxTotal: quote.tax,
        total: quote.total,
        paymentProvider: c.paymentProvider,
        paymentRef: payment.providerRef,
        paymentStatus: payment.providerRef ? 'AUTHORIZED' : 'NONE',
        reservationId,
        checkoutId: c.id,
      });
      const byVariant = new Map(quote.lines.map((l) => [l.variantId, l]));
      await tx.insert(orderLines).values(
        lines.map((l, i) => {
          const q = byVariant.get(l.variantId)!;
          return {
            orderId,
            lineNo: i + 1,
            variantId: l.variantId,
            sku: skus[l.variantId]!,
            quantity: l.quantity,
            unitAmount: q.unit,
            discountTotal: q.discount,
            tax: q.tax,
            taxRateBp: q.taxRateBp,
            lineTotal: q.total,
          };
        }),
      );
      await tx.update(carts).set({ status: 'COMPLETED', orderId, updatedAt: new Date() }).where(eq(carts.id, c.cartId));
      await tx.insert(outbox).values({
        type: 'order.placed',
        channel: c.channel,
        aggregateId: orderId,
        aggregateVersion: 1,
        data: {
          orderId,
          number,
          channel: c.channel,
          customerId: cart.customerId ?? null,
          companyId: cart.companyId ?? null,
          total: { amount: quote.total, currency: quote.currency },
          lines: lines.map((l) => ({ variantId: l.variantId, sku: skus[l.variantId], quantity: l.quantity })),
        },
      });
      const outcome: CreatedOrder = { orderId, number };
      await recordStep(tx, c, 'create_order', outcome, env.deps.leaseSeconds);
      return { outcome };
    });
  },
};
