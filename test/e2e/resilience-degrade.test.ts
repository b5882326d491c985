import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../support/clients.ts';
import { startProcessSystem, type ProcessSystem } from '../support/process-system.ts';

/**
 * When one part fails the rest keeps serving, and clients are told what to retry. A system of real
 * processes of its own (every service a process, its own database behind a TCP proxy the test cuts) is
 * broken on purpose: stock SIGKILLed, the gateway SIGKILLed, PostgreSQL unreachable for 20 s.
 */

let sys: ProcessSystem;
let sql: ReturnType<typeof postgres>;

interface Answer {
  status: number;
  ms: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string; service?: string } }[]; extensions?: Record<string, any> };
}

async function b2c(operationName: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(sys.url('bff-b2c'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-storefront-channel': 'web-eu', ...headers },
    body: JSON.stringify({ operationName, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as Answer['body'];
  return { status: res.status, ms: performance.now() - started, headers: res.headers, body };
}

const codes = (a: Answer) => (a.body.errors ?? []).map((e) => e.extensions?.code);

/** /readyz of a service: its status, what it says, and how long it took. */
async function readyz(name: string) {
  const started = performance.now();
  const res = await fetch(sys.url(name).replace('/graphql', '/readyz'), { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, ms: performance.now() - started, body: (await res.json()) as Record<string, unknown> };
}

async function guestCart(variantId: string) {
  const { accessToken } = (await (
    await fetch(sys.url('bff-b2c').replace('/graphql', '/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  ).json()) as {
    accessToken: string;
  };
  const auth = { authorization: `Bearer ${accessToken}` };
  const created = await b2c('CreateCart', { email: 'resilience@example.com' }, auth);
  const cartId = created.body.data.createCart.id as string;
  await b2c('AddCartLines', { cartId, lines: [{ variantId, quantity: 1 }] }, auth);
  const ready = await b2c(
    'SetCartDetails',
    {
      cartId,
      input: { shippingAddress: { name: 'Res Test', line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' }, shippingMethod: 'standard' },
    },
    auth,
  );
  const total = ready.body.data.setCartDetails.totals.total as { amount: number; currency: string };
  return { auth, cartId, total };
}

beforeAll(async () => {
  sys = await startProcessSystem(system().databaseUrl);
  sql = postgres(sys.databaseUrl, { max: 2, onnotice: () => {} });
}, 180_000);

// A test that fails after killing a service must not leave it dead for the next one.
afterEach(async () => {
  await sys?.revive();
}, 60_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await sys?.stop();
}, 60_000);

describe('stock killed during browsing', () => {
  it('keeps the listing answering with products and prices, availability null and an error naming stock, never INTERNAL_SERVER_ERROR', async () => {
    const before = await b2c('ProductListing', { first: 4 });
    expect(before.status).toBe(200);
    const inStock = (before.body.data.products.nodes as any[]).flatMap((p) => p.variants).find((v) => v.availability?.available > 0);
    expect(inStock).toBeDefined();
    const cart = await guestCart(inStock.id);

    await sys.kill('stock');
    const answers: Answer[] = [];
    for (let i = 0; i < 20; i++) answers.push(await b2c('ProductListing', { first: 4 }, { 'cache-control': 'no-cache' }));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.ms).toBeLessThan(2_000);
      expect(codes(a)).not.toContain('INTERNAL_SERVER_ERROR');
      const nodes = a.body.data.products.nodes as any[];
      expect(nodes.map((n) => n.id)).toEqual((before.body.data.products.nodes as any[]).map((n) => n.id));
      for (const v of nodes.flatMap((n) => n.variants)) {
        expect(v.availability).toBeNull();
        expect(v.price.__typename).toBe('VariantPrice');
        expect(v.price.unit.currency).toBe('EUR');
      }
      expect(a.body.errors?.length).toBeGreaterThan(0);
      for (const e of a.body.errors!) expect(e.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'stock' });
    }

    // The gateway says it cannot serve everything, and says what is missing; stock's dependants stay up.
    const gatewayReady = await readyz('gateway');
    expect(gatewayReady).toMatchObject({ status: 503, body: { status: 'not-ready', unavailable: ['stock'] } });
    expect(gatewayReady.ms).toBeLessThan(1_000);
    expect((await readyz('products')).status).toBe(200);

    // The product page likewise: the product, its variants and their prices, availability null.
    const slug = (before.body.data.products.nodes as any[])[0].slug as string;
    const page = await b2c('ProductPage', { slug }, { 'cache-control': 'no-cache' });
    expect(page.status).toBe(200);
    expect(page.body.data.product.slug).toBe(slug);
    for (const v of page.body.data.product.variants) {
      expect(v.availability).toBeNull();
      expect(v.price.__typename).toBe('VariantPrice');
    }
    expect(codes(page)).toEqual(page.body.errors!.map(() => 'SERVICE_UNAVAILABLE'));

    // Checkout cannot hold stock: refused as a whole (503, Retry-After), nothing reserved, the cart usable.
    const key = `res-${Date.now().toString(36)}`;
    const place = (idempotencyKey: string) =>
      b2c('PlaceOrder', { input: { cartId: cart.cartId, idempotencyKey, expectedTotal: cart.total, payment: { provider: 'manual' } } }, cart.auth);
    const refused = await place(key);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.ms).toBeLessThan(2_000);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'stock' });
    expect(await sql`select id from orders.checkouts where idempotency_key = ${key}`).toEqual([]);
    expect(await sql`select id from stock.reservations`).toEqual([]);
    expect(await sql`select status from orders.carts where id = ${cart.cartId}`).toEqual([{ status: 'ACTIVE' }]);

    // Stock back: the listing is whole again, and the same key checks out.
    await sys.start('stock');
    let placed: Answer | undefined;
    for (let i = 0; i < 40 && placed?.body.data?.placeOrder?.__typename !== 'OrderPlaced'; i++) {
      placed = await place(key);
      if (placed.status === 503) await sleep(250);
    }
    expect(placed!.body.data.placeOrder.__typename).toBe('OrderPlaced');
    expect((await readyz('gateway')).status).toBe(200);
    const after = await b2c('ProductListing', { first: 4 }, { 'cache-control': 'no-cache' });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.products.nodes[0].variants[0].availability).not.toBeNull();
  });
});

describe('prices killed during browsing', () => {
  it('keeps the listing answering with products and availability, price null and an error naming prices', async () => {
    await sys.kill('prices');
    const a = await b2c('ProductListing', { first: 4 }, { 'cache-control': 'no-cache' });
    expect(a.status).toBe(200);
    expect(a.ms).toBeLessThan(2_000);
    const variants = (a.body.data.products.nodes as any[]).flatMap((n) => n.variants);
    expect(variants.length).toBeGreaterThan(0);
    for (const v of variants) {
      expect(v.price).toBeNull();
      expect(typeof v.availability.available).toBe('number');
    }
    for (const e of a.body.errors!) expect(e.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'prices' });
    await sys.start('prices');
  });
});

describe('gateway killed', () => {
  it('serves the last clean anonymous answer marked stale, and 503 with Retry-After for one it never had', async () => {
    // Stock came back in the test before: the cache stores again once the change stream follows it.
    let fresh = await b2c('ProductListing', { first: 2 });
    for (let i = 0; i < 100 && fresh.headers.get('x-cache') !== 'MISS'; i++) {
      await sleep(100);
      fresh = await b2c('ProductListing', { first: 2 });
    }
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    await sys.kill('gateway');
    // Until the BFF notices the gateway's change stream is gone its cache is still trusted (a HIT).
    let stale = await b2c('ProductListing', { first: 2 });
    for (let i = 0; i < 40 && stale.headers.get('x-cache') === 'HIT'; i++) {
      await sleep(50);
      stale = await b2c('ProductListing', { first: 2 });
    }
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(stale.body.extensions?.stale?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(stale.body.data).toEqual(fresh.body.data);

    const never = await b2c('ProductListing', { first: 3, filter: { brandSlug: 'never-cached' } });
    expect(never.status).toBe(503);
    expect(Number(never.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(never.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'gateway' });
    expect(never.ms).toBeLessThan(2_000);

    await sys.start('gateway');
  });
});

describe('PostgreSQL unreachable for 20 s', () => {
  it('fails every request within 2 s with a retryable code, and answers again within 5 s of its return without restarting a process', async () => {
    const pids = ['products', 'stock', 'prices', 'orders', 'gateway', 'bff-b2c'].map((n) => sys.pid(n));
    let n = 0;
    // A variable never asked before: no stale copy to fall back on, so the failure itself is what the client sees.
    const ask = () => b2c('ProductListing', { first: 5, after: null, filter: { brandSlug: `outage-${n++}` } });
    await sys.proxy.cut();
    const outageEnds = Date.now() + 20_000;
    const during: Answer[] = [];
    while (Date.now() < outageEnds) {
      during.push(await ask());
      await sleep(200);
    }
    expect(during.length).toBeGreaterThan(10);
    for (const a of during) {
      expect(a.ms).toBeLessThan(2_000);
      expect(a.status).toBe(503);
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(codes(a)).toContain('SERVICE_UNAVAILABLE');
      expect(codes(a)).not.toContain('INTERNAL_SERVER_ERROR');
    }

    // Readiness tells the truth within a second: the subgraphs cannot reach their database.
    for (const name of ['products', 'stock']) {
      const r = await readyz(name);
      expect(r).toMatchObject({ status: 503, body: { database: 'unavailable' } });
      expect(r.ms).toBeLessThan(1_100);
    }
    expect((await readyz(`products`)).body.status).toBe('not-ready');

    await sys.proxy.restore();
    const back = Date.now();
    let ok: Answer | undefined;
    while (Date.now() - back < 10_000) {
      ok = await b2c('ProductListing', { first: 5 }, { 'cache-control': 'no-cache' });
      if (ok.status === 200 && !ok.body.errors) break;
      await sleep(100);
    }
    expect(ok!.body.errors).toBeUndefined();
    expect(ok!.status).toBe(200);
    expect(ok!.body.data.products.nodes).toHaveLength(5);
    const resumedMs = Date.now() - back;
    console.log(
      `[resilience] database cut 20 s: ${during.length} answers, slowest ${Math.round(Math.max(...during.map((a) => a.ms)))} ms; whole again ${resumedMs} ms after its return`,
    );
    expect(resumedMs).toBeLessThan(5_000);
    expect(['products', 'stock', 'prices', 'orders', 'gateway', 'bff-b2c'].map((n) => sys.pid(n))).toEqual(pids);
  }, 60_000);
});

describe('a stopping BFF', () => {
  it('closes its idle keep-alive connections at once, answers what is in flight, and exits', async () => {
    const port = Number(new URL(sys.url('bff-b2c')).port);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // One request on a keep-alive connection, answered: the connection stays open and idle.
    socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n');
    await new Promise((r) => socket.once('data', r));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    const sent = performance.now();
    await sys.kill('bff-b2c', 'SIGTERM');
    const exitedMs = performance.now() - sent;
    const closedMs = (await closed) - sent;
    console.log(
      `[resilience] SIGTERM to a BFF: idle keep-alive connection closed after ${Math.round(closedMs)} ms, process gone after ${Math.round(exitedMs)} ms`,
    );
    expect(closedMs).toBeLessThan(1_000);
    expect(exitedMs).toBeLessThan(6_000);
  });
});
