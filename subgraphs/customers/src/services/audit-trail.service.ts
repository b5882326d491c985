import { appError, staffCan, type StaffGrant } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';

export interface AuditFilter {
  staffId?: string | null;
  subgraph?: string | null;
  operation?: string | null;
  requestId?: string | null;
  from?: string | null;
  to?: string | null;
}

interface Row {
  id: string;
  seq: string;
  at: Date | string;
  subgraph: string;
  operation: string;
  staff_id: string;
  staff_roles: string[];
  staff_channels: string[];
  staff_grants: StaffGrant[] | null;
  channel: string;
  request_id: string;
  arguments: unknown;
  outcome: string | null;
  result: unknown;
  error_code: string | null;
  completed_at: Date | string | null;
}

/** The pool may hand timestamps back as text (the subgraph's type parsers): one ISO form either way. */
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const time = (s: string | null | undefined, field: string) => {
  if (!s) return null;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw appError('BAD_USER_INPUT', `${field} is not an ISO 8601 time`);
  return d;
};

/**
 * The trail every subgraph appends to (the shared `audit` schema, see kit's audit plugin), read here where the
 * staff records live. Brand-wide by nature (a write on one channel may concern another), so it needs
 * staff-admin on every channel. Each attempt is paired with its outcome; newest first, paged by the attempt's
 * sequence number.
 */
export async function auditTrail(ctx: CustomersContext, filter: AuditFilter | null | undefined, first: number, after: string | null | undefined) {
  const staff = ctx.channel.staff;
  if (!staff) throw appError('UNAUTHENTICATED', 'staff sign-in required');
  if (!staffCan(ctx.channel, 'staff-admin', '*')) throw appError('FORBIDDEN', "needs the staff-admin role on every channel ('*')");
  if (first < 1 || first > 200) throw appError('BAD_USER_INPUT', 'first is 1 to 200');
  if (after != null && !/^\d{1,19}$/.test(after)) throw appError('BAD_USER_INPUT', 'after is a cursor from a previous page');
  const f = filter ?? {};
  const from = time(f.from, 'from');
  const to = time(f.to, 'to');
  const sql = ctx.db.sql;
  const rows = await sql<Row[]>`
    select a.attempt_id as id, a.id as seq, a.at, a.subgraph, a.operation, a.staff_id, a.staff_roles, a.staff_channels, a.staff_grants, a.channel,
           a.request_id, a.arguments, o.outcome, o.result, o.error_code, o.at as completed_at
    from audit.entries a
    left join audit.entries o on o.attempt_id = a.attempt_id and o.phase = 'OUTCOME'
    where a.phase = 'ATTEMPT'
      and (${f.staffId ?? null}::text is null or a.staff_id = ${f.staffId ?? null})
      and (${f.subgraph ?? null}::text is null or a.subgraph = ${f.subgraph ?? null})
      and (${f.operation ?? null}::text is null or a.operation = ${f.operation ?? null})
      and (${f.requestId ?? null}::text is null or a.request_id = ${f.requestId ?? null})
      and (${from}::timestamptz is null or a.at >= ${from})
      and (${to}::timestamptz is null or a.at < ${to})
      and (${after ?? null}::bigint is null or a.id < ${after ?? null}::bigint)
    order by a.id desc
    limit ${first + 1}`;
  const page = rows.slice(0, first);
  return {
    nodes: page.map((r) => ({
      id: r.id,
      at: iso(r.at)!,
      subgraph: r.subgraph,
      operation: r.operation,
      staffId: r.staff_id,
      staffRoles: r.staff_roles,
      staffChannels: r.staff_channels,
      // As signed: a grant on whole channels has no locations key, which reads as null (the whole channels).
      staffGrants: r.staff_grants?.map((g) => ({ permissions: g.permissions, channels: g.channels, locations: g.locations ?? null })) ?? null,
      channel: r.channel,
      requestId: r.request_id,
      arguments: JSON.stringify(r.arguments ?? {}),
      outcome: r.outcome ?? 'UNKNOWN',
      result: r.result === null || r.result === undefined ? null : JSON.stringify(r.result),
      errorCode: r.error_code,
      completedAt: iso(r.completed_at),
    })),
    endCursor: page.at(-1)?.seq ?? null,
    hasNextPage: rows.length > first,
  };
}
