import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { BERLIN_ADDRESS, data, key, one, op, readyCart, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, adminWalk, codes } from './admin-walk-support.ts';

/**
 * Routing (issue 13), walked through the admin BFF by built-in staff and through the web shop by a customer
 * of this file's own: an order to Berlin for goods held in Hamburg and Munich, the reasons staff read for it,
 * and a rule excluding a location. Variants and stock are this file's own; the places are the demo's.
 *
 * The rule tests change web-eu's routing rules (a channel's rules have no owner but the channel) and put
 * them back in `finally`: they exclude only Munich, where no other file reserves web-eu stock.
 */
const run = adminWalk('routing');
const HAMBURG = 'loc_wh_hamburg';
const BERLIN = 'loc_berlin_shop';
const MUNICH = 'loc_munich_shop';
const NO_RULES = { channel: 'web-eu', excludedLocationIds: [], preferWarehouses: false, maxShipments: null };
const staff = { setup: '', eu: '', usOnly: '', viewer: '' };
const shopper = testIdentity('routing');

beforeAll(async () => {
  const [setup, eu, usOnly, viewer] = await Promise.all([
    createStaff('routing-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
    createStaff('routing-eu', ['stock-admin', 'viewer'], ['web-eu']),
    createStaff('routing-us', ['stock-admin', 'viewer'], ['web-us']),
    createStaff('routing-viewer', ['viewer'], ['web-eu']),
  ]);
  for (const [name, member] of Object.entries({ setup, eu, usOnly, viewer })) staff[name as keyof typeof staff] = (await staffSession(member.email)).token;
});

/** A product of this file's own at `eur` (gross) with the given units per place. */
async function stocked(tag: string, eur: number, units: Record<string, number>): Promise<string> {
  const { variantId } = await adminSellable(staff.setup, tag, { eur, stock: 0, channels: ['web-eu'] });
  for (const [locationId, quantity] of Object.entries(units)) {
    const res = await bff(
      'admin',
      'ReceiveStock',
      { input: { variantId, locationId, quantity, reason: 'routing setup' } },
      { token: staff.setup, channel: 'web-eu' },
    );
    expect(res.errors).toBeUndefined();
  }
  return variantId;
}

const EU = () => ({ token: staff.eu, channel: 'web-eu' });
const TO_BERLIN = { country: 'DE', postalCode: BERLIN_ADDRESS.postalCode, city: BERLIN_ADDRESS.city };
const verdicts = (explained: any) => explained.locations.map((l: any) => [l.location.id, l.chosen, l.rank, l.reasons]);

describe('routing an order', { shuffle: false }, () => {
  it('ships a Berlin order for goods held in Hamburg and Munich in two shipments, each sale booked where it left from', async () => {
    // a: 3 in Hamburg only; b: 2 in Munich only. Nothing in Berlin, the nearest place.
    const a = await stocked('route-a', 2000, { [HAMBURG]: 3 });
    const b = await stocked('route-b', 1500, { [MUNICH]: 2 });
    const lines = [
      { variantId: a, quantity: 2 },
      { variantId: b, quantity: 1 },
    ];

    const explained = data(await run('RoutingExplain', { input: { channel: 'web-eu', lines, shipTo: TO_BERLIN } }, EU())).routingExplain;
    // Postal code 10115 is German zone 1, placed at Berlin's centre.
    expect(explained.shipTo).toEqual({ latitude: 52.52, longitude: 13.405 });
    expect(explained.rules).toEqual({ excludedLocationIds: [], preferWarehouses: false, maxShipments: null });
    expect(explained.shipments).toBe(2);
    expect(explained.allocations).toEqual([
      { variant: { id: a }, location: { id: HAMBURG }, quantity: 2 },
      { variant: { id: b }, location: { id: MUNICH }, quantity: 1 },
    ]);
    expect(explained.unrouted).toEqual([]);
    // Round 1: Hamburg serves 2 units, Munich 1, so Hamburg first; round 2: only Munich holds b.
    expect(verdicts(explained)).toEqual([
      [HAMBURG, true, 1, ['HOLDS_MOST_UNITS']],
      [MUNICH, true, 2, ['HOLDS_EVERY_LINE', 'ONLY_CANDIDATE']],
      [BERLIN, false, null, ['HOLDS_NONE_NEEDED']],
    ]);
    // Berlin-Hamburg is about 255 km and Berlin-Munich about 505 km by air; the Berlin shop is in town.
    const km = Object.fromEntries(explained.locations.map((l: any) => [l.location.id, l.distanceKm]));
    expect(km[HAMBURG]).toBeGreaterThan(250);
    expect(km[HAMBURG]).toBeLessThan(260);
    expect(km[MUNICH]).toBeGreaterThan(500);
    expect(km[MUNICH]).toBeLessThan(510);
    expect(km[BERLIN]).toBeLessThan(10);

    // 2 x 20.00 + 1 x 15.00 = 55.00 gross, above the 50.00 free-shipping threshold of `standard`.
    const cart = await readyCart('b2c', shopper, lines);
    expect(cart.totals!.total).toEqual({ amount: 5500, currency: 'EUR' });
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('route'), expectedTotal: { amount: 5500, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');

    // The reservation allocated exactly what routing chose...
    const held = await one(
      (sql) => sql<{ allocations: [string, string, number][] }[]>`
        select coalesce(json_agg(json_build_array(a.variant_id, a.location_id, a.quantity) order by a.variant_id = ${a} desc), '[]') as allocations
        from orders.orders o join stock.reservation_allocations a on a.reservation_id = o.reservation_id where o.id = ${placed.order.id}`,
    );
    expect(held.allocations).toEqual([
      [a, HAMBURG, 2],
      [b, MUNICH, 1],
    ]);
    // ...and the ledger shows each sale at the place it left from.
    const sales = await one(
      (sql) => sql<{ sales: [string, string, number][] }[]>`
        select coalesce(json_agg(json_build_array(variant_id, location_id, delta_on_hand) order by variant_id = ${a} desc), '[]') as sales
        from stock.movements where variant_id in (${a}, ${b}) and kind = 'SALE'`,
    );
    expect(sales.sales).toEqual([
      [a, HAMBURG, -2],
      [b, MUNICH, -1],
    ]);
  });

  it('ships from the one place that holds everything, even a lower-priority shop, rather than splitting', async () => {
    // c: 1 in Hamburg (priority 0) and 2 in Munich (priority 2); an order of 2 ships from Munich alone.
    const c = await stocked('route-one', 1000, { [HAMBURG]: 1, [MUNICH]: 2 });
    const explained = data(
      await run(
        'RoutingExplain',
        { input: { channel: 'web-eu', lines: [{ variantId: c, quantity: 2 }], shipTo: TO_BERLIN } },
        { token: staff.viewer, channel: 'web-eu' },
      ),
    ).routingExplain;
    expect(explained.shipments).toBe(1);
    expect(explained.allocations).toEqual([{ variant: { id: c }, location: { id: MUNICH }, quantity: 2 }]);
    expect(verdicts(explained)).toEqual([
      [MUNICH, true, 1, ['HOLDS_EVERY_LINE']],
      [HAMBURG, false, null, ['NOT_NEEDED']],
      [BERLIN, false, null, ['HOLDS_NONE_NEEDED']],
    ]);
  });

  it('holds a click & collect order at its pickup shop alone, and refuses a place that is no pickup shop', async () => {
    // e: 5 in Hamburg, 1 in Munich. Collected in Munich, 1 unit comes from Munich though Hamburg holds more.
    const e = await stocked('route-pickup', 1000, { [HAMBURG]: 5, [MUNICH]: 1 });
    const lines = [{ variantId: e, quantity: 1 }];
    const explained = data(await run('RoutingExplain', { input: { channel: 'web-eu', lines, pickupLocationId: MUNICH } }, EU())).routingExplain;
    expect(explained.allocations).toEqual([{ variant: { id: e }, location: { id: MUNICH }, quantity: 1 }]);
    expect(verdicts(explained)).toEqual([
      [MUNICH, true, 1, ['HOLDS_EVERY_LINE', 'ONLY_CANDIDATE']],
      [HAMBURG, false, null, ['NOT_THE_PICKUP_LOCATION']],
      [BERLIN, false, null, ['NOT_THE_PICKUP_LOCATION']],
    ]);
    const notPickup = await run('RoutingExplain', { input: { channel: 'web-eu', lines, pickupLocationId: HAMBURG } }, EU());
    expect(codes(notPickup)).toEqual(['BAD_USER_INPUT']);

    // The storefront's own reservation (the shared ReserveStock operation) holds it there too.
    const held = data(
      await op('b2c', 'ReserveStock', { input: { idempotencyKey: key('pickup'), lines, ttlSeconds: 60, pickupLocationId: MUNICH } }, shopper),
    ).reserveStock;
    expect(held.lines).toEqual([
      { variant: { id: e }, quantity: 1, backordered: 0, allocations: [{ location: { id: MUNICH, name: 'Munich shop', pickup: true }, quantity: 1 }] },
    ]);
    // A second unit is not there to collect in Munich, whatever Hamburg holds.
    const short = data(
      await op('b2c', 'ReserveStock', { input: { idempotencyKey: key('pickup-2'), lines, ttlSeconds: 60, pickupLocationId: MUNICH } }, shopper),
    ).reserveStock;
    expect(short).toEqual({ __typename: 'InsufficientStock', lines: [{ variant: { id: e }, requested: 1, available: 0 }] });
    expect(data(await op('b2c', 'ReleaseReservation', { id: held.id }, shopper)).releaseReservation.__typename).toBe('Reservation');
  });

  it('refuses routing answers to staff without rights on the channel', async () => {
    const res = await run(
      'RoutingExplain',
      { input: { channel: 'web-eu', lines: [{ variantId: 'var_none', quantity: 1 }] } },
      { token: staff.usOnly, channel: 'web-us' },
    );
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });
});

describe('routing rules set by staff', { shuffle: false }, () => {
  afterAll(async () => {
    // Whatever happened above, web-eu routes without rules again.
    const reset = await run('SetRoutingRules', { input: { ...NO_RULES, channel: 'web-eu' } }, EU());
    expect(reset.errors).toBeUndefined();
  });

  it('refuses a rule naming a place the channel does not sell from, a bad limit, and staff of another channel, writing nothing', async () => {
    const foreign = await run('SetRoutingRules', { input: { ...NO_RULES, excludedLocationIds: ['loc_wh_newjersey'] } }, EU());
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
    const limit = await run('SetRoutingRules', { input: { ...NO_RULES, maxShipments: 0 } }, EU());
    expect(codes(limit)).toEqual(['BAD_USER_INPUT']);
    const other = await run('SetRoutingRules', { input: { ...NO_RULES, excludedLocationIds: [MUNICH] } }, { token: staff.usOnly, channel: 'web-us' });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const viewer = await run('SetRoutingRules', { input: { ...NO_RULES, excludedLocationIds: [MUNICH] } }, { token: staff.viewer, channel: 'web-eu' });
    expect(codes(viewer)).toEqual(['FORBIDDEN']);
    const rows = await one(
      (sql) => sql<{ n: number }[]>`select count(*)::int as n from stock.routing_rules where channel = 'web-eu' and excluded_location_ids <> '{}'`,
    );
    expect(rows.n).toBe(0);
  });

  it('obeys a rule excluding Munich: the order cannot be served from it, explain says why, and nothing is held', async () => {
    // d: 1 in Hamburg, 3 in Munich. Without the rule an order of 2 ships from Munich.
    const d = await stocked('route-excl', 3000, { [HAMBURG]: 1, [MUNICH]: 3 });
    const lines = [{ variantId: d, quantity: 2 }];
    const before = data(await run('RoutingExplain', { input: { channel: 'web-eu', lines, shipTo: TO_BERLIN } }, EU())).routingExplain;
    expect(before.allocations).toEqual([{ variant: { id: d }, location: { id: MUNICH }, quantity: 2 }]);

    const cart = await readyCart('b2c', shopper, lines);
    try {
      const set = data(await run('SetRoutingRules', { input: { ...NO_RULES, excludedLocationIds: [MUNICH] } }, EU())).setRoutingRules;
      expect(set).toEqual({ channel: { code: 'web-eu' }, excludedLocationIds: [MUNICH], preferWarehouses: false, maxShipments: null });

      const after = data(await run('RoutingExplain', { input: { channel: 'web-eu', lines, shipTo: TO_BERLIN } }, EU())).routingExplain;
      expect(after.rules.excludedLocationIds).toEqual([MUNICH]);
      expect(after.allocations).toEqual([{ variant: { id: d }, location: { id: HAMBURG }, quantity: 1 }]);
      expect(after.unrouted).toEqual([{ variant: { id: d }, quantity: 1 }]);
      expect(verdicts(after)).toEqual([
        [HAMBURG, true, 1, ['HOLDS_MOST_UNITS', 'ONLY_CANDIDATE']],
        [BERLIN, false, null, ['HOLDS_NONE_NEEDED']],
        [MUNICH, false, null, ['EXCLUDED_BY_RULE']],
      ]);

      // 2 x 30.00 = 60.00. The checkout reserves through routing, so Munich's 3 units are not there for it.
      const res = data(
        await op(
          'b2c',
          'PlaceOrder',
          { input: { cartId: cart.id, idempotencyKey: key('excl'), expectedTotal: { amount: 6000, currency: 'EUR' }, payment: { provider: 'manual' } } },
          shopper,
        ),
      ).placeOrder;
      expect(res).toEqual({ __typename: 'InsufficientStock', lines: [{ variant: { id: d }, requested: 2, available: 1 }] });
      const held = await one(
        (sql) => sql<{ reserved: number; movements: number }[]>`
          select (select coalesce(sum(reserved), 0)::int from stock.levels where variant_id = ${d}) as reserved,
                 (select count(*)::int from stock.movements where variant_id = ${d} and kind <> 'RECEIPT') as movements`,
      );
      expect(held).toEqual({ reserved: 0, movements: 0 });
    } finally {
      expect((await run('SetRoutingRules', { input: NO_RULES }, EU())).errors).toBeUndefined();
    }
  });
});
