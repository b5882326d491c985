import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, key, one, op, testIdentity } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, codes } from './admin-walk-support.ts';

/**
 * Click & collect (issue 13), through the web shop and the admin BFF: a customer of this file's own collects
 * an order at the Munich shop; order staff pack it, make it ready (the customer is sent a collection code) and
 * hand it over against that code. The admin operations are walked (claimed) in
 * allow-list-walk-admin-fulfilment.test.ts; here they are called by name like any client.
 */
const MUNICH = 'loc_munich_shop';
const staff = { setup: '', eu: '' };
const shopper = testIdentity('click-collect');

beforeAll(async () => {
  const [setup, eu] = await Promise.all([
    createStaff('collect-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
    createStaff('collect-eu', ['order-admin'], ['web-eu']),
  ]);
  staff.setup = (await staffSession(setup.email)).token;
  staff.eu = (await staffSession(eu.email)).token;
});

const EU = () => ({ token: staff.eu, channel: 'web-eu' });
const run = (name: string, variables: Record<string, unknown>, auth = EU()) => bff('admin', name, variables, auth);
const move = (shipmentId: string, status: string, extra: Record<string, string> = {}) => run('SetShipmentStatus', { input: { shipmentId, status, ...extra } });
const ledger = (variantId: string) =>
  one(
    (sql) => sql<{ moves: [string, string, number][] }[]>`
      select coalesce(json_agg(json_build_array(kind, location_id, delta_on_hand) order by id), '[]') as moves
      from stock.movements where variant_id = ${variantId} and kind in ('SALE', 'RETURN')`,
  );

describe('click & collect', { shuffle: false }, () => {
  const pickup = { order: '', p: '', shipment: '', code: '' };

  beforeAll(async () => {
    // p: 3 in Hamburg (adminSellable's place), 1 in Munich at 20.00; collected in Munich, so held there though
    // Hamburg has more.
    const { variantId } = await adminSellable(staff.setup, 'ship-pickup', { eur: 2000, stock: 3, channels: ['web-eu'] });
    const received = await bff('admin', 'ReceiveStock', { input: { variantId, locationId: MUNICH, quantity: 1 } }, { token: staff.setup, channel: 'web-eu' });
    expect(received.errors).toBeUndefined();
    pickup.p = variantId;
    const cart = data(await op('b2c', 'CreateCart', { email: 'collector@example.com' }, shopper)).createCart;
    data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId, quantity: 1 }] }, shopper));
    const ready = data(
      await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { pickupLocationId: MUNICH, shippingMethod: 'pickup' } }, shopper),
    ).setCartDetails;
    expect(ready.problems).toEqual([]);
    // 1 x 20.00, collected for free.
    expect(ready.totals.total).toEqual({ amount: 2000, currency: 'EUR' });
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('pickup'), expectedTotal: { amount: 2000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    pickup.order = placed.order.id;
  });

  it('is one pickup shipment at the shop, made ready with a collection code sent to the customer', async () => {
    const read = data(await run('OrderShipments', { id: pickup.order }, EU())).order;
    expect(read.shipments.map((s: any) => [s.location.id, s.pickup, s.lines])).toEqual([[MUNICH, true, [{ variant: { id: pickup.p }, quantity: 1 }]]]);
    pickup.shipment = read.shipments[0].id;
    for (const status of ['PICKING', 'PACKED']) expect(data(await move(pickup.shipment, status)).setShipmentStatus.shipment.status).toBe(status);
    // A parcel to collect is never shipped.
    expect(data(await move(pickup.shipment, 'SHIPPED', { carrier: 'DHL', trackingNumber: 'X1' })).setShipmentStatus).toMatchObject({
      __typename: 'IllegalShipmentTransition',
      from: 'PACKED',
      allowed: ['READY_FOR_PICKUP', 'CANCELLED'],
    });
    const readied = data(await move(pickup.shipment, 'READY_FOR_PICKUP')).setShipmentStatus.shipment;
    expect(readied).toMatchObject({ status: 'READY_FOR_PICKUP', nextStatuses: ['COLLECTED', 'CANCELLED'] });
    const event = await one(
      (sql) => sql<{ data: any }[]>`select data from orders.outbox where aggregate_id = ${pickup.order} and type = 'shipment.ready_for_pickup'`,
    );
    expect(event.data).toMatchObject({ shipmentId: pickup.shipment, locationId: MUNICH, lines: [{ variantId: pickup.p, quantity: 1 }] });
    expect(event.data.collectionCode).toMatch(/^[0-9]{6}$/);
    pickup.code = event.data.collectionCode;
  });

  it('is handed over only against the code, and the order is fulfilled', async () => {
    const wrong = pickup.code === '000000' ? '000001' : '000000';
    expect(data(await move(pickup.shipment, 'COLLECTED', { collectionCode: wrong })).setShipmentStatus).toEqual({
      __typename: 'WrongCollectionCode',
      shipmentId: pickup.shipment,
    });
    expect(codes(await move(pickup.shipment, 'COLLECTED'))).toEqual(['BAD_USER_INPUT']);
    expect(data(await run('OrderShipments', { id: pickup.order }, EU())).order.shipments[0].status).toBe('READY_FOR_PICKUP');

    const collected = data(await move(pickup.shipment, 'COLLECTED', { collectionCode: pickup.code })).setShipmentStatus.shipment;
    expect(collected).toMatchObject({ status: 'COLLECTED', nextStatuses: [], order: { status: 'FULFILLED' } });
    // Sold at the shop it was collected from.
    expect((await ledger(pickup.p)).moves).toEqual([['SALE', MUNICH, -1]]);
  });
});

