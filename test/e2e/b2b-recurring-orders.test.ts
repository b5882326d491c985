import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { BERLIN_ADDRESS, data, one, op, readyCart, testIdentity } from './checkout-support.ts';
import { codes } from './admin-walk-support.ts';
import { HAMBURG, priceVariant, receive, withContentionSampler } from './stock-support.ts';

/**
 * Recurring orders (issue 14): a company admin's weekly or monthly schedule places an order through the one
 * checkout saga, with a checkout key derived from (schedule, run date, attempt), so two runs of the same attempt
 * at once place one order; a failed attempt is recorded, tried again, and pauses the schedule after 3 in a row.
 * Companies, buyers and products are this file's own.
 *
 * Figures: each product is 119.00 gross in the base book, 100.00 net on trade-eu (tax-exclusive, 19 % VAT);
 * standard shipping 4.90 is free from 50.00 of goods.
 */
const pid = process.pid;
const ACME = `cmp_t_recur_a_${pid}`;
const admin = testIdentity('recur-admin', { kind: 'buyer', company: ACME, role: 'ADMIN' });
const buyer = testIdentity('recur-buyer', { kind: 'buyer', company: ACME, role: 'BUYER' });
const globex = testIdentity('recur-globex', { kind: 'buyer', company: `cmp_t_recur_g_${pid}`, role: 'ADMIN' });

const v = { a: '', scarce: '' };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  for (const [name, stock] of [
    ['a', 50],
    ['scarce', 1],
  ] as const) {
    const created = await createTestProduct({ channels: ['trade-eu'], name: `Recurring ${name}` });
    v[name] = created.variants[0]!.id as string;
    await priceVariant(v[name], { eur: 11_900 });
    await receive(v[name], HAMBURG, stock);
  }
});

const schedules = async (who: { token: string }) => data(await op('b2b', 'RecurringOrders', {}, who)).recurringOrders;
const scheduleOf = async (id: string) => (await schedules(admin)).find((s: { id: string }) => s.id === id);
const runNow = (id: string, runDate: string) => op('b2b', 'RunRecurringOrderNow', { id, runDate }, admin);
/** Orders placed by a schedule's runs: every checkout under one of its derived keys that made an order. */
const ordersOf = (id: string) =>
  one<{ n: number }>(
    (sql) =>
      sql`select count(*)::int as n from orders.orders o join orders.checkouts k on k.id = o.checkout_id where k.idempotency_key like ${`sched:${id}:%`}`,
  );

async function fromCart(name: string, lines: { variantId: string; quantity: number }[], firstRun: string) {
  const cart = await readyCart('b2b', admin, lines);
  const input = { name, cadence: 'WEEKLY', firstRun, cartId: cart.id, paymentProvider: 'manual' };
  return data(await op('b2b', 'CreateRecurringOrder', { input }, admin)).createRecurringOrder;
}

