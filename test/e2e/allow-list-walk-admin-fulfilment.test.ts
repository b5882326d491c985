import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, key, one, op, readyCart, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, adminWalk, codes } from './admin-walk-support.ts';
import { withContentionSampler } from './stock-support.ts';

/**
 * Shipments (issue 13), walked through the admin BFF by built-in order staff: a customer of this file's own
 * orders to Berlin goods held only in Hamburg and only in Munich, so the order leaves in two shipments; staff
 * pick, pack and ship one (racing themselves), cancel the other (racing again), and the order and the ledger
 * follow. Variants, stock and the order are this file's own.
 */
const run = adminWalk('fulfilment');
const HAMBURG = 'loc_wh_hamburg';
const MUNICH = 'loc_munich_shop';
const staff = { setup: '', eu: '', us: '', viewer: '' };
const shopper = testIdentity('fulfilment');
const order = { id: '', a: '', b: '', hamburg: '', munich: '' };

beforeAll(async () => {
  const [setup, eu, us, viewer] = await Promise.all([
    createStaff('ship-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
    createStaff('ship-eu', ['order-admin'], ['web-eu']),
    createStaff('ship-us', ['order-admin', 'viewer'], ['web-us']),
    createStaff('ship-viewer', ['viewer'], ['web-eu']),
  ]);
  for (const [name, member] of Object.entries({ setup, eu, us, viewer })) staff[name as keyof typeof staff] = (await staffSession(member.email)).token;
  // a: 3 in Hamburg at 20.00; b: 2 in Munich at 15.00. 2 x 20.00 + 1 x 15.00 = 55.00 (free shipping above 50.00).
  for (const [name, eur, location, units] of [
    ['a', 2000, HAMBURG, 3],
    ['b', 1500, MUNICH, 2],
  ] as const) {
    const { variantId } = await adminSellable(staff.setup, `ship-${name}`, { eur, stock: 0, channels: ['web-eu'] });
    const received = await bff(
      'admin',
      'ReceiveStock',
      { input: { variantId, locationId: location, quantity: units } },
      { token: staff.setup, channel: 'web-eu' },
    );
    expect(received.errors).toBeUndefined();
    order[name] = variantId;
  }
  const cart = await readyCart('b2c', shopper, [
    { variantId: order.a, quantity: 2 },
    { variantId: order.b, quantity: 1 },
  ]);
  const placed = data(
    await op(
      'b2c',
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('ship'), expectedTotal: { amount: 5500, currency: 'EUR' }, payment: { provider: 'manual' } } },
      shopper,
    ),
  ).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
  order.id = placed.order.id;
});

const EU = () => ({ token: staff.eu, channel: 'web-eu' });
const move = (shipmentId: string, status: string, extra: Record<string, string> = {}, auth = EU()) =>
  run('SetShipmentStatus', { input: { shipmentId, status, ...extra } }, auth);
const ledger = (variantId: string) =>
  one(
    (sql) => sql<{ moves: [string, string, number][] }[]>`
      select coalesce(json_agg(json_build_array(kind, location_id, delta_on_hand) order by id), '[]') as moves
      from stock.movements where variant_id = ${variantId} and kind in ('SALE', 'RETURN')`,
  );

