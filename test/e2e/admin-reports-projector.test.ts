import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqlClient } from '../support/clients.ts';
import { eur, fig, reportCall as run, reportNames, reportStaff, setReportCosts, untilReport as until } from './admin-reports-support.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { type Fixture, writeHistoricOrder } from './report-support.ts';

/**
 * The sales report's projector, through the admin BFF by name: it never skips an order whose transaction is
 * still open, its sums equal the orders' for random history (also after cancellations), and a storefront order
 * reaches it. The channels (rpt-<k>-late, rpt-<k>-rand) and variants are this file's own, costed from 2019 on
 * (a: 5.00, b: 3.00); history is written as the order book writes it (see report-support.ts).
 */
const names = reportNames();
const { K, LATE, RAND, V } = names;
const sql = sqlClient();
const staff = { viewer: '' };
const untilReport = (auth: { token: string; channel: string }, input: object, ready: (r: any) => boolean) => until(run, auth, input, ready);

/** One order of this file's history (`K` makes its id and number its own). */
const writeOrder = (tx: Parameters<typeof writeHistoricOrder>[0], n: number, o: Fixture) => writeHistoricOrder(tx, K, n, o);

beforeAll(async () => {
  const tokens = await reportStaff(names, ['viewer', 'fx']);
  staff.viewer = tokens.viewer;
  await setReportCosts(run, tokens.fx, V);
}, 60_000);

afterAll(async () => {
  await sql.end();
});

describe('the projector and the outbox', () => {
  it('never passes an order whose transaction is still open: it waits for it, and then projects it', async () => {
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [LATE], from: '2019-03-01', to: '2019-04-01', period: 'MONTH' };
    const order = (id: string, total: number, day: string, variant: string): Fixture => ({
      id,
      channel: LATE,
      currency: 'EUR',
      at: `2019-03-${day}T10:00:00Z`,
      subtotal: total,
      discount: 0,
      shipping: 0,
      tax: 0,
      total,
      lines: [[variant, 1, total]],
    });
    // An order committed before anything else happens: the projector must get to it.
    await sql.begin((tx) => writeOrder(tx, 100, order('l0', 100, '09', V.b)));
    // The slow order takes its outbox id and holds its transaction open; a later one commits meanwhile.
    const held = await sql.reserve();
    let open = false;
    try {
      await held`begin`;
      open = true;
      await writeOrder(held, 101, order('l1', 700, '10', V.a));
      await sql.begin((tx) => writeOrder(tx, 102, order('l2', 300, '10', V.b)));
      // l0 is projected; l2 committed after l1 took its id and is held back with it (never skipped past it).
      const before = await untilReport(auth, input, (r) => r.totals.orders >= 1);
      expect(before.totals.total).toEqual(eur(100));
      // Seeing l0 first proves nothing if the projector simply had not got to l2 yet: it is read again for 3 s
      // (the projector passes every second here, ORDERS_REPORTS_INTERVAL_MS), and l2 must never appear while l1 is open.
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 150));
        const still = await untilReport(auth, input, () => true);
        expect({ orders: still.totals.orders, total: still.totals.total }).toEqual({ orders: 1, total: eur(100) });
      }
      await held`commit`;
      open = false;
    } finally {
      if (open) await held`rollback`.catch(() => undefined);
      held.release();
    }
    const after = await untilReport(auth, input, (r) => r.totals.orders === 3);
    expect(after.totals).toEqual(
      fig(eur, { orders: 3, units: 3, gross: 1100, discounts: 0, shipping: 0, tax: 0, total: 1100, aov: 367, cost: 300 + 500 + 300 }),
    );
  });
});

