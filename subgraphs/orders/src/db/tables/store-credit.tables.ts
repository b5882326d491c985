import { bigint, bigserial, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { ordersSchema } from './orders-schema.ts';

/** Store credit (migrations 0016, 0019): a code's balance, spent as a till tender; never below zero. */
export const storeCredits = ordersSchema.table('store_credits', {
  id: text('id').primaryKey(),
  codeHash: text('code_hash').notNull(),
  codeLast4: text('code_last4').notNull(),
  channel: text('channel').notNull(),
  currency: text('currency').notNull(),
  issued: bigint('issued', { mode: 'number' }).notNull(),
  balance: bigint('balance', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const storeCreditMovements = ordersSchema.table('store_credit_movements', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  creditId: text('credit_id').notNull(),
  kind: text('kind').$type<'ISSUE' | 'SPEND' | 'REFUND' | 'RELEASE'>().notNull(),
  delta: bigint('delta', { mode: 'number' }).notNull(),
  reference: text('reference').notNull(),
  tillId: text('till_id'),
  /** RELEASE only (migration 0019): the SPEND it gives back, unique. */
  releases: bigint('releases', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A SPEND no recorded sale has paid for yet (migration 0019): the sale or the release job deletes it, once. */
export const storeCreditHolds = ordersSchema.table('store_credit_holds', {
  spendId: bigint('spend_id', { mode: 'number' }).primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export interface CreditReturnLine {
  lineNo: number;
  variantId: string;
  sku: string;
  quantity: number;
  amount: number;
}

/** A till return without a receipt, refunded as store credit. */
export const tillCreditReturns = ordersSchema.table('till_credit_returns', {
  id: text('id').primaryKey(),
  tillId: text('till_id').notNull(),
  clientId: text('client_id').notNull(),
  requestHash: text('request_hash').notNull(),
  tillSessionId: text('till_session_id').notNull(),
  channel: text('channel').notNull(),
  locationId: text('location_id').notNull(),
  cashierId: text('cashier_id').notNull(),
  approvedBy: text('approved_by').notNull(),
  approverName: text('approver_name').notNull(),
  number: text('number').notNull(),
  lines: jsonb('lines').$type<CreditReturnLine[]>().notNull(),
  total: bigint('total', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  creditId: text('credit_id').notNull(),
  stockStatus: text('stock_status').$type<'PENDING' | 'RESTOCKED'>().notNull().default('PENDING'),
  returnedAt: timestamp('returned_at', { withTimezone: true }).notNull().defaultNow(),
});
