import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import type { ChannelContext } from '@storegraph/schema';
import { checkedSource } from './aisle-source.validation.ts';

const base = { requestId: 'r1', currency: 'EUR', locale: 'de-DE', country: 'DE', taxMode: 'INCLUSIVE' };
const till = { ...base, channel: 'pos-berlin', channelKind: 'POS', locationId: 'loc_berlin_shop' };
const signedIn = { id: 'till_1', signInId: 'si_1', staffId: 'ts_1', role: 'CASHIER' };
const ctx = (c: Record<string, unknown>) => c as unknown as ChannelContext;

function refusal(run: () => unknown): [unknown, unknown] {
  try {
    run();
  } catch (err) {
    const e = err as GraphQLError;
    return [e.extensions.code, e.extensions.reason];
  }
  return [null, null];
}

describe('checkedSource', () => {
  it('lets a till with a cashier signed in name another location, and anyone clear it', () => {
    expect(checkedSource(ctx({ ...till, till: signedIn }), 'loc_wh_hamburg')).toBe('loc_wh_hamburg');
    expect(checkedSource(ctx({ ...base, channel: 'web-eu', channelKind: 'B2C', customerId: 'cus_1' }), null)).toBeNull();
  });

  it('refuses a web shopper, and a till device with no cashier signed in', () => {
    const web = ctx({ ...base, channel: 'web-eu', channelKind: 'B2C', customerId: 'cus_1' });
    expect(refusal(() => checkedSource(web, 'loc_wh_hamburg'))).toEqual(['FORBIDDEN', 'SOURCE_LOCATION_TILL_ONLY']);
    expect(refusal(() => checkedSource(ctx(till), 'loc_wh_hamburg'))).toEqual(['FORBIDDEN', 'SOURCE_LOCATION_TILL_ONLY']);
  });

  it('refuses the till’s own shop and a malformed id', () => {
    const t = ctx({ ...till, till: signedIn });
    expect(refusal(() => checkedSource(t, 'loc_berlin_shop'))).toEqual(['BAD_USER_INPUT', 'SOURCE_LOCATION_NOT_ALLOWED']);
    expect(refusal(() => checkedSource(t, 'loc hamburg'))).toEqual(['BAD_USER_INPUT', 'INVALID_CODE']);
  });
});
