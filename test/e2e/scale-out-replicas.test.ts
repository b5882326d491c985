import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CONTEXT_SECRET } from '@storegraph/kit';
import { CONTEXT_HEADER, signChannelContext } from '@storegraph/schema';
import { SERVICES } from '../../scripts/service-list.ts';
import { CHANNEL_DEFAULTS, system } from '../support/clients.ts';
import { startProcessSystem, type ProcessSystem } from '../support/process-system.ts';
import { cartsByEmail, clean, pagePrice, RequestFlow, summary } from './gateway-failover-support.ts';
import {
  call,
  codes,
  gatewayServed,
  ledgerDrift,
  readyCartVia,
  retryable,
  sendAndForget,
  shopper,
  stockOfVariant,
  variantsWithExactly,
  type Answer,
  type Shopper,
} from './scale-out-support.ts';

/**
 * Scale-out proof (issue #17, item 6): a system of this file's own with TWO replicas of every subgraph, of the
 * gateway (every BFF is given both: GATEWAY_URL lists them) and of every BFF, with the same checkouts as one
 * machine would take:
 * - idempotency: one PlaceOrder sent at once to both B2C BFF replicas, or dropped mid-request and sent again to
 *   the other, places one order and gives one answer; another checkout under the same key is refused;
 * - crash: an orders replica is SIGKILLed at a saga step boundary while checkouts run on both replicas; the
 *   surviving replica's recovery job finishes or undoes every saga, and the stock ledger stays whole;
 * - a gateway SIGKILLed while requests flow through a BFF: every request after the kill is answered by the
 *   other gateway, no write is applied twice, and the BFFs' caches follow the survivor's change stream.
 * Pools are 2 a subgraph process (10 processes): with the job queues' listeners this system holds about 35
 * connections, beside the shared system on a PostgreSQL that allows 100.
 */

let sys: ProcessSystem;
let sql: postgres.Sql;
let variants: string[];
const UNITS = 200;

beforeAll(async () => {
  sys = await startProcessSystem(system().databaseUrl, {
    replicas: SERVICES.map((s) => s.name),
    pool: 2,
    bootMs: 240_000,
    // Crash points honoured (orders only reads them off a direct request; never in production); a crashed
    // saga's lease runs out after 10 s (longer than a loaded step) and recovery looks every 300 ms.
    env: { STOREGRAPH_FAULT_INJECTION: 'true', ORDERS_CHECKOUT_LEASE_SECONDS: '10', ORDERS_RECOVERY_INTERVAL_MS: '300' },
  });
  sql = postgres(sys.databaseUrl, { max: 2, onnotice: () => {} });
  variants = await variantsWithExactly(sys, sql, UNITS, 2);
}, 900_000);

afterAll(async () => {
  await sql?.end();
  await sys?.stop();
}, 60_000);

const bffs = () => [sys.url('bff-b2c'), sys.url('bff-b2c-2')];
const placeOrderVars = (cart: { cartId: string; total: { amount: number; currency: string } }, key: string) => ({
  input: { cartId: cart.cartId, idempotencyKey: key, expectedTotal: cart.total, payment: { provider: 'manual' } },
});
const keyOf = (tag: string) => `scale-${tag}-${process.pid}-${Date.now().toString(36)}`;
const ordersOf = async (s: Shopper) => sql<{ id: string; status: string }[]>`select id, status from orders.orders where customer_id = ${s.sub}`;

