import { MinorUnitsScalar } from '@storegraph/schema';
import { cartResolvers } from './cart.resolvers.ts';
import { checkoutResolvers } from './checkout.resolvers.ts';
import { approvalResolvers } from './approval.resolvers.ts';
import { orderResolvers } from './order.resolvers.ts';
import { purchaseOrderResolvers } from './purchase-order.resolvers.ts';
import { reportResolvers } from './report.resolvers.ts';
import { webhookResolvers } from './webhook.resolvers.ts';

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: {
    ...orderResolvers.Query,
    ...cartResolvers.Query,
    ...webhookResolvers.Query,
    ...purchaseOrderResolvers.Query,
    ...approvalResolvers.Query,
    ...reportResolvers.Query,
  },
  Mutation: {
    ...cartResolvers.Mutation,
    ...orderResolvers.Mutation,
    ...checkoutResolvers.Mutation,
    ...webhookResolvers.Mutation,
    ...purchaseOrderResolvers.Mutation,
    ...approvalResolvers.Mutation,
    ...reportResolvers.Mutation,
  },
  Order: orderResolvers.Order,
  OrderLine: orderResolvers.OrderLine,
  OrderTransitionResult: orderResolvers.OrderTransitionResult,
  Cart: cartResolvers.Cart,
  PlaceOrderResult: checkoutResolvers.PlaceOrderResult,
  CompanyOrderPolicy: purchaseOrderResolvers.CompanyOrderPolicy,
  OrderApproval: approvalResolvers.OrderApproval,
  ApprovalDecisionResult: approvalResolvers.ApprovalDecisionResult,
};
