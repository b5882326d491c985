import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, key, one, testCustomer } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminTestProduct, adminWalk, codes } from './admin-walk-support.ts';

/**
 * The admin BFF's stock operations, run by name by built-in staff: a stock admin of web-eu and trade-eu books
 * deliveries, corrections, a count, a transfer and a return for this file's own variant, fences it for the
 * trade portal (seeded DEDICATED) and settles a shopper's reservations by hand. Every figure is the running
 * sum of what this file booked.
 */
const run = adminWalk('stock');
const HAMBURG = 'loc_wh_hamburg';
const BERLIN = 'loc_berlin_shop';
const staff = { eu: '', all: '', usOnly: '', viewer: '' };
let variantId = '';
let shopper = '';

beforeAll(async () => {
  const [eu, all, usOnly, viewer, catalog, pricing] = await Promise.all([
    createStaff('walk-stock-eu', ['stock-admin', 'viewer'], ['web-eu', 'trade-eu']),
    createStaff('walk-stock-all', ['stock-admin'], ['*']),
    createStaff('walk-stock-us', ['stock-admin', 'viewer'], ['web-us']),
    createStaff('walk-stock-viewer', ['viewer'], ['web-eu']),
    createStaff('walk-stock-catalog', ['catalog-admin'], ['*']),
    createStaff('walk-stock-pricing', ['pricing-admin'], ['*']),
  ]);
  for (const [name, member] of Object.entries({ eu, all, usOnly, viewer })) staff[name as keyof typeof staff] = (await staffSession(member.email)).token;
  variantId = (await adminTestProduct((await staffSession(catalog.email)).token, 'stock', ['web-eu', 'trade-eu'])).variantId;
  // Every product a channel sells has a price there (other files read whole listings): 10.00 EUR.
  const priced = await bff(
    'admin',
    'ImportPriceEntries',
    { bookId: 'bk_base_eur', entries: [{ variantId, amount: 1000 }] },
    {
      token: (await staffSession(pricing.email)).token,
    },
  );
  expect(priced.errors).toBeUndefined();
  shopper = (await testCustomer('walk-stock')).token;
});

const EU = () => ({ token: staff.eu, channel: 'web-eu' });
const level = (location: string, onHand: number, reserved = 0, fences: unknown[] = []) => ({
  variant: { id: variantId },
  location: location === HAMBURG ? { id: HAMBURG, name: 'Hamburg warehouse', kind: 'WAREHOUSE' } : { id: BERLIN, name: 'Berlin flagship', kind: 'SHOP' },
  onHand,
  reserved,
  safetyStock: 0,
  free: onHand - reserved,
  fences,
});

