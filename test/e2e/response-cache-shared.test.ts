import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { closeRedis, connectRedis } from '@storegraph/bff-kit';
import { createLogger } from '@storegraph/kit';
import { sqlClient } from '../support/clients.ts';
import { startProductionB2c, type RunningTestBff } from '../support/production-bff.ts';
import { sellable } from './checkout-support.ts';
import { priceVariant } from './stock-support.ts';

/**
 * The BFF response cache shared by replicas through Redis (REDIS_URL): two production B2C BFFs of this file's own
 * in front of the test system's gateway, on one Redis, under a key prefix of this run's own (REDIS_KEY_PREFIX) so
 * parallel runs never meet. Each BFF follows the gateway's change stream itself, as replicas do.
 */

const KEY = DEMO_PUBLISHABLE_KEYS['web-eu']!;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `sgtest-${process.pid}-${Date.now().toString(36)}`;

let redis: Awaited<ReturnType<typeof connectRedis>>;
const started: RunningTestBff[] = [];
async function replica(extra: NodeJS.ProcessEnv = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX }) {
  const b = await startProductionB2c(extra);
  started.push(b);
  return b;
}

beforeAll(async () => {
  redis = await connectRedis(REDIS_URL, createLogger('response-cache-shared-test'), 'test');
});
afterAll(async () => {
  for (const b of started) await b.close();
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
});

/** An anonymous ProductPage by name, with what the BFF's cache said. */
async function page(b: RunningTestBff, slug: string) {
  const res = await fetch(b.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-publishable-key': KEY },
    body: JSON.stringify({ operationName: 'ProductPage', variables: { slug } }),
  });
  const text = await res.text();
  expect(res.status).toBe(200);
  return { cache: res.headers.get('x-cache'), text, amount: JSON.parse(text).data.product.variants[0].price.unit.amount as number };
}

/** Asks until this BFF stores the answer (its first answers can come before its change stream is connected: BYPASS). */
async function untilStored(b: RunningTestBff, slug: string) {
  for (let i = 0; i < 100; i++) {
    const r = await page(b, slug);
    if (r.cache === 'MISS') return r;
    expect(r.cache).toBe('BYPASS');
    await sleep(50);
  }
  throw new Error('never stored');
}

/** Entries this run holds in Redis (the store's entry keys: `<prefix>:{b2c:rc}:e:<hash>`). */
const entries = async () => (await redis.keys(`${PREFIX}:{b2c:rc}:e:*`)).length;

async function productOf(eur: number): Promise<{ variantId: string; slug: string }> {
  const variantId = await sellable({ eur, stock: 3, channels: ['web-eu'] });
  const sql = sqlClient();
  try {
    const [row] = await sql<
      { slug: string }[]
    >`select p.slug from products.products p join products.variants v on v.product_id = p.id where v.id = ${variantId}`;
    return { variantId, slug: row!.slug };
  } finally {
    await sql.end();
  }
}

describe('the response cache shared through Redis', () => {
  let a: RunningTestBff;
  let b: RunningTestBff;
  beforeAll(async () => {
    [a, b] = [await replica(), await replica()];
  });

  it('serves an answer one replica cached from the other, byte for byte, and drops it for both after a price change', async () => {
    // 19.99 EUR, then 24.99 EUR after the change.
    // Other files write to the catalogue while this one runs, and a write rightly drops every catalog answer:
    // the store-then-share sequence is tried up to five times, each on a product of its own (after a failed
    // try b has asked for the page, so its HIT would no longer prove a's answer was shared; and a could find
    // b's answer stored). A write between a's MISS and the count of entries can already have emptied the store
    // (seen on PostgreSQL 15 in CI), so an empty store also ends the try. A cache that is not shared fails all five.
    let shared: { stored: Awaited<ReturnType<typeof page>>; served: Awaited<ReturnType<typeof page>> } | undefined;
    let product: { variantId: string; slug: string } | undefined;
    let heldInRedis = 0;
    for (let attempt = 0; attempt < 5 && !shared; attempt++) {
      product = await productOf(1999);
      const { slug } = product;
      const stored = await untilStored(a, slug);
      expect(stored.amount).toBe(1999);
      const held = await entries();
      if (held === 0) continue;
      heldInRedis = held;
      // b has never asked for this page: a HIT can only be a's answer.
      let served = await page(b, slug);
      while (served.cache === 'BYPASS') served = await page(b, slug); // b's change stream still connecting
      if (served.cache === 'HIT') shared = { stored, served };
    }
    expect(heldInRedis).toBeGreaterThanOrEqual(1);
    expect(shared!.served.text).toBe(shared!.stored.text);
    const { variantId, slug } = product!;

    await priceVariant(variantId, { eur: 2499 });
    // The change reaches both replicas; whichever drops it first, the entry is gone from the one store.
    let fresh = await page(b, slug);
    for (let i = 0; i < 200 && fresh.amount !== 2499; i++) {
      await sleep(25);
      fresh = await page(b, slug);
    }
    expect(fresh.amount).toBe(2499);
    expect(fresh.cache).not.toBe('HIT');
    // a never serves the old price again: its next answers are the new one (from b's store or its own ask).
    const fromA = await page(a, slug);
    expect(fromA.amount).toBe(2499);
  });

  it('keeps each replica to its own memory without REDIS_URL: the other one misses', async () => {
    const { slug } = await productOf(1599);
    const [m1, m2] = [await replica({}), await replica({})];
    await untilStored(m1, slug);
    // m2 stores its own copy (MISS), never serves m1's.
    expect((await untilStored(m2, slug)).cache).toBe('MISS');
  });
});
