import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { eventually, serveWebhookReceiver } from '../support/webhook-receiver.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { registerEndpoint } from './events-support.ts';
import { BERLIN, gateway, HAMBURG, MUNICH, ok, STAFF, withContentionSampler } from './stock-support.ts';
import { deleteEndpoints } from './events-support.ts';

/**
 * stock.low: a threshold of this file's own variant in web-eu, crossed by a B2C checkout's reservation and
 * by staff stock writes (no admin BFF: a signed stock-admin context at the gateway, test/README.md).
 */
const shopper = testIdentity('stock-low');
const sql = sqlClient();
const owned: string[] = [];
let receiver: Awaited<ReturnType<typeof serveWebhookReceiver>>;

const THRESHOLD = `mutation($input: SetLowStockThresholdInput!) {
  setLowStockThreshold(input: $input) { channel { code } variant { id } threshold available below } }`;
const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand } }`;
const RECEIVE = `mutation($input: StockQuantityInput!) { receiveStock(input: $input) { onHand } }`;

beforeAll(async () => {
  receiver = await serveWebhookReceiver();
});

afterAll(async () => {
  await deleteEndpoints(sql, owned);
  await receiver.close();
  await sql.end();
});

async function checkout(variantId: string, quantity: number) {
  const cart = await readyCart('b2c', shopper, [{ variantId, quantity }]);
  const placed = data(
    await op(
      'b2c',
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('stock-low'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
      shopper,
    ),
  ).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
}

const adjust = (variantId: string, delta: number) =>
  gateway('web-eu', ADJUST, { input: { variantId, locationId: HAMBURG, delta, reason: 'stock-low test' } }, STAFF);

describe('stock.low', () => {
  it('refuses a threshold from staff without stock-admin on the channel, and a negative one', async () => {
    const input = { channel: 'web-eu', variantId: 'var_nope', threshold: 3 };
    const foreign = await gateway('web-eu', THRESHOLD, { input }, { staff: { id: 'stf_us', roles: ['stock-admin'], channels: ['web-us'] } });
    expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const negative = await gateway('web-eu', THRESHOLD, { input: { ...input, threshold: -1 } }, STAFF);
    expect(negative.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'input.threshold']]);
    expect(await sql`select count(*)::int as n from stock.low_stock_thresholds where variant_id = 'var_nope'`).toEqual([{ n: 0 }]);
  });

  it('fires once when a checkout takes web-eu below the threshold, not again while it stays below, and again after a restock', async () => {
    const variantId = await sellable({ eur: 1000, stock: 5 });
    const aggregate = `${variantId}@web-eu`;
    const endpoint = await registerEndpoint(owned, { url: `${receiver.url}/low`, eventTypes: ['stock.low'], channels: ['web-eu'] });
    const set = ok(await gateway('web-eu', THRESHOLD, { input: { channel: 'web-eu', variantId, threshold: 3 } }, STAFF)).setLowStockThreshold;
    // 5 units at Hamburg, which web-eu sells from, no fences: 5 available, at or above 3.
    expect(set).toEqual({ channel: { code: 'web-eu' }, variant: { id: variantId }, threshold: 3, available: 5, below: false });

    await checkout(variantId, 1); // 5 -> 4: still at or above 3
    await checkout(variantId, 2); // 4 -> 2: crosses below 3 (the reservation); its sale leaves 2
    // Both orders are sold by now (on hand 5 - 3 = 2); staff take 1 more: 1 available, still below, no event.
    expect(ok(await adjust(variantId, -1)).adjustStock.onHand).toBe(1);
    const low = () => sql<{ data: any }[]>`select data from stock.outbox where type = 'stock.low' and aggregate_id = ${aggregate} order by id`;
    const [reservation] = await sql<{ id: string }[]>`
      select id::text from stock.movements where variant_id = ${variantId} and kind = 'RESERVATION' and delta_reserved = 2`;
    expect((await low()).map((r) => r.data)).toEqual([{ variantId, channel: 'web-eu', threshold: 3, available: 2, movementId: Number(reservation!.id) }]);

    // Back to 1 + 4 = 5 (at or above: armed again, no event), then 5 - 3 = 2: below once more.
    ok(await gateway('web-eu', RECEIVE, { input: { variantId, locationId: HAMBURG, quantity: 4, reason: 'restock', reference: 'po-low' } }, STAFF));
    ok(await adjust(variantId, -3));
    const rows = await low();
    expect(rows.map((r) => [r.data.threshold, r.data.available])).toEqual([
      [3, 2],
      [3, 2],
    ]);

    const mine = () => receiver.at('/low').filter((r) => r.envelope.aggregateId === aggregate);
    const got = await eventually(mine, (r) => r.length === 2, 'two stock.low deliveries');
    const verified = got.map((r) => new Webhook(endpoint.secret).verify(r.body, r.headers) as any);
    expect(verified.map((e) => [e.type, e.source, e.channels, e.data.available])).toEqual([
      ['stock.low', 'stock', ['web-eu'], 2],
      ['stock.low', 'stock', ['web-eu'], 2],
    ]);
    // web-us has no threshold for it (and sells from New Jersey): nothing for it.
    expect(await sql`select count(*)::int as n from stock.outbox where type = 'stock.low' and aggregate_id = ${`${variantId}@web-us`}`).toEqual([{ n: 0 }]);
  }, 90_000);

  it('fires exactly once when concurrent staff writes at three locations cross the threshold together', async () => {
    const variantId = await sellable({ eur: 1000, stock: 5 });
    const receiveAt = (locationId: string) =>
      gateway('web-eu', RECEIVE, { input: { variantId, locationId, quantity: 5, reason: 'stock-low race', reference: 'po-race' } }, STAFF);
    ok(await receiveAt(BERLIN));
    ok(await receiveAt(MUNICH));
    // 5 at Hamburg, Berlin and Munich, all sold by web-eu: 15 available; the threshold is 8.
    const set = ok(await gateway('web-eu', THRESHOLD, { input: { channel: 'web-eu', variantId, threshold: 8 } }, STAFF)).setLowStockThreshold;
    expect([set.available, set.below]).toEqual([15, false]);
    const at = (locationId: string) => ({ variantId, locationId, delta: -1, reason: 'stock-low race' });
    const writes = [HAMBURG, BERLIN, MUNICH].flatMap((l) => [at(l), at(l), at(l)]);
    const { result, distinctBusy } = await withContentionSampler(() => Promise.all(writes.map((input) => gateway('web-eu', ADJUST, { input }, STAFF))));
    for (const r of result) expect(r.errors).toBeUndefined();
    expect(result.length).toBe(9);
    expect(distinctBusy).toBeGreaterThan(1);
    // 15 - 9 = 6 in the end. The checks run one at a time at commit (the threshold row lock), each seeing
    // every write committed before it, so the one write that took 8 to 7 fires, and only it.
    const rows = await sql<{ data: any }[]>`select data from stock.outbox where type = 'stock.low' and aggregate_id = ${`${variantId}@web-eu`}`;
    expect(rows.map((r) => [r.data.threshold, r.data.available])).toEqual([[8, 7]]);
    // The previous case's web-eu endpoint is given it too, and settles it before the file ends.
    await eventually(
      async () =>
        (await sql`select status from webhooks.deliveries where endpoint_id = any(${owned}::uuid[]) and aggregate_id = ${`${variantId}@web-eu`}`).map(
          (r) => r.status,
        ),
      (s) => s.length === 1 && s[0] === 'DELIVERED',
      "the race's stock.low delivered",
    );
  }, 90_000);
});
