import { describe, expect, it } from 'vitest';
import { HAMBURG, count, freshVariant, levelsMatchLedger, receive, reserve } from './stock-support.ts';

describe('reservation idempotency keys', () => {
  it('reserves once when the same request is sent 40 times at once', async () => {
    const variant = await freshVariant('idem');
    await receive(variant, HAMBURG, 10);
    const key = `idem-${variant}`;
    const results = await Promise.all(Array.from({ length: 40 }, () => reserve('web-eu', [{ variantId: variant, quantity: 2 }], { key })));
    for (const res of results) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const ids = new Set(results.map((r) => r.data.reserveStock.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.data.reserveStock.__typename === 'Reservation')).toBe(true);

    const later = await reserve('web-eu', [{ variantId: variant, quantity: 2 }], { key });
    expect(later.data.reserveStock.id).toBe([...ids][0]);
    const levels = await levelsMatchLedger([variant]);
    expect(levels[0]!.reserved).toBe(2);
    expect(await count((sql) => sql`select count(*)::int as n from stock.reservations where idempotency_key like ${`%|${key}`}`)).toBe(1);
  });

  it('treats split and merged lines of the same variant as the same request', async () => {
    const variant = await freshVariant('idem-merge');
    await receive(variant, HAMBURG, 10);
    const key = `idem-${variant}`;
    const split = await reserve(
      'web-eu',
      [
        { variantId: variant, quantity: 1 },
        { variantId: variant, quantity: 2 },
      ],
      { key },
    );
    const merged = await reserve('web-eu', [{ variantId: variant, quantity: 3 }], { key });
    expect(merged.data.reserveStock.id).toBe(split.data.reserveStock.id);
    expect((await levelsMatchLedger([variant]))[0]!.reserved).toBe(3);
  });

  it('refuses the same key for a different request and writes nothing', async () => {
    const variant = await freshVariant('idem-reuse');
    await receive(variant, HAMBURG, 10);
    const key = `idem-${variant}`;
    await reserve('web-eu', [{ variantId: variant, quantity: 1 }], { key });
    const reused = await reserve('web-eu', [{ variantId: variant, quantity: 2 }], { key });
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(reused.data).toBeNull();
    const otherTtl = await reserve('web-eu', [{ variantId: variant, quantity: 1 }], { key, ttlSeconds: 60 });
    expect(otherTtl.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await levelsMatchLedger([variant]))[0]!.reserved).toBe(1);
  });

  it('keeps keys per channel: the same key in another channel is another reservation', async () => {
    const variant = await freshVariant('idem-channel');
    await receive(variant, HAMBURG, 10);
    const key = `idem-${variant}`;
    const web = await reserve('web-eu', [{ variantId: variant, quantity: 1 }], { key });
    const trade = await reserve('trade-eu', [{ variantId: variant, quantity: 1 }], { key });
    expect(trade.data.reserveStock.id).not.toBe(web.data.reserveStock.id);
    expect((await levelsMatchLedger([variant]))[0]!.reserved).toBe(2);
  });

  it('lets a key that failed for lack of stock try again once stock arrives', async () => {
    const variant = await freshVariant('idem-retry');
    await receive(variant, HAMBURG, 1);
    const key = `idem-${variant}`;
    const short = await reserve('web-eu', [{ variantId: variant, quantity: 2 }], { key });
    expect(short.data.reserveStock.__typename).toBe('InsufficientStock');
    await receive(variant, HAMBURG, 1);
    const retry = await reserve('web-eu', [{ variantId: variant, quantity: 2 }], { key });
    expect(retry.data.reserveStock.__typename).toBe('Reservation');
  });
});
