import { beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '@storegraph/bff-kit';
import { bff, system } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { BERLIN_ADDRESS, data, key } from './checkout-support.ts';
import { storefrontWalk, walkProduct, walkRun } from './allow-list-walk-support.ts';

/**
 * The trade portal beyond the cart: approvals, net terms, saved lists and reorder, quotes, recurring orders, the
 * company order policy and quick order, each walked by name on the B2B BFF by buyers and companies of this file's
 * own, ordering a product of its own (20.00 net, 10 units in Hamburg and in Berlin). The file claims these
 * operations (`STOREFRONT_WALKS.trade`) and fails when one was not run.
 */
const run = storefrontWalk('trade');
const RUN = walkRun();
const product = { id: '', variantId: '', slug: '', sku: '', gtin: '' };

beforeAll(async () => {
  Object.assign(product, await walkProduct('Walk trade'));
});

describe('the trade portal order policy', () => {
  it('b2b: SetCompanyOrderPolicy by the company admin, CompanyOrderPolicy read back', async () => {
    const company = `cmp_t_walk_policy_${RUN}`;
    const admin = await issueToken({ sub: `cus_t_walk_admin_${RUN}`, kind: 'buyer', company, companyRole: 'ADMIN' }, system().idpSecret);
    const set = data(await run('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: true } }, admin)).setCompanyOrderPolicy;
    expect(set).toEqual({ company: { id: company }, purchaseOrderRequired: true, approverLimit: null, approvalSeconds: 86_400, backorders: true });
    expect(data(await run('b2b', 'CompanyOrderPolicy', {}, admin)).companyOrderPolicy).toEqual({
      company: { id: company },
      purchaseOrderRequired: true,
      approverLimit: null,
      approvalSeconds: 86_400,
      backorders: true,
    });
  });
});

describe('quick order on the trade portal', () => {
  it('b2b: AddCartLinesBySku adds the walk product by its SKU and reports an unknown one by its row', async () => {
    // A buyer of its own: the walk's buyer must keep no active cart (MergeGuestCart answers it).
    const quick = await issueToken({ sub: `cus_t_walk_quick_${RUN}`, kind: 'buyer', company: `cmp_t_walk_${RUN}` }, system().idpSecret);
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: quick })).createCart;
    const lines = [
      { sku: 'WALK-NO-SUCH-SKU', quantity: 1 },
      { sku: product.sku, quantity: 2 },
    ];
    const result = data(await run('b2b', 'AddCartLinesBySku', { cartId: cart.id, lines }, quick)).addCartLinesBySku;
    expect(result.added).toBe(1);
    expect(result.problems).toEqual([{ row: 1, sku: 'WALK-NO-SUCH-SKU', code: 'UNKNOWN_SKU', message: 'no such SKU in your catalogue' }]);
    expect(result.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
  });
});

describe('approvals on the trade portal', () => {
  it('b2b: an order over the buyer’s limit waits; CompanyApprovals, Approval, RejectOrder and ApproveOrder decide it', async () => {
    // The buyer may order nothing alone (a 0.00 per-order limit), so any order of theirs waits for the approver.
    const company = `cmp_t_walk_appr_${RUN}`;
    const secret = system().idpSecret;
    const buyer = await issueToken(
      { sub: `cus_t_walk_appr_b_${RUN}`, kind: 'buyer', company, companyRole: 'BUYER', buyerLimits: { currency: 'EUR', perOrder: 0, monthly: null } },
      secret,
    );
    const approver = await issueToken({ sub: `cus_t_walk_appr_a_${RUN}`, kind: 'buyer', company, companyRole: 'APPROVER' }, secret);
    const waiting = async () => {
      const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
      data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 1 }] }, { token: buyer }));
      const ready = data(
        await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }),
      ).setCartDetails;
      const input = { cartId: cart.id, idempotencyKey: key('walk-appr'), expectedTotal: ready.totals.total, payment: { provider: 'manual' } };
      const placed = data(await run('b2b', 'PlaceOrder', { input }, buyer)).placeOrder;
      expect(placed).toMatchObject({ __typename: 'ApprovalRequired', approval: { status: 'PENDING', level: 'APPROVER', reasons: ['ORDER_LIMIT'] } });
      return placed.approval.id as string;
    };
    const first = await waiting();
    const listed = data(await run('b2b', 'CompanyApprovals', { status: 'PENDING' }, approver)).companyApprovals;
    expect(listed.map((a: { id: string }) => a.id)).toEqual([first]);
    expect(data(await run('b2b', 'Approval', { id: first }, approver)).approval).toMatchObject({ id: first, status: 'PENDING', order: null });
    const rejected = data(await run('b2b', 'RejectOrder', { id: first, idempotencyKey: key('walk-reject'), reason: 'walk' }, approver)).rejectOrder;
    expect(rejected).toMatchObject({ __typename: 'ApprovalDecided', approval: { id: first, status: 'REJECTED', decisionReason: 'walk' } });
    const second = await waiting();
    const approved = data(await run('b2b', 'ApproveOrder', { id: second, idempotencyKey: key('walk-approve') }, approver)).approveOrder;
    expect(approved).toMatchObject({ __typename: 'ApprovalDecided', approval: { id: second, status: 'APPROVED', order: { status: 'PLACED' } } });
  });
});

