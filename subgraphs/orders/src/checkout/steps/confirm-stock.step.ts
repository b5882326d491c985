import { confirmReservation } from '../../clients/stock.client.ts';
import { cancelOrderRow, markSold, settleCancellations } from '../../services/order-cancel.service.ts';
import type { CheckoutStep } from '../checkout-step.ts';
import type { CreatedOrder } from './create-order.step.ts';
import type { ReservedStock } from './reserve-stock.step.ts';

/**
 * Turns the hold into a sale. Only reachable after the order exists, so it is never undone; if the hold
 * ran out first (recovery after a long outage, past the reservation TTL), the order cannot be served from
 * it: the order is cancelled and its payment voided, and the answer says so through the order's status.
 */
export const confirmStockStep: CheckoutStep = {
  id: 'confirm_stock',
  async run(env) {
    const { reservationId } = env.outcome<ReservedStock>('reserve');
    const answer = await confirmReservation(env.deps.stock, await env.serviceToken(), env.requestId, reservationId);
    const status = answer.status;
    if (status === 'CONFIRMED') {
      const { orderId } = env.outcome<CreatedOrder>('create_order');
      // Cancelled before this confirmation: the sale goes straight back (recovery would also settle it).
      if ((await markSold(env.db, orderId)) === 'RESTOCK_PENDING') await settleCancellations(env.db, env.deps, env.log, [orderId]);
    } else {
      const { orderId } = env.outcome<CreatedOrder>('create_order');
      env.log.warn({ checkoutId: env.checkout.id, orderId, reservation: status }, 'the stock hold ran out before the order confirmed it: cancelling the order');
      await cancelOrderRow(env.db, env.deps, env.log, orderId, 'STOCK_HOLD_EXPIRED');
    }
    return { outcome: { status } };
  },
};
