import { bigint, bigserial, boolean, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { OrderStatus } from '../domain/order-status.machine.ts';
import type { ShipmentStatus } from '../domain/shipment-status.machine.ts';
import type { ReturnReason, ReturnStatus } from '../domain/return-status.machine.ts';
import type { FeeKind, ShippingRefundRule } from '../domain/refund.calculator.ts';
import type { Address } from '@storegraph/schema';

/** The order book owns this Postgres schema; no other subgraph reads it. */
export const ordersSchema = pgSchema('orders');

export const orders = ordersSchema.table(
  'orders',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull().unique(),
    channel: text('channel').notNull(),
    customerId: text('customer_id'),
    companyId: text('company_id'),
    status: text('status').$type<OrderStatus>().notNull().default('PLACED'),
    /** Who placed it (`customer:…`, `guest:…`, `till:…`), as carts and checkouts name owners. */
    owner: text('owner'),
    version: integer('version').notNull().default(1),
    currency: text('currency').notNull(),
    email: text('email'),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    billingAddress: jsonb('billing_address').$type<Address>(),
    shippingMethod: text('shipping_method'),
    pickupLocationId: text('pickup_location_id'),
    taxIncluded: boolean('tax_included').notNull().default(true),
    /** Minor units, all of them. */
    subtotal: bigint('subtotal', { mode: 'number' }).notNull(),
    discountTotal: bigint('discount_total', { mode: 'number' }).notNull().default(0),
    shippingTotal: bigint('shipping_total', { mode: 'number' }).notNull().default(0),
    taxTotal: bigint('tax_total', { mode: 'number' }).notNull().default(0),
    total: bigint('total', { mode: 'number' }).notNull(),
    paymentProvider: text('payment_provider'),
    paymentRef: text('payment_ref'),
    paymentStatus: text('payment_status'),
    reservationId: uuid('reservation_id'),
    /** SOLD once the checkout confirmed the hold; RESTOCK_PENDING -> RESTOCKED when a cancellation puts it back. */
    stockStatus: text('stock_status'),
    checkoutId: uuid('checkout_id'),
    cancelReason: text('cancel_reason'),
    /** The trade buyer's purchase order number and cost centre, carried to the invoice. */
    purchaseOrder: text('purchase_order'),
    costCentre: text('cost_centre'),
    /** Refunds booked against the order, pending ones included (migration 0008): at most `total`. */
    refundedTotal: bigint('refunded_total', { mode: 'number' }).notNull().default(0),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('orders_customer_idx').on(t.customerId, t.placedAt),
    index('orders_company_idx').on(t.companyId, t.placedAt),
    index('orders_queue_idx').on(t.channel, t.status, t.placedAt, t.id),
    uniqueIndex('orders_checkout_uq').on(t.checkoutId),
  ],
);

