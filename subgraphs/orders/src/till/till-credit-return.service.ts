import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { appError, Code } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { signCheckoutContext, signCustomerContext } from '../clients/service-context.ts';
import { returnUnsoldUnits } from '../clients/stock.client.ts';
import { tillSessions } from '../db/tables.ts';
import { storeCredits, tillCreditReturns } from '../db/tables.ts';
import { maskedCreditCode, recoverCreditCode } from '../domain/store-credit-code.rules.ts';
import { returnReceiptText } from '../domain/till-return-receipt.format.ts';
import { isQuote, quoteProblems } from '../services/cart-view.service.ts';
import { assertVariantId, badInput } from '../services/cart-input.validation.ts';
import { checkApproval } from './till-discount.service.ts';
import { requireTill } from './till-session.service.ts';
import { issueCredit } from './store-credit.service.ts';

export interface TillCreditReturnInput {
  idempotencyKey: string;
  lines: { variantId: string; quantity: number }[];
  managerApproval?: string | null;
}

type Row = typeof tillCreditReturns.$inferSelect;
const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

function validate(input: TillCreditReturnInput) {
  if (!KEY.test(input.idempotencyKey)) badInput('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', 'input.idempotencyKey');
  if (input.lines.length < 1 || input.lines.length > 100) badInput('INVALID_LINES', '1 to 100 lines', 'input.lines');
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    assertVariantId(l.variantId, `input.lines.${i}.variantId`);
    if (seen.has(l.variantId)) badInput('DUPLICATE_LINE', 'one line per variant', `input.lines.${i}.variantId`);
    seen.add(l.variantId);
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 1_000)
      badInput('INVALID_QUANTITY', 'quantity is 1 to 1,000', `input.lines.${i}.quantity`);
  });
}

const requestHash = (input: TillCreditReturnInput) =>
  createHash('sha256')
    .update(JSON.stringify([...input.lines].sort((a, b) => a.variantId.localeCompare(b.variantId)).map((l) => [l.variantId, l.quantity])))
    .digest('hex');

async function stored(ctx: OrdersContext, tillId: string, key: string, hash: string) {
  const [row] = await ctx.db.db
    .select()
    .from(tillCreditReturns)
    .where(and(eq(tillCreditReturns.tillId, tillId), eq(tillCreditReturns.clientId, key)));
  if (row && row.requestHash !== hash)
    throw appError(Code.IDEMPOTENCY_KEY_REUSED, 'this idempotency key was used for another return', { argument: 'input.idempotencyKey' });
  return row;
}

/** Books each line's units back on hand at the till's shop (stock keys each on its reference), then marks the row. */
async function restock(ctx: OrdersContext, row: Row): Promise<Row> {
  if (row.stockStatus === 'RESTOCKED') return row;
  const token = await signCheckoutContext(ctx.channel, ctx.deps.contextSecret);
  try {
    for (const l of row.lines)
      await returnUnsoldUnits(ctx.deps.stock, token, ctx.channel.requestId, {
        variantId: l.variantId,
        quantity: l.quantity,
        locationId: row.locationId,
        reference: `till-credit-return-${row.id}-${l.lineNo}`,
      });
  } catch (err) {
    // The credit is with the customer; the units follow when the till sends the return again with this key.
    ctx.log.warn({ err, tillCreditReturnId: row.id }, 'till return without a receipt did not reach stock: stays pending');
    return row;
  }
  const [done] = await ctx.db.db.update(tillCreditReturns).set({ stockStatus: 'RESTOCKED' }).where(eq(tillCreditReturns.id, row.id)).returning();
  return done!;
}

async function receiptOf(ctx: OrdersContext, row: Row) {
  const [credit] = await ctx.db.db
    .select({ balance: storeCredits.balance, issued: storeCredits.issued, codeHash: storeCredits.codeHash, last4: storeCredits.codeLast4 })
    .from(storeCredits)
    .where(eq(storeCredits.id, row.creditId));
  const money = (amount: number) => ({ amount, currency: row.currency });
  // Derived again, never read back: null for a credit issued before codes were derived (migration 0019).
  const code = recoverCreditCode(ctx.deps.storeCreditSecrets, row.creditId, credit!.codeHash);
  const returnedAt = row.returnedAt.toISOString();
  const refunds = [{ method: 'STORE_CREDIT', amount: row.total }];
  const text = returnReceiptText({ ...row, receiptNumber: null, returnNumber: row.number, returnedAt, refunds });
  return {
    __typename: 'TillCreditReturnReceipt' as const,
    returnNumber: row.number,
    clientId: row.clientId,
    tillId: row.tillId,
    locationId: row.locationId,
    cashierId: row.cashierId,
    returnedAt,
    approvedBy: { staffId: row.approvedBy, name: row.approverName },
    lines: row.lines.map((l) => ({ lineNo: l.lineNo, variantId: l.variantId, sku: l.sku, quantity: l.quantity, refund: money(l.amount) })),
    total: money(row.total),
    credit: { code, last4: credit!.last4, issued: money(credit!.issued), balance: money(credit!.balance) },
    restocked: row.stockStatus === 'RESTOCKED',
    text: `${text}Store credit ${code ?? maskedCreditCode(credit!.last4)}\n`,
  };
}