describe('two replicas of every service', () => {
  it('runs them all: every service twice, the BFFs taking both gateways in turn', async () => {
    const names = SERVICES.flatMap((s) => [s.name, `${s.name}-2`]);
    expect(names.length).toBe(20);
    expect(names.filter((n) => !sys.alive(n))).toEqual([]);
    // The variants' setup (one CountStock through the admin BFF per stock level of the two variants) went
    // through both gateways, each exactly once: the two gateways' counts add up to the calls, and both served.
    const [levels] = await sql<{ n: number }[]>`select count(*)::int as n from stock.levels where variant_id in ${sql(variants)}`;
    const served = [await gatewayServed(sys, 'gateway', 'CountStock'), await gatewayServed(sys, 'gateway-2', 'CountStock')];
    expect(served[0]! + served[1]!).toBe(levels!.n);
    expect(served.filter((n) => n === 0)).toEqual([]);
    const [connections] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database()`;
    console.log(`[scale-out] 20 processes; CountStock calls per gateway ${served.join('/')}; database connections ${connections!.n}`);
    expect(connections!.n).toBeLessThanOrEqual(50);
  });
});

describe('idempotency across replicas', () => {
  it('places one order when the same PlaceOrder reaches both B2C BFF replicas at once, and both answers are the same', async () => {
    const v = variants[0]!;
    // Six shoppers, each sending one checkout twice at the same moment (one copy to each BFF replica).
    const shoppers = await Promise.all(Array.from({ length: 6 }, (_, i) => shopper(`idem${i}`)));
    for (const [i, s] of shoppers.entries()) {
      const cart = await readyCartVia(bffs()[i % 2]!, s, v);
      // 1 unit of a demo variant plus 4.90 shipping: whatever the price, the total is the cart's own.
      const vars = placeOrderVars(cart, keyOf(`twice${i}`));
      const [a, b] = await Promise.all(bffs().map((url) => call(url, 'PlaceOrder', vars, s.headers)));
      expect(a!.status, JSON.stringify(a)).toBe(200);
      expect(a!.body!.data.placeOrder.__typename, JSON.stringify(a)).toBe('OrderPlaced');
      expect(b).toEqual(a);
      const orders = await ordersOf(s);
      expect(orders).toEqual([{ id: a!.body!.data.placeOrder.order.id, status: 'PLACED' }]);
      const [saga] = await sql<{ n: number }[]>`select count(*)::int as n from orders.checkouts where cart_id = ${cart.cartId}`;
      expect(saga!.n).toBe(1);
    }
    // 6 orders of one unit each: 200 - 6 = 194 on hand, nothing held.
    expect(await stockOfVariant(sql, v)).toEqual({ on_hand: UNITS - 6, reserved: 0, sold: 6 });
    expect(await ledgerDrift(sql, v)).toEqual([]);
  });

  it('gives a client whose connection dropped mid-checkout the same order when it retries on the other replica', async () => {
    const v = variants[0]!;
    const s = await shopper('dropped');
    const cart = await readyCartVia(bffs()[0]!, s, v);
    const key = keyOf('dropped');
    const vars = placeOrderVars(cart, key);
    // Sent to the first BFF; the connection is cut (without reading) once the saga exists, so the server has it.
    const socket = sendAndForget(bffs()[0]!, 'PlaceOrder', vars, s.headers);
    let started = false;
    for (let i = 0; i < 400 && !started; i++) {
      started = (await sql`select 1 from orders.checkouts where idempotency_key = ${key}`).length === 1;
      if (!started) await sleep(10);
    }
    socket.destroy();
    expect(started).toBe(true);
    // The retry, on the other BFF replica, waits for the first run's answer if it is still running.
    const retried = await call(bffs()[1]!, 'PlaceOrder', vars, s.headers);
    expect(retried.status, JSON.stringify(retried)).toBe(200);
    expect(retried.body!.data.placeOrder.__typename).toBe('OrderPlaced');
    const again = await call(bffs()[0]!, 'PlaceOrder', vars, s.headers);
    expect(again).toEqual(retried);
    const [saga] = await sql<{ status: string; order_id: string }[]>`
      select status, result->>'orderId' as order_id from orders.checkouts where idempotency_key = ${key}`;
    expect(saga).toEqual({ status: 'COMPLETED', order_id: retried.body!.data.placeOrder.order.id });
    expect(await ordersOf(s)).toEqual([{ id: saga!.order_id, status: 'PLACED' }]);
  });

  it('refuses the same key for another total or another cart with IDEMPOTENCY_KEY_REUSED on both replicas, writing nothing', async () => {
    const v = variants[0]!;
    const s = await shopper('reused');
    const cart = await readyCartVia(bffs()[0]!, s, v);
    const key = keyOf('reused');
    const first = await call(bffs()[0]!, 'PlaceOrder', placeOrderVars(cart, key), s.headers);
    expect(first.body!.data.placeOrder.__typename).toBe('OrderPlaced');
    const before = await stockOfVariant(sql, v);
    const other = await readyCartVia(bffs()[1]!, s, v);
    const bodies = [placeOrderVars({ cartId: cart.cartId, total: { ...cart.total, amount: cart.total.amount + 100 } }, key), placeOrderVars(other, key)];
    const refused = await Promise.all(bodies.flatMap((vars) => bffs().map((url) => call(url, 'PlaceOrder', vars, s.headers))));
    expect(refused.length).toBe(4);
    for (const r of refused) {
      expect(r.body?.data?.placeOrder ?? null, JSON.stringify(r)).toBeNull();
      expect(codes(r), JSON.stringify(r)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    }
    // Nothing written: still one order and one saga for the key, the other cart open, the stock as it was.
    expect((await ordersOf(s)).length).toBe(1);
    const [sagas] = await sql<{ n: number }[]>`select count(*)::int as n from orders.checkouts where idempotency_key = ${key}`;
    expect(sagas!.n).toBe(1);
    const [otherCart] = await sql<{ status: string; order_id: string | null }[]>`select status, order_id from orders.carts where id = ${other.cartId}`;
    expect(otherCart).toEqual({ status: 'ACTIVE', order_id: null });
    expect(await stockOfVariant(sql, v)).toEqual(before);
  });
});

/** Where the orders replica dies, and what the saga that asked for it must end as (before the order: undone). */
const CRASHES: [string, 'FAILED' | 'COMPLETED'][] = [
  ['after:reserve', 'FAILED'],
  ['after:create_order', 'COMPLETED'],
];
const LOAD = 12;

/** Places the order on one BFF replica; a retryable failure is retried with the same key on the other, as a client would. */
async function checkout(s: Shopper, vars: ReturnType<typeof placeOrderVars>, first: number, seen: string[]): Promise<Answer> {
  let answer = await call(bffs()[first]!, 'PlaceOrder', vars, s.headers);
  for (let attempt = 1; retryable(answer) && attempt <= 12; attempt++) {
    seen.push(answer.dropped ? 'dropped' : `${answer.status} ${codes(answer).join(',')}`);
    await sleep(500 * attempt);
    answer = await call(bffs()[(first + attempt) % 2]!, 'PlaceOrder', vars, s.headers);
  }
  return answer;
}

describe('an orders replica killed in the middle of checkout sagas', () => {
  for (const [point, expected] of CRASHES) {
    it(`finishes or undoes every saga on the surviving replica (killed ${point}, ${LOAD} checkouts running)`, { timeout: 400_000 }, async () => {
      const v = variants[1]!;
      if (!sys.alive('orders-2')) await sys.start('orders-2');
      const before = await stockOfVariant(sql, v);
      const load = await Promise.all(Array.from({ length: LOAD }, (_, i) => shopper(`crash${i}`)));
      const carts: Awaited<ReturnType<typeof readyCartVia>>[] = [];
      for (const [i, s] of load.entries()) carts.push(await readyCartVia(bffs()[i % 2]!, s, v));
      const victim = await shopper('victim');
      const victimCart = await readyCartVia(bffs()[0]!, victim, v);
      const keys = load.map((_, i) => keyOf(`crash${i}-${point.replace(':', '-')}`));

      // The load, over both BFFs, both gateways and both orders replicas.
      const seen: string[] = [];
      const racing = load.map((s, i) => checkout(s, placeOrderVars(carts[i]!, keys[i]!), i % 2, seen));
      // Once some sagas are running, orders-2 is asked (directly: crash points never pass the gateway) to take
      // one more and SIGKILL itself at the boundary, with whatever else it is running.
      for (let i = 0; i < 200; i++) {
        const [n] = await sql<{ n: number }[]>`select count(*)::int as n from orders.checkouts where idempotency_key in ${sql(keys)}`;
        if (n!.n >= 3) break;
        await sleep(10);
      }
      const context = await signChannelContext(
        { requestId: `scale-crash-${Date.now()}`, ...CHANNEL_DEFAULTS['web-eu']!, customerId: victim.sub },
        DEV_CONTEXT_SECRET,
        'bff-b2c',
      );
      const victimKey = keyOf(`victim-${point.replace(':', '-')}`);
      const killed = await fetch(sys.url('orders-2'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: context, 'x-storegraph-crash-at': point },
        body: JSON.stringify({
          query: 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { __typename } }',
          variables: placeOrderVars(victimCart, victimKey),
        }),
      }).then(
        () => 'answered',
        () => 'dropped',
      );
      expect(killed).toBe('dropped');
      for (let i = 0; i < 100 && sys.alive('orders-2'); i++) await sleep(20);
      expect(sys.alive('orders-2')).toBe(false);
      const answers = await Promise.all(racing);

      // Every saga ends (the survivor's recovery takes over each one orders-2 held once its lease runs out).
      const cartIds = [...carts.map((c) => c.cartId), victimCart.cartId];
      let sagas: { cart_id: string; status: string; attempts: number; order_id: string | null }[] = [];
      for (let i = 0; i < 240; i++) {
        sagas = await sql`select cart_id, status, attempts, result->>'orderId' as order_id from orders.checkouts where cart_id in ${sql(cartIds)}`;
        if (sagas.length === cartIds.length && sagas.every((r) => r.status === 'COMPLETED' || r.status === 'FAILED')) break;
        await sleep(500);
      }
      expect(sagas.length).toBe(LOAD + 1);
      expect(sagas.filter((r) => r.status !== 'COMPLETED' && r.status !== 'FAILED')).toEqual([]);
      const byCart = new Map(sagas.map((r) => [r.cart_id, r]));
      // The victim's saga was taken over by recovery (its attempts fence bumped) and ended as its boundary says.
      expect(byCart.get(victimCart.cartId)!.status).toBe(expected);
      expect(byCart.get(victimCart.cartId)!.attempts).toBeGreaterThanOrEqual(1);

      // Each client's final answer is the saga's: its order, or PaymentUnavailable for a saga undone by recovery.
      const recovered = sagas.filter((r) => r.attempts > 0).length - 1;
      console.log(`[scale-out] killed ${point}: ${recovered} load sagas recovered; client retries: ${seen.length ? seen.join('; ') : 'none'}`);
      // A saga orders-2 held when it died lost its request with it: its client was told to retry (a dropped
      // connection or 503 SERVICE_UNAVAILABLE, which is all `checkout` retries on) and did, with its key.
      expect(seen.length).toBeGreaterThanOrEqual(recovered);
      for (const [i, s] of load.entries()) {
        const a = answers[i]!;
        const saga = byCart.get(carts[i]!.cartId)!;
        expect(a.status, JSON.stringify(a)).toBe(200);
        const placed = a.body!.data.placeOrder;
        if (saga.status === 'COMPLETED') expect(placed.order?.id).toBe(saga.order_id);
        else expect(placed.__typename, JSON.stringify(a)).toBe('PaymentUnavailable');
        // No order half-written: a completed saga has exactly its order, a failed one none, and its cart is open again.
        expect(await ordersOf(s)).toEqual(saga.status === 'COMPLETED' ? [{ id: saga.order_id, status: 'PLACED' }] : []);
      }
      const victimOrders = await ordersOf(victim);
      expect(victimOrders.length).toBe(expected === 'COMPLETED' ? 1 : 0);
      const failedCarts = sagas.filter((r) => r.status === 'FAILED').map((r) => r.cart_id);
      if (failedCarts.length > 0) {
        const open = await sql<{ status: string; order_id: string | null }[]>`select status, order_id from orders.carts where id in ${sql(failedCarts)}`;
        expect(open).toEqual(failedCarts.map(() => ({ status: 'ACTIVE', order_id: null })));
      }

      // The stock: every completed saga sold its one unit, no failed saga holds any, the ledger sums.
      const completed = sagas.filter((r) => r.status === 'COMPLETED').length;
      // Any hold still active, with the saga its key names (for the failure message).
      const held = await sql`
        select r.idempotency_key, c.status, c.step, c.attempts,
          (select array_agg(s.step order by s.at) from orders.checkout_steps s where s.checkout_id = c.id) as steps
        from stock.reservations r join stock.reservation_allocations a on a.reservation_id = r.id
        left join orders.checkouts c on r.idempotency_key like '%checkout:' || c.id::text
        where a.variant_id = ${v} and r.status = 'ACTIVE'`;
      expect(await stockOfVariant(sql, v), `${JSON.stringify(held)}\n${held.length ? sys.stderr('orders') : ''}`).toEqual({
        on_hand: before.on_hand - completed,
        reserved: 0,
        sold: before.sold + completed,
      });
      expect(await ledgerDrift(sql, v)).toEqual([]);
      await sys.start('orders-2');
    });
  }
});

/** Polls (at most 10 s) until `done` answers true; the last answer for the failure message. */
async function within10s<T>(ask: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let last = await ask();
  for (let i = 0; i < 200 && !done(last); i++) {
    await sleep(50);
    last = await ask();
  }
  return last;
}

describe('a gateway SIGKILLed while requests flow through a BFF', () => {
  it('answers every request sent after the kill through the other gateway, with no 5xx, and applies no write twice', { timeout: 300_000 }, async () => {
    const s = await shopper('gwkill');
    const served = async () => [await gatewayServed(sys, 'gateway', 'CreateCart'), await gatewayServed(sys, 'gateway-2', 'CreateCart')];
    const before = await served();
    // Four clients at once through one BFF replica, which was given both gateways.
    const flow = new RequestFlow(bffs()[0]!, s, keyOf('gwkill')).start(4);
    try {
      // Both gateways take the flow's writes before the kill (the BFF takes them in turn).
      await flow.until(async () => {
        const now = await served();
        return flow.requests.length >= 40 && now[0]! > before[0]! && now[1]! > before[1]!;
      }, 'both gateways serving');
      await sys.kill('gateway'); // SIGKILL; resolves once the process has exited
      flow.killSeen = true;
      await flow.until(() => flow.afterKill.length >= 80, '80 requests sent after the kill');
    } finally {
      await flow.stop();
    }
    expect(sys.alive('gateway')).toBe(false);
    // Every request sent after the kill was seen is answered in full; one in flight when it died may be a
    // retryable 503 (a write that may have reached the dead gateway is never sent again by the BFF).
    const after = flow.afterKill;
    expect(after.filter((r) => !clean(r.answer)).map(summary)).toEqual([]);
    expect(after.filter((r) => r.operation === 'CreateCart').length).toBeGreaterThanOrEqual(40);
    const lost = flow.requests.filter((r) => !r.afterKill && !clean(r.answer));
    expect(lost.filter((r) => r.answer.status !== 503 || !codes(r.answer).includes('SERVICE_UNAVAILABLE')).map(summary)).toEqual([]);

    // No write applied twice: at most one cart per email; each answered CreateCart made exactly the cart it
    // answered, and each Cart read gave that cart back.
    const carts = await cartsByEmail(sql, flow.tag);
    expect([...carts].filter(([, ids]) => ids.length > 1)).toEqual([]);
    const created = new Map<string, string>();
    for (const r of flow.requests.filter((r) => r.operation === 'CreateCart' && clean(r.answer))) created.set(r.email, r.answer.body!.data.createCart.id);
    expect([...created].filter(([email, id]) => JSON.stringify(carts.get(email)) !== JSON.stringify([id]))).toEqual([]);
    for (const r of flow.requests.filter((r) => r.operation === 'Cart')) expect(r.answer.body?.data?.cart?.id, summary(r)).toBe(created.get(r.email));

    // The survivor answers each of the next 10 writes: its CreateCart count grows by exactly 10.
    const survivorBefore = await gatewayServed(sys, 'gateway-2', 'CreateCart');
    for (let i = 0; i < 10; i++) expect(clean(await call(bffs()[0]!, 'CreateCart', { email: `next${i}-${flow.tag}@example.com` }, s.headers))).toBe(true);
    expect((await gatewayServed(sys, 'gateway-2', 'CreateCart')) - survivorBefore).toBe(10);
    console.log(
      `[scale-out] gateway SIGKILLed: ${flow.requests.length - after.length} requests before (${lost.length} answered 503), ${after.length} after, all answered`,
    );
  });

  it("keeps each BFF's response cache following the surviving gateway's change stream", async () => {
    expect(sys.alive('gateway')).toBe(false);
    // prd_0233 and its price are this file's own (its database is), and no checkout here sells it.
    const [product] = await sql<{ slug: string }[]>`select slug from products.products where id = 'prd_0233'`;
    const slug = product!.slug;
    const variant = 'var_0233_1';
    expect(variants).not.toContain(variant);
    const [price] = await sql<{ amount: number }[]>`
      select amount::int from prices.price_entries where variant_id = ${variant} and book_id = 'bk_base_eur'`;
    const amount = price!.amount;
    // The cache serves only while its BFF follows a change stream, and the killed gateway's is gone: a HIT
    // means the BFF moved to the survivor's.
    for (const bff of bffs())
      expect(
        await within10s(
          () => pagePrice(bff, slug, variant),
          (p) => p.cache === 'HIT',
        ),
      ).toEqual({ cache: 'HIT', amount });
    await sql`update prices.price_entries set amount = amount + 7 where variant_id = ${variant} and book_id = 'bk_base_eur'`;
    try {
      // The entry would live 60 s (ProductPage's max-age); within 10 s, only the change the survivor relayed drops it.
      for (const bff of bffs()) {
        const fresh = await within10s(
          () => pagePrice(bff, slug, variant),
          (p) => p.amount === amount + 7,
        );
        expect(fresh.amount).toBe(amount + 7);
        expect(fresh.cache).not.toBe('HIT');
      }
    } finally {
      await sql`update prices.price_entries set amount = amount - 7 where variant_id = ${variant} and book_id = 'bk_base_eur'`;
    }
  });

  it('keeps a BFF ready while one gateway is alive, and not once both are down', { timeout: 300_000 }, async () => {
    const readyz = sys.url('bff-b2c').replace(/\/graphql$/, '/readyz');
    const status = () => fetch(readyz).then((r) => r.status);
    expect(sys.alive('gateway')).toBe(false);
    expect(await status()).toBe(200);
    await sys.kill('gateway-2');
    expect(await status()).toBe(503);
    await Promise.all([sys.start('gateway'), sys.start('gateway-2')]);
    expect(await within10s(status, (s) => s === 200)).toBe(200);
  });
});
