import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import postgres from 'postgres';
import { issueToken } from '@storegraph/bff-kit';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { withDatabase } from '@storegraph/dev-tools';
import { startSystem, type SystemUrls } from '../support/system.ts';
import { startStreamingPair, type StreamingPair } from '../support/streaming-replica.ts';
import { BERLIN_ADDRESS } from './checkout-support.ts';

/**
 * DATABASE_READ_URL against a real streaming standby (PostgreSQL 17, test/support/streaming-replica.ts): a system
 * of this file's own runs on the pair, its subgraphs with DATABASE_URL on the primary and DATABASE_READ_URL on the
 * standby. Pausing replay on the standby freezes what the replica shows, so each assertion tells which server
 * answered: storefront catalog and availability reads show the frozen state, while a mutation and what it reads
 * see the primary. The shared test system's data is not used (this system seeds the demo brand for itself).
 */

const KEY = DEMO_PUBLISHABLE_KEYS['web-eu']!;
let pair: StreamingPair;
let sys: { urls: SystemUrls; stop: () => Promise<void> };
let dbName: string;

beforeAll(async () => {
  pair = await startStreamingPair();
  // 40 demo products are plenty here (the shared system seeds 240; the seeded orders need 31) and boot faster.
  sys = await startSystem(() => {}, { serverUrl: pair.primaryUrl, readServerUrl: pair.standbyUrl, demoProducts: 40 });
  dbName = new URL(sys.urls.databaseUrl).pathname.slice(1);
}, 240_000);

afterAll(async () => {
  await sys?.stop();
  await pair?.stop();
}, 60_000);

/** A shopper of this file's own: the sub goes into the token (the identity provider's claims). */
function subOf(tag: string) {
  return `cus_t_replica_${tag}_${Math.random().toString(36).slice(2, 8)}`;
}
async function shopper(tag: string, sub = subOf(tag)): Promise<string> {
  return issueToken({ sub, kind: 'customer' }, sys.urls.idpSecret);
}

/** An allow-listed operation by name through this system's own B2C BFF (production mode), as a storefront sends it. */
async function b2c(operationName: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(sys.urls.b2c, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-publishable-key': KEY, authorization: `Bearer ${token}` },
    body: JSON.stringify({ operationName, variables }),
  });
  const json = (await res.json()) as { data?: any; errors?: unknown[] };
  if (res.status !== 200 || json.errors) throw new Error(`${operationName}: ${res.status} ${JSON.stringify(json.errors)}`);
  return json.data;
}

async function onServer<T>(serverUrl: string, q: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(withDatabase(serverUrl, dbName), { max: 1, onnotice: () => {} });
  try {
    return await q(sql);
  } finally {
    await sql.end();
  }
}

/**
 * web-eu demo products (slug, first variant, its units available) with at least `min` available, as the storefront
 * lists them; not the few demo bestsellers that take backorders beyond stock (they could sell more than `available`).
 */
async function stockedProducts(token: string, min: number) {
  const listing = await b2c('ProductListing', { first: 40 }, token);
  const backorderable = await onServer(
    pair.primaryUrl,
    (sql) => sql<{ id: string }[]>`select variant_id as id from stock.backorder_policies where "limit" > 0`,
  );
  const excluded = new Set(backorderable.map((b) => b.id));
  const found = (listing.products.nodes as any[])
    .map((p) => ({ slug: p.slug as string, variantId: p.variants[0].id as string, available: p.variants[0].availability?.available as number }))
    .filter((p) => p.available >= min && !excluded.has(p.variantId));
  expect(found.length).toBeGreaterThanOrEqual(3);
  return found;
}

async function availableOnPage(slug: string, variantId: string, token: string): Promise<number> {
  const page = await b2c('ProductPage', { slug }, token);
  return (page.product.variants as any[]).find((v) => v.id === variantId).availability.available;
}

