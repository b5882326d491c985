import { eq, sql } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { companyOrderPolicies, type PurchaseOrderRef } from '../db/tables.ts';
import { badInput } from './cart-input.validation.ts';

/**
 * Purchase orders on trade orders: a PO number and a cost centre, both optional unless the buyer's company
 * requires the PO number (its order policy). 35 characters, as EDIFACT's document number (C106) allows, so
 * the number fits whatever invoice format it is carried to; letters, digits and the separators PO numbers use.
 */
const PO_TEXT = /^[A-Za-z0-9][A-Za-z0-9 _./#-]{0,34}$/;

export interface PurchaseOrderInput {
  number?: string | null;
  costCentre?: string | null;
}

export interface CompanyOrderPolicy {
  companyId: string;
  purchaseOrderRequired: boolean;
  approverLimit: number | null;
  approvalSeconds: number;
  backorders: boolean;
}

export interface CompanyOrderPolicyInput {
  purchaseOrderRequired: boolean;
  approverLimit?: number | null;
  approvalSeconds?: number | null;
  backorders?: boolean | null;
}

/** A day: stock's longest hold, which the approval's wait must fit in. */
const DEFAULT_APPROVAL_SECONDS = 86_400;
const POLICY_FIELDS = {
  companyId: companyOrderPolicies.companyId,
  purchaseOrderRequired: companyOrderPolicies.purchaseOrderRequired,
  approverLimit: companyOrderPolicies.approverLimit,
  approvalSeconds: companyOrderPolicies.approvalSeconds,
  backorders: companyOrderPolicies.backorders,
};

function field(value: string | null | undefined, argument: string): string | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (!PO_TEXT.test(text)) badInput('INVALID_PURCHASE_ORDER', `${argument} is 1 to 35 of A-Z, a-z, 0-9, space, _ . / # -`, argument);
  return text;
}

/** The company's policy; no row is the default (PO optional). */
export async function companyPolicy(ctx: OrdersContext, companyId: string): Promise<CompanyOrderPolicy> {
  const [row] = await ctx.db.db.select(POLICY_FIELDS).from(companyOrderPolicies).where(eq(companyOrderPolicies.companyId, companyId));
  return row ?? { companyId, purchaseOrderRequired: false, approverLimit: null, approvalSeconds: DEFAULT_APPROVAL_SECONDS, backorders: true };
}

/**
 * The purchase order a checkout carries, checked before anything is written: malformed text is
 * BAD_USER_INPUT, a PO from a caller who is not a trade buyer too, and a missing number where the company
 * requires one PURCHASE_ORDER_REQUIRED. Null when the order has none.
 */
export async function checkoutPurchaseOrder(ctx: OrdersContext, input: PurchaseOrderInput | null | undefined): Promise<PurchaseOrderRef | null> {
  const number = field(input?.number, 'input.purchaseOrder.number');
  const costCentre = field(input?.costCentre, 'input.purchaseOrder.costCentre');
  const companyId = ctx.channel.channelKind === 'B2B' ? ctx.channel.companyId : undefined;
  if (!companyId) {
    if (number || costCentre) badInput('PURCHASE_ORDER_NOT_TRADE', 'purchase orders are for trade buyers of a company', 'input.purchaseOrder');
    return null;
  }
  if (!number && (await companyPolicy(ctx, companyId)).purchaseOrderRequired) {
    throw appError('PURCHASE_ORDER_REQUIRED', 'your company requires a purchase order number on every order', {
      argument: 'input.purchaseOrder.number',
    });
  }
  return number || costCentre ? { number, costCentre } : null;
}

/** The caller's company's policy (a buyer of any role may read it); null for anyone else. */
export async function myCompanyOrderPolicy(ctx: OrdersContext): Promise<CompanyOrderPolicy | null> {
  const companyId = ctx.channel.channelKind === 'B2B' ? ctx.channel.companyId : undefined;
  return companyId ? companyPolicy(ctx, companyId) : null;
}

/** The company admin sets their company's whole policy (the signed context says whose and which role). */
export async function setCompanyOrderPolicy(ctx: OrdersContext, input: CompanyOrderPolicyInput): Promise<CompanyOrderPolicy> {
  const { companyId, companyRole, customerId } = ctx.channel;
  if (ctx.channel.channelKind !== 'B2B' || !companyId || companyRole !== 'ADMIN') {
    throw appError('FORBIDDEN', "only the company's admin sets its order policy");
  }
  const approverLimit = input.approverLimit ?? null;
  if (approverLimit != null && (!Number.isSafeInteger(approverLimit) || approverLimit < 0))
    badInput('INVALID_AMOUNT', 'approverLimit is a non-negative integer of minor units', 'input.approverLimit');
  const approvalSeconds = input.approvalSeconds ?? DEFAULT_APPROVAL_SECONDS;
  if (!Number.isInteger(approvalSeconds) || approvalSeconds < 1 || approvalSeconds > DEFAULT_APPROVAL_SECONDS)
    badInput('INVALID_APPROVAL_SECONDS', 'approvalSeconds is 1 to 86,400 (stock holds a reservation at most a day)', 'input.approvalSeconds');
  const values = {
    purchaseOrderRequired: input.purchaseOrderRequired,
    approverLimit,
    approvalSeconds,
    backorders: input.backorders ?? true,
    updatedBy: customerId ?? null,
  };
  const [row] = await ctx.db.db
    .insert(companyOrderPolicies)
    .values({ companyId, ...values })
    .onConflictDoUpdate({ target: companyOrderPolicies.companyId, set: { ...values, updatedAt: sql`now()` } })
    .returning(POLICY_FIELDS);
  return row!;
}

/**
 * Whether a quick or bulk order may take units beyond stock: the buyer asked to (acceptBackorder) and, for a
 * trade buyer, their company's policy allows it. The variant's own backorder policy (in stock) decides the rest.
 */
export async function backordersAccepted(ctx: OrdersContext, acceptBackorder: boolean): Promise<boolean> {
  if (!acceptBackorder) return false;
  const companyId = ctx.channel.channelKind === 'B2B' ? ctx.channel.companyId : undefined;
  return companyId ? (await companyPolicy(ctx, companyId)).backorders : true;
}

/** `like` pattern for a case-insensitive prefix search, with the caller's wildcards taken literally. */
export function purchaseOrderPrefix(search: string, argument: string): string {
  const text = search.trim();
  if (text.length === 0 || text.length > 35) badInput('INVALID_PURCHASE_ORDER', `${argument} is 1 to 35 characters`, argument);
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