class Duplicate extends Error {}

/**
 * A return at the till without a receipt (issue #15 item 3): nothing proves what was paid, so the goods are valued
 * at what this channel sells them for now (prices' quote in the POS channel, its promotions applied: what the
 * customer would pay today), a manager approves that amount on the till (ApproveTillDiscount with purpose RETURN,
 * the discounts' mechanism: another manager than the cashier, this till and sign-in, five minutes), and the money
 * goes out only as store credit (a code, never cash or card: no receipt, no tender to pay back). The units come back
 * into THIS shop's stock. The credit and the return are one transaction; the idempotency key answers a retry with
 * the same return and the same code, derived again from the credit's id (the code itself is stored nowhere).
 */
export async function tillCreditReturn(ctx: OrdersContext, input: TillCreditReturnInput) {
  const till = requireTill(ctx);
  validate(input);
  const hash = requestHash(input);
  const done = await stored(ctx, till.id, input.idempotencyKey, hash);
  if (done) return receiptOf(ctx, await restock(ctx, done));
  const [session] = await ctx.db.db
    .select({ id: tillSessions.id })
    .from(tillSessions)
    .where(and(eq(tillSessions.tillId, till.id), isNull(tillSessions.closedAt)));
  if (!session) return { __typename: 'TillSessionConflict' as const, message: 'open the till (a cash session) before taking a return', current: null };
  if (!ctx.deps.prices.guard.closed) throw serviceUnavailable(ctx.deps.prices.guard.service);
  const quote = await quoteCart(ctx.deps.prices, await signCustomerContext(ctx.channel, ctx.deps.contextSecret), ctx.channel.requestId, {
    lines: input.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    couponCodes: [],
    shipTo: null,
    shippingMethod: null,
  });
  if (!isQuote(quote)) return { __typename: 'CartNotReady' as const, problems: quoteProblems(quote) };
  const amount = (total: number) => ({ amount: total, currency: quote.currency });
  const check = await checkApproval(ctx, till, input.managerApproval, quote.total, new Date(), true, 'RETURN');
  if (!check.ok) return { __typename: 'ReturnApprovalRequired' as const, reason: check.reason, message: check.message, amount: amount(quote.total) };

  const id = `tcr_${randomUUID().replaceAll('-', '')}`;
  try {
    await ctx.db.db.transaction(async (tx) => {
      const credit = await issueCredit(tx, ctx.deps.storeCreditSecrets[0]!, {
        channel: ctx.channel.channel,
        currency: quote.currency,
        amount: quote.total,
        reference: id,
        tillId: till.id,
      });
      const [row] = await tx
        .insert(tillCreditReturns)
        .values({
          id,
          tillId: till.id,
          clientId: input.idempotencyKey,
          requestHash: hash,
          tillSessionId: session.id,
          channel: ctx.channel.channel,
          locationId: till.locationId,
          cashierId: till.staffId,
          approvedBy: check.managerId,
          approverName: check.managerName,
          number: `NR-${randomBytes(5).toString('hex').toUpperCase()}`,
          lines: quote.lines.map((l, i) => ({ lineNo: i + 1, variantId: l.variantId, sku: l.sku, quantity: l.quantity, amount: l.total })),
          total: quote.total,
          currency: quote.currency,
          creditId: credit.id,
        })
        .onConflictDoNothing()
        .returning({ id: tillCreditReturns.id });
      // A duplicate sent at once won the (till, key) row: this credit is rolled back and the winner's answered.
      if (!row) throw new Duplicate();
    });
  } catch (err) {
    if (!(err instanceof Duplicate)) throw err;
  }
  const row = await stored(ctx, till.id, input.idempotencyKey, hash);
  if (!row) throw new Error(`till return ${input.idempotencyKey} of ${till.id} is not there after it was written`);
  return receiptOf(ctx, await restock(ctx, row));
}
