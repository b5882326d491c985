import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ChannelContextSchema,
  signChannelContext,
  staffCan,
  staffChannels,
  staffHolds,
  verifyChannelContext,
  type ChannelContext,
  type StaffGrant,
  type StaffPermission,
} from './channel-context.ts';

const base = { requestId: 'r1', channel: 'web-eu', channelKind: 'B2C', currency: 'EUR', locale: 'de-DE', country: 'DE', taxMode: 'INCLUSIVE' } as const;
const as = (staff: unknown): ChannelContext => ChannelContextSchema.parse({ ...base, staff });

describe('staff grants in the signed context', () => {
  const berlinStock = as({
    id: 'stf_1',
    grants: [
      { permissions: ['viewer'], channels: ['web-eu'] },
      { permissions: ['stock-admin'], channels: ['web-eu'], locations: ['loc_berlin_shop'] },
    ],
  });

  it('a location grant covers checks at that location only, never a channel-wide one', () => {
    expect(staffCan(berlinStock, 'stock-admin', 'web-eu', 'loc_berlin_shop')).toBe(true);
    expect(staffCan(berlinStock, 'stock-admin', 'web-eu', 'loc_wh_hamburg')).toBe(false);
    expect(staffCan(berlinStock, 'stock-admin', 'web-eu')).toBe(false);
    expect(staffCan(berlinStock, 'stock-admin', 'web-us', 'loc_berlin_shop')).toBe(false);
    // Held, for a gate, only where the check names the location.
    expect(staffHolds(berlinStock, 'stock-admin', 'loc_berlin_shop')).toBe(true);
    expect(staffHolds(berlinStock, 'stock-admin', 'loc_wh_hamburg')).toBe(false);
    expect(staffHolds(berlinStock, 'stock-admin')).toBe(false);
    expect(staffHolds(berlinStock, 'viewer')).toBe(true);
  });

  it('a channel grant covers its channels, with or without a location', () => {
    expect(staffCan(berlinStock, 'viewer', 'web-eu')).toBe(true);
    expect(staffCan(berlinStock, 'viewer', 'web-eu', 'loc_wh_hamburg')).toBe(true);
    expect(staffCan(berlinStock, 'viewer', 'web-us')).toBe(false);
    expect(staffChannels(berlinStock, ['viewer', 'stock-admin'])).toEqual(['web-eu']);
  });

  it("'*' is every channel, and only a '*' grant passes a check on '*'", () => {
    const all = as({
      id: 'stf_2',
      grants: [
        { permissions: ['pricing-admin'], channels: ['*'] },
        { permissions: ['staff-admin'], channels: ['web-eu'] },
      ],
    });
    expect(staffCan(all, 'pricing-admin', 'any-channel')).toBe(true);
    expect(staffCan(all, 'pricing-admin', '*')).toBe(true);
    expect(staffCan(all, 'staff-admin', '*')).toBe(false);
  });

  it('reads the shape before grants (roles on channels) as one grant, and signs grants', () => {
    const legacy = as({ id: 'stf_3', roles: ['order-admin', 'viewer'], channels: ['web-us'] });
    expect(legacy.staff).toEqual({ id: 'stf_3', grants: [{ permissions: ['order-admin', 'viewer'], channels: ['web-us'] }] });
    expect(staffCan(legacy, 'order-admin', 'web-us')).toBe(true);
    expect(staffCan(legacy, 'order-admin', 'web-eu')).toBe(false);
  });

  it('refuses an unknown permission and a context without staff holds nothing', () => {
    expect(ChannelContextSchema.safeParse({ ...base, staff: { id: 's', grants: [{ permissions: ['root'], channels: ['*'] }] } }).success).toBe(false);
    expect(staffCan(as(undefined), 'viewer')).toBe(false);
  });
});

/** The previous release's reader, copied as it was (4d33c32^): staff is `{id, roles, channels}`, roles × channels. */
const OldStaffRole = z.enum([
  'catalog-admin',
  'pricing-admin',
  'stock-admin',
  'order-admin',
  'customer-admin',
  'webhook-admin',
  'staff-admin',
  'report-viewer',
  'viewer',
]);
const OldStaff = z.object({ id: z.string(), roles: z.array(OldStaffRole), channels: z.array(z.string()) });
function oldStaffCan(staff: z.infer<typeof OldStaff>, role: StaffPermission, channel: string): boolean {
  const inScope = staff.channels.includes('*') || staff.channels.includes(channel);
  return inScope && staff.roles.includes(role);
}