describe('read replicas (DATABASE_READ_URL on a streaming standby)', () => {
  it("serves storefront catalog and availability reads from the replica, and a reservation's own reads from the primary", async () => {
    const me = await shopper('reader');
    const other = await shopper('other');
    const [product] = await stockedProducts(me, 6);
    const before = await availableOnPage(product!.slug, product!.variantId, me);
    expect(before).toBe(product!.available);

    await pair.pauseReplay();
    try {
      // On the primary: 2 units held. The standby no longer replays, so it still shows `before`.
      const held = (
        await b2c('ReserveStock', { input: { idempotencyKey: `replica-hold-${Date.now()}`, lines: [{ variantId: product!.variantId, quantity: 2 }] } }, me)
      ).reserveStock;
      expect(held.__typename).toBe('Reservation');
      expect(held.lines.map((l: any) => l.quantity)).toEqual([2]);
      // A mutation reads what it decides on from the primary: asking for `before` units finds before - 2.
      const refused = (
        await b2c(
          'ReserveStock',
          { input: { idempotencyKey: `replica-ask-${Date.now()}`, lines: [{ variantId: product!.variantId, quantity: before }] } },
          other,
        )
      ).reserveStock;
      expect(refused.__typename).toBe('InsufficientStock');
      expect(refused.lines.map((l: any) => [l.variant.id, l.requested, l.available])).toEqual([[product!.variantId, before, before - 2]]);
      // The storefront's product page is a query: answered by the replica, frozen at `before`.
      expect(await availableOnPage(product!.slug, product!.variantId, other)).toBe(before);
      // Each catalog subgraph reads over its replica pool on the standby; orders and customers never open one.
      const pools = await onServer(
        pair.standbyUrl,
        (sql) =>
          sql<
            { name: string }[]
          >`select distinct application_name as name from pg_stat_activity where datname = ${dbName} and application_name like 'storegraph-%' order by 1`,
      );
      expect(pools.map((p) => p.name)).toEqual(['storegraph-prices-replica', 'storegraph-products-replica', 'storegraph-stock-replica']);
    } finally {
      await pair.resumeReplay();
    }
    await pair.caughtUp();
    // Replayed: the same read now shows the hold (before - 2).
    expect(await availableOnPage(product!.slug, product!.variantId, other)).toBe(before - 2);
  });

  it('never oversells while the replica lags: 5 checkouts race for the last 2 units the replica still shows as many', async () => {
    const holder = await shopper('holder');
    const [, product] = await stockedProducts(holder, 6);
    const before = await availableOnPage(product!.slug, product!.variantId, holder);
    const subs = [1, 2, 3, 4, 5].map((i) => subOf(`buyer${i}`));
    const buyers = await Promise.all(subs.map((sub) => shopper('buyer', sub)));
    // Carts first (orders reads and writes its carts on the primary), each with one unit and ready to order.
    const carts = [];
    for (const token of buyers) {
      const cart = (await b2c('CreateCart', { email: 'replica@example.com' }, token)).createCart;
      await b2c('AddCartLines', { cartId: cart.id, lines: [{ variantId: product!.variantId, quantity: 1 }] }, token);
      const ready = (await b2c('SetCartDetails', { cartId: cart.id, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, token))
        .setCartDetails;
      expect(ready.problems).toEqual([]);
      carts.push({ token, id: cart.id as string, total: ready.totals.total as { amount: number; currency: string } });
    }

    await pair.pauseReplay();
    try {
      // All but 2 units held on the primary: before - (before - 2) = 2 left to sell.
      const held = (
        await b2c(
          'ReserveStock',
          { input: { idempotencyKey: `replica-holder-${Date.now()}`, lines: [{ variantId: product!.variantId, quantity: before - 2 }] } },
          holder,
        )
      ).reserveStock;
      expect(held.__typename).toBe('Reservation');
      // The replica still shows `before` units: a storefront reading it would offer them all.
      expect(await availableOnPage(product!.slug, product!.variantId, holder)).toBe(before);
      const answers = await Promise.all(
        carts.map((c, i) =>
          b2c(
            'PlaceOrder',
            { input: { cartId: c.id, idempotencyKey: `replica-race-${i}-${Date.now()}`, expectedTotal: c.total, payment: { provider: 'manual' } } },
            c.token,
          ),
        ),
      );
      const kinds = answers.map((a) => a.placeOrder.__typename).sort();
      // 2 units for 5 buyers of 1 each: 2 orders, 3 refusals.
      expect(kinds).toEqual(['InsufficientStock', 'InsufficientStock', 'InsufficientStock', 'OrderPlaced', 'OrderPlaced']);
      // On the primary: the buyers' orders hold exactly 2 lines of 1 unit of the variant.
      const lines = await onServer(
        pair.primaryUrl,
        (sql) => sql<{ quantity: number }[]>`select l.quantity from orders.order_lines l join orders.orders o on o.id = l.order_id
          where o.customer_id = any(${subs}) and l.variant_id = ${product!.variantId}`,
      );
      expect(lines.map((l) => l.quantity)).toEqual([1, 1]);
    } finally {
      await pair.resumeReplay();
    }
    await pair.caughtUp();
    expect(await availableOnPage(product!.slug, product!.variantId, holder)).toBe(0);
  });

  it('pushes live availability read from the primary after a change, while the replica still shows the old figure', async () => {
    const watcher = await shopper('watcher');
    const [, , product] = await stockedProducts(watcher, 6);
    const ws = createClient({
      url: sys.urls.b2c.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-publishable-key': KEY, authorization: `Bearer ${watcher}` },
      retryAttempts: 0,
    });
    const updates = ws.iterate<{ availabilityChanged: { variantId: string; available: number }[] }>({
      query: '',
      operationName: 'WatchAvailability',
      variables: { variantIds: [product!.variantId] },
    });
    try {
      const before = (await updates.next()).value!.data!.availabilityChanged[0]!.available;
      expect(before).toBe(product!.available);
      await pair.pauseReplay();
      try {
        const held = (
          await b2c(
            'ReserveStock',
            { input: { idempotencyKey: `replica-live-${Date.now()}`, lines: [{ variantId: product!.variantId, quantity: 1 }] } },
            watcher,
          )
        ).reserveStock;
        expect(held.__typename).toBe('Reservation');
        // The BFF re-reads on the change stream's news, from the primary: before - 1. (From the replica it would
        // read `before` again and push nothing.)
        expect((await updates.next()).value!.data!.availabilityChanged[0]!.available).toBe(before - 1);
        expect(await availableOnPage(product!.slug, product!.variantId, watcher)).toBe(before);
      } finally {
        await pair.resumeReplay();
      }
    } finally {
      await updates.return?.();
      await ws.dispose();
    }
  });

  it('moves catalog reads to the primary while the replica hangs, and back to the replica once it answers again', async () => {
    const me = await shopper('hang');
    const found = await stockedProducts(me, 6);
    // Not one of the products the other tests in this file change (the first three).
    const product = found[3] ?? found[found.length - 1]!;
    const before = await availableOnPage(product.slug, product.variantId, me);
    const readyOf = async (url: string) => (await (await fetch(url.replace(/\/graphql$/, '/readyz'))).json()) as { replica?: string };
    /** The product page's figure once it is `want`, polling through the failures of requests caught by the hang. */
    const pageShows = async (want: number) => {
      const deadline = Date.now() + 30_000;
      let last: unknown;
      while (Date.now() < deadline) {
        last = await availableOnPage(product.slug, product.variantId, me).catch((err: Error) => err.message);
        if (last === want) return want;
        await new Promise((r) => setTimeout(r, 250));
      }
      return last;
    };

    await pair.pauseReplay();
    try {
      // 3 units held on the primary; the paused standby still shows `before`, and the page reads the standby.
      const held = (
        await b2c('ReserveStock', { input: { idempotencyKey: `replica-hang-${Date.now()}`, lines: [{ variantId: product.variantId, quantity: 3 }] } }, me)
      ).reserveStock;
      expect(held.__typename).toBe('Reservation');
      expect(await availableOnPage(product.slug, product.variantId, me)).toBe(before);
      expect((await readyOf(sys.urls.stock[0]!)).replica).toBe('up');

      pair.hangStandby();
      try {
        // The replica no longer answers: the same page is read from the primary, which shows the hold: before - 3.
        expect(await pageShows(before - 3)).toBe(before - 3);
        expect((await readyOf(sys.urls.stock[0]!)).replica).toBe('unavailable');
      } finally {
        pair.wakeStandby();
      }
      // Answering again (replay still paused): reads go back to the replica, frozen at `before`.
      expect(await pageShows(before)).toBe(before);
      expect((await readyOf(sys.urls.stock[0]!)).replica).toBe('up');
    } finally {
      await pair.resumeReplay();
    }
    await pair.caughtUp();
    expect(await availableOnPage(product.slug, product.variantId, me)).toBe(before - 3);
  });
});
