import { ChannelContextSchema } from '@storegraph/schema';
import { describe, expect, it } from 'vitest';
import type { CustomersContext } from '../context.ts';
import { staffRealms } from './customer-access.ts';

const base = { requestId: 'r1', channel: 'web-eu', channelKind: 'B2C', currency: 'EUR', locale: 'de-DE', country: 'DE', taxMode: 'INCLUSIVE' } as const;

/**
 * One request's context for a staff member who views every channel and manages web-eu's customers. Realms: each
 * channel its own (what a channel without an account policy signs into), '*' every realm (null), as
 * RealmDirectory.realmsOf answers without a database; the rule under test is which channels are asked, and when.
 */
function request(): { ctx: CustomersContext; asked: string[][] } {
  const asked: string[][] = [];
  const channel = ChannelContextSchema.parse({
    ...base,
    staff: {
      id: 'stf_mix',
      grants: [
        { permissions: ['viewer'], channels: ['*'] },
        { permissions: ['customer-admin'], channels: ['web-eu'] },
      ],
    },
  });
  const realms = {
    realmsOf: async (channels: readonly string[]) => {
      asked.push([...channels]);
      return channels.includes('*') ? null : [...channels];
    },
  };
  return { ctx: { channel, deps: { realms } } as unknown as CustomersContext, asked };
}

describe('the realms staff reach, per request', () => {
  it('a read answered first in the request is never reused for a write (web-us stays out of reach)', async () => {
    const { ctx, asked } = request();
    // Read: viewer on '*' -> every realm (null).
    expect(await staffRealms(ctx, false)).toBeNull();
    // Write: customer-admin on web-eu only -> ['web-eu'], so a web-us customer is not written.
    expect(await staffRealms(ctx, true)).toEqual(['web-eu']);
    // Each mode asked once however often it is checked: 50 rows of a list cost no more questions.
    for (let i = 0; i < 50; i++) {
      expect(await staffRealms(ctx, false)).toBeNull();
      expect(await staffRealms(ctx, true)).toEqual(['web-eu']);
    }
    expect(asked).toEqual([['*', 'web-eu'], ['web-eu']]);
  });

  it('a write answered first is never reused for a read either', async () => {
    const { ctx, asked } = request();
    expect(await staffRealms(ctx, true)).toEqual(['web-eu']);
    expect(await staffRealms(ctx, false)).toBeNull();
    expect(asked).toEqual([['web-eu'], ['*', 'web-eu']]);
  });
});