describe('shipments of an order', { shuffle: false }, () => {
  it('are made at placement, one per location routing reserved from', async () => {
    const read = data(await run('OrderShipments', { id: order.id }, EU())).order;
    expect(read.status).toBe('PLACED');
    expect(read.shipments).toHaveLength(2);
    const byLocation = Object.fromEntries(read.shipments.map((s: any) => [s.location.id, s]));
    expect(byLocation[HAMBURG]).toMatchObject({
      status: 'PENDING',
      carrier: null,
      trackingNumber: null,
      shippedAt: null,
      lines: [{ variant: { id: order.a }, quantity: 2 }],
    });
    expect(byLocation[MUNICH]).toMatchObject({ status: 'PENDING', lines: [{ variant: { id: order.b }, quantity: 1 }], nextStatuses: ['PICKING', 'CANCELLED'] });
    order.hamburg = byLocation[HAMBURG].id;
    order.munich = byLocation[MUNICH].id;
  });

  it('stand in the work queue of their location for staff of the channel, and of no one else', async () => {
    const queue = data(await run('ShipmentQueue', { locationId: MUNICH, first: 200 }, { token: staff.viewer, channel: 'web-eu' })).shipmentQueue;
    expect(queue.map((s: any) => s.id)).toContain(order.munich);
    for (const s of queue) expect([s.location.id, ['PENDING', 'PICKING', 'PACKED'].includes(s.status)]).toEqual([MUNICH, true]);
    const mine = queue.find((s: any) => s.id === order.munich);
    expect(mine.order).toEqual({ id: order.id, number: expect.stringMatching(/^WEB-EU-/), status: 'PLACED' });
    // web-us staff see none of web-eu's parcels, even at a place both could share.
    expect(data(await run('ShipmentQueue', { locationId: MUNICH, first: 200 }, { token: staff.us, channel: 'web-us' })).shipmentQueue).toEqual([]);
  });

  it('refuses shipping without a tracking number, skipping a state, and staff of another channel, changing nothing', async () => {
    expect(codes(await move(order.hamburg, 'SHIPPED', { carrier: 'DHL' }))).toEqual(['BAD_USER_INPUT']);
    expect(data(await move(order.hamburg, 'SHIPPED', { carrier: 'DHL', trackingNumber: 'JD0001' })).setShipmentStatus).toEqual({
      __typename: 'IllegalShipmentTransition',
      shipmentId: order.hamburg,
      from: 'PENDING',
      to: 'SHIPPED',
      allowed: ['PICKING', 'CANCELLED'],
    });
    expect(codes(await move(order.hamburg, 'PICKING', {}, { token: staff.us, channel: 'web-us' }))).toEqual(['NOT_FOUND']);
    expect(codes(await move(order.hamburg, 'PICKING', {}, { token: staff.viewer, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);
    const read = data(await run('OrderShipments', { id: order.id }, EU())).order;
    expect(read.shipments.map((s: any) => s.status)).toEqual(['PENDING', 'PENDING']);
  });

  it('ships once when eight requests race to ship the same parcel, and the order is partially fulfilled', async () => {
    expect(data(await move(order.hamburg, 'PICKING')).setShipmentStatus.shipment.status).toBe('PICKING');
    expect(data(await move(order.hamburg, 'PACKED')).setShipmentStatus.shipment.status).toBe('PACKED');
    const { result, distinctBusy } = await withContentionSampler(
      () => Promise.all(Array.from({ length: 8 }, (_, i) => move(order.hamburg, 'SHIPPED', { carrier: 'DHL', trackingNumber: `JD00${i}` }))),
      'storegraph-orders',
    );
    for (const res of result) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const answers = result.map((r) => r.data.setShipmentStatus);
    const won = answers.filter((a: any) => a.__typename === 'ShipmentChanged');
    const refused = answers.filter((a: any) => a.__typename === 'IllegalShipmentTransition');
    console.log(`[ship race] 8 requests: ${won.length} shipped, ${refused.length} refused; ${distinctBusy} orders backends worked on it`);
    // The requests overlapped in the orders database (more than one connection worked on them).
    expect(distinctBusy).toBeGreaterThan(1);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const r of refused)
      expect(r).toEqual({ __typename: 'IllegalShipmentTransition', shipmentId: order.hamburg, from: 'SHIPPED', to: 'SHIPPED', allowed: ['DELIVERED'] });
    const shipped = won[0].shipment;
    expect(shipped).toMatchObject({ status: 'SHIPPED', carrier: 'DHL', order: { status: 'PARTIALLY_FULFILLED' } });
    expect(shipped.trackingNumber).toMatch(/^JD00[0-7]$/);

    const events = await one(
      (sql) => sql<{ events: { type: string; data: any }[] }[]>`
        select coalesce(json_agg(json_build_object('type', type, 'data', data) order by id), '[]') as events
        from orders.outbox where aggregate_id = ${order.id} and type <> 'order.placed'`,
    );
    expect(events.events).toEqual([
      { type: 'order.status_changed', data: { orderId: order.id, number: shipped.order.number, from: 'PLACED', to: 'PROCESSING' } },
      { type: 'order.status_changed', data: { orderId: order.id, number: shipped.order.number, from: 'PROCESSING', to: 'PARTIALLY_FULFILLED' } },
      {
        type: 'shipment.shipped',
        data: {
          shipmentId: order.hamburg,
          orderId: order.id,
          number: shipped.order.number,
          locationId: HAMBURG,
          carrier: 'DHL',
          trackingNumber: shipped.trackingNumber,
          lines: [{ variantId: order.a, quantity: 2 }],
        },
      },
    ]);
    // The sale was booked where the parcel left from: 2 units of a at Hamburg.
    expect((await ledger(order.a)).moves).toEqual([['SALE', HAMBURG, -2]]);
  });

  it('puts a cancelled unshipped parcel back on hand at its location exactly once, however often it is cancelled', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => move(order.munich, 'CANCELLED')));
    for (const res of results) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const answers = results.map((r) => r.data.setShipmentStatus);
    expect(answers.filter((a: any) => a.__typename === 'ShipmentChanged')).toHaveLength(1);
    expect(answers.filter((a: any) => a.__typename === 'IllegalShipmentTransition')).toHaveLength(3);
    // b: sold 1 at Munich at placement, 1 back on hand there now; Munich holds 2 again.
    expect((await ledger(order.b)).moves).toEqual([
      ['SALE', MUNICH, -1],
      ['RETURN', MUNICH, 1],
    ]);
    const level = await one(
      (sql) =>
        sql<{ on_hand: number; reserved: number }[]>`select on_hand, reserved from stock.levels where variant_id = ${order.b} and location_id = ${MUNICH}`,
    );
    expect(level).toEqual({ on_hand: 2, reserved: 0 });
    // The one shipment left has left: the order is fulfilled.
    const read = data(await run('OrderShipments', { id: order.id }, EU())).order;
    expect(read.status).toBe('FULFILLED');
    expect(Object.fromEntries(read.shipments.map((s: any) => [s.location.id, s.status]))).toEqual({ [HAMBURG]: 'SHIPPED', [MUNICH]: 'CANCELLED' });
  });

  it('is delivered after it shipped, and a cancelled one cannot be shipped', async () => {
    expect(data(await move(order.hamburg, 'DELIVERED')).setShipmentStatus.shipment).toMatchObject({ status: 'DELIVERED', nextStatuses: [] });
    expect(data(await move(order.munich, 'PICKING')).setShipmentStatus).toMatchObject({
      __typename: 'IllegalShipmentTransition',
      from: 'CANCELLED',
      allowed: [],
    });
    expect((await ledger(order.b)).moves).toHaveLength(2);
  });
});

