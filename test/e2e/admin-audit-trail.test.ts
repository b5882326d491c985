import { describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { data } from './checkout-support.ts';
import { createStaff, staffAdminToken, staffSession } from './admin-support.ts';
import { adminWalk } from './admin-walk-support.ts';

const run = adminWalk('audit');

/** Every staff write lands in one append-only trail: who, what, the arguments, the outcome, the request. */
describe('the audit trail', () => {
  const code = `audit_${Date.now().toString(36)}_${process.pid}`;

  it('records a staff write and a refused one, with the arguments and the record after, for staff-admin to read', async () => {
    const writer = await createStaff('audit-writer', ['catalog-admin'], ['*']);
    const reader = await createStaff('audit-reader', ['viewer'], ['*']);
    const writerSession = await staffSession(writer.email);
    const readerSession = await staffSession(reader.email);
    const input = { code, name: 'Audit test attribute', type: 'TEXT', filterable: false };
    const defined = data(await bff('admin', 'DefineAttribute', { input }, { token: writerSession.token })).defineAttribute;
    expect(defined).toEqual({ code, name: 'Audit test attribute', type: 'TEXT', allowedValues: [], filterable: false });
    const refused = await bff('admin', 'DefineAttribute', { input: { ...input, code: `${code}_x` } }, { token: readerSession.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const trail = async (staffId: string) =>
      data(await run('AuditTrail', { filter: { staffId, operation: 'defineAttribute' } }, { token: await staffAdminToken() })).auditTrail;
    const written = await trail(writer.id);
    expect(written.hasNextPage).toBe(false);
    expect(written.nodes).toHaveLength(1);
    const [entry] = written.nodes;
    expect(entry).toMatchObject({
      subgraph: 'products',
      operation: 'defineAttribute',
      staffId: writer.id,
      staffRoles: ['catalog-admin'],
      staffChannels: ['*'],
      outcome: 'OK',
      errorCode: null,
    });
    expect(JSON.parse(entry.arguments)).toEqual({ input });
    expect(JSON.parse(entry.result)).toEqual({ code, name: 'Audit test attribute', type: 'TEXT', allowedValues: [], filterable: false });
    expect(entry.requestId).toMatch(/\S/);
    expect(Date.parse(entry.completedAt)).toBeGreaterThanOrEqual(Date.parse(entry.at));

    const denied = await trail(reader.id);
    expect(denied.nodes).toHaveLength(1);
    expect(denied.nodes[0]).toMatchObject({ outcome: 'REFUSED', errorCode: 'FORBIDDEN', staffRoles: ['viewer'] });
    expect(JSON.parse(denied.nodes[0].arguments)).toEqual({ input: { ...input, code: `${code}_x` } });
  });

  it('keeps the grants as signed and shows them in AuditTrail: which permission was held where and at which locations', async () => {
    const writer = await createStaff('audit-grants', ['catalog-admin'], ['*']);
    const granted = data(
      await bff(
        'admin',
        'GrantStaffRole',
        { input: { staffId: writer.id, roleId: 'stock-admin', channels: ['web-eu'], locations: ['loc_berlin_shop'] } },
        { token: await staffAdminToken() },
      ),
    ).grantStaffRole;
    expect(granted.__typename).toBe('StaffGrantsChanged');
    const { token } = await staffSession(writer.email);
    const input = { code: `${code}_g`, name: 'Audit grants attribute', type: 'TEXT', filterable: false };
    expect(data(await bff('admin', 'DefineAttribute', { input }, { token })).defineAttribute).toMatchObject({ code: `${code}_g` });

    const sql = sqlClient();
    try {
      const rows = await sql<{ phase: string; staff_roles: string[]; staff_channels: string[]; staff_grants: unknown }[]>`
        select phase, staff_roles, staff_channels, staff_grants from audit.entries
        where staff_id = ${writer.id} and operation = 'defineAttribute' order by id`;
      // The base grant (catalog-admin on every channel), then stock-admin of web-eu at the Berlin shop only; the
      // union columns alone would read as stock-admin on every channel.
      const grants = [
        { permissions: ['catalog-admin'], channels: ['*'] },
        { permissions: ['stock-admin'], channels: ['web-eu'], locations: ['loc_berlin_shop'] },
      ];
      const union = { staff_roles: ['catalog-admin', 'stock-admin'], staff_channels: ['*', 'web-eu'] };
      expect(rows).toEqual([
        { phase: 'ATTEMPT', ...union, staff_grants: grants },
        { phase: 'OUTCOME', ...union, staff_grants: grants },
      ]);
    } finally {
      await sql.end();
    }
    // An auditor reads the same grants in AuditTrail; a grant on whole channels answers locations null.
    const page = data(await run('AuditTrail', { filter: { staffId: writer.id, operation: 'defineAttribute' } }, { token: await staffAdminToken() })).auditTrail;
    expect(page.nodes).toHaveLength(1);
    expect(page.nodes[0]).toMatchObject({ staffRoles: ['catalog-admin', 'stock-admin'], staffChannels: ['*', 'web-eu'] });
    expect(page.nodes[0].staffGrants).toEqual([
      { permissions: ['catalog-admin'], channels: ['*'], locations: null },
      { permissions: ['stock-admin'], channels: ['web-eu'], locations: ['loc_berlin_shop'] },
    ]);
  });

  it('never stores a password: a staff member created with one shows it redacted', async () => {
    const created = await createStaff('audit-redact', ['viewer'], ['web-eu']);
    const page = data(
      await run('AuditTrail', { filter: { operation: 'createStaffMember', subgraph: 'customers' }, first: 200 }, { token: await staffAdminToken() }),
    ).auditTrail;
    const mine = page.nodes.filter((n: { result: string | null }) => n.result?.includes(created.id));
    expect(mine).toHaveLength(1);
    const args = JSON.parse(mine[0].arguments);
    expect(args.input).toMatchObject({ email: created.email, password: '[redacted]', roles: ['viewer'], channels: ['web-eu'] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the trail in the database itself', async () => {
    const sql = sqlClient();
    try {
      const count = async () => (await sql<{ n: number }[]>`select count(*)::int as n from audit.entries`)[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0);
      for (const attempt of [
        sql`update audit.entries set outcome = 'OK' where outcome = 'REFUSED'`,
        sql`delete from audit.entries where id = (select min(id) from audit.entries)`,
        sql`truncate audit.entries`,
      ]) {
        await expect(attempt).rejects.toMatchObject({ code: '42501' });
      }
      // Other files append meanwhile; none of the rows present before is gone.
      expect(await count()).toBeGreaterThanOrEqual(before);
    } finally {
      await sql.end();
    }
  });

  it('is read by staff-admin on every channel only', async () => {
    const member = await createStaff('audit-nosee', ['staff-admin', 'viewer'], ['web-eu']);
    const { token } = await staffSession(member.email);
    const res = await run('AuditTrail', {}, { token });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data?.auditTrail ?? null).toBeNull();
  });
});
