import { describe, expect, it } from 'vitest';
import { BERLIN, HAMBURG, STAFF, count, freshVariant, gateway, levelsMatchLedger, receive, reserve, withContentionSampler } from './stock-support.ts';

/**
 * Staff moving and counting stock while shoppers reserve it, both stock replicas behind the gateway. The
 * code holds each level's row lock for one statement; these show that no unit is sold twice or lost when
 * the two really overlap. Staff sign a context at the gateway: there is no admin BFF yet (test/README.md).
 */

const TRANSFER = `mutation($input: TransferStockInput!) { transferStock(input: $input) { from { onHand } to { onHand } } }`;
const COUNT = `mutation($input: CountStockInput!) { countStock(input: $input) { onHand reserved } }`;

const movements = (variant: string, kind: string) =>
  count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${variant} and kind = ${kind}`);

describe('transfers and counts racing reservations', () => {
  it('moves only free units: 10 transfers and 30 reservations for 10 units sell exactly 10 and lose none', async () => {
    const variant = await freshVariant('transfer-race');
    // web-eu sells from Hamburg (first) and Berlin, so a transferred unit is still the web shop's to sell.
    await receive(variant, HAMBURG, 10);
    const { result, maxBusy, maxLockWaits } = await withContentionSampler(() =>
      Promise.all([
        Promise.all(Array.from({ length: 30 }, () => reserve('web-eu', [{ variantId: variant, quantity: 1 }]))),
        Promise.all(
          Array.from({ length: 10 }, () =>
            gateway('web-eu', TRANSFER, { input: { variantId: variant, fromLocationId: HAMBURG, toLocationId: BERLIN, quantity: 1 } }, STAFF),
          ),
        ),
      ]),
    );
    const [reservations, transfers] = result;
    console.log(`[transfer race] at most ${maxBusy} stock backends busy, ${maxLockWaits} waiting on a lock`);
    expect(maxBusy).toBeGreaterThan(1);
    for (const r of reservations) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const won = reservations.filter((r) => r.data.reserveStock.__typename === 'Reservation');
    expect(won).toHaveLength(10);
    expect(reservations.filter((r) => r.data.reserveStock.__typename === 'InsufficientStock')).toHaveLength(20);
    // A transfer of a unit already held is refused, never half-done.
    const moved = transfers.filter((t) => !t.errors).length;
    for (const t of transfers.filter((t) => t.errors)) expect(t.errors!.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);

    const levels = await levelsMatchLedger([variant]);
    const at = (location: string) => levels.find((l) => l.location_id === location) ?? { on_hand: 0, reserved: 0 };
    expect(at(HAMBURG).on_hand + at(BERLIN).on_hand).toBe(10);
    expect(at(HAMBURG).reserved + at(BERLIN).reserved).toBe(10);
    expect(at(BERLIN).on_hand).toBe(moved);
    expect(await movements(variant, 'TRANSFER_OUT')).toBe(moved);
    expect(await movements(variant, 'TRANSFER_IN')).toBe(moved);
    expect(await movements(variant, 'RESERVATION')).toBe(10);
  });

  it('applies a stock count racing reservations either before them or not at all: never below what is held', async () => {
    const variant = await freshVariant('count-race');
    // trade-eu sells from Hamburg only: the count and every reservation meet on one level row.
    await receive(variant, HAMBURG, 10);
    const { result, maxBusy } = await withContentionSampler(() =>
      Promise.all([
        Promise.all(Array.from({ length: 20 }, () => reserve('trade-eu', [{ variantId: variant, quantity: 1 }]))),
        // The stocktake found 6 on the shelf.
        gateway('web-eu', COUNT, { input: { variantId: variant, locationId: HAMBURG, counted: 6, reason: 'stocktake' } }, STAFF),
      ]),
    );
    const [reservations, counted] = result;
    console.log(`[count race] at most ${maxBusy} stock backends busy; count ${counted.errors ? 'refused' : 'applied'}`);
    expect(maxBusy).toBeGreaterThan(1);
    for (const r of reservations) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const won = reservations.filter((r) => r.data.reserveStock.__typename === 'Reservation').length;
    const [level] = await levelsMatchLedger([variant]);
    if (counted.errors) {
      // More than 6 were already held when the count came: it is refused and the shelf keeps its 10.
      expect(counted.errors.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
      expect([won, level!.on_hand, level!.reserved]).toEqual([10, 10, 10]);
      expect(await movements(variant, 'ADJUSTMENT')).toBe(0);
    } else {
      // The count came while at most 6 were held: on hand is 6 from then on, and exactly 6 are sold.
      expect(counted.data.countStock.onHand).toBe(6);
      expect([won, level!.on_hand, level!.reserved]).toEqual([6, 6, 6]);
      expect(await movements(variant, 'ADJUSTMENT')).toBe(1);
    }
    expect(await movements(variant, 'RESERVATION')).toBe(won);
  });
});
