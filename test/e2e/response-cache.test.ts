import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { bff, sqlClient, system, tokenFor } from '../support/clients.ts';
import { RELEASE, RESERVE, gateway, ok, receive } from './stock-support.ts';

const PAGE = 'ProductPage';
const CHANNEL = 'CurrentChannel';
/** The gateway's cache hint for a product page, asked directly (the BFF passes it on). */
const PAGE_TEXT = `query ProductPageHint($slug: String!) { product(slug: $slug) { id name variants { id price { ... on VariantPrice { unit { amount currency } } } availability { available } } } }`;

/** An anonymous storefront read by name (ProductPage, CurrentChannel), with what the cache said. */
async function ask(operationName: string, variables: object, headers: Record<string, string> = {}) {
  const res = await bff('b2c', operationName, variables as Record<string, unknown>, { headers });
  return { cache: res.headers.get('x-cache'), body: { data: res.data, errors: res.errors } as any };
}

/** Asks until the BFF answers from its cache (the first answers may race the change stream connecting). */
async function untilCached(query: string, variables: object) {
  for (let i = 0; i < 50; i++) {
    const r = await ask(query, variables);
    if (r.cache === 'HIT') return r;
    await sleep(50);
  }
  throw new Error('never served from cache');
}

async function untilFresh(query: string, variables: object, isFresh: (body: any) => boolean) {
  for (let i = 0; i < 300; i++) {
    const r = await ask(query, variables);
    if (isFresh(r.body)) return { r, attempts: i + 1 };
    await sleep(20);
  }
  throw new Error('stale answer kept being served');
}

describe('response cache for anonymous catalog reads', () => {
  const sql = sqlClient();
  // prd_0233 belongs to this test alone.
  const slugOf = async () => (await sql`select slug from products.products where id = 'prd_0233'`)[0]!.slug as string;
  afterAll(async () => {
    await sql.end();
  });
  // Each test starts from a settled cache: what the previous test changed (a price put back, stock
  // received) has reached it, whichever test ran before (the file passes in any order).
  beforeEach(async () => {
    const slug = await slugOf();
    const fresh = await ask(PAGE, { slug }, { 'cache-control': 'no-cache' });
    expect(fresh.body.errors).toBeUndefined();
    await untilFresh(PAGE, { slug }, (b) => JSON.stringify(b) === JSON.stringify(fresh.body));
  });

  it('serves the second anonymous read from the cache, byte for byte the same answer', async () => {
    const slug = await slugOf();
    const first = await ask(PAGE, { slug });
    expect(first.body.errors).toBeUndefined();
    const hit = await untilCached(PAGE, { slug });
    expect(hit.body).toEqual(first.body);
  });

  it('drops the cached answer when a price changes, and caches the new one', async () => {
    const slug = await slugOf();
    const before = await untilCached(PAGE, { slug });
    const oldAmount = before.body.data.product.variants[0].price.unit.amount;
    await sql`update prices.price_entries set amount = amount + 7 where variant_id = 'var_0233_1' and book_id = 'bk_base_eur'`;
    try {
      const { r } = await untilFresh(PAGE, { slug }, (b) => b.data.product.variants[0].price.unit.amount === oldAmount + 7);
      expect(r.cache).not.toBe('HIT');
      const again = await untilCached(PAGE, { slug });
      expect(again.body.data.product.variants[0].price.unit.amount).toBe(oldAmount + 7);
    } finally {
      await sql`update prices.price_entries set amount = amount - 7 where variant_id = 'var_0233_1' and book_id = 'bk_base_eur'`;
    }
  });

  it('drops it when stock is received, but keeps answers that never read stock', async () => {
    const slug = await slugOf();
    // Other files change the catalog while this one runs (a product edited, a channel created), and a
    // catalog change rightly drops CurrentChannel too. So the receipt is tried up to three times: a cache
    // that dropped catalog answers on every stock movement misses all three, one that is right hits on the
    // first unless a catalog write landed in the same second.
    const channelKept: boolean[] = [];
    for (let attempt = 0; attempt < 3 && !channelKept.includes(true); attempt++) {
      const page = await untilCached(PAGE, { slug });
      await untilCached(CHANNEL, {});
      const old = page.body.data.product.variants[0].availability.available;
      await receive('var_0233_1', 'loc_wh_hamburg', 3);
      const { r } = await untilFresh(PAGE, { slug }, (b) => b.data.product.variants[0].availability.available === old + 3);
      expect(r.cache).not.toBe('HIT');
      // CurrentChannel is answered by the catalog alone: a stock movement leaves it cached.
      channelKept.push((await ask(CHANNEL, {})).cache === 'HIT');
    }
    expect(channelKept).toContain(true);
  });

  it('drops it when a shopper reserves units (announced by the polled stock version, not NOTIFY)', async () => {
    const slug = await slugOf();
    const page = await untilCached(PAGE, { slug });
    const before = page.body.data.product.variants[0].availability.available;
    const res = await gateway(
      'web-eu',
      RESERVE,
      { input: { idempotencyKey: `cache-${Date.now()}`, lines: [{ variantId: 'var_0233_1', quantity: 1 }] } },
      { customerId: 'cus_cache' },
    );
    expect(ok(res).reserveStock.__typename).toBe('Reservation');
    const { r } = await untilFresh(PAGE, { slug }, (b) => b.data.product.variants[0].availability.available === before - 1);
    expect(r.cache).not.toBe('HIT');
    ok(await gateway('web-eu', RELEASE, { id: res.data.reserveStock.id }, { customerId: 'cus_cache' }));
  });

  it('never caches or serves cached answers to a signed-in customer', async () => {
    const slug = await slugOf();
    await untilCached(PAGE, { slug });
    const signedIn = await ask(PAGE, { slug }, { authorization: `Bearer ${await tokenFor('anna@example.com')}` });
    expect(signedIn.cache).toBeNull();
    expect(signedIn.body.errors).toBeUndefined();
  });

  it('keeps channels apart: web-us never gets the web-eu answer', async () => {
    const slug = await slugOf();
    const eu = await untilCached(PAGE, { slug });
    const us = await ask(PAGE, { slug }, { 'x-storefront-channel': 'web-us' });
    expect(us.cache).not.toBe('HIT');
    expect(eu.body.data.product.variants[0].price.unit.currency).toBe('EUR');
    expect(us.body.data.product.variants[0].price.unit.currency).toBe('USD');
  });
});

