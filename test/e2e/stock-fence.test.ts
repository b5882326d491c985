import { beforeAll, describe, expect, it } from 'vitest';
import {
  BERLIN,
  HAMBURG,
  RELEASE,
  STAFF,
  availability,
  freshVariant,
  gateway,
  levelsMatchLedger,
  ok,
  receive,
  reserve,
  withContentionSampler,
} from './stock-support.ts';

const SET_FENCE = `mutation($input: SetStockFenceInput!) { setStockFence(input: $input) { channel { code } remaining } }`;
const SET_POLICY = `mutation($channel: ID!, $mode: AllocationMode!) { setChannelAllocationPolicy(channel: $channel, mode: $mode) { mode } }`;
const LEVELS = `query($v: ID!) { stockLevels(variantId: $v) { location { id } onHand reserved free fences { channel { code } remaining } } }`;

async function fence(channel: string, variantId: string, locationId: string, quantity: number) {
  return gateway('web-eu', SET_FENCE, { input: { channel, variantId, locationId, quantity } }, STAFF);
}

describe('a dedicated ring-fence for trade-eu', () => {
  beforeAll(async () => {
    ok(await gateway('web-eu', SET_POLICY, { channel: 'trade-eu', mode: 'DEDICATED' }, STAFF));
  });

  it('is invisible to web-eu and reserved by trade-eu first, then the shared pool', async () => {
    const variant = await freshVariant('fence');
    await receive(variant, HAMBURG, 40);
    expect(ok(await fence('trade-eu', variant, HAMBURG, 15)).setStockFence).toEqual({ channel: { code: 'trade-eu' }, remaining: 15 });
    expect((await availability('web-eu', variant)).available).toBe(25);
    expect((await availability('trade-eu', variant)).available).toBe(40);

    const tooMuch = await reserve('web-eu', [{ variantId: variant, quantity: 26 }]);
    expect(tooMuch.data.reserveStock).toMatchObject({ __typename: 'InsufficientStock', lines: [{ requested: 26, available: 25 }] });

    const trade = await reserve('trade-eu', [{ variantId: variant, quantity: 20 }]);
    // Documented order: the fence first (15), then the shared pool (5).
    expect(trade.data.reserveStock.lines[0].allocations).toEqual([{ location: { id: HAMBURG }, quantity: 20, fromFence: 15 }]);
    expect((await availability('web-eu', variant)).available).toBe(20);
    expect((await availability('trade-eu', variant)).available).toBe(20);

    ok(await gateway('trade-eu', RELEASE, { id: trade.data.reserveStock.id }));
    // Released units go back where they came from: the fence is whole again.
    const levels = ok(await gateway('web-eu', LEVELS, { v: variant }, STAFF)).stockLevels;
    expect(levels).toEqual([{ location: { id: HAMBURG }, onHand: 40, reserved: 0, free: 40, fences: [{ channel: { code: 'trade-eu' }, remaining: 15 }] }]);
    expect((await availability('web-eu', variant)).available).toBe(25);
  });

  it('cannot be consumed by web-eu even when both channels race for every unit', async () => {
    const variant = await freshVariant('fence-race');
    await receive(variant, HAMBURG, 40);
    ok(await fence('trade-eu', variant, HAMBURG, 15));
    const channels = ['web-eu', 'trade-eu'];
    const {
      result: results,
      maxBusy,
      maxLockWaits,
    } = await withContentionSampler(() =>
      Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          reserve(channels[i % 2]!, [{ variantId: variant, quantity: 1 }]).then((res) => ({ channel: channels[i % 2]!, res })),
        ),
      ),
    );
    // The channels really raced: stock backends busy at once. Waits on the level's row lock are logged, not
    // required: once the 40 units are gone, routing refuses a request before it locks anything, so the
    // window in which a sample can catch a wait is the first few milliseconds (missed once under CI load).
    expect(maxBusy).toBeGreaterThan(1);
    console.log(`[stock fence race] at most ${maxBusy} stock backends busy at once, ${maxLockWaits} waiting on a lock`);
    for (const { res } of results) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const won = results.filter((r) => r.res.data.reserveStock.__typename === 'Reservation');
    const web = won.filter((w) => w.channel === 'web-eu');
    const trade = won.filter((w) => w.channel === 'trade-eu');
    console.log(`[stock fence race] 200 requests: web-eu ${web.length}, trade-eu ${trade.length} reserved`);
    expect(won).toHaveLength(40);
    expect(web.length).toBeLessThanOrEqual(25);
    expect(trade.length).toBeGreaterThanOrEqual(15);
    const fromFence = trade.reduce((s, w) => s + w.res.data.reserveStock.lines[0].allocations[0].fromFence, 0);
    expect(fromFence).toBe(15);
    for (const w of web) expect(w.res.data.reserveStock.lines[0].allocations[0].fromFence).toBe(0);
    const levels = ok(await gateway('web-eu', LEVELS, { v: variant }, STAFF)).stockLevels;
    expect(levels[0]).toMatchObject({ reserved: 40, free: 0, fences: [{ channel: { code: 'trade-eu' }, remaining: 0 }] });
    await levelsMatchLedger([variant]);
  });

  it('refuses to fence more than is free, at a location the channel does not sell from, or for a shared channel', async () => {
    const variant = await freshVariant('fence-bad');
    await receive(variant, HAMBURG, 10);
    await receive(variant, BERLIN, 10);
    expect((await fence('trade-eu', variant, HAMBURG, 11)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await fence('trade-eu', variant, BERLIN, 1)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await fence('pos-berlin', variant, BERLIN, 1)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const webOnly = { staff: { id: 'stf_web', roles: ['stock-admin' as const], channels: ['web-eu'] } };
    expect(
      (await gateway('web-eu', SET_FENCE, { input: { channel: 'trade-eu', variantId: variant, locationId: HAMBURG, quantity: 1 } }, webOnly)).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await availability('web-eu', variant)).available).toBe(20);
  });
});

