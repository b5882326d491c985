import { CHECKOUT_ISSUER, signChannelContext, type ChannelContext } from '@storegraph/schema';

/**
 * The context the checkout sends to stock and prices: the customer's own channel, currency, group and
 * company (so their prices and their channel's stock apply), plus the checkout as a service principal
 * with order-admin on that one channel, signed by orders itself (issuer svc-orders). Only this principal
 * may confirm a reservation or record redemptions. Signed afresh per call: recovery may run long after
 * the customer's own 60-second context expired.
 */
export function signCheckoutContext(ctx: ChannelContext, secret: string): Promise<string> {
  const service: ChannelContext = {
    ...ctx,
    staff: { id: 'svc-checkout', grants: [{ permissions: ['order-admin'], channels: [ctx.channel] }] },
  };
  return signChannelContext(service, secret, CHECKOUT_ISSUER);
}

/** Without staff powers: for reads that must see exactly what the customer sees (the cart's quote). */
export function signCustomerContext(ctx: ChannelContext, secret: string): Promise<string> {
  const { staff: _s, ...customer } = ctx;
  return signChannelContext(customer, secret, CHECKOUT_ISSUER);
}
