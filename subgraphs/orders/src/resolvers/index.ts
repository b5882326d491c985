import { MinorUnitsScalar } from '@storegraph/schema';
import { cartResolvers } from './cart.resolvers.ts';
import { checkoutResolvers } from './checkout.resolvers.ts';
import { orderResolvers } from './order.resolvers.ts';

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: { ...orderResolvers.Query, ...cartResolvers.Query },
  Mutation: { ...cartResolvers.Mutation, ...orderResolvers.Mutation, ...checkoutResolvers.Mutation },
  Order: orderResolvers.Order,
  OrderLine: orderResolvers.OrderLine,
  OrderTransitionResult: orderResolvers.OrderTransitionResult,
  Cart: cartResolvers.Cart,
  PlaceOrderResult: checkoutResolvers.PlaceOrderResult,
};
