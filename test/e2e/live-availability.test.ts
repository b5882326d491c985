import { describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { system, tokenFor } from '../support/clients.ts';
import { HAMBURG, receive } from './stock-support.ts';

// The test system's BFFs run as production does: only listed subscriptions, sent by name (bffs/kit/src/live-operations.graphql).
const watch = (ids: string[]) => ({ query: '', operationName: 'WatchAvailability', variables: { variantIds: ids } });

function client(bff: 'b2c' | 'b2b' | 'pos', connectionParams: Record<string, string>) {
  return createClient({ url: system()[bff].replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
}

describe('live availability over graphql-ws', () => {
  it('pushes the new availability to a product page when stock arrives', async () => {
    // var_0236_1 is watched by this test alone.
    const ws = client('b2c', { 'x-storefront-channel': 'web-eu' });
    const updates = ws.iterate<{ availabilityChanged: { variantId: string; available: number }[] }>(watch(['var_0236_1']));
    try {
      const first = await updates.next();
      const before = first.value!.data!.availabilityChanged[0]!;
      expect(before.variantId).toBe('var_0236_1');
      await receive('var_0236_1', HAMBURG, 4);
      const next = await updates.next();
      expect(next.value!.data!.availabilityChanged[0]!.available).toBe(before.available + 4);
    } finally {
      await updates.return?.();
      await ws.dispose();
    }
  });

  it('tells nothing about variants the channel does not sell', async () => {
    const ws = client('b2c', {});
    const updates = ws.iterate<{ availabilityChanged: unknown[] }>(watch(['var_0010_1']));
    try {
      expect((await updates.next()).value!.data!.availabilityChanged).toEqual([]);
    } finally {
      await updates.return?.();
      await ws.dispose();
    }
  });

  it('refuses a subscription the channel’s rules refuse over HTTP', async () => {
    const anonymous = client('b2b', {});
    // Refused connections close with 4403 Forbidden (not any failure: a crash or a timeout would not do).
    await expect(anonymous.iterate(watch(['var_0001_1'])).next()).rejects.toMatchObject({ code: 4403 });
    await anonymous.dispose();
    const buyer = client('b2b', { authorization: `Bearer ${await tokenFor('buyer@acme.example')}` });
    const ok = buyer.iterate<{ availabilityChanged: { variantId: string }[] }>(watch(['var_0001_1']));
    expect((await ok.next()).value!.data!.availabilityChanged[0]!.variantId).toBe('var_0001_1');
    await ok.return?.();
    await buyer.dispose();
  });
});
