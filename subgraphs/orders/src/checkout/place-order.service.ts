import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appError, type ChannelContext } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { ownerOf } from '../services/cart-owner.ts';
import { findCart } from '../services/cart.service.ts';
import { assertCode, badInput, isUuid } from '../services/cart-input.validation.ts';
import { checkoutPurchaseOrder, type PurchaseOrderInput } from '../services/purchase-order.service.ts';
import { loadCheckout, startCheckout } from './checkout.repository.ts';
import { runCheckout } from './checkout-runner.ts';
import type { CheckoutRow, PlaceOrderOutcome } from './checkout.types.ts';
import { checkouts, type PurchaseOrderRef } from '../db/tables.ts';

export interface PlaceOrderInput {
  cartId: string;
  idempotencyKey: string;
  expectedTotal: { amount: number; currency: string };
  payment: { provider: string; token?: string | null };
  purchaseOrder?: PurchaseOrderInput | null;
  /** A proposed trade quote of the caller's whose prices the order is placed at (cartId is the quoted cart). */
  quoteId?: string | null;
}

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
/** How long a duplicate request waits for the first one's answer before asking the client to retry. */
const WAIT_MS = 20_000;

function requestHash(input: PlaceOrderInput, po: PurchaseOrderRef | null): string {
  const { cartId, expectedTotal, payment } = input;
  // Without a PO the hash is what it was before purchase orders, so keys in flight across a deploy still match.
  const parts: unknown[] = [cartId, expectedTotal.amount, expectedTotal.currency, payment.provider];
  if (po) parts.push(po.number, po.costCentre);
  if (input.quoteId) parts.push(`quote:${input.quoteId}`);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function validate(ctx: OrdersContext, input: PlaceOrderInput): void {
  if (!KEY.test(input.idempotencyKey)) badInput('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey is 8 to 128 of A-Z, a-z, 0-9, _ . : -', 'input.idempotencyKey');
  const { amount, currency } = input.expectedTotal;
  if (!Number.isSafeInteger(amount) || amount < 0)
    badInput('INVALID_AMOUNT', 'expectedTotal.amount is a non-negative integer of minor units', 'input.expectedTotal.amount');
  if (currency !== ctx.channel.currency) badInput('INVALID_CURRENCY', `this channel sells in ${ctx.channel.currency}`, 'input.expectedTotal.currency');
  assertCode(input.payment.provider, 'input.payment.provider');
  if (input.quoteId != null && !isUuid(input.quoteId)) badInput('INVALID_QUOTE_ID', 'quoteId is the id of a quote', 'input.quoteId');
  const provider = ctx.deps.payments.get(input.payment.provider);
  if (provider.requiresToken && !input.payment.token)
    badInput('PAYMENT_TOKEN_REQUIRED', `${provider.name} payments need the payment method's token`, 'input.payment.token');
  if (input.payment.token != null && !/^[A-Za-z0-9_]{1,255}$/.test(input.payment.token))
    badInput('INVALID_PAYMENT_TOKEN', 'malformed payment token', 'input.payment.token');
}

/**
 * placeOrder: the same key gives the same answer, however often and however concurrently it is sent (the
 * saga row is unique per caller and key); the same key for another cart or total is
 * IDEMPOTENCY_KEY_REUSED. Bad input and a cart that is not the caller's write nothing.
 */
export async function placeOrder(ctx: OrdersContext, input: PlaceOrderInput): Promise<PlaceOrderOutcome> {
  const owner = ownerOf(ctx.channel);
  if (!owner) throw appError('UNAUTHENTICATED', 'sign in or start a guest session to check out');
  validate(ctx, input);
  const purchaseOrder = await checkoutPurchaseOrder(ctx, input.purchaseOrder).catch(async (err) => {
    // A retry of a checkout that already started keeps its first answer, even if the company has required
    // PO numbers since: the saga of this key is replayed (or its hash refuses another request) below.
    if (err instanceof GraphQLError && err.extensions.code === 'PURCHASE_ORDER_REQUIRED' && (await keyUsed(ctx, owner, input.idempotencyKey))) return null;
    throw err;
  });
  const hash = requestHash(input, purchaseOrder);
  const cart = await findCart(ctx, input.cartId);
  if (!cart) throw appError('NOT_FOUND', `no cart ${input.cartId}`, { argument: 'input.cartId' });
  // A checkout cannot succeed while stock or prices is known to be down (its circuit open): refused before
  // anything is written or held, and retryable with the same key.
  for (const dep of [ctx.deps.stock, ctx.deps.prices]) if (!dep.guard.closed) throw serviceUnavailable(dep.guard.service);
  const { staff: _staff, ...customerContext } = ctx.channel as ChannelContext;
  const { checkout, fresh } = await startCheckout(
    ctx.db.db,
    {
      channel: ctx.channel.channel,
      owner,
      idempotencyKey: input.idempotencyKey,
      requestHash: hash,
      cartId: cart.id,
      context: customerContext,
      paymentProvider: input.payment.provider,
      expectedTotal: input.expectedTotal.amount,
      purchaseOrder,
      quoteId: input.quoteId ?? null,
    },
    ctx.deps.leaseSeconds,
  );
  if (checkout.requestHash !== hash) {
    throw appError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for another checkout', { argument: 'input.idempotencyKey' });
  }
  if (fresh) {
    const answer = await runCheckout(ctx.db.db, ctx.deps, ctx.log, checkout, { paymentToken: input.payment.token ?? undefined, crashAt: ctx.crashAt });
    if (answer) return answer;
  }
  return awaitAnswer(ctx, checkout);
}

async function keyUsed(ctx: OrdersContext, owner: string, idempotencyKey: string): Promise<boolean> {
  const [row] = await ctx.db.db
    .select({ id: checkouts.id })
    .from(checkouts)
    .where(and(eq(checkouts.channel, ctx.channel.channel), eq(checkouts.owner, owner), eq(checkouts.idempotencyKey, idempotencyKey)));
  return row !== undefined;
}

/** A duplicate (or a run interrupted by a failing service) waits for the saga's stored answer. */
async function awaitAnswer(ctx: OrdersContext, checkout: CheckoutRow): Promise<PlaceOrderOutcome> {
  const until = Date.now() + WAIT_MS;
  let current: CheckoutRow | null = checkout;
  while (current && Date.now() < until) {
    if (current.status === 'COMPLETED' || current.status === 'FAILED' || current.status === 'PENDING_APPROVAL') return current.result!;
    await new Promise((r) => setTimeout(r, 25));
    current = await loadCheckout(ctx.db.db, checkout.id);
  }
  throw appError('SERVICE_UNAVAILABLE', 'the checkout is still being completed; retry with the same idempotency key', { retryable: true });
}