// One walk, step after step: each step builds on what the one before it wrote (a product, a level, an
// order's status), so the steps keep their order under --sequence.shuffle; files still run in any order.
describe('the stock walk', { shuffle: false }, () => {
  describe('the ledger of one variant', () => {
    it('refuses a web-us stock admin a delivery to Hamburg and books nothing', async () => {
      const res = await run('ReceiveStock', { input: { variantId, locationId: HAMBURG, quantity: 5 } }, { token: staff.usOnly, channel: 'web-us' });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from stock.movements where variant_id = ${variantId}`)).toEqual({ n: 0 });
    });

    it('receives, adjusts, counts, transfers and takes a return, each answer the level after it', async () => {
      const input = { variantId, locationId: HAMBURG };
      // 0 + 20 = 20
      expect(data(await run('ReceiveStock', { input: { ...input, quantity: 20, reason: 'walk delivery', reference: 'po-walk' } }, EU())).receiveStock).toEqual(
        level(HAMBURG, 20),
      );
      // 20 - 2 damaged = 18
      expect(data(await run('AdjustStock', { input: { ...input, delta: -2, reason: 'damaged' } }, EU())).adjustStock).toEqual(level(HAMBURG, 18));
      // Counted 17: one unit missing.
      expect(data(await run('CountStock', { input: { ...input, counted: 17, reason: 'cycle count' } }, EU())).countStock).toEqual(level(HAMBURG, 17));
      // 17 - 5 = 12 in Hamburg, 0 + 5 = 5 in Berlin.
      const moved = data(
        await run('TransferStock', { input: { variantId, fromLocationId: HAMBURG, toLocationId: BERLIN, quantity: 5, reason: 'to the shop' } }, EU()),
      ).transferStock;
      expect(moved).toEqual({ from: level(HAMBURG, 12), to: level(BERLIN, 5) });
      // A customer brings one back to the shop: 5 + 1 = 6.
      expect(data(await run('ReturnStock', { input: { variantId, locationId: BERLIN, quantity: 1, reason: 'customer return' } }, EU())).returnStock).toEqual(
        level(BERLIN, 6),
      );

      const levels = data(await run('StockLevels', { variantId }, EU())).stockLevels;
      expect([...levels].sort((a: any, b: any) => a.location.id.localeCompare(b.location.id))).toEqual([level(BERLIN, 6), level(HAMBURG, 12)]);
      const history = data(await run('StockMovements', { variantId, first: 10 }, EU())).stockMovements;
      expect(history.pageInfo.hasNextPage).toBe(false);
      // Newest first.
      expect(history.nodes.map((m: any) => [m.kind, m.location.id, m.deltaOnHand, m.deltaReserved])).toEqual([
        ['RETURN', BERLIN, 1, 0],
        ['TRANSFER_IN', BERLIN, 5, 0],
        ['TRANSFER_OUT', HAMBURG, -5, 0],
        ['ADJUSTMENT', HAMBURG, -1, 0],
        ['ADJUSTMENT', HAMBURG, -2, 0],
        ['RECEIPT', HAMBURG, 20, 0],
      ]);
      const berlinOnly = data(await run('StockMovements', { variantId, locationId: BERLIN, first: 1 }, EU())).stockMovements;
      expect(berlinOnly.nodes.map((m: any) => m.kind)).toEqual(['RETURN']);
      expect(berlinOnly.pageInfo.hasNextPage).toBe(true);
      const next = data(await run('StockMovements', { variantId, locationId: BERLIN, first: 1, after: berlinOnly.pageInfo.endCursor }, EU())).stockMovements;
      expect(next.nodes.map((m: any) => m.kind)).toEqual(['TRANSFER_IN']);
    });

    it('lists the locations web-eu sells from', async () => {
      const locations = data(await run('Locations', {}, EU())).locations;
      expect(locations.map((l: { id: string }) => l.id).sort()).toEqual([BERLIN, 'loc_munich_shop', HAMBURG]);
      expect(locations.find((l: { id: string }) => l.id === HAMBURG)).toEqual({
        id: HAMBURG,
        name: 'Hamburg warehouse',
        kind: 'WAREHOUSE',
        address: 'Am Sandtorkai 1, 20457 Hamburg, DE',
        latitude: 53.5436,
        longitude: 9.9887,
        pickup: false,
      });
    });
  });

  describe('fences, backorders and allocation policy', () => {
    it('fences 4 of the 12 Hamburg units for the trade portal and allows web-eu 3 backorders', async () => {
      const fence = data(await run('SetStockFence', { input: { channel: 'trade-eu', variantId, locationId: HAMBURG, quantity: 4 } }, EU())).setStockFence;
      expect(fence).toEqual({ channel: { code: 'trade-eu' }, variant: { id: variantId }, location: { id: HAMBURG, name: 'Hamburg warehouse' }, remaining: 4 });
      const policy = data(await run('SetBackorderPolicy', { input: { channel: 'web-eu', variantId, limit: 3 } }, EU())).setBackorderPolicy;
      expect(policy).toEqual({ channel: { code: 'web-eu' }, variant: { id: variantId }, limit: 3, backordered: 0 });
      // trade-eu is DEDICATED, not DYNAMIC: rebalancing has no fence of this variant to re-split.
      expect(data(await run('RebalanceStockFences', { variantId }, EU())).rebalanceStockFences).toEqual([]);
      const levels = data(await run('StockLevels', { variantId }, EU())).stockLevels;
      expect(levels.find((l: any) => l.location.id === HAMBURG).fences).toEqual([fence]);
    });

    it('switches the US staging channel to DYNAMIC and back (it sells from no location, so nothing else moves)', async () => {
      const before = await one((sql) => sql<{ mode: string }[]>`select mode::text from stock.channel_allocation_policies where channel = 'sandbox-us'`);
      const auth = { token: staff.all, channel: 'sandbox-us' };
      try {
        const set = data(await run('SetChannelAllocationPolicy', { channel: 'sandbox-us', mode: 'DYNAMIC' }, auth)).setChannelAllocationPolicy;
        expect(set).toEqual({ channel: { code: 'sandbox-us' }, mode: 'DYNAMIC' });
      } finally {
        data(await run('SetChannelAllocationPolicy', { channel: 'sandbox-us', mode: before?.mode ?? 'SHARED' }, auth));
      }
      expect(codes(await run('SetChannelAllocationPolicy', { channel: 'sandbox-us', mode: 'DYNAMIC' }, EU()))).toEqual(['FORBIDDEN']);
    });
  });

  describe('a shopper’s reservations settled by stock staff', () => {
    const reserve = async (quantity: number) => {
      const res = data(
        await bff('b2c', 'ReserveStock', { input: { idempotencyKey: key('walk-stock'), lines: [{ variantId, quantity }] } }, { token: shopper }),
      );
      expect(res.reserveStock.__typename).toBe('Reservation');
      return res.reserveStock.id as string;
    };
    const hamburg = async () => data(await run('StockLevels', { variantId }, EU())).stockLevels.find((l: any) => l.location.id === HAMBURG);

    it('reads a reservation, refuses a viewer its sale, confirms it, and puts the sold units back once', async () => {
      const id = await reserve(2);
      // web-eu takes from Hamburg first: 12 on hand, 4 fenced for trade-eu, 8 free to web-eu.
      const read = data(await run('Reservation', { id }, EU())).reservation;
      expect(read).toMatchObject({ id, status: 'ACTIVE', lines: [{ variant: { id: variantId }, quantity: 2, backordered: 0 }] });
      expect(read.lines[0].allocations).toEqual([{ location: { id: HAMBURG, name: 'Hamburg warehouse' }, quantity: 2, fromFence: 0 }]);

      expect(codes(await run('ConfirmReservation', { id }, { token: staff.viewer, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);
      expect(await one((sql) => sql<{ status: string }[]>`select status::text from stock.reservations where id = ${id}`)).toEqual({ status: 'ACTIVE' });

      const confirmed = data(await run('ConfirmReservation', { id }, EU())).confirmReservation;
      expect(confirmed).toMatchObject({ __typename: 'Reservation', id, status: 'CONFIRMED' });
      expect(await hamburg()).toMatchObject({ onHand: 10, reserved: 0 });
      const restocked = data(await run('RestockReservation', { id }, EU())).restockReservation;
      expect(restocked).toMatchObject({ __typename: 'Reservation', id, status: 'RESTOCKED' });
      expect(await hamburg()).toMatchObject({ onHand: 12, reserved: 0 });
      // Asked again, it answers the restocked reservation and books nothing more.
      expect(data(await run('RestockReservation', { id }, EU())).restockReservation).toMatchObject({ __typename: 'Reservation', id, status: 'RESTOCKED' });
      expect(await hamburg()).toMatchObject({ onHand: 12, reserved: 0 });
    });

    it('releases a reservation, and the global sweep leaves a live one alone', async () => {
      const released = await reserve(1);
      const live = await reserve(3);
      expect(await hamburg()).toMatchObject({ onHand: 12, reserved: 4 });
      expect(data(await run('ReleaseReservation', { id: released }, EU())).releaseReservation).toMatchObject({ __typename: 'Reservation', status: 'RELEASED' });
      expect(await hamburg()).toMatchObject({ onHand: 12, reserved: 3 });

      // The sweep is global (every channel), so only stock-admin on every channel may run it.
      expect(codes(await run('ExpireReservations', {}, EU()))).toEqual(['FORBIDDEN']);
      // How many it expires is every file's business (stock-expiry counts its own exactly); this file
      // reserves for 900 s only, so what it can assert is that its live reservation is untouched.
      const swept = data(await run('ExpireReservations', {}, { token: staff.all })).expireReservations;
      expect(Number.isInteger(swept)).toBe(true);
      expect(data(await run('Reservation', { id: live }, EU())).reservation.status).toBe('ACTIVE');
      expect(await hamburg()).toMatchObject({ onHand: 12, reserved: 3 });
      data(await run('ReleaseReservation', { id: live }, EU()));
    });
  });
});
