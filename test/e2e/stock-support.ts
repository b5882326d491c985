import { expect } from 'vitest';
import type { ChannelContextInput } from '@storegraph/schema';
import { direct, sqlClient, system, type GraphQLResponse } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';

/** Helpers shared by the stock-*.test.ts files: every call goes through the gateway (both stock replicas). */
export const STAFF: Partial<ChannelContextInput> = { staff: { id: 'stf_stock_test', roles: ['stock-admin', 'viewer'], channels: ['*'] } };

export const HAMBURG = 'loc_wh_hamburg';
export const BERLIN = 'loc_berlin_shop';
export const MUNICH = 'loc_munich_shop';

/** The channels a stock test's variant is sold in (stock refuses to reserve what a channel does not sell). */
const SELLING_CHANNELS = ['web-eu', 'web-us', 'trade-eu', 'pos-berlin'];

/**
 * A variant no other test (or the demo data) uses: a real catalog product of its own, sold in the demo
 * channels, created by a catalog admin through the gateway as staff would.
 */
export async function freshVariant(tag: string, channels: string[] = SELLING_CHANNELS): Promise<string> {
  const product = await createTestProduct({ channels, name: `Stock test ${tag}` });
  const variantId = product.variants[0]!.id as string;
  // Priced like any product a channel sells, so listings other tests read at the same time stay whole.
  await priceVariant(variantId, { eur: 1000, usd: 1099 });
  return variantId;
}

const PRICING_ADMIN = { staff: { id: 'stf_stock_tests', roles: ['pricing-admin' as const], channels: ['*'] } };
const IMPORT_PRICES = `mutation($b: ID!, $e: [PriceEntryInput!]!) { importPriceEntries(bookId: $b, entries: $e, replaceAll: false) { imported } }`;

/** Base prices for a test's own variant: EUR gross (bk_base_eur), USD net (bk_base_usd), as pricing staff. */
export async function priceVariant(variantId: string, amounts: { eur?: number; usd?: number }): Promise<void> {
  const books: [string, number | undefined][] = [
    ['bk_base_eur', amounts.eur],
    ['bk_base_usd', amounts.usd],
  ];
  for (const [book, amount] of books) {
    if (amount === undefined) continue;
    ok(await gateway('web-eu', IMPORT_PRICES, { b: book, e: [{ variantId, amount }] }, PRICING_ADMIN));
  }
}

export function gateway<T = any>(channel: string, query: string, variables: Record<string, unknown> = {}, extra: Partial<ChannelContextInput> = {}) {
  return direct<T>(system().gateway, query, variables, channel, extra);
}

export function ok<T>(res: GraphQLResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}

export const RESERVE = `mutation Reserve($input: ReserveStockInput!) {
  reserveStock(input: $input) {
    __typename
    ... on Reservation { id status expiresAt lines { variant { id } quantity backordered allocations { location { id } quantity fromFence } } }
    ... on InsufficientStock { lines { variant { id } requested available } }
  }
}`;

export const CONFIRM = `mutation($id: ID!) { confirmReservation(id: $id) { __typename ... on Reservation { id status } ... on ReservationNotActive { reservationId status } } }`;
export const RELEASE = `mutation($id: ID!) { releaseReservation(id: $id) { __typename ... on Reservation { id status } ... on ReservationNotActive { reservationId status } } }`;

export function reserve(channel: string, lines: { variantId: string; quantity: number }[], opts: { key?: string; ttlSeconds?: number } = {}) {
  const input: Record<string, unknown> = { idempotencyKey: opts.key ?? `k-${Math.random().toString(36).slice(2)}-${Date.now()}`, lines };
  if (opts.ttlSeconds !== undefined) input.ttlSeconds = opts.ttlSeconds;
  return gateway(channel, RESERVE, { input });
}

export async function receive(variantId: string, locationId: string, quantity: number) {
  const res = await gateway(
    'web-eu',
    `mutation($input: StockQuantityInput!) { receiveStock(input: $input) { onHand } }`,
    { input: { variantId, locationId, quantity, reason: 'test delivery', reference: 'po-test' } },
    STAFF,
  );
  return ok(res).receiveStock.onHand as number;
}

