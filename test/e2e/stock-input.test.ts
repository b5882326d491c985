import { describe, expect, it } from 'vitest';
import { HAMBURG, RESERVE, count, freshVariant, gateway, levelsMatchLedger, receive } from './stock-support.ts';

describe('invalid reservation input', () => {
  it('gets BAD_USER_INPUT and writes nothing', async () => {
    const variant = await freshVariant('input');
    await receive(variant, HAMBURG, 10);
    const prefix = `bad-${variant}`;
    const ledgerBefore = await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${variant}`);
    const line = { variantId: variant, quantity: 1 };
    const cases: Record<string, Record<string, unknown>> = {
      'zero quantity': { lines: [{ variantId: variant, quantity: 0 }] },
      'negative quantity': { lines: [line, { variantId: variant, quantity: -3 }] },
      'no lines': { lines: [] },
      '5,001 lines': { lines: Array.from({ length: 5001 }, () => line) },
      'ttl of zero': { lines: [line], ttlSeconds: 0 },
      'ttl over a day': { lines: [line], ttlSeconds: 86_401 },
      'empty idempotency key': { lines: [line], idempotencyKey: '  ' },
      'absurd quantity': { lines: [{ variantId: variant, quantity: 2_000_000_000 }] },
    };
    for (const [name, input] of Object.entries(cases)) {
      const res = await gateway('web-eu', RESERVE, { input: { idempotencyKey: `${prefix}-${name}`, ...input } });
      expect(res.errors?.[0]?.extensions?.code, name).toBe('BAD_USER_INPUT');
      expect(res.data ?? null, name).toBeNull();
    }
    const unknown = await gateway('web-eu', RESERVE, { input: { idempotencyKey: `${prefix}-x`, lines: [{ variantId: 'var_nope', quantity: 1 }] } });
    // Unknown and hidden look the same to a channel: neither says whether the variant exists elsewhere.
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_IN_CHANNEL', variantIds: ['var_nope'] });
    const mixed = await gateway('web-eu', RESERVE, {
      input: { idempotencyKey: `${prefix}-y`, lines: [line, { variantId: 'var_does_not_exist', quantity: 1 }] },
    });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_IN_CHANNEL', variantIds: ['var_does_not_exist'] });

    expect(await count((sql) => sql`select count(*)::int as n from stock.movements where variant_id = ${variant}`)).toBe(ledgerBefore);
    expect(await count((sql) => sql`select count(*)::int as n from stock.reservations where idempotency_key like ${`${prefix}%`}`)).toBe(0);
    expect((await levelsMatchLedger([variant]))[0]!.reserved).toBe(0);
  });

  it('accepts exactly 5,000 lines (a CSV bulk order reserves that many at once)', async () => {
    const variant = await freshVariant('five-thousand');
    await receive(variant, HAMBURG, 5000);
    const res = await gateway('web-eu', RESERVE, {
      input: { idempotencyKey: `k-${variant}`, lines: Array.from({ length: 5000 }, () => ({ variantId: variant, quantity: 1 })) },
    });
    // 5,000 lines of one unit each of the same variant merge into one line of 5,000.
    expect(res.data.reserveStock).toMatchObject({ __typename: 'Reservation', lines: [{ quantity: 5000 }] });
  });
});