describe('partial shipment of lines', { shuffle: false }, () => {
  const split = { order: '', c: '', whole: '', part: '' };

  beforeAll(async () => {
    // c: 3 in Hamburg at 20.00; an order of all 3 is 60.00 and one shipment from Hamburg.
    const { variantId } = await adminSellable(staff.setup, 'ship-c', { eur: 2000, stock: 3, channels: ['web-eu'] });
    split.c = variantId;
    const cart = await readyCart('b2c', shopper, [{ variantId, quantity: 3 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('split'), expectedTotal: { amount: 6000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    split.order = placed.order.id;
    const read = data(await run('OrderShipments', { id: split.order }, EU())).order;
    expect(read.shipments.map((s: any) => [s.location.id, s.lines])).toEqual([[HAMBURG, [{ variant: { id: variantId }, quantity: 3 }]]]);
    split.whole = read.shipments[0].id;
  });

  it('moves lines into a new shipment at the same place, refusing splits that take too much or leave nothing', async () => {
    const SPLIT = (lines: unknown) => run('SplitShipment', { input: { shipmentId: split.whole, lines } }, EU());
    expect(codes(await SPLIT([{ variantId: split.c, quantity: 3 }]))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await SPLIT([{ variantId: split.c, quantity: 4 }]))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await SPLIT([{ variantId: 'var_not_in_it', quantity: 1 }]))).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await run(
          'SplitShipment',
          { input: { shipmentId: split.whole, lines: [{ variantId: split.c, quantity: 1 }] } },
          { token: staff.viewer, channel: 'web-eu' },
        ),
      ),
    ).toEqual(['FORBIDDEN']);

    const done = data(await SPLIT([{ variantId: split.c, quantity: 1 }])).splitShipment;
    expect(done.kept).toMatchObject({ id: split.whole, status: 'PENDING', location: { id: HAMBURG }, lines: [{ variant: { id: split.c }, quantity: 2 }] });
    expect(done.split).toMatchObject({ status: 'PENDING', location: { id: HAMBURG }, lines: [{ variant: { id: split.c }, quantity: 1 }] });
    split.part = done.split.id;
  });

  it('ships the part on the shelf and cancels the rest, which alone goes back on hand, once', async () => {
    for (const status of ['PICKING', 'PACKED']) expect(data(await move(split.whole, status)).setShipmentStatus.shipment.status).toBe(status);
    const shipped = data(await move(split.whole, 'SHIPPED', { carrier: 'UPS', trackingNumber: '1Z999' })).setShipmentStatus.shipment;
    expect(shipped.order.status).toBe('PARTIALLY_FULFILLED');
    expect(codes(await run('SplitShipment', { input: { shipmentId: split.whole, lines: [{ variantId: split.c, quantity: 1 }] } }, EU()))).toEqual(['CONFLICT']);

    const cancels = await Promise.all([move(split.part, 'CANCELLED'), move(split.part, 'CANCELLED')]);
    expect(cancels.map((r) => r.data.setShipmentStatus.__typename).sort()).toEqual(['IllegalShipmentTransition', 'ShipmentChanged']);
    // c: 3 sold at Hamburg at placement; the 1 unit of the cancelled part comes back, not the 2 that left.
    expect((await ledger(split.c)).moves).toEqual([
      ['SALE', HAMBURG, -3],
      ['RETURN', HAMBURG, 1],
    ]);
    const level = await one(
      (sql) =>
        sql<{ on_hand: number; reserved: number }[]>`select on_hand, reserved from stock.levels where variant_id = ${split.c} and location_id = ${HAMBURG}`,
    );
    expect(level).toEqual({ on_hand: 1, reserved: 0 });
    expect(data(await run('OrderShipments', { id: split.order }, EU())).order.status).toBe('FULFILLED');
  });
});
