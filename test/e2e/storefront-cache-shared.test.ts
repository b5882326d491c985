import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, connectRedis } from '@storegraph/bff-kit';
import { createLogger } from '@storegraph/kit';
import { bff, sqlClient, system } from '../support/clients.ts';
import { eventually } from '../support/webhook-receiver.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { HAMBURG, priceVariant, receive } from './stock-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { data } from './checkout-support.ts';
import { deleteEndpoints } from './events-support.ts';
import { registerRevalidationWebhook } from '../../examples/storefront-next/scripts/revalidation-webhook.ts';
import { countingHop, freePort, serveStorefront } from './storefront-support.ts';

/**
 * Two replicas of the example storefront on one Redis (REDIS_URL, under a key prefix of this run's own): an
 * anonymous product page one replica rendered is served by the other from the shared catalogue cache, and the
 * one price.changed webhook, registered for replica A's address only, drops it for both.
 *
 * This file's own product (web-eu, one variant, 5 in Hamburg) starts at 20.00 EUR; both replicas talk to the
 * test system's B2C BFF through one counting hop, so the test sees which renders reached the BFF.
 */
const K = `sc${Math.random().toString(36).slice(2, 8)}`;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `sftest-${K}`;

describe('the storefront’s catalogue cache shared by two replicas through Redis', () => {
  const sql = sqlClient();
  const owned: string[] = [];
  let hop: Awaited<ReturnType<typeof countingHop>>;
  let a: Awaited<ReturnType<typeof serveStorefront>>;
  let b: Awaited<ReturnType<typeof serveStorefront>>;
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  let staffToken = '';
  const product = { slug: '', variantId: '' };

  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL, createLogger('storefront-cache-shared-test'), 'test');
    const made = await createTestProduct({ name: `${K} gilet`, channels: ['web-eu'] });
    Object.assign(product, { slug: made.slug, variantId: made.variants[0]!.id });
    await priceVariant(product.variantId, { eur: 2000 });
    await receive(product.variantId, HAMBURG, 5);
    // The setup's own price.changed must be fanned out before the endpoint exists, or the endpoint gets it too
    // and the delivery count below is 2 (seen once in CI on PostgreSQL 15).
    await eventually(
      async () => [
        ...(await sql<
          { n: number }[]
        >`select count(*)::int as n from prices.outbox where aggregate_id = ${`bk_base_eur:${product.variantId}`} and published_at is null`),
      ],
      (rows: { n: number }[]) => rows[0]!.n === 0,
      'the setup price event relayed',
      60_000,
    );
    const staff = await createStaff('storefront-shared', ['webhook-admin', 'pricing-admin'], ['*']);
    staffToken = (await staffSession(staff.email)).token;
    const portA = await freePort();
    // One endpoint, at replica A only: B never receives a webhook.
    const url = `http://127.0.0.1:${portA}/api/revalidate`;
    const secret = await registerRevalidationWebhook({ adminUrl: system().admin, token: staffToken, url });
    owned.push(
      ...(data(await bff('admin', 'WebhookEndpoints', {}, { token: staffToken })).webhookEndpoints as { id: string; url: string }[])
        .filter((e) => e.url === url)
        .map((e) => e.id),
    );
    expect(owned.length).toBe(1);
    hop = await countingHop(system().b2c);
    const shared = { url: REDIS_URL, keyPrefix: PREFIX };
    a = await serveStorefront(hop.url, { port: portA, webhookSecret: secret, redis: shared });
    b = await serveStorefront(hop.url, { redis: shared });
  }, 360_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await hop?.close();
    await deleteEndpoints(sql, owned);
    await sql.end();
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await closeRedis(redis);
  });

  /** One anonymous render of the product page on a replica: the price it shows and whether it asked the BFF. */
  async function render(shop: { url: string }): Promise<{ price: string | undefined; asked: string[] }> {
    const before = hop.asked.length;
    const res = await fetch(`${shop.url}/eu-de/products/${product.slug}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    return { price: /data-price="([^"]+)"/.exec(html)?.[1], asked: hop.asked.slice(before).filter((x) => x.endsWith('ProductPage')) };
  }

  it('serves B from what A rendered, and drops it for both when the one webhook reaches A', async () => {
    // A renders until its answer is kept (a first answer that raced a change is not), then B asks nothing.
    await eventually(
      () => render(a),
      (r) => r.asked.length === 0,
      'A serving the page from the cache',
      30_000,
    );
    expect(await render(b)).toEqual({ price: '2000 EUR', asked: [] });
    // The answer's index for the variant is under this run's prefix.
    expect(await redis.exists(`${PREFIX}:{sf}:z:${product.variantId}`)).toBe(1);

    // Staff change the price: the relay delivers price.changed to A, which drops the answer in Redis.
    const res = await bff(
      'admin',
      'ImportPriceEntries',
      { bookId: 'bk_base_eur', entries: [{ variantId: product.variantId, amount: 2400 }] },
      { token: staffToken, channel: 'web-eu' },
    );
    expect(data(res).importPriceEntries).toMatchObject({ bookId: 'bk_base_eur', imported: 1 });
    const delivered = await eventually(
      async () =>
        data(await bff('admin', 'WebhookDeliveries', { endpointId: owned[0], first: 500 }, { token: staffToken, channel: 'web-eu' })).webhookDeliveries,
      (ds: { eventType: string; aggregateId: string; lastHttpStatus: number | null }[]) =>
        ds.some((d) => d.eventType === 'price.changed' && d.aggregateId === `bk_base_eur:${product.variantId}` && d.lastHttpStatus === 204),
      'the price.changed delivery accepted by replica A',
      60_000,
    );
    expect(delivered.filter((d: { aggregateId: string }) => d.aggregateId === `bk_base_eur:${product.variantId}`).length).toBe(1);
    expect(await redis.exists(`${PREFIX}:{sf}:z:${product.variantId}`)).toBe(0);

    // B, which no webhook reached, asks the BFF again (the shared answer is gone) and shows 24.00.
    const after = await render(b);
    expect(after.asked).toEqual(['anonymous ProductPage']);
    await expect.poll(async () => (await render(b)).price, { timeout: 30_000 }).toBe('2400 EUR');
  }, 180_000);
});
