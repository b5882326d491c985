import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminSellable, codes } from './admin-walk-support.ts';
import { data, key, op, testIdentity } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, MUNICH } from './stock-support.ts';

/**
 * Click & collect handover at the till (issue #15, part 3): web-shop orders waiting at a shop are listed on that
 * shop's tills only and handed over against the customer's collection code, through the staff path's rules.
 */

const sql = sqlClient();
const staff = { setup: '', eu: '', pos: '' };
const shopper = testIdentity('pos-handover');
const parcels = { berlin: '', munich: '', berlinCode: '', munichCode: '', berlinOrder: '' };
let till = '';

/** A web-eu order of one unit collected at `shop`, made ready by order staff: its shipment and code. */
async function readyAt(variantId: string, shop: string) {
  const cart = data(await op('b2c', 'CreateCart', { email: 'collector@example.com' }, shopper)).createCart;
  data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId, quantity: 1 }] }, shopper));
  data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { pickupLocationId: shop, shippingMethod: 'pickup' } }, shopper));
  const placed = data(
    await op(
      'b2c',
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('handover'), expectedTotal: { amount: 2000, currency: 'EUR' }, payment: { provider: 'manual' } } },
      shopper,
    ),
  ).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
  const shipment = data(await bff('admin', 'OrderShipments', { id: placed.order.id }, { token: staff.eu, channel: 'web-eu' })).order.shipments[0].id;
  for (const status of ['PICKING', 'PACKED', 'READY_FOR_PICKUP']) {
    const moved = data(await bff('admin', 'SetShipmentStatus', { input: { shipmentId: shipment, status } }, { token: staff.eu, channel: 'web-eu' }));
    expect(moved.setShipmentStatus.shipment.status).toBe(status);
  }
  // The code the customer was sent (shipment.ready_for_pickup, for the notification).
  const [event] =
    await sql`select data->>'collectionCode' as code from orders.outbox where type = 'shipment.ready_for_pickup' and data->>'shipmentId' = ${shipment}`;
  return { shipment, code: event!.code as string, order: placed.order.number as string };
}

beforeAll(async () => {
  const [setup, eu, pos] = await Promise.all([
    createStaff('handover-setup', ['catalog-admin', 'pricing-admin', 'stock-admin'], ['*']),
    createStaff('handover-eu', ['order-admin'], ['web-eu']),
    createStaff('handover-pos', ['staff-admin'], ['pos-berlin']),
  ]);
  staff.setup = (await staffSession(setup.email)).token;
  staff.eu = (await staffSession(eu.email)).token;
  staff.pos = (await staffSession(pos.email)).token;
  // 20.00 gross, one unit in each shop.
  const { variantId } = await adminSellable(staff.setup, 'pos-handover', { eur: 2000, stock: 0, channels: ['web-eu'] });
  for (const locationId of [BERLIN, MUNICH]) {
    const received = await bff('admin', 'ReceiveStock', { input: { variantId, locationId, quantity: 1 } }, { token: staff.setup, channel: 'web-eu' });
    expect(received.errors).toBeUndefined();
  }
  const [berlin, munich] = [await readyAt(variantId, BERLIN), await readyAt(variantId, MUNICH)];
  Object.assign(parcels, { berlin: berlin.shipment, berlinCode: berlin.code, berlinOrder: berlin.order, munich: munich.shipment, munichCode: munich.code });
  const cashier = await registerTillStaff(staff.pos, 'CASHIER', '2468');
  till = await tillToken(await registerTill(staff.pos, BERLIN), cashier.staffCode, cashier.pin);
});

afterAll(() => sql.end());

describe('click & collect at the till', () => {
  it("lists the parcels waiting at the till's own shop, never another shop's nor a code", async () => {
    const waiting = data(await bff('pos', 'TillPickups', { first: 200 }, { token: till })).tillPickups;
    const ids = waiting.map((p: any) => p.shipment.id);
    expect(ids).toContain(parcels.berlin);
    expect(ids).not.toContain(parcels.munich);
    expect(waiting.every((p: any) => p.shipment.location.id === BERLIN && p.shipment.status === 'READY_FOR_PICKUP')).toBe(ids.length > 0);
    const mine = waiting.find((p: any) => p.shipment.id === parcels.berlin);
    expect(mine.orderNumber).toBe(parcels.berlinOrder);
    expect(JSON.stringify(waiting)).not.toContain(parcels.berlinCode);
  });

  it("cannot hand over another shop's parcel, even with its right code", async () => {
    const res = await bff('pos', 'TillHandOver', { shipmentId: parcels.munich, collectionCode: parcels.munichCode }, { token: till });
    expect(codes(res)).toEqual(['NOT_FOUND']);
    const [row] = await sql`select status from orders.shipments where id = ${parcels.munich}`;
    expect(row!.status).toBe('READY_FOR_PICKUP');
  });

  it('hands over against the right code only, once', async () => {
    const wrongCode = parcels.berlinCode === '000000' ? '000001' : '000000';
    const wrong = data(await bff('pos', 'TillHandOver', { shipmentId: parcels.berlin, collectionCode: wrongCode }, { token: till })).tillHandOver;
    expect(wrong).toEqual({ __typename: 'WrongCollectionCode', shipmentId: parcels.berlin });
    const handed = data(await bff('pos', 'TillHandOver', { shipmentId: parcels.berlin, collectionCode: parcels.berlinCode }, { token: till })).tillHandOver;
    expect(handed.__typename).toBe('ShipmentChanged');
    expect(handed.shipment).toMatchObject({ id: parcels.berlin, status: 'COLLECTED', location: { id: BERLIN } });
    const again = data(await bff('pos', 'TillHandOver', { shipmentId: parcels.berlin, collectionCode: parcels.berlinCode }, { token: till })).tillHandOver;
    expect(again).toEqual({ __typename: 'IllegalShipmentTransition', from: 'COLLECTED', to: 'COLLECTED' });
    const waiting = data(await bff('pos', 'TillPickups', { first: 200 }, { token: till })).tillPickups;
    expect(waiting.map((p: any) => p.shipment.id)).not.toContain(parcels.berlin);
  });
});
