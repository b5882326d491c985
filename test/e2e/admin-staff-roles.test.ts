import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { data, one } from './checkout-support.ts';
import { createStaff, staffAdminToken, staffSession } from './admin-support.ts';
import { adminTestProduct, adminWalk, codes } from './admin-walk-support.ts';
import { withContentionSampler } from './stock-support.ts';

const run = adminWalk('roles');

/**
 * Custom roles and grants through the admin BFF: a role made of permissions, granted on channels (and, for stock,
 * at locations), checked by the subgraphs from the signed context. A grant revoked applies once the admin BFF's
 * account cache (BFF_ACCOUNT_CACHE_MS: 1 s in the test system, 30 s by default) lets the staff record be read
 * again; a custom role still granted cannot be deleted (StaffRoleInUse).
 */
const K = Math.random().toString(36).slice(2, 8);
const BERLIN = 'loc_berlin_shop';
const HAMBURG = 'loc_wh_hamburg';
const BUILT_IN = ['catalog-admin', 'customer-admin', 'order-admin', 'pricing-admin', 'report-viewer', 'staff-admin', 'stock-admin', 'viewer', 'webhook-admin'];
let admin = '';
let setup = '';

beforeAll(async () => {
  admin = await staffAdminToken();
  const setupMember = await createStaff('roles-setup', ['catalog-admin', 'stock-admin'], ['*']);
  setup = (await staffSession(setupMember.email)).token;
});

/** Asks until the answer's codes are `want` (the BFF's account cache expiring), at most 15 s. */
async function eventually(ask: () => Promise<unknown[]>, want: unknown[]) {
  const until = Date.now() + 15_000;
  let got = await ask();
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    got = await ask();
  }
  expect(got).toEqual(want);
}

const movementsAt = (variantId: string, locationId: string) =>
  one((sql) => sql<{ n: number }[]>`select count(*)::int as n from stock.movements where variant_id = ${variantId} and location_id = ${locationId}`);

