import { MinorUnitsScalar } from '@storegraph/schema';
import { cartResolvers } from './cart.resolvers.ts';
import { checkoutResolvers } from './checkout.resolvers.ts';
import { orderResolvers } from './order.resolvers.ts';
import { webhookResolvers } from './webhook.resolvers.ts';
import { shipmentResolvers } from './shipment.resolvers.ts';

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: { ...orderResolvers.Query, ...cartResolvers.Query, ...webhookResolvers.Query, ...shipmentResolvers.Query },
  Mutation: {
    ...cartResolvers.Mutation,
    ...orderResolvers.Mutation,
    ...checkoutResolvers.Mutation,
    ...webhookResolvers.Mutation,
    ...shipmentResolvers.Mutation,
  },
  Order: { ...orderResolvers.Order, shipments: shipmentResolvers.orderShipments },
  OrderLine: orderResolvers.OrderLine,
  OrderTransitionResult: orderResolvers.OrderTransitionResult,
  Cart: cartResolvers.Cart,
  PlaceOrderResult: checkoutResolvers.PlaceOrderResult,
  Shipment: shipmentResolvers.Shipment,
  ShipmentLine: shipmentResolvers.ShipmentLine,
  ShipmentTransitionResult: shipmentResolvers.ShipmentTransitionResult,
};
