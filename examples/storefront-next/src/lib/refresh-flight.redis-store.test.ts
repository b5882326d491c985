import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRefreshFlights } from './refresh-flight.redis-store';
import type { RefreshOutcome } from './token-refresh.session';

/**
 * Two storefront replicas are two RedisRefreshFlights, each with its own connection, on the real Redis under a key
 * prefix of this run's own. The exchange is a stand-in for RefreshSession that counts how often the token was spent.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `sftest-rf${Math.random().toString(36).slice(2, 8)}`;
const a = new RedisRefreshFlights(REDIS_URL, PREFIX);
const b = new RedisRefreshFlights(REDIS_URL, PREFIX);
const raw = new Redis(REDIS_URL);

const renewed = (n: number): RefreshOutcome => ({
  kind: 'renewed',
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: '2026-12-30T00:00:00.000Z',
});

/** An exchange that takes 300 ms (so the replicas overlap) and answers what `answers` says, one per call. */
function counted(answers: RefreshOutcome[]) {
  const calls: number[] = [];
  const exchange = async () => {
    calls.push(Date.now());
    await new Promise((r) => setTimeout(r, 300));
    return answers[calls.length - 1]!;
  };
  return { calls, exchange };
}

afterAll(async () => {
  const keys = await raw.keys(`${PREFIX}:*`);
  if (keys.length) await raw.del(...keys);
  await Promise.all([a.close(), b.close(), raw.quit()]);
});

describe('the refresh single flight shared by replicas through Redis', () => {
  it('spends a refresh token once when two replicas refresh it at the same time, and both get the one new pair', async () => {
    const { calls, exchange } = counted([renewed(1), renewed(2)]);
    const outcomes = await Promise.all([a.run('token-one', exchange), b.run('token-one', exchange), b.run('token-one', exchange)]);
    expect(calls.length).toBe(1);
    expect(outcomes).toEqual([renewed(1), renewed(1), renewed(1)]);
    // A request that comes later with the old cookie (within 60 s) is answered from Redis, not by a second spend.
    expect(await a.run('token-one', exchange)).toEqual(renewed(1));
    expect(calls.length).toBe(1);
  });

  it('keeps the outcome encrypted under a hash of the token: Redis holds neither token nor the new pair in clear', async () => {
    const { exchange } = counted([renewed(3)]);
    await a.run('token-two', exchange);
    const keys = await raw.keys(`${PREFIX}:{sf}:r:*`);
    expect(keys.length).toBe(2); // token-one's and token-two's
    const values = await Promise.all(keys.map((k) => raw.get(k)));
    for (const [i, v] of values.entries()) {
      expect(keys[i]).not.toContain('token');
      expect(v).not.toMatch(/access-|refresh-|token/);
    }
    const ttl = await raw.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('shares a refusal too, and lets the next request try again after the BFF could not answer', async () => {
    const ended: RefreshOutcome = { kind: 'ended', message: 'refresh token was already used' };
    const refused = counted([ended]);
    expect(await Promise.all([a.run('token-three', refused.exchange), b.run('token-three', refused.exchange)])).toEqual([ended, ended]);
    expect(refused.calls.length).toBe(1);

    const down: RefreshOutcome = { kind: 'unavailable', message: 'BFF 503' };
    const retried = counted([down, renewed(4)]);
    expect(await a.run('token-four', retried.exchange)).toEqual(down);
    expect(await b.run('token-four', retried.exchange)).toEqual(renewed(4));
    expect(retried.calls.length).toBe(2);
  });
});