describe('net terms on the trade portal', () => {
  it('b2b: an order on terms is invoiced; CompanyCredit and CompanyInvoices show it', async () => {
    // 300.00 of credit on 30 days; the invoice bills exactly the total the cart showed.
    const buyer = await issueToken(
      {
        sub: `cus_t_walk_terms_${RUN}`,
        kind: 'buyer',
        company: `cmp_t_walk_terms_${RUN}`,
        companyRole: 'ADMIN',
        companyCredit: { currency: 'EUR', termsDays: 30, creditLimit: 30_000 },
      },
      system().idpSecret,
    );
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 1 }] }, { token: buyer }));
    const ready = data(
      await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }),
    ).setCartDetails;
    const total = ready.totals.total.amount as number;
    const input = { cartId: cart.id, idempotencyKey: key('walk-terms'), expectedTotal: ready.totals.total, payment: { provider: 'terms' } };
    const placed = data(await run('b2b', 'PlaceOrder', { input }, buyer)).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const credit = data(await run('b2b', 'CompanyCredit', {}, buyer)).companyCredit;
    expect(credit).toMatchObject({ termsDays: 30, limit: { amount: 30_000, currency: 'EUR' }, owed: { amount: total, currency: 'EUR' } });
    expect(credit.available.amount).toBe(30_000 - total);
    const invoices = data(await run('b2b', 'CompanyInvoices', { filter: 'OPEN' }, buyer)).companyInvoices;
    expect(invoices.map((i: { order: { id: string }; balance: { amount: number } }) => [i.order.id, i.balance.amount])).toEqual([[placed.order.id, total]]);
  });
});

describe('saved lists and reorder on the trade portal', () => {
  it('b2b: SaveList, SavedLists, AddSavedListToCart, Reorder and DeleteSavedList', async () => {
    const buyer = await issueToken(
      { sub: `cus_t_walk_lists_${RUN}`, kind: 'buyer', company: `cmp_t_walk_lists_${RUN}`, companyRole: 'BUYER' },
      system().idpSecret,
    );
    const saved = data(await run('b2b', 'SaveList', { input: { name: 'Walk list', lines: [{ variantId: product.variantId, quantity: 2 }] } }, buyer)).saveList;
    expect(saved).toMatchObject({ name: 'Walk list', shared: false, editable: true, version: 1, lines: [{ variantId: product.variantId, quantity: 2 }] });
    expect(data(await run('b2b', 'SavedLists', {}, buyer)).savedLists.map((l: { id: string }) => l.id)).toEqual([saved.id]);
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    const filled = data(await run('b2b', 'AddSavedListToCart', { listId: saved.id, cartId: cart.id }, buyer)).addSavedListToCart;
    expect(filled).toMatchObject({ added: 1, skipped: [] });
    expect(filled.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
    const ready = data(
      await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }),
    ).setCartDetails;
    const input = { cartId: cart.id, idempotencyKey: key('walk-lists'), expectedTotal: ready.totals.total, payment: { provider: 'manual' } };
    const placed = data(await bff('b2b', 'PlaceOrder', { input }, { token: buyer })).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const next = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    const reordered = data(await run('b2b', 'Reorder', { orderId: placed.order.id, cartId: next.id }, buyer)).reorder;
    expect(reordered.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([[product.variantId, 2]]);
    expect(data(await run('b2b', 'DeleteSavedList', { id: saved.id }, buyer)).deleteSavedList).toBe(true);
    expect(data(await run('b2b', 'SavedLists', {}, buyer)).savedLists).toEqual([]);
  });
});