describe('dynamic fences', () => {
  const REBALANCE = `mutation($v: ID, $h: Int!) { rebalanceStockFences(variantId: $v, windowHours: $h) { channel { code } location { id } remaining } }`;

  it('are re-split between DYNAMIC channels in proportion to their recent demand', async () => {
    const variant = await freshVariant('dynamic');
    await receive(variant, BERLIN, 30);
    // web-eu and pos-berlin both sell from the Berlin shop.
    for (const channel of ['web-eu', 'pos-berlin']) ok(await gateway('web-eu', SET_POLICY, { channel, mode: 'DYNAMIC' }, STAFF));
    try {
      ok(await fence('web-eu', variant, BERLIN, 10));
      ok(await fence('pos-berlin', variant, BERLIN, 10));
      // Demand in the window: the till sells 3 units, the web shop 1 (each drawn from its own fence).
      for (let i = 0; i < 3; i++) expect((await reserve('pos-berlin', [{ variantId: variant, quantity: 1 }])).data.reserveStock.__typename).toBe('Reservation');
      expect((await reserve('web-eu', [{ variantId: variant, quantity: 1 }])).data.reserveStock.__typename).toBe('Reservation');

      const scoped = { staff: { id: 'stf_web', roles: ['stock-admin' as const], channels: ['web-eu'] } };
      expect((await gateway('web-eu', REBALANCE, { v: variant, h: 1 }, scoped)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      // 16 fenced units left (7 + 9), split 3 : 1.
      const first = ok(await gateway('web-eu', REBALANCE, { v: variant, h: 1 }, STAFF)).rebalanceStockFences;
      expect(first).toEqual([
        { channel: { code: 'pos-berlin' }, location: { id: BERLIN }, remaining: 12 },
        { channel: { code: 'web-eu' }, location: { id: BERLIN }, remaining: 4 },
      ]);
      const again = ok(await gateway('web-eu', REBALANCE, { v: variant, h: 1 }, STAFF)).rebalanceStockFences;
      expect(again).toEqual(first);
      // web-eu: its fence 4 + the shared pool (26 free - 16 fenced = 10); the till: 12 + 10.
      expect((await availability('web-eu', variant)).available).toBe(14);
      expect((await availability('pos-berlin', variant)).available).toBe(22);
    } finally {
      for (const channel of ['web-eu', 'pos-berlin']) ok(await gateway('web-eu', SET_POLICY, { channel, mode: 'SHARED' }, STAFF));
    }
    // Back to SHARED: the fences are gone, everything free is shared again.
    expect((await availability('web-eu', variant)).available).toBe(26);
  });

  it('re-splits every variant’s DYNAMIC fences when no variant is named', async () => {
    const a = await freshVariant('dynamic-all-a');
    const b = await freshVariant('dynamic-all-b');
    await receive(a, BERLIN, 30);
    await receive(b, BERLIN, 30);
    for (const channel of ['web-eu', 'pos-berlin']) ok(await gateway('web-eu', SET_POLICY, { channel, mode: 'DYNAMIC' }, STAFF));
    try {
      for (const v of [a, b]) {
        ok(await fence('web-eu', v, BERLIN, 10));
        ok(await fence('pos-berlin', v, BERLIN, 10));
      }
      // a: the till sells 3, the web shop 1 (16 fenced left, split 3 : 1 = 12 : 4).
      // b: the till sells 1, the web shop 3 (16 left, split 1 : 3 = 4 : 12).
      const sell = async (channel: string, v: string, n: number) => {
        for (let i = 0; i < n; i++) expect((await reserve(channel, [{ variantId: v, quantity: 1 }])).data.reserveStock.__typename).toBe('Reservation');
      };
      await sell('pos-berlin', a, 3);
      await sell('web-eu', a, 1);
      await sell('pos-berlin', b, 1);
      await sell('web-eu', b, 3);

      const all = ok(
        await gateway(
          'web-eu',
          `mutation($h: Int!) { rebalanceStockFences(windowHours: $h) { channel { code } location { id } remaining variant { id } } }`,
          { h: 1 },
          STAFF,
        ),
      ).rebalanceStockFences as { channel: { code: string }; remaining: number; variant: { id: string } }[];
      const mine = (v: string) =>
        all
          .filter((f) => f.variant.id === v)
          .map((f) => [f.channel.code, f.remaining])
          .sort();
      expect(mine(a)).toEqual([
        ['pos-berlin', 12],
        ['web-eu', 4],
      ]);
      expect(mine(b)).toEqual([
        ['pos-berlin', 4],
        ['web-eu', 12],
      ]);
    } finally {
      for (const channel of ['web-eu', 'pos-berlin']) ok(await gateway('web-eu', SET_POLICY, { channel, mode: 'SHARED' }, STAFF));
    }
  });
});
