import { bigint, boolean, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ordersSchema } from './orders-schema.ts';
import { checkouts } from './checkout.tables.ts';

// Trade ordering: a company's ordering rules and the approvals a checkout waits for.

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