describe('quotes on the trade portal', () => {
  it('b2b: RequestQuote, MyQuotes, TradeQuote and TradeQuoteTotal (then PlaceOrder with the quote)', async () => {
    const buyer = await issueToken(
      { sub: `cus_t_walk_quotes_${RUN}`, kind: 'buyer', company: `cmp_t_walk_quotes_${RUN}`, companyRole: 'BUYER' },
      system().idpSecret,
    );
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: buyer })).createCart;
    data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 2 }] }, { token: buyer }));
    data(await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: buyer }));
    const asked = data(await run('b2b', 'RequestQuote', { cartId: cart.id, note: 'walk' }, buyer)).requestQuote;
    expect(asked).toMatchObject({
      status: 'REQUESTED',
      cartId: cart.id,
      note: 'walk',
      lines: [{ variantId: product.variantId, quantity: 2, unitPrice: null }],
    });
    expect(data(await run('b2b', 'MyQuotes', {}, buyer)).myQuotes.map((q: { id: string }) => q.id)).toEqual([asked.id]);
    // Setup, not walk (the quotes walk, b2b-quotes.test.ts, runs the staff side): trade staff price it at 15.00.
    const staffer = await createStaff('walk-quotes', ['order-admin'], ['trade-eu']);
    const staffToken = (await staffSession(staffer.email)).token;
    const lines = [{ variantId: product.variantId, unitPrice: { amount: 1500, currency: 'EUR' } }];
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const offer = await bff('admin', 'ProposeQuote', { input: { id: asked.id, lines, expiresAt } }, { token: staffToken, channel: 'trade-eu' });
    expect(offer.errors).toBeUndefined();
    const read = data(await run('b2b', 'TradeQuote', { id: asked.id }, buyer)).tradeQuote;
    expect(read).toMatchObject({ status: 'PROPOSED', subtotal: { amount: 3000, currency: 'EUR' }, lines: [{ unitPrice: { amount: 1500, currency: 'EUR' } }] });
    // 2 x 15.00 = 30.00 net; standard shipping 4.90 (goods at list price 40.00 are under 50.00);
    // VAT 5.70 + 0.931 -> 0.93 = 6.63; total 30.00 + 4.90 + 6.63 = 41.53.
    const total = data(await run('b2b', 'TradeQuoteTotal', { id: asked.id }, buyer)).tradeQuoteTotal;
    expect(total).toEqual({
      quoteId: asked.id,
      subtotal: { amount: 3000, currency: 'EUR' },
      shipping: { amount: 490, currency: 'EUR' },
      tax: { amount: 663, currency: 'EUR' },
      total: { amount: 4153, currency: 'EUR' },
    });
    const input = { cartId: cart.id, quoteId: asked.id, idempotencyKey: key('walk-quote'), expectedTotal: total.total, payment: { provider: 'manual' } };
    const placed = data(await bff('b2b', 'PlaceOrder', { input }, { token: buyer })).placeOrder;
    expect(placed).toMatchObject({ __typename: 'OrderPlaced', order: { total: { amount: 4153, currency: 'EUR' } } });
  });
});

describe('recurring orders on the trade portal', () => {
  it('b2b: CreateRecurringOrder, RecurringOrders, RunRecurringOrderNow and SetRecurringOrderStatus', async () => {
    const admin = await issueToken(
      { sub: `cus_t_walk_recur_${RUN}`, kind: 'buyer', company: `cmp_t_walk_recur_${RUN}`, companyRole: 'ADMIN' },
      system().idpSecret,
    );
    const cart = data(await bff('b2b', 'CreateCart', { email: 'walk@example.com' }, { token: admin })).createCart;
    data(await bff('b2b', 'AddCartLines', { cartId: cart.id, lines: [{ variantId: product.variantId, quantity: 2 }] }, { token: admin }));
    data(await bff('b2b', 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, { token: admin }));
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const input = { name: 'Walk weekly', cadence: 'WEEKLY', firstRun: tomorrow, cartId: cart.id, paymentProvider: 'manual' };
    const made = data(await run('b2b', 'CreateRecurringOrder', { input }, admin)).createRecurringOrder;
    // 2 x 20.00 = 40.00 net + 4.90 shipping = 44.90, VAT 7.60 + 0.93 = 8.53: 53.43.
    expect(made).toMatchObject({
      status: 'ACTIVE',
      source: 'CART',
      nextRun: { date: tomorrow, lines: [{ variantId: product.variantId, quantity: 2 }], estimatedTotal: { amount: 5343, currency: 'EUR' } },
      runs: [],
    });
    expect(data(await run('b2b', 'RecurringOrders', {}, admin)).recurringOrders.map((s: { id: string }) => s.id)).toEqual([made.id]);
    const ran = data(await run('b2b', 'RunRecurringOrderNow', { id: made.id, runDate: tomorrow }, admin)).runRecurringOrderNow;
    expect(ran).toMatchObject({ runDate: tomorrow, attempt: 1, status: 'PLACED', outcome: 'OrderPlaced' });
    const order = data(await bff('b2b', 'OrderStatus', { id: ran.orderId }, { token: admin })).order;
    expect(order.total).toEqual({ amount: 5343, currency: 'EUR' });
    const paused = data(await run('b2b', 'SetRecurringOrderStatus', { id: made.id, status: 'PAUSED' }, admin)).setRecurringOrderStatus;
    expect(paused).toMatchObject({ status: 'PAUSED', pausedReason: 'paused by the company admin', nextRun: null });
  });
});