export const orderLines = ordersSchema.table(
  'order_lines',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    variantId: text('variant_id').notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    unitAmount: bigint('unit_amount', { mode: 'number' }).notNull(),
    discountTotal: bigint('discount_total', { mode: 'number' }).notNull().default(0),
    tax: bigint('tax', { mode: 'number' }).notNull().default(0),
    taxRateBp: integer('tax_rate_bp'),
    /** What the line costs the customer after discounts (gross in tax-inclusive channels, net otherwise). */
    lineTotal: bigint('line_total', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

export const orderNumbers = ordersSchema.table('order_numbers', {
  channel: text('channel').primaryKey(),
  prefix: text('prefix').notNull(),
  lastValue: bigint('last_value', { mode: 'number' }).notNull().default(0),
});

export type CartStatus = 'ACTIVE' | 'CHECKING_OUT' | 'COMPLETED' | 'MERGED';

export const carts = ordersSchema.table(
  'carts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    /** `customer:<id>` or `guest:<id>`: who may read and change it. */
    owner: text('owner').notNull(),
    customerId: text('customer_id'),
    companyId: text('company_id'),
    currency: text('currency').notNull(),
    status: text('status').$type<CartStatus>().notNull().default('ACTIVE'),
    version: integer('version').notNull().default(1),
    email: text('email'),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    billingAddress: jsonb('billing_address').$type<Address>(),
    shippingMethod: text('shipping_method'),
    pickupLocationId: text('pickup_location_id'),
    couponCodes: text('coupon_codes').array().notNull().default([]),
    checkoutId: uuid('checkout_id'),
    orderId: text('order_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('carts_owner_idx').on(t.channel, t.owner, t.status, t.updatedAt)],
);

export const cartLines = ordersSchema.table(
  'cart_lines',
  {
    cartId: uuid('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.variantId] })],
);

export type CheckoutStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'FAILED' | 'PENDING_APPROVAL';
/** A trade order's purchase order number and cost centre, as the buyer gave them. */
export type PurchaseOrderRef = { number: string | null; costCentre: string | null };

export const checkouts = ordersSchema.table('checkouts', {
  id: uuid('id').primaryKey().defaultRandom(),
  channel: text('channel').notNull(),
  owner: text('owner').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  requestHash: text('request_hash').notNull(),
  cartId: uuid('cart_id').notNull(),
  /** The caller's verified sales-channel context: recovery acts for the same customer in the same channel. */
  context: jsonb('context').notNull(),
  paymentProvider: text('payment_provider').notNull(),
  expectedTotal: bigint('expected_total', { mode: 'number' }).notNull(),
  /** What the request said, kept until create_order writes it on the order (recovery may be the one to). */
  purchaseOrder: jsonb('purchase_order').$type<PurchaseOrderRef>(),
  /** An accepted quote whose prices this checkout charges (the quote step holds it while the saga runs). */
  quoteId: uuid('quote_id'),
  status: text('status').$type<CheckoutStatus>().notNull().default('RUNNING'),
  step: text('step').notNull().default('started'),
  result: jsonb('result'),
  leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const checkoutSteps = ordersSchema.table(
  'checkout_steps',
  {
    checkoutId: uuid('checkout_id')
      .notNull()
      .references(() => checkouts.id, { onDelete: 'cascade' }),
    step: text('step').notNull(),
    outcome: jsonb('outcome').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.checkoutId, t.step] })],
);

export const outbox = ordersSchema.table('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().defaultRandom(),
  type: text('type').notNull(),
  channel: text('channel').notNull(),
  aggregateId: text('aggregate_id').notNull(),
  aggregateVersion: integer('aggregate_version').notNull(),
  data: jsonb('data').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  publishedAt: timestamp('published_at', { withTimezone: true }),
});

/** A company's ordering rules (the company lives in customers; orders enforces these at checkout). */
export const companyOrderPolicies = ordersSchema.table('company_order_policies', {
  companyId: text('company_id').primaryKey(),
  purchaseOrderRequired: boolean('purchase_order_required').notNull().default(false),
  /** Approvers decide up to this total (minor units); above it only the company admin. Null: approvers decide any. */
  approverLimit: bigint('approver_limit', { mode: 'number' }),
  /** How long an approval waits before it expires (and the held stock goes back): at most stock's longest hold, a day. */
  approvalSeconds: integer('approval_seconds').notNull().default(86_400),
  /** Quick and bulk orders may take units beyond stock where the variant takes backorders. */
  backorders: boolean('backorders').notNull().default(true),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
export type ApprovalLevel = 'APPROVER' | 'ADMIN';

/** A trade checkout waiting for a company approver (its saga paused before payment). */
export const approvals = ordersSchema.table('approvals', {
  id: uuid('id').primaryKey().defaultRandom(),
  checkoutId: uuid('checkout_id')
    .notNull()
    .references(() => checkouts.id, { onDelete: 'cascade' }),
  channel: text('channel').notNull(),
  companyId: text('company_id').notNull(),
  requestedBy: text('requested_by').notNull(),
  total: bigint('total', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  /** Which rules asked for it: ORDER_LIMIT, MONTHLY_BUDGET. */
  reasons: jsonb('reasons').$type<string[]>().notNull(),
  level: text('level').$type<ApprovalLevel>().notNull(),
  status: text('status').$type<ApprovalStatus>().notNull().default('PENDING'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  decidedBy: text('decided_by'),
  decisionKey: text('decision_key'),
  decisionReason: text('decision_reason'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One shipment per location an order leaves from (migration 0007); states in domain/shipment-status.machine.ts. */
export const shipments = ordersSchema.table(
  'shipments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    channel: text('channel').notNull(),
    locationId: text('location_id').notNull(),
    status: text('status').$type<ShipmentStatus>().notNull().default('PENDING'),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    /** Click & collect: collected at the location instead of shipped. */
    pickup: boolean('pickup').notNull().default(false),
    /** Set when ready for pickup; the customer shows it at hand-over. */
    collectionCode: text('collection_code'),
    /** RESTOCK_PENDING -> RESTOCKED once a cancelled shipment's units are back on hand. */
    stockStatus: text('stock_status'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
  },
  (t) => [index('shipments_order_idx').on(t.orderId), index('shipments_queue_idx').on(t.locationId, t.status, t.createdAt)],
);

export const shipmentLines = ordersSchema.table(
  'shipment_lines',
  {
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shipmentId, t.variantId] })],
);

/** A channel's return rules (migration 0008); a channel without a row gets DEFAULT_RETURN_POLICY. */
export const returnPolicies = ordersSchema.table('return_policies', {
  channel: text('channel').primaryKey(),
  windowDays: integer('window_days').notNull().default(30),
  restockingFeeKind: text('restocking_fee_kind').$type<FeeKind>().notNull().default('NONE'),
  /** Basis points (PERCENT) or minor units per return (FIXED). */
  restockingFeeValue: bigint('restocking_fee_value', { mode: 'number' }).notNull().default(0),
  shippingRefund: text('shipping_refund').$type<ShippingRefundRule>().notNull().default('WHOLE_ORDER'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A return request for lines of one order; states in domain/return-status.machine.ts. */
export const returns = ordersSchema.table(
  'returns',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    channel: text('channel').notNull(),
    status: text('status').$type<ReturnStatus>().notNull().default('REQUESTED'),
    requestedBy: text('requested_by').notNull(),
    requestKey: text('request_key').notNull(),
    requestHash: text('request_hash').notNull(),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    receiveKey: text('receive_key'),
    receivedBy: text('received_by'),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('returns_order_id_request_key_key').on(t.orderId, t.requestKey),
    index('returns_order_idx').on(t.orderId),
    index('returns_queue_idx').on(t.channel, t.status, t.createdAt),
  ],
);

export type ReturnDisposition = 'RESTOCK' | 'WRITE_OFF';

export const returnLines = ordersSchema.table(
  'return_lines',
  {
    returnId: text('return_id')
      .notNull()
      .references(() => returns.id),
    lineNo: integer('line_no').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    reason: text('reason').$type<ReturnReason>().notNull(),
    note: text('note'),
    disposition: text('disposition').$type<ReturnDisposition>(),
    locationId: text('location_id'),
    /** RESTOCK_PENDING -> RESTOCKED once stock has the units back (or booked the write-off). */
    stockStatus: text('stock_status'),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.lineNo] })],
);

export type RefundStatus = 'PENDING' | 'REFUNDED' | 'FAILED';

/** One refund per received return; its id is the payment provider's idempotency key. */
export const refunds = ordersSchema.table(
  'refunds',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    returnId: text('return_id')
      .notNull()
      .unique()
      .references(() => returns.id),
    channel: text('channel').notNull(),
    currency: text('currency').notNull(),
    goods: bigint('goods', { mode: 'number' }).notNull(),
    restockingFee: bigint('restocking_fee', { mode: 'number' }).notNull(),
    shipping: bigint('shipping', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    status: text('status').$type<RefundStatus>().notNull().default('PENDING'),
    providerRef: text('provider_ref'),
    failure: text('failure'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (t) => [index('refunds_order_idx').on(t.orderId)],
);

/** A till's cash session (POS): the float it opened with and the cash counted at close, in minor units. */
export const tillSessions = ordersSchema.table('till_sessions', {
  id: text('id').primaryKey(),
  tillId: text('till_id').notNull(),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  currency: text('currency').notNull(),
  openedBy: text('opened_by').notNull(),
  openingFloat: bigint('opening_float', { mode: 'number' }).notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  closedBy: text('closed_by'),
  countedCash: bigint('counted_cash', { mode: 'number' }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
});

/** A till sale: its order and tenders, once per (till, client id). */
export const tillSales = ordersSchema.table('till_sales', {
  id: text('id').primaryKey(),
  tillId: text('till_id').notNull(),
  clientId: text('client_id').notNull(),
  requestHash: text('request_hash').notNull(),
  tillSessionId: text('till_session_id'),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  cashierId: text('cashier_id').notNull(),
  orderId: text('order_id').notNull(),
  tenders: jsonb('tenders').$type<{ method: 'CASH' | 'CARD'; amount: number; providerRef?: string | null }[]>().notNull(),
  cashTaken: bigint('cash_taken', { mode: 'number' }).notNull(),
  cardTaken: bigint('card_taken', { mode: 'number' }).notNull(),
  changeGiven: bigint('change_given', { mode: 'number' }).notNull(),
  soldAt: timestamp('sold_at', { withTimezone: true }).notNull(),
  /** Taken off by hand at the till (lines and sale), on top of promotions. */
  manualDiscount: bigint('manual_discount', { mode: 'number' }).notNull().default(0),
  /** The manager (till staff id and name) who approved a discount above the channel's threshold. */
  discountApprovedBy: text('discount_approved_by'),
  discountApproverName: text('discount_approver_name'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One refund paid back for a till return: to a card tender (by the provider) or out of the drawer. */
export interface TillRefundTender {
  method: 'CASH' | 'CARD';
  amount: number;
  providerRef?: string | null;
  refundRef?: string | null;
}

/** A return at the till: a till sale's units back in its shop, refunded to the sale's tenders. */
export const tillReturns = ordersSchema.table('till_returns', {
  id: text('id').primaryKey(),
  tillId: text('till_id').notNull(),
  clientId: text('client_id').notNull(),
  requestHash: text('request_hash').notNull(),
  tillSessionId: text('till_session_id').notNull(),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  cashierId: text('cashier_id').notNull(),
  saleId: text('sale_id').notNull(),
  orderId: text('order_id').notNull(),
  number: text('number').notNull(),
  status: text('status').$type<'PENDING' | 'REFUNDED' | 'VOIDED'>().notNull(),
  lines: jsonb('lines').$type<{ lineNo: number; variantId: string; sku: string; quantity: number; amount: number }[]>().notNull(),
  total: bigint('total', { mode: 'number' }).notNull(),
  cashRefunded: bigint('cash_refunded', { mode: 'number' }).notNull(),
  cardRefunded: bigint('card_refunded', { mode: 'number' }).notNull(),
  refunds: jsonb('refunds').$type<TillRefundTender[]>().notNull(),
  stockStatus: text('stock_status').$type<'PENDING' | 'RESTOCKED'>().notNull().default('PENDING'),
  failure: text('failure'),
  returnedAt: timestamp('returned_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A POS channel's manual-discount threshold (no row: DEFAULT_TILL_DISCOUNT_POLICY). */
export const tillDiscountPolicies = ordersSchema.table('till_discount_policies', {
  channel: text('channel').primaryKey(),
  maxPercentBp: integer('max_percent_bp').notNull(),
  maxAmount: bigint('max_amount', { mode: 'number' }),
  currency: text('currency').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The stock an offline sale asks for, written before asking (see till-offline-stock.service.ts). */
export const tillOfflineStock = ordersSchema.table(
  'till_offline_stock',
  {
    tillId: text('till_id').notNull(),
    clientId: text('client_id').notNull(),
    attempt: integer('attempt').notNull(),
    lines: jsonb('lines').$type<{ variantId: string; quantity: number }[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tillId, t.clientId] })],
);

/** For staff: units an offline sale sold that stock no longer had, and prices honoured as sold though changed. */
export const tillDiscrepancies = ordersSchema.table('till_discrepancies', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tillSaleId: text('till_sale_id').notNull(),
  tillId: text('till_id').notNull(),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  kind: text('kind').$type<'STOCK_SHORTFALL' | 'PRICE_CHANGED' | 'DISCOUNT_NOT_APPROVED'>().notNull(),
  variantId: text('variant_id').notNull(),
  quantity: integer('quantity').notNull(),
  soldUnit: bigint('sold_unit', { mode: 'number' }),
  currentUnit: bigint('current_unit', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