describe('click & collect, cancelled at the counter', () => {
  it('never hands over a parcel of a cancelled order, and puts its unit back once', async () => {
    // 1 unit in Munich only (adminSellable's Hamburg stock is 0 here), collected there.
    const { variantId } = await adminSellable(staff.setup, 'ship-pickup-cancel', { eur: 2000, stock: 0, channels: ['web-eu'] });
    const received = await bff('admin', 'ReceiveStock', { input: { variantId, locationId: MUNICH, quantity: 1 } }, { token: staff.setup, channel: 'web-eu' });
    expect(received.errors).toBeUndefined();
    const cart = data(await op('b2c', 'CreateCart', { email: 'collector@example.com' }, shopper)).createCart;
    data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId, quantity: 1 }] }, shopper));
    data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { pickupLocationId: MUNICH, shippingMethod: 'pickup' } }, shopper));
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('pickup-cancel'), expectedTotal: { amount: 2000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');
    const shipment = data(await run('OrderShipments', { id: placed.order.id }, EU())).order.shipments[0].id;
    for (const status of ['PICKING', 'PACKED', 'READY_FOR_PICKUP']) expect(data(await move(shipment, status)).setShipmentStatus.shipment.status).toBe(status);
    const { code } = await one(
      (sql) =>
        sql<
          { code: string }[]
        >`select data->>'collectionCode' as code from orders.outbox where aggregate_id = ${placed.order.id} and type = 'shipment.ready_for_pickup'`,
    );

    const cancelled = data(await run('CancelOrder', { id: placed.order.id, reason: 'customer called' })).cancelOrder;
    expect(cancelled.order.status).toBe('CANCELLED');
    // The parcel at the counter is cancelled with the order, and the right code no longer hands it over.
    expect(data(await run('OrderShipments', { id: placed.order.id }, EU())).order.shipments.map((s: any) => s.status)).toEqual(['CANCELLED']);
    expect(data(await move(shipment, 'COLLECTED', { collectionCode: code })).setShipmentStatus).toMatchObject({
      __typename: 'IllegalShipmentTransition',
      allowed: [],
    });
    // Sold at Munich, then back at Munich once: on hand 1 again, nothing held.
    expect((await ledger(variantId)).moves).toEqual([
      ['SALE', MUNICH, -1],
      ['RETURN', MUNICH, 1],
    ]);
    expect(
      await one(
        (sql) =>
          sql<{ on_hand: number; reserved: number }[]>`select on_hand, reserved from stock.levels where variant_id = ${variantId} and location_id = ${MUNICH}`,
      ),
    ).toEqual({
      on_hand: 1,
      reserved: 0,
    });
  });
});
