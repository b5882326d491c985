import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@storegraph/kit';
import { expireOverdueReservations, tables } from '@storegraph/stock';
import { direct, system } from '../support/clients.ts';
import { CONFIRM, HAMBURG, RELEASE, STAFF, count, freshVariant, gateway, levelsMatchLedger, ok, receive, reserve } from './stock-support.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SWEEP = `mutation { expireReservations }`;

describe('reservation expiry', () => {
  // Two independent pools, as two sweeper processes would have.
  const sweeperA = openDatabase({ url: system().databaseUrl, schema: tables, poolSize: 2, applicationName: 'stock-test-sweeper-a' });
  const sweeperB = openDatabase({ url: system().databaseUrl, schema: tables, poolSize: 2, applicationName: 'stock-test-sweeper-b' });
  afterAll(async () => {
    await Promise.all([sweeperA.close(), sweeperB.close()]);
  });

  it('returns the units of expired reservations exactly once with four sweepers running at once', async () => {
    const variant = await freshVariant('expiry');
    await receive(variant, HAMBURG, 20);
    const short = await Promise.all(Array.from({ length: 12 }, () => reserve('web-eu', [{ variantId: variant, quantity: 1 }], { ttlSeconds: 1 })));
    const long = await reserve('web-eu', [{ variantId: variant, quantity: 2 }], { ttlSeconds: 900 });
    for (const r of [...short, long]) expect(r.data.reserveStock.__typename).toBe('Reservation');

    await sleep(1_200);
    // Two sweeper functions against the database and the sweep on both stock replicas, all at once (the
    // test system runs no background sweeper, and no other test reserves for seconds only).
    const [a, b, replicaA, replicaB] = await Promise.all([
      expireOverdueReservations(sweeperA),
      expireOverdueReservations(sweeperB),
      direct(system().stock[0]!, SWEEP, {}, 'web-eu', STAFF),
      direct(system().stock[1]!, SWEEP, {}, 'web-eu', STAFF),
    ]);
    const swept = a + b + ok(replicaA).expireReservations + ok(replicaB).expireReservations;
    console.log(`[stock expiry] sweepers expired ${a} + ${b} + ${ok(replicaA).expireReservations} + ${ok(replicaB).expireReservations}`);
    // Each of the 12 overdue reservations was expired by exactly one of the four.
    expect(swept).toBe(12);

    const levels = await levelsMatchLedger([variant]);
    expect(levels[0]).toMatchObject({ on_hand: 20, reserved: 2 });
    const ids = short.map((r) => r.data.reserveStock.id as string);
    expect(await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${variant} and kind = 'EXPIRY'`)).toBe(12);
    expect(await count((sql) => sql`select count(*)::int as n from stock.reservations where id::text in ${sql(ids)} and status = 'EXPIRED'`)).toBe(12);

    // Nothing left to do for a later sweep, and the long reservation is untouched.
    expect(await expireOverdueReservations(sweeperA)).toBe(0);
    expect(ok(await gateway('web-eu', CONFIRM, { id: long.data.reserveStock.id }, STAFF)).confirmReservation.status).toBe('CONFIRMED');
  });

  it('refuses to confirm or release an expired reservation, as data', async () => {
    const variant = await freshVariant('expired-confirm');
    await receive(variant, HAMBURG, 5);
    const res = await reserve('web-eu', [{ variantId: variant, quantity: 2 }], { ttlSeconds: 1 });
    const id = res.data.reserveStock.id;
    await sleep(1_200);
    // Confirming after expiry expires it on the spot (if no sweeper got there first) and says so.
    expect(ok(await gateway('web-eu', CONFIRM, { id }, STAFF)).confirmReservation).toEqual({
      __typename: 'ReservationNotActive',
      reservationId: id,
      status: 'EXPIRED',
    });
    expect(ok(await gateway('web-eu', RELEASE, { id })).releaseReservation).toEqual({
      __typename: 'ReservationNotActive',
      reservationId: id,
      status: 'EXPIRED',
    });
    const levels = await levelsMatchLedger([variant]);
    expect(levels[0]).toMatchObject({ on_hand: 5, reserved: 0 });
  });
});

describe('confirming and releasing', () => {
  it('turns a confirmed reservation into SALE movements once, however often it is confirmed', async () => {
    const variant = await freshVariant('confirm');
    await receive(variant, HAMBURG, 5);
    const id = (await reserve('pos-berlin', [{ variantId: variant, quantity: 1 }])).data.reserveStock;
    expect(id.__typename).toBe('InsufficientStock'); // the till sells from Berlin only

    const res = await reserve('trade-eu', [{ variantId: variant, quantity: 3 }]);
    const rid = res.data.reserveStock.id;
    const confirms = await Promise.all(Array.from({ length: 5 }, () => gateway('trade-eu', CONFIRM, { id: rid }, STAFF)));
    for (const c of confirms) expect(ok(c).confirmReservation).toEqual({ __typename: 'Reservation', id: rid, status: 'CONFIRMED' });
    const levels = await levelsMatchLedger([variant]);
    expect(levels[0]).toMatchObject({ on_hand: 2, reserved: 0 });
    expect(await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${variant} and kind = 'SALE'`)).toBe(1);
    expect(ok(await gateway('trade-eu', RELEASE, { id: rid })).releaseReservation).toMatchObject({ __typename: 'ReservationNotActive', status: 'CONFIRMED' });
  });

  it('does not let another channel see, confirm or release a reservation', async () => {
    const variant = await freshVariant('foreign');
    await receive(variant, HAMBURG, 5);
    const rid = (await reserve('trade-eu', [{ variantId: variant, quantity: 1 }])).data.reserveStock.id;
    const webEuStaff = { staff: { id: 'stf_web_eu_stock', roles: ['stock-admin' as const], channels: ['web-eu'] } };
    expect((await gateway('web-eu', CONFIRM, { id: rid }, webEuStaff)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await gateway('web-eu', RELEASE, { id: rid })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(ok(await gateway('web-eu', `query($id: ID!) { reservation(id: $id) { id } }`, { id: rid })).reservation).toBeNull();
    expect(ok(await gateway('trade-eu', `query($id: ID!) { reservation(id: $id) { id status } }`, { id: rid })).reservation).toEqual({
      id: rid,
      status: 'ACTIVE',
    });
    expect((await levelsMatchLedger([variant]))[0]!.reserved).toBe(1);
  });
});