describe('a recurring order', () => {
  it('is set up by the company admin from a saved list, seen by the company with its next run, never by another company', async () => {
    const list = data(await op('b2b', 'SaveList', { input: { name: 'Weekly', shared: true, lines: [{ variantId: v.a, quantity: 2 }] } }, admin)).saveList;
    const input = {
      name: 'Weekly restock',
      cadence: 'WEEKLY',
      firstRun: day(1),
      savedListId: list.id,
      shippingAddress: BERLIN_ADDRESS,
      shippingMethod: 'standard',
      paymentProvider: 'manual',
      purchaseOrder: { number: 'PO-RECUR-1' },
    };
    expect(codes(await op('b2b', 'CreateRecurringOrder', { input }, buyer))).toEqual(['FORBIDDEN']);
    expect(codes(await op('b2b', 'CreateRecurringOrder', { input: { ...input, paymentProvider: 'card' } }, admin))).toEqual(['BAD_USER_INPUT']);
    const made = data(await op('b2b', 'CreateRecurringOrder', { input }, admin)).createRecurringOrder;
    // 2 x 100.00 = 200.00 net, shipping free, VAT 38.00: 238.00.
    expect(made).toMatchObject({
      name: 'Weekly restock',
      cadence: 'WEEKLY',
      status: 'ACTIVE',
      failures: 0,
      source: 'SAVED_LIST',
      customerId: admin.sub,
      purchaseOrderNumber: 'PO-RECUR-1',
      lines: [{ variantId: v.a, quantity: 2 }],
      nextRun: { date: day(1), lines: [{ variantId: v.a, quantity: 2 }], estimatedTotal: { amount: 23_800, currency: 'EUR' } },
      runs: [],
    });
    const seen = await schedules(buyer);
    expect(seen.map((s: { id: string }) => s.id)).toContain(made.id);
    expect(seen.length).toBe(new Set(seen.map((s: { id: string }) => s.id)).size);
    expect(await schedules(globex)).toEqual([]);
    expect(codes(await op('b2b', 'RunRecurringOrderNow', { id: made.id, runDate: day(1) }, globex))).toEqual(['NOT_FOUND']);
    expect(codes(await op('b2b', 'SetRecurringOrderStatus', { id: made.id, status: 'PAUSED' }, globex))).toEqual(['NOT_FOUND']);
    expect(codes(await op('b2b', 'RunRecurringOrderNow', { id: made.id, runDate: day(1) }, buyer))).toEqual(['FORBIDDEN']);
    expect((await scheduleOf(made.id)).runs).toEqual([]);
  });

  it('places one order when two runs of the same date race', async () => {
    const made = await fromCart('Raced', [{ variantId: v.a, quantity: 1 }], day(1));
    const { result, distinctBusy } = await withContentionSampler(() => Promise.all([runNow(made.id, day(1)), runNow(made.id, day(1))]), 'storegraph-orders');
    // Both requests worked in orders' database at once.
    expect(distinctBusy).toBeGreaterThanOrEqual(2);
    const [first, second] = result.map((r) => data(r).runRecurringOrderNow);
    expect(first).toMatchObject({ runDate: day(1), attempt: 1, status: 'PLACED', outcome: 'OrderPlaced', retryAt: null });
    expect(second).toEqual(first);
    expect((await ordersOf(made.id)).n).toBe(1);
    // 1 x 100.00 net, shipping free, VAT 19.00: 119.00.
    const order = data(await op('b2b', 'OrderStatus', { id: first.orderId }, admin)).order;
    expect(order.total).toEqual({ amount: 11_900, currency: 'EUR' });
    // Asking again for that date answers the same run; the schedule moved on a week.
    expect(data(await runNow(made.id, day(1))).runRecurringOrderNow).toEqual(first);
    const after = await scheduleOf(made.id);
    expect(after.nextRun.date).toBe(plusDays(day(1), 7));
    expect(after.runs).toEqual([first]);
    // A date that is neither the coming run nor one made: refused, nothing ordered.
    expect(codes(await runNow(made.id, plusDays(day(1), 14)))).toEqual(['CONFLICT']);
    expect((await ordersOf(made.id)).n).toBe(1);
  });

  it('records a failed run, tries it again, pauses after 3 failures in a row, and runs again once resumed', async () => {
    // Two wanted, one in stock.
    const made = await fromCart('Out of stock', [{ variantId: v.scarce, quantity: 2 }], day(1));
    for (const attempt of [1, 2, 3]) {
      const run = data(await runNow(made.id, day(1))).runRecurringOrderNow;
      expect(run).toMatchObject({ runDate: day(1), attempt, status: 'FAILED', outcome: 'InsufficientStock', orderId: null });
      // Retried by the job an hour later (ORDERS_SCHEDULE_RETRY_MINUTES, 60).
      expect(Date.parse(run.retryAt) - Date.now()).toBeGreaterThan(55 * 60_000);
      expect((await scheduleOf(made.id)).failures).toBe(attempt);
    }
    const paused = await scheduleOf(made.id);
    expect(paused).toMatchObject({ status: 'PAUSED', pausedReason: 'paused after 3 failed attempts in a row', nextRun: null });
    expect(paused.runs.map((r: { attempt: number; status: string }) => [r.attempt, r.status])).toEqual([
      [3, 'FAILED'],
      [2, 'FAILED'],
      [1, 'FAILED'],
    ]);
    expect(codes(await runNow(made.id, day(1)))).toEqual(['CONFLICT']);
    expect((await ordersOf(made.id)).n).toBe(0);

    await receive(v.scarce, HAMBURG, 1);
    const resumed = data(await op('b2b', 'SetRecurringOrderStatus', { id: made.id, status: 'ACTIVE' }, admin)).setRecurringOrderStatus;
    expect(resumed).toMatchObject({ status: 'ACTIVE', failures: 0, pausedReason: null, nextRun: { date: day(1) } });
    const placed = data(await runNow(made.id, day(1))).runRecurringOrderNow;
    expect(placed).toMatchObject({ attempt: 4, status: 'PLACED', outcome: 'OrderPlaced' });
    expect((await ordersOf(made.id)).n).toBe(1);
  });

  it('is placed by the schedule job when its run is due', async () => {
    const made = await fromCart('Due today', [{ variantId: v.a, quantity: 3 }], day(0));
    // The test system's job asks every second; poll with a generous bound.
    let runs: { status: string }[] = [];
    for (let i = 0; i < 100 && !runs.some((r) => r.status === 'PLACED'); i++) {
      await new Promise((r) => setTimeout(r, 300));
      runs = (await scheduleOf(made.id)).runs;
    }
    expect(runs).toMatchObject([{ runDate: day(0), attempt: 1, status: 'PLACED', outcome: 'OrderPlaced' }]);
    expect((await ordersOf(made.id)).n).toBe(1);
    expect((await scheduleOf(made.id)).nextRun.date).toBe(plusDays(day(0), 7));
  });
});
