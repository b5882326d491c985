import type { OrdersContext } from '../context.ts';
import { placeOrder, type PlaceOrderInput } from '../checkout/place-order.service.ts';
import type { PlaceOrderOutcome } from '../checkout/checkout.types.ts';
import { approvalOfCheckout } from '../services/approval.service.ts';
import { findOrderForCheckout } from '../services/order-query.service.ts';

type Ctx = OrdersContext;
const money = (amount: number, currency: string) => ({ amount, currency });

/** Shapes a stored saga answer as the GraphQL result union. */
async function shape(ctx: Ctx, r: PlaceOrderOutcome) {
  switch (r.__typename) {
    case 'OrderPlaced':
      return { __typename: 'OrderPlaced', order: await findOrderForCheckout(ctx, r.orderId) };
    case 'PriceChanged':
      return { __typename: 'PriceChanged', expected: money(r.expected, r.currency), actual: money(r.actual, r.currency) };
    case 'InsufficientStock':
      return { __typename: 'InsufficientStock', lines: r.lines.map((l) => ({ variant: { id: l.variantId }, requested: l.requested, available: l.available })) };
    case 'ApprovalRequired':
    case 'ApprovalRejected':
    case 'ApprovalExpired':
      return { __typename: r.__typename, approval: await approvalOfCheckout(ctx, r.approvalId) };
    default:
      return r;
  }
}

export const checkoutResolvers = {
  Mutation: {
    placeOrder: async (_: unknown, args: { input: PlaceOrderInput }, ctx: Ctx) => shape(ctx, await placeOrder(ctx, args.input)),
  },
  PlaceOrderResult: { __resolveType: (r: { __typename: string }) => r.__typename },
};