describe('consistency', () => {
  it('equals the sums over its orders for random history, also after orders are cancelled once projected', async () => {
    // 60 orders on random days of March 2020 with random amounts; the expectation is summed here, order by order.
    const rand = (n: number) => Math.floor(Math.random() * n);
    const orders: Fixture[] = Array.from({ length: 60 }, (_, i) => {
      const subtotal = 100 + rand(100_000);
      const discount = rand(Math.floor(subtotal / 3));
      const shipping = rand(2) * 490;
      const total = subtotal - discount + shipping;
      return {
        id: `r${i}`,
        channel: RAND,
        currency: 'EUR',
        at: `2020-03-${String(1 + rand(31)).padStart(2, '0')}T${String(rand(24)).padStart(2, '0')}:30:00Z`,
        subtotal,
        discount,
        shipping,
        tax: Math.floor(total / 10),
        total,
        lines: [[V.a, 1 + rand(5), subtotal]],
      };
    });
    for (const [n, o] of orders.entries()) await sql.begin((tx) => writeOrder(tx, 200 + n, o));
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const input = { channels: [RAND], from: '2020-03-01', to: '2020-04-01', period: 'WEEK' };
    const expected = (list: Fixture[]) => {
      const sum = (f: (o: Fixture) => number) => list.reduce((s, o) => s + f(o), 0);
      const total = sum((o) => o.total);
      return fig(eur, {
        orders: list.length,
        cancelled: orders.length - list.length,
        units: sum((o) => o.lines[0]![1]),
        gross: sum((o) => o.subtotal),
        discounts: sum((o) => o.discount),
        shipping: sum((o) => o.shipping),
        tax: sum((o) => o.tax),
        total,
        aov: Math.round(total / list.length),
        cost: sum((o) => 500 * o.lines[0]![1]),
      });
    };
    const first = await untilReport(auth, input, (r) => r.totals.orders === orders.length);
    expect(first.totals).toEqual(expected(orders));
    // The weeks add up to the totals.
    expect(first.rows.reduce((s: number, r: any) => s + r.figures.total.amount, 0)).toBe(first.totals.total.amount);

    // Five are cancelled after they were projected, as the order book cancels (status, version, order.cancelled).
    const cancelled = orders.slice(0, 5);
    for (const o of cancelled) {
      const id = `ord_rpt_${K}_${o.id}`;
      await sql.begin(async (tx) => {
        const [row] = await tx`update orders.orders set status = 'CANCELLED', version = version + 1 where id = ${id} returning number, version`;
        await tx`insert into orders.outbox (type, channel, aggregate_id, aggregate_version, data, published_at)
          values ('order.cancelled', ${RAND}, ${id}, ${row!.version}, ${tx.json({ orderId: id, number: row!.number, channel: RAND, reason: 'test', from: 'PROCESSING' })}, now())`;
      });
    }
    const after = await untilReport(auth, input, (r) => r.totals.cancelledOrders === 5);
    expect(after.totals).toEqual(expected(orders.slice(5)));
    // The ranking agrees, over the whole month (monthly sums) and from the 10th (edge days from the line facts):
    // every order sells V.a, for its subtotal in EUR.
    const from10 = orders.slice(5).filter((o) => o.at >= '2020-03-10');
    const topOf = (list: Fixture[]) => [
      {
        variantId: V.a,
        sku: V.a.toUpperCase(),
        units: list.reduce((s, o) => s + o.lines[0]![1], 0),
        orders: list.length,
        sales: eur(list.reduce((s, o) => s + o.subtotal, 0)),
      },
    ];
    expect(from10.length).toBeGreaterThan(0);
    const top = (from: string) => run('TopProducts', { input: { channels: [RAND], from, to: '2020-04-01' }, first: 5 }, auth).then((r) => data(r).topProducts);
    expect(await top('2020-03-01')).toEqual(topOf(orders.slice(5)));
    expect(await top('2020-03-10')).toEqual(topOf(from10));
  });
});

describe('live from the order book', () => {
  const shopper = testIdentity('reports-live');

  it('projects a storefront order into the report within seconds', async () => {
    const variantId = await sellable({ eur: 1234, stock: 5, channels: ['web-eu'] });
    const cart = await readyCart('b2c', shopper, [{ variantId, quantity: 2 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('reports'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const input = { channels: ['web-eu'], from: day(-1), to: day(2) };
    const auth = { token: staff.viewer, channel: 'web-eu' };
    let top: any[] = [];
    for (let i = 0; i < 100 && top.length === 0; i++) {
      top = data(await run('TopProducts', { input, variantIds: [variantId], first: 5 }, auth)).topProducts;
      if (top.length === 0) await sleep(150);
    }
    // 2 x 12.34 EUR in a tax-inclusive channel with no promotion on this product.
    expect(top).toEqual([{ variantId, sku: expect.any(String), units: 2, orders: 1, sales: eur(2468) }]);
  });
});
