import { describe, expect, it } from 'vitest';
import { ChannelContextSchema, staffCan, staffChannels, staffHolds, type ChannelContext } from './channel-context.ts';

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
    expect(staffHolds(berlinStock, 'stock-admin')).toBe(true);
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
