import { bigint, bigserial, integer, jsonb, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { ordersSchema } from './orders-schema.ts';

// The till (POS): cash sessions, sales, returns, discount policies and offline-sale bookkeeping.

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
  tenders: jsonb('tenders').$type<{ method: 'CASH' | 'CARD' | 'STORE_CREDIT'; amount: number; providerRef?: string | null }[]>().notNull(),
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
  method: 'CASH' | 'CARD' | 'STORE_CREDIT' | 'ONLINE_PAYMENT';
  amount: number;
  /** ONLINE_PAYMENT: the online order's payment provider (providerRef is its payment). */
  provider?: string | null;
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
  /** null: an order bought online, returned at the till. */
  saleId: text('sale_id'),
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

/**
 * For staff: units an offline sale sold that stock no longer had, prices honoured as sold though changed, discounts
 * without a valid approval, and customers the till named that are nobody's account here (customer_id: the id sent).
 */
export const tillDiscrepancies = ordersSchema.table('till_discrepancies', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tillSaleId: text('till_sale_id').notNull(),
  tillId: text('till_id').notNull(),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  kind: text('kind').$type<'STOCK_SHORTFALL' | 'PRICE_CHANGED' | 'DISCOUNT_NOT_APPROVED' | 'CUSTOMER_UNKNOWN'>().notNull(),
  variantId: text('variant_id').notNull(),
  quantity: integer('quantity').notNull(),
  soldUnit: bigint('sold_unit', { mode: 'number' }),
  currentUnit: bigint('current_unit', { mode: 'number' }),
  customerId: text('customer_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A till sale closed without a sale: refused on a retry after an earlier attempt under the same key had charged a
 * card (and died before recording), whose charge the refusal paid back. Kept so that every later retry with that
 * key gets the same refusal: the provider replays the earlier authorisation by key, so a retry that went on would
 * record a card tender that was refunded.
 */
export const tillSaleRefusals = ordersSchema.table(
  'till_sale_refusals',
  {
    tillId: text('till_id').notNull(),
    clientId: text('client_id').notNull(),
    requestHash: text('request_hash').notNull(),
    answer: jsonb('answer').notNull(),
    refusedAt: timestamp('refused_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tillId, t.clientId] })],
);
