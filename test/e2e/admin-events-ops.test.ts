import { describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { data, one, sellable } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';

const run = adminWalk('events');

/** The event settings staff change through the admin BFF (what they do is tested in events-*.test.ts). */
describe('event settings by staff', () => {
  it('sets a low-stock threshold for a variant in a channel, and says whether it is below it now', async () => {
    const variantId = await sellable({ eur: 900, stock: 3, channels: ['web-eu'] });
    const stock = await staffSession((await createStaff('events-stock', ['stock-admin'], ['web-eu'])).email);
    const set = data(await run('SetLowStockThreshold', { input: { channel: 'web-eu', variantId, threshold: 5 } }, { token: stock.token })).setLowStockThreshold;
    expect(set).toEqual({ channel: { code: 'web-eu' }, variant: { id: variantId }, threshold: 5, available: 3, below: true });
    const usOnly = await staffSession((await createStaff('events-stock-us', ['stock-admin'], ['web-us'])).email);
    const refused = await run('SetLowStockThreshold', { input: { channel: 'web-eu', variantId, threshold: 1 } }, { token: usOnly.token });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    // An id the channel does not sell (here: none at all) writes no threshold.
    const unknown = await run('SetLowStockThreshold', { input: { channel: 'web-eu', variantId: 'var_no_such', threshold: 3 } }, { token: stock.token });
    expect(codes(unknown)).toEqual(['NOT_IN_CHANNEL']);
    expect(await one((sql) => sql<{ n: number }[]>`select count(*)::int as n from stock.low_stock_thresholds where variant_id = 'var_no_such'`)).toEqual({
      n: 0,
    });
  });

  it('rotates an endpoint’s secret with an overlap, enables it, and replays a range (none queued in an empty one)', async () => {
    const hooks = await staffSession((await createStaff('events-hooks', ['webhook-admin'], ['test-tie'])).email);
    // A channel no order is placed in, so no delivery is ever queued for this unreachable receiver.
    const input = { url: 'https://receiver.example/events-ops', eventTypes: ['order.cancelled'], channels: ['test-tie'] };
    const registered = data(await bff('admin', 'RegisterWebhookEndpoint', { input }, { token: hooks.token })).registerWebhookEndpoint;
    const endpointId = registered.endpoint.id as string;

    const before = Date.now();
    const rotated = data(await run('RotateWebhookSecret', { endpointId, overlapSeconds: 3600 }, { token: hooks.token })).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(rotated.secret).not.toBe(registered.secret);
    expect(rotated.endpoint).toMatchObject({ id: endpointId, ...input, enabled: true });
    const overlapEnds = Date.parse(rotated.endpoint.previousSecretExpiresAt);
    expect(overlapEnds).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(overlapEnds).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);

    const enabled = data(await run('EnableWebhookEndpoint', { endpointId }, { token: hooks.token })).enableWebhookEndpoint;
    expect(enabled).toEqual({ id: endpointId, ...input, enabled: true, disabledAt: null, disabledReason: null, failingSince: null });

    // A range before the endpoint existed holds none of its deliveries.
    const replayed = data(
      await run('ReplayWebhookDeliveries', { endpointId, from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' }, { token: hooks.token }),
    ).replayWebhookDeliveries;
    expect(replayed).toBe(0);
    const usHooks = await staffSession((await createStaff('events-hooks-us', ['webhook-admin'], ['web-us'])).email);
    const refused = await run('RotateWebhookSecret', { endpointId }, { token: usHooks.token });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    // No admin operation deletes an endpoint: this file's goes, so other files' cancellations stop reaching it.
    const sql = sqlClient();
    try {
      await sql`delete from webhooks.endpoints where id = ${endpointId}::uuid`;
    } finally {
      await sql.end();
    }
  });
});
