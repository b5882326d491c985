import { describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { BERLIN_ADDRESS, type Bff, data, key, op, sellable, stockOf, type TestIdentity, testIdentity } from './checkout-support.ts';
import { HAMBURG, levelsMatchLedger, receive } from './stock-support.ts';

/**
 * 200 shoppers of three channels check out at the same moment for a variant with 50 units: every order
 * placed is fully reserved and sold, everyone else is told InsufficientStock, and not one unit more than
 * exists is sold. web-eu and trade-eu sell from the Hamburg warehouse, web-us from New Jersey (the demo's
 * channel locations), so the 50 units are split 35 / 15 and both pools are oversubscribed.
 */

const NEW_JERSEY = 'loc_wh_newjersey';
const NEW_YORK = { name: 'Ben Carter', line1: '350 Fifth Avenue', postalCode: '10118', city: 'New York', region: 'NY', country: 'US' };

interface Shopper {
  bff: Bff;
  /** The warehouse the shopper's channel sells from. */
  pool: string;
  auth: TestIdentity;
  channel?: string;
  address: Record<string, string>;
  currency: string;
  /** What a cart of 1 and of 2 units costs in this channel, worked out below. */
  total: { 1: number; 2: number };
}

// The variant: 20.00 EUR gross in bk_base_eur, 25.00 USD net in bk_base_usd.
// web-eu (gross, 19% DE): 1 x 20.00 + 4.90 shipping = 24.90; 2 x 20.00 + 4.90 = 44.90 (below 50.00).
const WEB_EU = { 1: 2490, 2: 4490 };
// web-us (net, New York 4%, standard 7.99 net below 75.00, taxed like a line):
//   1 unit: 25.00 + tax 1.00 + 7.99 + tax 799 x 4% = 31.96 -> 0.32 = 34.31
//   2 units: 50.00 + tax 2.00 + 7.99 + 0.32 = 60.31
const WEB_US = { 1: 3431, 2: 6031 };
// trade-eu (net, DE 19%); no trade or contract entry for this variant, so the gross base price is taken net:
//   tax in 20.00 gross = 2000 x 1900 / 11900 = 319.3 -> 3.19, net unit 16.81.
//   1 unit: 16.81 + tax 1681 x 19% = 319.39 -> 3.19; shipping 4.90 net (below 50.00) + tax 93.1 -> 0.93:
//           16.81 + 3.19 + 4.90 + 0.93 = 25.83
//   2 units: 33.62 + tax 638.78 -> 6.39 + 4.90 + 0.93 = 45.84
const TRADE_EU = { 1: 2583, 2: 4584 };

// The file's own shoppers and two buyers of two companies of its own (no contract prices: the trade rule applies).
const shopperA = testIdentity('conc-a');
const shopperB = testIdentity('conc-b');
const buyerA = testIdentity('conc-buyer-a', { kind: 'buyer', company: `cmp_t_conc_a_${process.pid}` });
const buyerB = testIdentity('conc-buyer-b', { kind: 'buyer', company: `cmp_t_conc_b_${process.pid}` });

const SHOPPERS: Shopper[] = [
  { bff: 'b2c', pool: HAMBURG, auth: shopperA, channel: 'web-eu', address: BERLIN_ADDRESS, currency: 'EUR', total: WEB_EU },
  { bff: 'b2c', pool: HAMBURG, auth: shopperB, channel: 'web-eu', address: BERLIN_ADDRESS, currency: 'EUR', total: WEB_EU },
  { bff: 'b2c', pool: NEW_JERSEY, auth: shopperA, channel: 'web-us', address: NEW_YORK, currency: 'USD', total: WEB_US },
  { bff: 'b2c', pool: NEW_JERSEY, auth: shopperB, channel: 'web-us', address: NEW_YORK, currency: 'USD', total: WEB_US },
  { bff: 'b2b', pool: HAMBURG, auth: buyerA, address: { ...BERLIN_ADDRESS, company: 'Acme GmbH' }, currency: 'EUR', total: TRADE_EU },
  { bff: 'b2b', pool: HAMBURG, auth: buyerB, address: { ...BERLIN_ADDRESS, company: 'Globex Ltd' }, currency: 'EUR', total: TRADE_EU },
];

const UNITS = 50;
const STOCKED: Record<string, number> = { [HAMBURG]: 35, [NEW_JERSEY]: 15 };
const CHECKOUTS = 200;

interface Prepared {
  shopper: Shopper;
  quantity: 1 | 2;
  cartId: string;
  expected: number;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, i);
      }
    }),
  );
  return out;
}