/** What a channel may reserve of a variant, asked from a stock replica as the gateway would. */
export async function availability(channel: string, variantId: string) {
  const res = await direct(
    system().stock[0]!,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Variant { availability { available inStock locations { location { id pickup } available } pickupLocations { location { id } available } backorder { allowed limit remaining } } } } }`,
    { r: [{ __typename: 'Variant', id: variantId }] },
    channel,
  );
  return ok(res)._entities[0].availability;
}

export interface LevelRow {
  location_id: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
}

/**
 * Reads levels and the sums of their movements straight from the database and checks the ledger
 * invariant: for every (variant, location), on_hand and reserved equal the sums of the deltas.
 */
export async function levelsMatchLedger(variantIds: string[]): Promise<LevelRow[]> {
  const sql = sqlClient();
  try {
    const rows = await sql<(LevelRow & { variant_id: string; sum_on_hand: number; sum_reserved: number })[]>`
      select l.variant_id, l.location_id, l.on_hand, l.reserved, l.safety_stock,
        coalesce(m.on_hand, 0)::int as sum_on_hand, coalesce(m.reserved, 0)::int as sum_reserved
      from stock.levels l
      left join (select variant_id, location_id, sum(delta_on_hand) as on_hand, sum(delta_reserved) as reserved
                 from stock.movements where variant_id in ${sql(variantIds)} group by 1, 2) m
        on m.variant_id = l.variant_id and m.location_id = l.location_id
      where l.variant_id in ${sql(variantIds)}
      order by l.variant_id, l.location_id`;
    for (const r of rows) {
      expect({ onHand: r.sum_on_hand, reserved: r.sum_reserved }, `${r.variant_id}@${r.location_id}`).toEqual({ onHand: r.on_hand, reserved: r.reserved });
      expect(r.on_hand).toBeGreaterThanOrEqual(0);
      expect(r.reserved).toBeGreaterThanOrEqual(0);
      expect(r.reserved).toBeLessThanOrEqual(r.on_hand);
    }
    return rows;
  } finally {
    await sql.end();
  }
}

export async function count(query: (sql: ReturnType<typeof sqlClient>) => Promise<{ n: number }[]>): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await query(sql);
    return Number(row!.n);
  } finally {
    await sql.end();
  }
}

/**
 * Samples pg_stat_activity while `work` runs: the most stock backends busy at once and the most waiting
 * on a lock at once (`application` names the service's pool). No timing: tests assert that overlap happened.
 */
export async function withContentionSampler<T>(
  work: () => Promise<T>,
  application = 'storegraph-stock',
): Promise<{ result: T; maxBusy: number; maxLockWaits: number; distinctBusy: number }> {
  const sql = sqlClient();
  let maxBusy = 0;
  // Every backend seen working during the race: unlike the busiest instant, it does not depend on a sample
  // landing at the peak (a shared machine made "more than 5 at once" flaky).
  const busyPids = new Set<number>();
  let maxLockWaits = 0;
  let done = false;
  // Connected before the work starts: a race of a few milliseconds can end while a first connection is still
  // being made, and the sampler then sees nothing (0 backends, on an idle CI machine).
  await sql`select 1`;
  const sampler = (async () => {
    while (!done) {
      const [row] = await sql<{ busy: number; waits: number; pids: number[] }[]>`
        select count(*) filter (where state <> 'idle')::int as busy, count(*) filter (where wait_event_type = 'Lock')::int as waits,
          coalesce(array_agg(pid) filter (where state <> 'idle'), '{}') as pids
        from pg_stat_activity where application_name = ${application} and datname = current_database()`;
      maxBusy = Math.max(maxBusy, row!.busy);
      for (const pid of row!.pids) busyPids.add(pid);
      maxLockWaits = Math.max(maxLockWaits, row!.waits);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    const result = await work();
    return { result, maxBusy, maxLockWaits, distinctBusy: busyPids.size };
  } finally {
    done = true;
    await sampler;
    await sql.end();
  }
}