describe('custom roles and grants, through the admin BFF', () => {
  it('lists the nine built-in roles, one permission each, that cannot be changed or deleted', async () => {
    const roles = data(await run('StaffRoles', {}, { token: admin })).staffRoles;
    expect(roles.filter((r: { builtIn: boolean }) => r.builtIn)).toEqual(
      BUILT_IN.map((p) => ({ id: p, name: p, permissions: [p], builtIn: true, version: 1 })),
    );
    expect(data(await run('UpdateStaffRole', { input: { id: 'viewer', version: 1, name: 'Reader' } }, { token: admin })).updateStaffRole).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'built-in roles cannot be changed',
      field: 'id',
    });
    expect(data(await run('DeleteStaffRole', { id: 'viewer' }, { token: admin })).deleteStaffRole).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'built-in roles cannot be deleted',
      field: 'id',
    });
  });

  it('a pricing-only role on web-us changes web-us prices, not web-eu ones nor stock; revoked, it stops; in use, it is not deleted', async () => {
    const name = `Pricing only ${K}`;
    const created = data(await run('CreateStaffRole', { input: { name, permissions: ['pricing-admin'] } }, { token: admin })).createStaffRole;
    expect(created.__typename).toBe('StaffRoleChanged');
    const roleId = created.role.id as string;
    expect(created).toEqual({
      __typename: 'StaffRoleChanged',
      role: { id: roleId, name, permissions: ['pricing-admin'], builtIn: false, version: 1 },
      before: null,
    });
    expect(data(await run('CreateStaffRole', { input: { name: name.toUpperCase(), permissions: ['viewer'] } }, { token: admin })).createStaffRole).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'a role with this name exists',
      field: 'name',
    });
    expect(data(await run('CreateStaffRole', { input: { name: `Odd ${K}`, permissions: ['price-wizard'] } }, { token: admin })).createStaffRole).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'unknown permission(s): price-wizard',
      field: 'permissions',
    });
    const renamed = data(await run('UpdateStaffRole', { input: { id: roleId, version: 1, name: `${name} (US)` } }, { token: admin })).updateStaffRole;
    expect(renamed).toEqual({
      __typename: 'StaffRoleChanged',
      role: { id: roleId, name: `${name} (US)`, permissions: ['pricing-admin'], builtIn: false, version: 2 },
      before: { id: roleId, name, permissions: ['pricing-admin'], builtIn: false, version: 1 },
    });
    const stale = data(await run('UpdateStaffRole', { input: { id: roleId, version: 1, name: 'Stale' } }, { token: admin })).updateStaffRole;
    expect(stale).toMatchObject({ __typename: 'StaffRoleVersionConflict', current: { id: roleId, version: 2 } });

    // The member's own roles: viewer on web-us, so their context still builds once the grant is gone.
    const member = await createStaff('roles-pricing', ['viewer'], ['web-us']);
    const granted = data(await run('GrantStaffRole', { input: { staffId: member.id, roleId, channels: ['web-us'] } }, { token: admin })).grantStaffRole;
    expect(granted.__typename).toBe('StaffGrantsChanged');
    expect(granted.before).toEqual([]);
    expect(granted.staff.grants).toHaveLength(1);
    const grant = granted.staff.grants[0];
    expect(grant).toMatchObject({
      role: { id: roleId, permissions: ['pricing-admin'] },
      channels: ['web-us'],
      locations: null,
      grantedBy: `stf_t_admin_${process.pid}`,
    });
    expect(data(await run('DeleteStaffRole', { id: roleId }, { token: admin })).deleteStaffRole).toEqual({
      __typename: 'StaffRoleInUse',
      message: 'revoke its 1 grant(s) first',
      grants: 1,
    });

    const { token } = await staffSession(member.email);
    const { variantId } = await adminTestProduct(setup, 'roles', ['web-eu', 'web-us']);
    const usBook = { id: `bk_t_roles_us_${K}`, name: 'Roles US book', level: 'CHANNEL', currency: 'USD', channel: 'web-us', taxIncluded: false };
    expect(data(await bff('admin', 'UpsertPriceBook', { input: usBook }, { token })).upsertPriceBook).toEqual({
      ...usBook,
      customerGroup: null,
      companyId: null,
    });
    expect(data(await bff('admin', 'ImportPriceEntries', { bookId: usBook.id, entries: [{ variantId, amount: 4900 }] }, { token })).importPriceEntries).toEqual(
      {
        bookId: usBook.id,
        imported: 1,
        removed: 0,
      },
    );
    const euBook = { id: `bk_t_roles_eu_${K}`, name: 'Roles EU book', level: 'CHANNEL', currency: 'EUR', channel: 'web-eu', taxIncluded: true };
    expect(codes(await bff('admin', 'UpsertPriceBook', { input: euBook }, { token }))).toEqual(['FORBIDDEN']);
    expect(codes(await bff('admin', 'ImportPriceEntries', { bookId: 'bk_base_eur', entries: [{ variantId, amount: 1 }] }, { token }))).toEqual(['FORBIDDEN']);
    // Stock is not theirs anywhere: not even at a location web-us sells from.
    expect(codes(await bff('admin', 'ReceiveStock', { input: { variantId, locationId: HAMBURG, quantity: 1 } }, { token }))).toEqual(['FORBIDDEN']);
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from prices.price_books where id = ${euBook.id}`)).toEqual({ n: 0 });
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from prices.price_entries where variant_id = ${variantId}`)).toEqual({ n: 1 });
    expect(await movementsAt(variantId, HAMBURG)).toEqual({ n: 0 });

    const revoked = data(await run('RevokeStaffGrant', { id: grant.id }, { token: admin })).revokeStaffGrant;
    expect(revoked.__typename).toBe('StaffGrantsChanged');
    expect(revoked.before).toEqual([grant]);
    expect(revoked.staff.grants).toEqual([]);
    expect(codes(await run('RevokeStaffGrant', { id: grant.id }, { token: admin }))).toEqual(['NOT_FOUND']);
    // The same access token: refused once the BFF reads the staff record again (its account cache). Until then the
    // grant still applies, so the probe writes what is already there.
    await eventually(async () => codes(await bff('admin', 'UpsertPriceBook', { input: usBook }, { token })), ['FORBIDDEN']);
    expect(codes(await bff('admin', 'UpsertPriceBook', { input: { ...usBook, name: 'After revoke' } }, { token }))).toEqual(['FORBIDDEN']);
    expect(await one((sql) => sql<{ name: string }[]>`select name from prices.price_books where id = ${usBook.id}`)).toEqual({ name: 'Roles US book' });

    const deleted = data(await run('DeleteStaffRole', { id: roleId }, { token: admin })).deleteStaffRole;
    expect(deleted).toEqual({
      __typename: 'StaffRoleDeleted',
      id: roleId,
      before: { id: roleId, name: `${name} (US)`, permissions: ['pricing-admin'], builtIn: false, version: 2 },
    });
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from customers.staff_roles where id = ${roleId}`)).toEqual({ n: 0 });

    // The trail keeps the grants before and after the revocation.
    const trail = data(
      await bff('admin', 'AuditTrail', { filter: { operation: 'revokeStaffGrant', subgraph: 'customers' }, first: 200 }, { token: admin }),
    ).auditTrail.nodes.filter((n: { arguments: string; outcome: string }) => JSON.parse(n.arguments).id === grant.id);
    expect(trail.map((n: { outcome: string; errorCode: string | null }) => [n.outcome, n.errorCode])).toEqual([
      ['REFUSED', 'NOT_FOUND'],
      ['OK', null],
    ]);
    const recorded = JSON.parse(trail[1].result);
    expect(recorded.before).toEqual([grant]);
    expect(recorded.staff.grants).toEqual([]);
  });

  it('a staff-admin cannot revoke their own staff-admin grant; another staff-admin can', async () => {
    const member = await createStaff('roles-self', ['viewer'], ['*']);
    const granted = data(
      await run('GrantStaffRole', { input: { staffId: member.id, roleId: 'staff-admin', channels: ['*'] } }, { token: admin }),
    ).grantStaffRole;
    const grantId = granted.staff.grants[0].id as string;
    const { token } = await staffSession(member.email);
    expect(data(await run('RevokeStaffGrant', { id: grantId }, { token })).revokeStaffGrant).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'you cannot revoke your own staff-admin grant',
      field: 'id',
    });
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from customers.staff_grants where id = ${grantId}`)).toEqual({ n: 1 });
    const revoked = data(await run('RevokeStaffGrant', { id: grantId }, { token: admin })).revokeStaffGrant;
    expect(revoked).toMatchObject({ __typename: 'StaffGrantsChanged', staff: { id: member.id, grants: [] } });
  });

  it('a stock-admin of web-eu at the Berlin shop receives there, and is refused at Hamburg and for a transfer out of Berlin', async () => {
    const member = await createStaff('roles-berlin', ['viewer'], ['web-eu']);
    const narrowed = data(
      await run('GrantStaffRole', { input: { staffId: member.id, roleId: 'stock-admin', channels: ['web-eu'], locations: [BERLIN] } }, { token: admin }),
    ).grantStaffRole;
    expect(narrowed.staff.grants).toMatchObject([{ role: { id: 'stock-admin' }, channels: ['web-eu'], locations: [BERLIN] }]);
    // Catalogue rights are only checked on whole channels: a grant of them at a location would never apply.
    const misplaced = data(
      await run('GrantStaffRole', { input: { staffId: member.id, roleId: 'catalog-admin', channels: ['web-eu'], locations: [BERLIN] } }, { token: admin }),
    ).grantStaffRole;
    expect(misplaced).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'only roles of stock-admin, viewer or report-viewer are granted at locations',
      field: 'locations',
    });

    const { token } = await staffSession(member.email);
    const { variantId } = await adminTestProduct(setup, 'roles-berlin', ['web-eu']);
    // 0 + 3 = 3 at the Berlin shop.
    const received = data(
      await bff('admin', 'ReceiveStock', { input: { variantId, locationId: BERLIN, quantity: 3, reason: 'roles' } }, { token }),
    ).receiveStock;
    expect(received).toMatchObject({ variant: { id: variantId }, location: { id: BERLIN }, onHand: 3, reserved: 0, free: 3 });
    expect(codes(await bff('admin', 'ReceiveStock', { input: { variantId, locationId: HAMBURG, quantity: 3, reason: 'roles' } }, { token }))).toEqual([
      'FORBIDDEN',
    ]);
    const transfer = { variantId, fromLocationId: BERLIN, toLocationId: HAMBURG, quantity: 1, reason: 'roles' };
    expect(codes(await bff('admin', 'TransferStock', { input: transfer }, { token }))).toEqual(['FORBIDDEN']);
    expect(await movementsAt(variantId, BERLIN)).toEqual({ n: 1 });
    expect(await movementsAt(variantId, HAMBURG)).toEqual({ n: 0 });
  });

  it('a viewer of the Berlin shop passes no channel-wide gate, and a role granted at locations takes no channel-wide permission', async () => {
    const member = await createStaff('roles-loc-viewer', ['stock-admin'], ['web-us']);
    const name = `Shop reader ${K}`;
    const created = data(await run('CreateStaffRole', { input: { name, permissions: ['stock-admin'] } }, { token: admin })).createStaffRole;
    const roleId = created.role.id as string;
    expect(
      data(await run('GrantStaffRole', { input: { staffId: member.id, roleId: 'viewer', channels: ['web-eu'], locations: [BERLIN] } }, { token: admin }))
        .grantStaffRole.__typename,
    ).toBe('StaffGrantsChanged');
    expect(
      data(await run('GrantStaffRole', { input: { staffId: member.id, roleId, channels: ['web-eu'], locations: [BERLIN] } }, { token: admin })).grantStaffRole
        .__typename,
    ).toBe('StaffGrantsChanged');
    // The only viewer grant is narrowed to a shop: web-eu's account policy is a channel-wide read, refused.
    const { token } = await staffSession(member.email);
    expect(codes(await bff('admin', 'AccountPolicy', { channel: 'web-eu' }, { token, channel: 'web-eu' }))).toEqual(['FORBIDDEN']);

    // The custom role is granted at Berlin: catalog-admin there would never apply, so it is not added; viewer may be.
    const refused = data(
      await run('UpdateStaffRole', { input: { id: roleId, version: 1, permissions: ['stock-admin', 'catalog-admin'] } }, { token: admin }),
    ).updateStaffRole;
    expect(refused).toEqual({
      __typename: 'StaffInputInvalid',
      message: 'the role is granted at locations, where catalog-admin would never apply',
      field: 'permissions',
    });
    const widened = data(
      await run('UpdateStaffRole', { input: { id: roleId, version: 1, permissions: ['stock-admin', 'viewer'] } }, { token: admin }),
    ).updateStaffRole;
    expect(widened).toMatchObject({ __typename: 'StaffRoleChanged', role: { id: roleId, permissions: ['stock-admin', 'viewer'], version: 2 } });
  });

  it('gives exactly 50 grants when six grants race for the last two places', async () => {
    const member = await createStaff('roles-race', ['viewer'], ['web-eu']);
    // 48 grants one by one, then 6 at once: 48 + 2 = 50 made, 4 refused.
    for (let i = 0; i < 48; i++) {
      const res = data(await bff('admin', 'GrantStaffRole', { input: { staffId: member.id, roleId: 'viewer', channels: [`race-${i}`] } }, { token: admin }));
      expect(res.grantStaffRole.__typename).toBe('StaffGrantsChanged');
    }
    const { result, distinctBusy } = await withContentionSampler(
      () =>
        Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            bff('admin', 'GrantStaffRole', { input: { staffId: member.id, roleId: 'viewer', channels: [`race-last-${i}`] } }, { token: admin }),
          ),
        ),
      'storegraph-customers',
    );
    const answers = result.map((r) => data(r).grantStaffRole);
    const made = answers.filter((a: { __typename: string }) => a.__typename === 'StaffGrantsChanged');
    const refused = answers.filter((a: { __typename: string }) => a.__typename === 'StaffInputInvalid');
    console.log(`[grant race] 6 requests: ${made.length} made, ${refused.length} refused; ${distinctBusy} customers backends worked on it`);
    expect(distinctBusy).toBeGreaterThan(1);
    expect(made).toHaveLength(2);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r).toEqual({ __typename: 'StaffInputInvalid', message: 'a staff member holds at most 50 grants', field: 'staffId' });
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from customers.staff_grants where staff_id = ${member.id}`)).toEqual({ n: 50 });
    // Signed with 51 grants (the base one too), the member still works: a context is at most 100.
    const { token } = await staffSession(member.email);
    expect(data(await bff('admin', 'AccountPolicy', { channel: 'web-eu' }, { token, channel: 'web-eu' })).accountPolicy).toMatchObject({ channel: 'web-eu' });
  });
});