async function prepare(variantId: string, shopper: Shopper, quantity: 1 | 2): Promise<Prepared> {
  const auth = { token: shopper.auth.token, channel: shopper.channel };
  const cart = data(await op(shopper.bff, 'CreateCart', { email: 'racer@example.com' }, auth)).createCart;
  data(await op(shopper.bff, 'AddCartLines', { cartId: cart.id, lines: [{ variantId, quantity }] }, auth));
  const ready = data(
    await op(shopper.bff, 'SetCartDetails', { cartId: cart.id, input: { shippingAddress: shopper.address, shippingMethod: 'standard' } }, auth),
  ).setCartDetails;
  expect(ready.problems).toEqual([]);
  expect(ready.totals.total).toEqual({ amount: shopper.total[quantity], currency: shopper.currency });
  return { shopper, quantity, cartId: cart.id, expected: shopper.total[quantity] };
}

async function rows<T>(q: (sql: ReturnType<typeof sqlClient>) => Promise<T[]>): Promise<T[]> {
  const sql = sqlClient();
  try {
    return await q(sql);
  } finally {
    await sql.end();
  }
}

describe('checkouts racing for scarce stock', () => {
  it(`sells at most ${UNITS} units when ${CHECKOUTS} shoppers of three channels check out at once`, { timeout: 300_000 }, async () => {
    const v = await sellable({ eur: 2000, usd: 2500, stock: 0 });
    for (const [location, units] of Object.entries(STOCKED)) await receive(v, location, units);
    // Every third checkout wants 2 units, the others 1: 67 x 2 + 133 = 267 units asked for 50.
    const plan = Array.from({ length: CHECKOUTS }, (_, i) => ({ shopper: SHOPPERS[i % SHOPPERS.length]!, quantity: (i % 3 === 0 ? 2 : 1) as 1 | 2 }));
    const carts = await inBatches(plan, 10, (p) => prepare(v, p.shopper, p.quantity));
    expect(new Set(carts.map((c) => c.cartId)).size).toBe(CHECKOUTS);
    expect(await stockOf(v)).toEqual({ on_hand: UNITS, reserved: 0 });

    const answers = await Promise.all(
      carts.map((c) =>
        op(
          c.shopper.bff,
          'PlaceOrder',
          {
            input: {
              cartId: c.cartId,
              idempotencyKey: key('race'),
              expectedTotal: { amount: c.expected, currency: c.shopper.currency },
              payment: { provider: 'manual' },
            },
          },
          { token: c.shopper.auth.token, channel: c.shopper.channel },
        ),
      ),
    );

    // Only the two answers a shopper can get here: an order, or InsufficientStock. No error, no other type.
    const unexpected = answers
      .map((res, i) => ({ i, res }))
      .filter(({ res }) => res.status !== 200 || res.errors || !['OrderPlaced', 'InsufficientStock'].includes(res.data?.placeOrder?.__typename));
    expect(unexpected.map(({ i, res }) => ({ i, status: res.status, errors: res.errors, data: res.data }))).toEqual([]);
    const results = answers.map((res, i) => ({ cart: carts[i]!, answer: res.data!.placeOrder }));
    const placed = results.filter((r) => r.answer.__typename === 'OrderPlaced');
    const refused = results.filter((r) => r.answer.__typename === 'InsufficientStock');
    expect(placed.length + refused.length).toBe(CHECKOUTS);

    // Each order is exactly its cart: one line of the variant, at the total the shopper agreed to.
    for (const { cart, answer } of placed) {
      expect(answer.order.status).toBe('PLACED');
      expect(answer.order.total).toEqual({ amount: cart.expected, currency: cart.shopper.currency });
      expect(answer.order.lines.map((l: any) => [l.variant.id, l.quantity])).toEqual([[v, cart.quantity]]);
    }
    expect(new Set(placed.map((p) => p.answer.order.number)).size).toBe(placed.length);
    // The race was real in both warehouses: each sold to some and refused others. Which of the two channels
    // selling from Hamburg got there first is up to the race (under load the B2B front door's 66 checkouts
    // can take all 35 units), so it is not asserted; web-us alone sells from New Jersey.
    expect(new Set(placed.map((p) => p.cart.shopper.pool))).toEqual(new Set([HAMBURG, NEW_JERSEY]));
    expect(placed.some((p) => p.cart.shopper.channel === 'web-us')).toBe(true);
    expect(new Set(refused.map((r) => r.cart.shopper.pool))).toEqual(new Set([HAMBURG, NEW_JERSEY]));
    const sold = placed.reduce((s, p) => s + p.cart.quantity, 0);

    // Nothing oversold, nothing left held: what is gone from on hand is exactly what the orders hold.
    expect(await stockOf(v)).toEqual({ on_hand: UNITS - sold, reserved: 0 });
    const ledger = await levelsMatchLedger([v]);
    const soldFrom = (pool: string) => placed.filter((p) => p.cart.shopper.pool === pool).reduce((s, p) => s + p.cart.quantity, 0);
    expect(ledger.map((l) => [l.location_id, l.on_hand, l.reserved])).toEqual(
      [HAMBURG, NEW_JERSEY].sort().map((pool) => [pool, STOCKED[pool]! - soldFrom(pool), 0]),
    );
    const left = new Map(ledger.map((l) => [l.location_id, l.on_hand]));
    // Stock only went down during the race, so every refusal is still true at the end: what is left in a
    // warehouse could serve none of its refused checkouts, and each was told at least what is left now.
    for (const { cart, answer } of refused) {
      expect(answer.lines).toHaveLength(1);
      const [line] = answer.lines;
      expect({ variant: line.variant.id, requested: line.requested }).toEqual({ variant: v, requested: cart.quantity });
      expect(line.available).toBeLessThan(cart.quantity);
      expect(line.available).toBeGreaterThanOrEqual(left.get(cart.shopper.pool)!);
      expect(left.get(cart.shopper.pool)).toBeLessThan(cart.quantity);
    }

    // In the database: orders and their lines, the holds behind them (all confirmed), the carts, the ledger.
    const orderIds = placed.map((p) => p.answer.order.id as string);
    const [orderLines] = await rows(
      (sql) => sql<{ orders: number; units: number }[]>`
        select count(distinct order_id)::int as orders, coalesce(sum(quantity), 0)::int as units from orders.order_lines where variant_id = ${v}`,
    );
    expect(orderLines).toEqual({ orders: placed.length, units: sold });
    const holds = await rows(
      (sql) => sql<{ status: string; reservations: number; units: number }[]>`
        select r.status::text as status, count(distinct r.id)::int as reservations, sum(a.quantity)::int as units
        from stock.reservation_allocations a join stock.reservations r on r.id = a.reservation_id
        where a.variant_id = ${v} group by r.status`,
    );
    expect(holds).toEqual([{ status: 'CONFIRMED', reservations: placed.length, units: sold }]);
    const [confirmedForOrders] = await rows(
      (sql) => sql<{ n: number }[]>`
        select count(*)::int as n from orders.orders o join stock.reservations r on r.id = o.reservation_id
        where o.id in ${sql(orderIds)} and r.status = 'CONFIRMED'`,
    );
    expect(confirmedForOrders!.n).toBe(placed.length);
    const cartStatuses = await rows(
      (sql) => sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from orders.carts where id in ${sql(carts.map((c) => c.cartId))} group by status order by status`,
    );
    expect(cartStatuses).toEqual([
      { status: 'ACTIVE', n: refused.length },
      { status: 'COMPLETED', n: placed.length },
    ]);
    const [sales] = await rows(
      (sql) => sql<{ n: number }[]>`select coalesce(sum(delta_on_hand), 0)::int as n from stock.movements where variant_id = ${v} and kind = 'SALE'`,
    );
    expect(sales!.n).toBe(-sold);
  });
});
