import { appError } from '@storegraph/schema';
import type { StockContext } from '../context.ts';

export interface TillStockChange {
  cursor: string;
  movementId: string;
  kind: string;
  variantId: string;
  locationId: string;
  deltaOnHand: number;
  deltaReserved: number;
  channel: string | null;
  createdAt: string;
}

const CURSOR = /^(\d{1,20}):(\d{1,20})$/;

/**
 * The stock outbox's `stock.changed` rows at the calling till's shop, in (transaction id, row id) order, up to
 * the horizon of the statement's own snapshot (the oldest transaction still running): everything below it is
 * final, so a cursor at the horizon never skips a row that a slower transaction commits later with a lower id.
 * The price: a change shows once every transaction older than it has ended (a long one anywhere delays the feed).
 */
export async function tillStockChanges(ctx: StockContext, after: string | null | undefined, first: number) {
  const { till, locationId } = ctx.channel;
  if (!till || !locationId) throw appError('FORBIDDEN', 'only a till with a cashier signed in follows its shop’s stock');
  if (!Number.isInteger(first) || first < 1 || first > 500) throw appError('BAD_USER_INPUT', 'first must be from 1 to 500', { argument: 'first' });
  const at = after ? CURSOR.exec(after) : null;
  if (after && !at) throw appError('BAD_USER_INPUT', 'after is not a cursor of this feed', { argument: 'after' });
  const sql = ctx.db.sql;
  if (!at) {
    const [now] = await sql<{ horizon: string }[]>`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`;
    return { changes: [] as TillStockChange[], cursor: `${now!.horizon}:0` };
  }
  // One statement, so the horizon is the very snapshot's the rows were read in.
  const [read] = await sql<{ horizon: string; rows: string }[]>`
    with h as (select pg_snapshot_xmin(pg_current_snapshot()) as x)
    select (select x from h)::text as horizon, coalesce((select json_agg(t) from (
      select o.xid::text as xid, o.id::text as id, o.data
      from stock.outbox o
      where o.type = 'stock.changed' and o.data->>'locationId' = ${locationId}
        and (o.xid, o.id) > (${at[1]!}::text::xid8, ${at[2]!}::bigint) and o.xid < (select x from h)
      order by o.xid, o.id limit ${first}) t), '[]')::text as rows`;
  const rows = JSON.parse(read!.rows) as { xid: string; id: string; data: Record<string, unknown> }[];
  const changes = rows.map((r): TillStockChange => {
    const d = r.data;
    return {
      cursor: `${r.xid}:${r.id}`,
      movementId: String(d.movementId),
      kind: String(d.kind),
      variantId: String(d.variantId),
      locationId: String(d.locationId),
      deltaOnHand: Number(d.deltaOnHand),
      deltaReserved: Number(d.deltaReserved),
      channel: (d.channel as string | null) ?? null,
      createdAt: String(d.createdAt),
    };
  });
  if (changes.length === first) return { changes, cursor: changes.at(-1)!.cursor };
  // Nothing more below the horizon: resume there (never behind where the caller already was).
  const horizon = read!.horizon;
  return { changes, cursor: BigInt(horizon) > BigInt(at[1]!) ? `${horizon}:0` : (changes.at(-1)?.cursor ?? after!) };
}
