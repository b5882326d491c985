import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { data, key, one, op, readyCart, stockOf, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * Trade quotes (issue 14): a buyer asks for prices on their cart, staff of the trade channel price each line
 * with an expiry, and the buyer orders it through the one checkout saga at the quoted prices. A quote is
 * used once; an expired, rejected, changed-cart or another company's quote is refused with a stable code and
 * nothing reserved; stock rules still apply. Companies, buyers, staff and products are this file's own.
 *
 * Figures: each product is 119.00 gross in the base book, so 100.00 net on trade-eu (tax-exclusive, 19 % VAT).
 * Quoted: a at 80.00, b at 90.00. Standard shipping is 4.90, free from 50.00 of goods.
 */
const run = adminWalk('quotes');
const pid = process.pid;
const ACME = `cmp_t_quotes_a_${pid}`;
const buyer = testIdentity('quotes-buyer', { kind: 'buyer', company: ACME, role: 'BUYER' });
const colleague = testIdentity('quotes-colleague', { kind: 'buyer', company: ACME, role: 'BUYER' });
const acmeAdmin = testIdentity('quotes-admin', { kind: 'buyer', company: ACME, role: 'ADMIN' });
const approver = testIdentity('quotes-approver', { kind: 'buyer', company: ACME, role: 'APPROVER' });
const limited = testIdentity('quotes-limited', { kind: 'buyer', company: ACME, role: 'BUYER', limits: { perOrder: 10_000 } });
const globex = testIdentity('quotes-globex', { kind: 'buyer', company: `cmp_t_quotes_g_${pid}`, role: 'ADMIN' });

const v = { a: '', b: '', scarce: '' };
const staff = { trade: '', web: '' };
const TRADE = () => ({ token: staff.trade, channel: 'trade-eu' });
const WEB = () => ({ token: staff.web, channel: 'web-eu' });
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

beforeAll(async () => {
  for (const [name, stock] of [
    ['a', 20],
    ['b', 20],
    ['scarce', 2],
  ] as const) {
    const created = await createTestProduct({ channels: ['trade-eu'], name: `Quotes ${name}` });
    v[name] = created.variants[0]!.id as string;
    await priceVariant(v[name], { eur: 11_900 });
    await receive(v[name], HAMBURG, stock);
  }
  const [trade, web] = await Promise.all([createStaff('quotes-trade', ['order-admin'], ['trade-eu']), createStaff('quotes-web', ['order-admin'], ['web-eu'])]);
  staff.trade = (await staffSession(trade.email)).token;
  staff.web = (await staffSession(web.email)).token;
});

type Line = { variantId: string; quantity: number; unitPrice: { amount: number } | null };
const linesOf = (q: { lines: Line[] }) =>
  q.lines.map((l) => [l.variantId, l.quantity, l.unitPrice?.amount ?? null]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
const sorted = (rows: (string | number | null)[][]) => [...rows].sort((x, y) => String(x[0]).localeCompare(String(y[0])));

async function requested(who: { token: string }, lines: { variantId: string; quantity: number }[]) {
  const cart = await readyCart('b2b', who, lines);
  const quote = data(await op('b2b', 'RequestQuote', { cartId: cart.id, note: 'yearly volume' }, who)).requestQuote;
  return { cart, quote };
}

async function proposed(who: { token: string }, lines: { variantId: string; quantity: number }[], units: Record<string, number>, expiresAt = inAWeek()) {
  const { cart, quote } = await requested(who, lines);
  const priced = lines.map((l) => ({ variantId: l.variantId, unitPrice: { amount: units[l.variantId]!, currency: 'EUR' } }));
  const res = data(await run('ProposeQuote', { input: { id: quote.id, lines: priced, expiresAt } }, TRADE())).proposeQuote;
  expect(res.status).toBe('PROPOSED');
  return { cart, quote: res };
}

const orderWith = async (who: { token: string }, cartId: string, quoteId: string, amount: number, idempotencyKey = key('quote')) =>
  data(
    await op(
      'b2b',
      'PlaceOrder',
      { input: { cartId, quoteId, idempotencyKey, expectedTotal: { amount, currency: 'EUR' }, payment: { provider: 'manual' } } },
      who,
    ),
  ).placeOrder;

describe('a quote from request to order', () => {
  it('is asked for by a buyer, priced by the trade channel’s staff and ordered once at the quoted prices', async () => {
    const { cart, quote } = await requested(buyer, [
      { variantId: v.a, quantity: 3 },
      { variantId: v.b, quantity: 1 },
    ]);
    expect(quote).toMatchObject({ status: 'REQUESTED', cartId: cart.id, note: 'yearly volume', expiresAt: null, subtotal: null, orderId: null });
    expect(linesOf(quote)).toEqual(
      sorted([
        [v.a, 3, null],
        [v.b, 1, null],
      ]),
    );

    // The trade channel's staff see it in their queue; web-eu's staff neither see the queue nor find the quote.
    const queue = data(await run('QuoteRequests', { channel: 'trade-eu', statuses: ['REQUESTED'], first: 200 }, TRADE())).quoteRequests;
    expect(queue.filter((q: { id: string }) => q.id === quote.id)).toMatchObject([{ status: 'REQUESTED', companyId: ACME, requestedBy: buyer.sub }]);
    expect(codes(await run('QuoteRequests', { channel: 'trade-eu' }, WEB()))).toEqual(['FORBIDDEN']);
    const priced = [
      { variantId: v.a, unitPrice: { amount: 8000, currency: 'EUR' } },
      { variantId: v.b, unitPrice: { amount: 9000, currency: 'EUR' } },
    ];
    expect(codes(await run('ProposeQuote', { input: { id: quote.id, lines: priced, expiresAt: inAWeek() } }, WEB()))).toEqual(['NOT_FOUND']);
    // Every line once: a proposal missing b is refused.
    expect(codes(await run('ProposeQuote', { input: { id: quote.id, lines: priced.slice(0, 1), expiresAt: inAWeek() } }, TRADE()))).toEqual(['BAD_USER_INPUT']);

    const offer = data(
      await run('ProposeQuote', { input: { id: quote.id, lines: priced, expectedVersion: quote.version, expiresAt: inAWeek() } }, TRADE()),
    ).proposeQuote;
    // 3 x 80.00 + 1 x 90.00 = 330.00.
    expect(offer).toMatchObject({ status: 'PROPOSED', subtotal: { amount: 33_000, currency: 'EUR' } });
    expect(linesOf(offer)).toEqual(
      sorted([
        [v.a, 3, 8000],
        [v.b, 1, 9000],
      ]),
    );
    const proposedEvent = await one<{ data: any; aggregate_version: number }>(
      (sql) => sql`select data, aggregate_version from orders.outbox where aggregate_id = ${quote.id} and type = 'quote.proposed'`,
    );
    expect(proposedEvent.aggregate_version).toBe(offer.version);
    expect(sorted(proposedEvent.data.lines.map((l: any) => [l.variantId, l.quantity, l.unitPrice.amount]))).toEqual(
      sorted([
        [v.a, 3, 8000],
        [v.b, 1, 9000],
      ]),
    );

    // 330.00 net; shipping free (goods over 50.00); VAT 19 % of 330.00 = 62.70; total 392.70.
    const total = data(await op('b2b', 'TradeQuoteTotal', { id: quote.id }, buyer)).tradeQuoteTotal;
    expect(total).toEqual({
      quoteId: quote.id,
      subtotal: { amount: 33_000, currency: 'EUR' },
      shipping: { amount: 0, currency: 'EUR' },
      tax: { amount: 6270, currency: 'EUR' },
      total: { amount: 39_270, currency: 'EUR' },
    });
    // The list price would have been 400.00 + 76.00 = 476.00: sending that is a PriceChanged, and the quote stays orderable.
    expect(await orderWith(buyer, cart.id, quote.id, 47_600)).toMatchObject({
      __typename: 'PriceChanged',
      expected: { amount: 47_600 },
      actual: { amount: 39_270 },
    });
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote.status).toBe('PROPOSED');

    const idempotencyKey = key('quote-order');
    const placed = await orderWith(buyer, cart.id, quote.id, 39_270, idempotencyKey);
    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order).toMatchObject({ subtotal: { amount: 33_000 }, discountTotal: { amount: 0 }, taxTotal: { amount: 6270 }, total: { amount: 39_270 } });
    // 3 x 80.00 = 240.00, VAT 45.60; 1 x 90.00, VAT 17.10.
    expect(sorted(placed.order.lines.map((l: any) => [l.variant.id, l.quantity, l.unitPrice.amount, l.tax.amount, l.lineTotal.amount]))).toEqual(
      sorted([
        [v.a, 3, 8000, 4560, 24_000],
        [v.b, 1, 9000, 1710, 9000],
      ]),
    );
    // The same key again: the same order, nothing new.
    expect((await orderWith(buyer, cart.id, quote.id, 39_270, idempotencyKey)).order.id).toBe(placed.order.id);

    const used = data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote;
    expect(used).toMatchObject({ status: 'ORDERED', orderId: placed.order.id });
    // Used once: a fresh cart with the very same lines cannot order it again.
    const again = await readyCart('b2b', buyer, [
      { variantId: v.a, quantity: 3 },
      { variantId: v.b, quantity: 1 },
    ]);
    expect(await orderWith(buyer, again.id, quote.id, 39_270)).toEqual({ __typename: 'QuoteNotUsable', quoteId: quote.id, code: 'ALREADY_USED' });
    // Staff cannot re-price or decline an ordered quote.
    expect(codes(await run('ProposeQuote', { input: { id: quote.id, lines: priced, expiresAt: inAWeek() } }, TRADE()))).toEqual(['CONFLICT']);
  });

  it('is asked for by buyers and company admins, not by approvers', async () => {
    const cart = await readyCart('b2b', approver, [{ variantId: v.a, quantity: 1 }]);
    expect(codes(await op('b2b', 'RequestQuote', { cartId: cart.id }, approver))).toEqual(['FORBIDDEN']);
    const empty = data(await op('b2b', 'CreateCart', { email: 'quotes@example.com' }, buyer)).createCart;
    expect(codes(await op('b2b', 'RequestQuote', { cartId: empty.id }, buyer))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('a quote that cannot be used', () => {
  it('is never seen or ordered by another company, nor read by a colleague (only their company admin)', async () => {
    const { quote } = await proposed(buyer, [{ variantId: v.a, quantity: 2 }], { [v.a]: 7000 });
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, globex)).tradeQuote).toBeNull();
    expect(data(await op('b2b', 'TradeQuoteTotal', { id: quote.id }, globex)).tradeQuoteTotal).toBeNull();
    expect(data(await op('b2b', 'MyQuotes', {}, globex)).myQuotes).toEqual([]);
    expect(data(await op('b2b', 'MyQuotes', {}, colleague)).myQuotes).toEqual([]);
    const adminSees = data(await op('b2b', 'MyQuotes', { first: 200 }, acmeAdmin)).myQuotes.map((q: { id: string }) => q.id);
    expect(adminSees).toContain(quote.id);
    expect(adminSees.length).toBe(new Set(adminSees).size);
    // Globex's buyer with a cart of the same lines, naming Acme's quote: as if there were none.
    const theirs = await readyCart('b2b', globex, [{ variantId: v.a, quantity: 2 }]);
    const before = await stockOf(v.a);
    // 2 x 70.00 = 140.00, VAT 26.60: 166.60 (refused before anything is priced).
    expect(await orderWith(globex, theirs.id, quote.id, 16_660)).toEqual({ __typename: 'QuoteNotUsable', quoteId: quote.id, code: 'NOT_FOUND' });
    expect(await stockOf(v.a)).toEqual(before);
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote.status).toBe('PROPOSED');
  });

  it('is refused once expired', async () => {
    const { cart, quote } = await proposed(buyer, [{ variantId: v.a, quantity: 1 }], { [v.a]: 5000 }, new Date(Date.now() + 2_000).toISOString());
    let status = 'PROPOSED';
    for (let i = 0; i < 100 && status === 'PROPOSED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote.status;
    }
    expect(status).toBe('EXPIRED');
    expect(data(await op('b2b', 'TradeQuoteTotal', { id: quote.id }, buyer)).tradeQuoteTotal).toBeNull();
    // 50.00 net (shipping free: goods over 50.00), VAT 9.50: 59.50, the total it had.
    const before = await stockOf(v.a);
    expect(await orderWith(buyer, cart.id, quote.id, 5950)).toEqual({ __typename: 'QuoteNotUsable', quoteId: quote.id, code: 'EXPIRED' });
    expect(await stockOf(v.a)).toEqual(before);
  });

  it('is refused once rejected, with staff’s reason', async () => {
    const { cart, quote } = await requested(buyer, [{ variantId: v.b, quantity: 1 }]);
    const rejected = data(await run('RejectQuote', { id: quote.id, reason: 'below cost' }, TRADE())).rejectQuote;
    expect(rejected).toMatchObject({ id: quote.id, status: 'REJECTED', reason: 'below cost' });
    expect(codes(await run('RejectQuote', { id: quote.id, reason: 'again' }, TRADE()))).toEqual(['CONFLICT']);
    expect(codes(await run('RejectQuote', { id: quote.id, reason: 'not mine' }, WEB()))).toEqual(['NOT_FOUND']);
    expect(await orderWith(buyer, cart.id, quote.id, 11_900)).toEqual({ __typename: 'QuoteNotUsable', quoteId: quote.id, code: 'REJECTED' });
    const queue = data(await run('QuoteRequests', { channel: 'trade-eu', statuses: ['REJECTED'], first: 200 }, TRADE())).quoteRequests;
    expect(queue.filter((q: { id: string }) => q.id === quote.id).map((q: { status: string }) => q.status)).toEqual(['REJECTED']);
    // One event per step, in the statement that made it (the outbox), each at the quote's version then.
    const events = await one<{ types: string[]; versions: number[] }>(
      (sql) => sql`select array_agg(type order by id) as types, array_agg(aggregate_version order by id) as versions
        from orders.outbox where aggregate_id = ${quote.id}`,
    );
    expect(events).toEqual({ types: ['quote.requested', 'quote.rejected'], versions: [1, 2] });
  });

  it('is refused before it is priced, and when the cart no longer holds the quoted lines', async () => {
    const early = await requested(buyer, [{ variantId: v.b, quantity: 2 }]);
    expect(await orderWith(buyer, early.cart.id, early.quote.id, 1)).toEqual({ __typename: 'QuoteNotUsable', quoteId: early.quote.id, code: 'NOT_PROPOSED' });
    const { cart, quote } = await proposed(buyer, [{ variantId: v.b, quantity: 2 }], { [v.b]: 6000 });
    const changed = data(await op('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: v.a, quantity: 1 }] }, buyer)).addCartLines;
    expect(changed.lines.length).toBe(2);
    const before = await stockOf(v.b);
    expect(await orderWith(buyer, cart.id, quote.id, 14_280)).toEqual({ __typename: 'QuoteNotUsable', quoteId: quote.id, code: 'CART_CHANGED' });
    expect(await stockOf(v.b)).toEqual(before);
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote.status).toBe('PROPOSED');
  });

  it('still obeys stock: short stock answers InsufficientStock and gives the quote back', async () => {
    const { cart, quote } = await proposed(buyer, [{ variantId: v.scarce, quantity: 2 }], { [v.scarce]: 4000 });
    // Someone else buys one of the two units first.
    const other = await readyCart('b2b', colleague, [{ variantId: v.scarce, quantity: 1 }]);
    const bought = data(
      await op(
        'b2b',
        'PlaceOrder',
        { input: { cartId: other.id, idempotencyKey: key('scarce'), expectedTotal: other.totals!.total, payment: { provider: 'manual' } } },
        colleague,
      ),
    ).placeOrder;
    expect(bought.__typename).toBe('OrderPlaced');
    // 2 x 40.00 = 80.00, free shipping, VAT 15.20: 95.20.
    const short = await orderWith(buyer, cart.id, quote.id, 9520);
    expect(short).toMatchObject({ __typename: 'InsufficientStock', lines: [{ variant: { id: v.scarce }, requested: 2, available: 1 }] });
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote.status).toBe('PROPOSED');
    expect(await stockOf(v.scarce)).toMatchObject({ on_hand: 1, reserved: 0 });
  });

  it('orders once when two checkouts of it race', async () => {
    const { cart, quote } = await proposed(buyer, [{ variantId: v.a, quantity: 1 }], { [v.a]: 5000 });
    // 50.00 net (shipping free: goods over 50.00), VAT 9.50: 59.50.
    const total = data(await op('b2b', 'TradeQuoteTotal', { id: quote.id }, buyer)).tradeQuoteTotal.total.amount;
    expect(total).toBe(5950);
    const answers = await Promise.all([1, 2].map(() => orderWith(buyer, cart.id, quote.id, 5950)));
    const placed = answers.filter((a) => a.__typename === 'OrderPlaced');
    expect(placed.length).toBe(1);
    // The loser found the cart or the quote taken.
    expect(answers.filter((a) => a.__typename !== 'OrderPlaced').map((a) => a.__typename)).toEqual([expect.stringMatching(/^(CartLocked|QuoteNotUsable)$/)]);
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, buyer)).tradeQuote).toMatchObject({ status: 'ORDERED', orderId: placed[0].order.id });
  });

  it('still needs approval over the buyer’s limit; a rejected approval gives the quote back', async () => {
    const { cart, quote } = await proposed(limited, [{ variantId: v.a, quantity: 2 }], { [v.a]: 8000 });
    // 2 x 80.00 = 160.00 net, shipping free, VAT 30.40: 190.40, over the buyer's 100.00 per order.
    const waiting = await orderWith(limited, cart.id, quote.id, 19_040);
    expect(waiting.__typename).toBe('ApprovalRequired');
    expect(data(await op('b2b', 'TradeQuote', { id: quote.id }, limited)).tradeQuote.status).toBe('ORDERING');
    const approvalId = waiting.approval.id as string;
    const decided = data(await op('b2b', 'RejectOrder', { id: approvalId, idempotencyKey: key('quote-reject'), reason: 'not now' }, acmeAdmin)).rejectOrder;
    expect(decided).toMatchObject({ __typename: 'ApprovalDecided', approval: { id: approvalId, status: 'REJECTED' } });
    let status = 'ORDERING';
    for (let i = 0; i < 100 && status === 'ORDERING'; i++) {
      status = data(await op('b2b', 'TradeQuote', { id: quote.id }, limited)).tradeQuote.status;
      if (status === 'ORDERING') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('PROPOSED');
  });
});
