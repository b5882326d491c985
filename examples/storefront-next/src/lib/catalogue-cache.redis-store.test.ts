import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCatalogueStore } from './catalogue-cache.redis-store';
import type { CacheEntry } from './catalogue-cache.store';

/** The store on the real Redis, under a key prefix of this run's own. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `sftest-cc${Math.random().toString(36).slice(2, 8)}`;
const store = new RedisCatalogueStore(REDIS_URL, PREFIX);
const raw = new Redis(REDIS_URL);

const entry = (body: string, lifeMs: number, tags: string[]): CacheEntry => ({
  body,
  status: 200,
  contentType: 'application/json',
  expiresAt: Date.now() + lifeMs,
  tags,
});

afterAll(async () => {
  const keys = await raw.keys(`${PREFIX}:*`);
  if (keys.length) await raw.del(...keys);
  await raw.quit();
});

describe('the Redis catalogue cache’s index of answers per id', () => {
  it('forgets answers that expired: the next put trims them, so a busy id’s index holds only live answers', async () => {
    // Three answers holding p1 that live 200 ms, then one that lives a minute: only the last is left in the index.
    for (const q of ['a', 'b', 'c']) await store.put(`short-${q}`, entry(q, 200, ['p1', 'p2']), Date.now());
    expect(await raw.zcard(`${PREFIX}:{sf}:z:p1`)).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    await store.put('long', entry('d', 60_000, ['p1']), Date.now());
    expect(await raw.zcard(`${PREFIX}:{sf}:z:p1`)).toBe(1);
    // p2 had no put since: its expired members are simply never read by a drop (and the index itself expires).
    expect(await raw.zcard(`${PREFIX}:{sf}:z:p2`)).toBe(3);
    expect((await store.get('long', Date.now()))?.body).toBe('d');
  });

  it('drops the live answers holding an id, and those an old replica listed in its plain set', async () => {
    await store.put('live', entry('e', 60_000, ['p3']), Date.now());
    // The previous release's index: a plain set naming an answer of its own.
    await raw.set(`${PREFIX}:{sf}:e:legacy`, '{}', 'PX', 60_000);
    await raw.sadd(`${PREFIX}:{sf}:t:p3`, `${PREFIX}:{sf}:e:legacy`);
    expect(await store.drop(['p3'], Date.now())).toBe(2);
    expect(await store.get('live', Date.now())).toBeUndefined();
    expect(await raw.exists(`${PREFIX}:{sf}:z:p3`, `${PREFIX}:{sf}:t:p3`, `${PREFIX}:{sf}:e:legacy`)).toBe(0);
    // p2's index only holds expired answers: dropping it drops nothing.
    expect(await store.drop(['p2'], Date.now())).toBe(0);
  });
});