describe('a context signed by this release, read by the previous one (rolling deploy)', () => {
  const secret = 'a-context-secret-of-at-least-32-characters';
  const PERMISSIONS = OldStaffRole.options;
  const CHANNELS = ['web-eu', 'web-us', 'trade-eu', 'pos-berlin', '*'];

  /** Signs grants, then reads the one token both ways: the old schema's staff, and this release's context. */
  async function bothReaders(grants: StaffGrant[]) {
    const token = await signChannelContext({ ...base, staff: { id: 'stf_r', grants } }, secret, 'bff-admin');
    const old = OldStaff.parse((decodeJwt(token).ctx as { staff: unknown }).staff);
    const { context } = await verifyChannelContext(token, [secret]);
    return { old, context };
  }

  const viewerAndEu: StaffGrant[] = [
    { permissions: ['viewer'], channels: ['*'] },
    { permissions: ['customer-admin'], channels: ['web-eu'] },
  ];
  const ordersAndCatalog: StaffGrant[] = [
    { permissions: ['order-admin'], channels: ['web-eu'] },
    { permissions: ['catalog-admin'], channels: ['web-us'] },
  ];
  const berlinOnly: StaffGrant[] = [{ permissions: ['stock-admin', 'viewer'], channels: ['web-eu'], locations: ['loc_berlin_shop'] }];
  const mixed: StaffGrant[] = [
    { permissions: ['viewer'], channels: ['web-eu', 'web-us'] },
    { permissions: ['order-admin'], channels: ['*'] },
    { permissions: ['stock-admin'], channels: ['*'], locations: ['loc_berlin_shop'] },
  ];
  const mixes: [string, StaffGrant[]][] = [
    ['viewer on * and customer-admin on web-eu', viewerAndEu],
    ['order-admin on web-eu and catalog-admin on web-us', ordersAndCatalog],
    ['stock-admin at the Berlin shop only', berlinOnly],
    ['viewer on web-eu and web-us, order-admin on *, stock-admin at a shop', mixed],
  ];

  for (const [name, grants] of mixes) {
    it(`never grants the old reader more than the grants do: ${name}`, async () => {
      const { old, context } = await bothReaders(grants);
      // 9 permissions x 5 channels = 45 checks, each: old yes implies new yes.
      let checks = 0;
      for (const p of PERMISSIONS)
        for (const c of CHANNELS) {
          if (oldStaffCan(old, p, c)) expect([p, c, staffCan(context, p, c)]).toEqual([p, c, true]);
          checks++;
        }
      expect(checks).toBe(45);
      // This release reads the grants, not the projection.
      expect(context.staff).toEqual({ id: 'stf_r', grants });
    });
  }

  it('projects the permissions held on every channel named, and leaves location grants out', async () => {
    // viewer is held on * (so on web-eu too); customer-admin only on web-eu, not on * -> viewer on {*, web-eu}.
    expect((await bothReaders(viewerAndEu)).old).toEqual({ id: 'stf_r', roles: ['viewer'], channels: ['*', 'web-eu'] });
    // No permission is held on both web-eu and web-us -> nothing, rather than both roles on both channels.
    expect((await bothReaders(ordersAndCatalog)).old).toEqual({ id: 'stf_r', roles: [], channels: [] });
    // The old reader knows no locations: a shop's stock-admin would be stock-admin of the whole channel.
    expect((await bothReaders(berlinOnly)).old).toEqual({ id: 'stf_r', roles: [], channels: [] });
    // Channels {web-eu, web-us, *}: order-admin is held on all three (by its * grant); viewer is not held on *,
    // so it goes (the old reader would make it every channel's viewer). The Berlin stock grant is left out.
    expect((await bothReaders(mixed)).old).toEqual({ id: 'stf_r', roles: ['order-admin'], channels: ['web-eu', 'web-us', '*'] });
  });

  it('is exact for one grant: the checkout, reports and built-in members', async () => {
    const single: StaffGrant[] = [
      { permissions: ['order-admin'], channels: ['web-eu'] },
      { permissions: ['viewer'], channels: ['*'] },
      { permissions: ['customer-admin', 'viewer'], channels: ['web-us', 'trade-eu'] },
    ];
    for (const grant of single) {
      const { old, context } = await bothReaders([grant]);
      expect(old).toEqual({ id: 'stf_r', roles: grant.permissions, channels: grant.channels });
      for (const p of PERMISSIONS) for (const c of CHANNELS) expect([p, c, oldStaffCan(old, p, c)]).toEqual([p, c, staffCan(context, p, c)]);
    }
  });
});
