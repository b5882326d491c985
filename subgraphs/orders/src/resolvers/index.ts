import { MinorUnitsScalar } from '@storegraph/schema';
import { cartResolvers } from './cart.resolvers.ts';
import { checkoutResolvers } from './checkout.resolvers.ts';
import { approvalResolvers } from './approval.resolvers.ts';
import { orderResolvers } from './order.resolvers.ts';
import { purchaseOrderResolvers } from './purchase-order.resolvers.ts';
import { reportResolvers } from './report.resolvers.ts';
import { webhookResolvers } from './webhook.resolvers.ts';
import { shipmentResolvers } from './shipment.resolvers.ts';
import { creditResolvers } from './credit.resolvers.ts';
import { savedListResolvers } from './saved-list.resolvers.ts';
import { returnResolvers } from './return.resolvers.ts';
import { tillResolvers } from './till.resolvers.ts';
import { bulkOrderResolvers } from './bulk-order.resolvers.ts';
import { quoteResolvers } from './quote.resolvers.ts';
import { recurringOrderResolvers } from './recurring-order.resolvers.ts';

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: {
    ...orderResolvers.Query,
    ...cartResolvers.Query,
    ...webhookResolvers.Query,
    ...purchaseOrderResolvers.Query,
    ...approvalResolvers.Query,
    ...reportResolvers.Query,
    ...shipmentResolvers.Query,
    ...creditResolvers.Query,
    ...savedListResolvers.Query,
    ...returnResolvers.Query,
    ...tillResolvers.Query,
    ...bulkOrderResolvers.Query,
    ...quoteResolvers.Query,
    ...recurringOrderResolvers.Query,
  },
  Mutation: {
    ...cartResolvers.Mutation,
    ...orderResolvers.Mutation,
    ...checkoutResolvers.Mutation,
    ...webhookResolvers.Mutation,
    ...purchaseOrderResolvers.Mutation,
    ...approvalResolvers.Mutation,
    ...reportResolvers.Mutation,
    ...shipmentResolvers.Mutation,
    ...creditResolvers.Mutation,
    ...savedListResolvers.Mutation,
    ...returnResolvers.Mutation,
    ...tillResolvers.Mutation,
    ...bulkOrderResolvers.Mutation,
    ...quoteResolvers.Mutation,
    ...recurringOrderResolvers.Mutation,
  },
  Order: {
    ...orderResolvers.Order,
    shipments: shipmentResolvers.orderShipments,
    invoice: creditResolvers.orderInvoice,
    returns: returnResolvers.orderReturns,
    refundedTotal: returnResolvers.orderRefundedTotal,
  },
  OrderLine: orderResolvers.OrderLine,
  OrderTransitionResult: orderResolvers.OrderTransitionResult,
  Cart: cartResolvers.Cart,
  PlaceOrderResult: checkoutResolvers.PlaceOrderResult,
  CompanyOrderPolicy: purchaseOrderResolvers.CompanyOrderPolicy,
  OrderApproval: approvalResolvers.OrderApproval,
  ApprovalDecisionResult: approvalResolvers.ApprovalDecisionResult,
  Shipment: shipmentResolvers.Shipment,
  ShipmentLine: shipmentResolvers.ShipmentLine,
  ShipmentTransitionResult: shipmentResolvers.ShipmentTransitionResult,
  Invoice: creditResolvers.Invoice,
  InvoicePayment: creditResolvers.InvoicePayment,
  CompanyCredit: creditResolvers.CompanyCredit,
  CreditLimitExceeded: creditResolvers.CreditLimitExceeded,
  InvoicesOverdue: creditResolvers.InvoicesOverdue,
  PaymentExceedsBalance: creditResolvers.PaymentExceedsBalance,
  RecordInvoicePaymentResult: creditResolvers.RecordInvoicePaymentResult,
  SavedList: savedListResolvers.SavedList,
  TradeQuote: quoteResolvers.TradeQuote,
  RecurringOrder: recurringOrderResolvers.RecurringOrder,
  RecurringOrderRun: recurringOrderResolvers.RecurringOrderRun,
  OrderReturn: returnResolvers.OrderReturn,
  ReturnLine: returnResolvers.ReturnLine,
  Refund: returnResolvers.Refund,
  RequestReturnResult: returnResolvers.RequestReturnResult,
  ReturnTransitionResult: returnResolvers.ReturnTransitionResult,
  TillSessionResult: tillResolvers.TillSessionResult,
  TillSaleResult: tillResolvers.TillSaleResult,
};
