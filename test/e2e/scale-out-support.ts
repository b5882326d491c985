import net from 'node:net';
import type postgres from 'postgres';
import { expect } from 'vitest';
import { DEV_IDP_SECRET, issueToken } from '@storegraph/bff-kit';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import type { ProcessSystem } from '../support/process-system.ts';
import { BERLIN_ADDRESS } from './checkout-support.ts';
import { HAMBURG } from './stock-support.ts';

/** Helpers of the scale-out files: clients of a process system's BFF replicas, and its stock made exact. */

export interface Answer {
  status: number;
  body?: { data?: any; errors?: { extensions?: { code?: string } }[] };
  /** the connection died before an answer (the BFF, or what it called, was killed under it) */
  dropped?: string;
}

export async function call(url: string, operationName: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ operationName, variables }),
      signal: AbortSignal.timeout(40_000),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  } catch (err) {
    return { status: 0, dropped: String((err as Error).cause ?? err) };
  }
}

/** A failure a client may retry: the connection died, or the answer says so (503, SERVICE_UNAVAILABLE). */
export const retryable = (a: Answer) => a.status === 0 || a.status === 503 || !!a.body?.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');

export const codes = (a: Answer) => a.body?.errors?.map((e) => e.extensions?.code) ?? [];

/**
 * Sends an operation over a raw socket and never reads the answer: the caller drops the connection when it
 * likes (`destroy()`), as a client whose network failed mid-request.
 */
export function sendAndForget(url: string, operationName: string, variables: Record<string, unknown>, headers: Record<string, string>): net.Socket {
  const u = new URL(url);
  const body = JSON.stringify({ operationName, variables });
  const lines = Object.entries({ ...headers, host: u.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  const socket = net.connect(Number(u.port), u.hostname);
  socket.on('error', () => {});
  socket.write(`POST ${u.pathname} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
  return socket;
}

export interface Shopper {
  sub: string;
  headers: Record<string, string>;
}

export async function shopper(tag: string): Promise<Shopper> {
  const sub = `cus_t_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const token = await issueToken({ sub, kind: 'customer' }, DEV_IDP_SECRET);
  return { sub, headers: { 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']!, authorization: `Bearer ${token}` } };
}

/** A cart of `quantity` units of one variant, ready to order (Berlin, standard shipping), made through `bff`. */
export async function readyCartVia(bff: string, s: Shopper, variantId: string, quantity = 1) {
  const created = await call(bff, 'CreateCart', { email: 'scale@example.com' }, s.headers);
  expect(created.body?.errors, JSON.stringify(created.body)).toBeUndefined();
  const cartId: string = created.body!.data.createCart.id;
  const added = await call(bff, 'AddCartLines', { cartId, lines: [{ variantId, quantity }] }, s.headers);
  expect(added.body?.errors, JSON.stringify(added.body)).toBeUndefined();
  const set = await call(bff, 'SetCartDetails', { cartId, input: { shippingAddress: BERLIN_ADDRESS, shippingMethod: 'standard' } }, s.headers);
  const ready = set.body!.data.setCartDetails;
  expect(ready.problems).toEqual([]);
  return { cartId, total: ready.totals.total as { amount: number; currency: string } };
}

/**
 * Demo variants web-eu sells that take no backorders (a backorder may sell beyond stock by design), each made
 * to hold exactly `units` anywhere web-eu could sell from: Hamburg counted to `units`, every other location to 0,
 * by a stock admin through the admin BFF. The database is the process system's own, so its demo data is ours.
 */
export async function variantsWithExactly(sys: ProcessSystem, sql: postgres.Sql, units: number, count: number): Promise<string[]> {
  const token = await issueToken(
    { sub: `stf_t_scale_${process.pid}`, kind: 'staff', name: 'Scale-out test', roles: ['stock-admin', 'viewer'], channels: ['*'] },
    DEV_IDP_SECRET,
  );
  const admin = { authorization: `Bearer ${token}`, 'x-channel': 'web-eu' };
  const rows = await sql<{ id: string }[]>`
    select l.variant_id as id from stock.levels l
    where l.location_id = ${HAMBURG} and l.on_hand > 0
      and not exists (select 1 from stock.backorder_policies b where b.variant_id = l.variant_id and b."limit" > 0)
    order by l.variant_id limit ${count}`;
  expect(rows.length).toBe(count);
  for (const { id } of rows) {
    const levels = await sql<{ location: string }[]>`select location_id as location from stock.levels where variant_id = ${id}`;
    for (const { location } of levels) {
      const input = { variantId: id, locationId: location, counted: location === HAMBURG ? units : 0, reason: 'scale-out test' };
      const counted = await call(sys.url('bff-admin'), 'CountStock', { input }, admin);
      expect(counted.body?.errors, JSON.stringify(counted.body)).toBeUndefined();
    }
  }
  return rows.map((r) => r.id);
}

/** Levels of the variant whose on-hand or reserved differ from the sum of its ledger movements (none, when whole). */
export async function ledgerDrift(sql: postgres.Sql, variantId: string): Promise<string[]> {
  const rows = await sql<{ location_id: string }[]>`
    select l.location_id from stock.levels l
    left join (select location_id, sum(delta_on_hand) as on_hand, sum(delta_reserved) as reserved
               from stock.movements where variant_id = ${variantId} group by 1) m on m.location_id = l.location_id
    where l.variant_id = ${variantId} and (coalesce(m.on_hand, 0) <> l.on_hand or coalesce(m.reserved, 0) <> l.reserved)`;
  return rows.map((r) => r.location_id);
}

/** The variant's stock summed over its locations, and the units its SALE movements took. */
export async function stockOfVariant(sql: postgres.Sql, variantId: string) {
  const [row] = await sql<{ on_hand: number; reserved: number; sold: number }[]>`
    select (select sum(on_hand) from stock.levels where variant_id = ${variantId})::int as on_hand,
      (select sum(reserved) from stock.levels where variant_id = ${variantId})::int as reserved,
      (select coalesce(-sum(delta_on_hand), 0) from stock.movements where variant_id = ${variantId} and kind = 'SALE')::int as sold`;
  return row!;
}

/** Requests one gateway process answered for an operation, whatever their status (from its /metrics). */
export async function gatewayServed(sys: ProcessSystem, gateway: string, operation: string): Promise<number> {
  const text = await (await fetch(sys.url(gateway).replace(/\/graphql$/, '/metrics'))).text();
  const series = `storegraph_requests_total{service="gateway",operation="${operation}",`;
  return text
    .split('\n')
    .filter((line) => line.startsWith(series))
    .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
