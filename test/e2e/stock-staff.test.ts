import { describe, expect, it } from 'vitest';
import { issueToken } from '@storegraph/bff-kit';
import { bff, sqlClient, system } from '../support/clients.ts';
import {
  BERLIN,
  HAMBURG,
  MUNICH,
  RELEASE,
  STAFF,
  availability,
  count,
  freshVariant,
  gateway,
  levelsMatchLedger,
  ok,
  receive,
  reserve,
} from './stock-support.ts';

const LEVEL = `onHand reserved safetyStock free location { id }`;
const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { ${LEVEL} } }`;
const COUNT = `mutation($input: CountStockInput!) { countStock(input: $input) { ${LEVEL} } }`;
const TRANSFER = `mutation($input: TransferStockInput!) { transferStock(input: $input) { from { ${LEVEL} } to { ${LEVEL} } } }`;
const RETURN = `mutation($input: StockQuantityInput!) { returnStock(input: $input) { ${LEVEL} } }`;
const RECEIVE = `mutation($input: StockQuantityInput!) { receiveStock(input: $input) { ${LEVEL} } }`;
const HISTORY = `query($v: ID!, $loc: ID, $first: Int!, $after: String) {
  stockMovements(variantId: $v, locationId: $loc, first: $first, after: $after) {
    nodes { kind deltaOnHand deltaReserved reason reference actor channel location { id } variant { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('staff stock operations', () => {
  it('receives, adjusts, counts, transfers and takes returns, each booked in the ledger', async () => {
    const v = await freshVariant('staff');
    await receive(v, HAMBURG, 10);
    expect(
      ok(await gateway('web-eu', ADJUST, { input: { variantId: v, locationId: HAMBURG, delta: -2, reason: 'damaged' } }, STAFF)).adjustStock,
    ).toMatchObject({
      onHand: 8,
    });
    expect(ok(await gateway('web-eu', COUNT, { input: { variantId: v, locationId: HAMBURG, counted: 7 } }, STAFF)).countStock).toMatchObject({ onHand: 7 });
    const transfer = ok(await gateway('web-eu', TRANSFER, { input: { variantId: v, fromLocationId: HAMBURG, toLocationId: BERLIN, quantity: 3 } }, STAFF));
    expect(transfer.transferStock).toMatchObject({ from: { onHand: 4, location: { id: HAMBURG } }, to: { onHand: 3, location: { id: BERLIN } } });
    expect(
      ok(await gateway('web-eu', RETURN, { input: { variantId: v, locationId: BERLIN, quantity: 1, reference: 'rma-1' } }, STAFF)).returnStock,
    ).toMatchObject({
      onHand: 4,
    });

    const history = ok(await gateway('web-eu', HISTORY, { v, first: 10 }, STAFF)).stockMovements;
    expect(history.nodes.map((n: any) => [n.kind, n.location.id, n.deltaOnHand])).toEqual([
      ['RETURN', BERLIN, 1],
      ['TRANSFER_IN', BERLIN, 3],
      ['TRANSFER_OUT', HAMBURG, -3],
      ['ADJUSTMENT', HAMBURG, -1],
      ['ADJUSTMENT', HAMBURG, -2],
      ['RECEIPT', HAMBURG, 10],
    ]);
    // Both sides of the transfer carry the same reference; every movement names its actor.
    expect(history.nodes[1].reference).toBe(history.nodes[2].reference);
    expect(history.nodes.every((n: any) => n.actor === 'staff:stf_stock_test')).toBe(true);
    await levelsMatchLedger([v]);
  });

  it('pages the history newest first with cursors', async () => {
    const v = await freshVariant('paging');
    for (let i = 1; i <= 5; i++) await receive(v, HAMBURG, i);
    const first = ok(await gateway('web-eu', HISTORY, { v, first: 2 }, STAFF)).stockMovements;
    expect(first.nodes.map((n: any) => n.deltaOnHand)).toEqual([5, 4]);
    const second = ok(await gateway('web-eu', HISTORY, { v, first: 10, after: first.pageInfo.endCursor }, STAFF)).stockMovements;
    expect(second.nodes.map((n: any) => n.deltaOnHand)).toEqual([3, 2, 1]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses what would go below the reserved units, and bad input, writing nothing', async () => {
    const v = await freshVariant('staff-bad');
    await receive(v, HAMBURG, 5);
    await reserve('trade-eu', [{ variantId: v, quantity: 4 }]);
    const before = await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${v}`);
    const code = async (query: string, input: Record<string, unknown>) => (await gateway('web-eu', query, { input }, STAFF)).errors?.[0]?.extensions?.code;
    expect(await code(COUNT, { variantId: v, locationId: HAMBURG, counted: 3 })).toBe('CONFLICT');
    expect(await code(TRANSFER, { variantId: v, fromLocationId: HAMBURG, toLocationId: BERLIN, quantity: 2 })).toBe('CONFLICT');
    expect(await code(TRANSFER, { variantId: v, fromLocationId: HAMBURG, toLocationId: HAMBURG, quantity: 1 })).toBe('BAD_USER_INPUT');
    expect(await code(RECEIVE, { variantId: v, locationId: HAMBURG, quantity: 0 })).toBe('BAD_USER_INPUT');
    expect(await code(RECEIVE, { variantId: v, locationId: 'loc_nowhere', quantity: 1 })).toBe('BAD_USER_INPUT');
    expect(await code(ADJUST, { variantId: v, locationId: HAMBURG, delta: 0, reason: 'x' })).toBe('BAD_USER_INPUT');
    expect(await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${v}`)).toBe(before);
    expect(ok(await gateway('web-eu', `query($v: ID!) { stockLevels(variantId: $v) { ${LEVEL} } }`, { v }, STAFF)).stockLevels).toEqual([
      { onHand: 5, reserved: 4, safetyStock: 0, free: 1, location: { id: HAMBURG } },
    ]);
  });

  it('scopes staff to the locations of their channels, and shoppers to nothing', async () => {
    const v = await freshVariant('scope');
    await receive(v, HAMBURG, 5);
    const usStaff = { staff: { id: 'stf_us', roles: ['stock-admin' as const, 'viewer' as const], channels: ['web-us'] } };
    const posStaff = { staff: { id: 'stf_pos', roles: ['stock-admin' as const], channels: ['pos-berlin'] } };
    const input = { variantId: v, locationId: HAMBURG, quantity: 1 };
    expect((await gateway('web-us', RECEIVE, { input }, usStaff)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gateway('web-eu', RECEIVE, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The Berlin till's staff may receive at Berlin but not move units out of Hamburg.
    expect(ok(await gateway('pos-berlin', RECEIVE, { input: { ...input, locationId: BERLIN } }, posStaff)).receiveStock.onHand).toBe(1);
    const transfer = await gateway('pos-berlin', TRANSFER, { input: { variantId: v, fromLocationId: HAMBURG, toLocationId: BERLIN, quantity: 1 } }, posStaff);
    expect(transfer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // History: the US team sees none of the European locations; a shopper sees nothing at all.
    expect(ok(await gateway('web-us', HISTORY, { v, first: 10 }, usStaff)).stockMovements.nodes).toEqual([]);
    expect((await gateway('web-eu', HISTORY, { v, first: 10 })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await levelsMatchLedger([v]);
  });
});

describe('availability in the caller’s channel', () => {
  it('lists click & collect locations and respects safety stock', async () => {
    const v = await freshVariant('collect');
    await receive(v, HAMBURG, 4);
    await receive(v, BERLIN, 3);
    await receive(v, MUNICH, 2);
    const web = await availability('web-eu', v);
    expect(web.available).toBe(9);
    expect(web.locations.map((l: any) => [l.location.id, l.available])).toEqual([
      [HAMBURG, 4],
      [BERLIN, 3],
      [MUNICH, 2],
    ]);
    const pickup = web.locations.filter((l: any) => l.location.pickup).map((l: any) => l.location.id);
    expect(web.pickupLocations.map((l: any) => l.location.id)).toEqual(pickup);
    expect(pickup).not.toContain(HAMBURG);
    expect((await availability('pos-berlin', v)).available).toBe(3);
    expect((await availability('web-us', v)).available).toBe(0);
  });

  it('takes backorders up to the channel’s limit and gives the promise back on release', async () => {
    const v = await freshVariant('backorder');
    await receive(v, HAMBURG, 2);
    ok(
      await gateway(
        'web-eu',
        `mutation($input: SetBackorderPolicyInput!) { setBackorderPolicy(input: $input) { limit backordered } }`,
        { input: { channel: 'web-eu', variantId: v, limit: 5 } },
        STAFF,
      ),
    );
    expect((await availability('web-eu', v)).backorder).toEqual({ allowed: true, limit: 5, remaining: 5 });
    expect((await availability('trade-eu', v)).backorder).toEqual({ allowed: false, limit: 0, remaining: 0 });

    const res = await reserve('web-eu', [{ variantId: v, quantity: 6 }]);
    expect(res.data.reserveStock.lines[0]).toMatchObject({ quantity: 6, backordered: 4, allocations: [{ location: { id: HAMBURG }, quantity: 2 }] });
    expect((await availability('web-eu', v)).backorder.remaining).toBe(1);
    const over = await reserve('web-eu', [{ variantId: v, quantity: 2 }]);
    expect(over.data.reserveStock).toMatchObject({ __typename: 'InsufficientStock', lines: [{ requested: 2, available: 1 }] });
    expect((await reserve('trade-eu', [{ variantId: v, quantity: 1 }])).data.reserveStock.__typename).toBe('InsufficientStock');

    ok(await gateway('web-eu', RELEASE, { id: res.data.reserveStock.id }));
    expect((await availability('web-eu', v)).backorder.remaining).toBe(5);
    expect((await levelsMatchLedger([v]))[0]).toMatchObject({ on_hand: 2, reserved: 0 });
  });

  it('lets a signed-in shopper reserve through the b2c BFF', async () => {
    const v = await freshVariant('bff');
    await receive(v, HAMBURG, 3);
    // A shopper of this test's own (the demo customers' data is other files' expectations).
    const sub = `cus_t_stock_bff_${v}`;
    const token = await issueToken({ sub, kind: 'customer' }, system().idpSecret);
    const res = await bff('b2c', 'ReserveStock', { input: { idempotencyKey: `bff-${v}`, lines: [{ variantId: v, quantity: 2 }] } }, { token });
    expect(res.errors).toBeUndefined();
    expect(res.data.reserveStock).toMatchObject({ __typename: 'Reservation', status: 'ACTIVE', lines: [{ quantity: 2 }] });
    const mine = await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${v} and actor = ${`customer:${sub}`}`);
    expect(mine).toBe(1);
  });
});

describe('the whole ledger', () => {
  it('balances for every level in the database, demo stock and every other test included', async () => {
    const sql = sqlClient();
    try {
      const off = await sql`
        select l.variant_id, l.location_id from stock.levels l
        left join (select variant_id, location_id, sum(delta_on_hand) as on_hand, sum(delta_reserved) as reserved
                   from stock.movements group by 1, 2) m on m.variant_id = l.variant_id and m.location_id = l.location_id
        where l.on_hand <> coalesce(m.on_hand, 0) or l.reserved <> coalesce(m.reserved, 0)`;
      expect(off).toEqual([]);
      // One stock.changed per movement (the outbox also carries stock.low, one per threshold crossing).
      const [events] =
        await sql`select (select count(*) from stock.movements)::int as movements, (select count(*) from stock.outbox where type = 'stock.changed')::int as events`;
      expect(events!.events).toBe(events!.movements);
    } finally {
      await sql.end();
    }
  });
});
