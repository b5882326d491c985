import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data, key, op, testIdentity } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, HAMBURG, MUNICH, priceVariant, receive } from './stock-support.ts';

/**
 * Endless aisle (issue #15, item 5): a variant the Berlin shop does not have shows, on its till, the shops and
 * warehouses holding it, nearest first; the customer then orders it through the normal web-eu checkout (their own
 * order in the web channel, for pickup at the shop that has it or for delivery), which the till's view follows.
 */

const ran = new Set<string>();
const shopper = testIdentity('pos-aisle');
const NEW_JERSEY = 'loc_wh_newjersey';
let token = '';
let variantId = '';

const nearby = async () => {
  ran.add('TillNearbyStock');
  return data(await bff('pos', 'TillNearbyStock', { variantId }, { token })).tillNearbyStock;
};

beforeAll(async () => {
  const admin = await createStaff('pos-aisle-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '4321');
  const till = await registerTill(staffToken, BERLIN);
  token = await tillToken(till, cashier.staffCode, cashier.pin);
  const created = await createTestProduct({ channels: ['web-eu', 'pos-berlin'], name: 'Endless aisle product' });
  variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: 2000, usd: 2200 });
  // None in Berlin; 2 in Munich, 3 in Hamburg, 5 in New Jersey.
  for (const [locationId, quantity] of [
    [MUNICH, 2],
    [HAMBURG, 3],
    [NEW_JERSEY, 5],
  ] as const)
    await receive(variantId, locationId, quantity);
});

afterAll(() => {
  expect(POS_WALKS.aisle.filter((n) => !ran.has(n))).toEqual([]);
});

describe('the endless aisle at the till', () => {
  it('shows the shops and warehouses holding a variant nearest first, and follows a web order for pickup elsewhere', async () => {
    // Great-circle distances from the Berlin flagship (52.5035, 13.3324), by hand with the haversine formula and
    // R = 6371.0088 km: Hamburg (53.5436, 9.9887) 251.7 km, Munich (48.1374, 11.5733) 501.3 km,
    // New Jersey (40.7357, -74.1724) 6389.8 km.
    expect(await nearby()).toEqual([
      { location: { id: HAMBURG, name: 'Hamburg warehouse', kind: 'WAREHOUSE', pickup: false }, available: 3, distanceKm: 251.7 },
      { location: { id: MUNICH, name: 'Munich shop', kind: 'SHOP', pickup: true }, available: 2, distanceKm: 501.3 },
      { location: { id: NEW_JERSEY, name: 'New Jersey warehouse', kind: 'WAREHOUSE', pickup: false }, available: 5, distanceKm: 6389.8 },
    ]);

    // The customer orders one on the web shop, to collect in Munich: the normal checkout, paid there.
    const cart = data(await op('b2c', 'CreateCart', { email: 'aisle@example.com' }, shopper)).createCart;
    data(await op('b2c', 'AddCartLines', { cartId: cart.id, lines: [{ variantId, quantity: 1 }] }, shopper));
    data(await op('b2c', 'SetCartDetails', { cartId: cart.id, input: { pickupLocationId: MUNICH, shippingMethod: 'pickup' } }, shopper));
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('aisle'), expectedTotal: { amount: 2000, currency: 'EUR' }, payment: { provider: 'manual' } } },
        shopper,
      ),
    ).placeOrder;
    expect(placed.__typename, JSON.stringify(placed)).toBe('OrderPlaced');
    // Munich holds 2 - 1 = 1 free now; the others are unchanged.
    expect((await nearby()).map((n: { location: { id: string }; available: number }) => [n.location.id, n.available])).toEqual([
      [HAMBURG, 3],
      [MUNICH, 1],
      [NEW_JERSEY, 5],
    ]);
  });

  it('lists nothing for a variant no other location holds, and answers only a till', async () => {
    const other = await createTestProduct({ channels: ['pos-berlin'], name: 'Only in Berlin' });
    const only = other.variants[0]!.id as string;
    await receive(only, BERLIN, 4);
    ran.add('TillNearbyStock');
    // Berlin's own 4 units are the till's to sell, not another location's.
    expect(data(await bff('pos', 'TillNearbyStock', { variantId: only }, { token })).tillNearbyStock).toEqual([]);
    expect(codes(await bff('pos', 'TillNearbyStock', { variantId: only }, { token: shopper.token }))).toEqual(['FORBIDDEN']);
  });
});