describe('asking for a fresh answer', () => {
  it('bypasses the cache for Cache-Control: no-cache', async () => {
    await untilCached(CHANNEL, {});
    const fresh = await ask(CHANNEL, {}, { 'cache-control': 'no-cache' });
    expect(fresh.cache).toBe('MISS');
    expect(fresh.body.data.currentChannel.code).toBe('web-eu');
  });
});

describe('what may be shared', () => {
  it('follows the gateway: anonymous catalog answers are public for a minute, signed-in ones private', async () => {
    const { CONTEXT_HEADER } = await import('@storegraph/schema');
    const { signedContext } = await import('../support/clients.ts');
    const ask = async (extra: object) =>
      (
        await fetch(system().gateway, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: await signedContext('web-eu', extra) },
          body: JSON.stringify({ query: PAGE_TEXT, variables: { slug: 'no-such-product' } }),
        })
      ).headers.get('cache-control');
    expect(await ask({})).toBe('max-age=60, public');
    expect(await ask({ customerId: 'cus_anna' })).toBe('max-age=60, private');
  });

  it('caches a price only until its validity ends', async () => {
    const sql = sqlClient();
    try {
      const slug = (await sql`select slug from products.products where id = 'prd_0234'`)[0]!.slug as string;
      // A web-eu sale on var_0234_1 that ends in 3 seconds.
      await sql`insert into prices.price_books (id, name, level, currency, channel, tax_included) values ('bk_cache_test', 'Cache test sale', 'CHANNEL', 'EUR', 'web-eu', true) on conflict do nothing`;
      await sql`insert into prices.price_entries (book_id, variant_id, amount, valid_to) values ('bk_cache_test', 'var_0234_1', 1234, now() + interval '3 seconds')`;
      const onSale = await untilCached(PAGE, { slug });
      expect(onSale.body.data.product.variants[0].price.unit.amount).toBe(1234);
      // No row changes when the sale ends: the cache must let the answer go by itself.
      const { r } = await untilFresh(PAGE, { slug }, (b) => b.data.product.variants[0].price.unit.amount !== 1234);
      expect(r.cache).not.toBe('HIT');
    } finally {
      await sql`delete from prices.price_entries where book_id = 'bk_cache_test'`;
      await sql.end();
    }
  });
});
