import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { type CacheEntry, type CatalogueStore, DROP_MEMORY_MS, SETTLE_MS } from './catalogue-cache.store';

/**
 * The catalogue cache in Redis, shared by every storefront replica: `<prefix>:{sf}:e:<sha256 of the request>`
 * holds an answer (expiring with its max-age), `<prefix>:{sf}:z:<id>` the answers holding an id (a sorted set
 * scored by each answer's expiry, so every put trims the answers that expired since and a busy id's index stays
 * as small as its live answers), and `<prefix>:{sf}:d:<id>` when a change last dropped it. `{sf}` keeps them in
 * one Redis Cluster slot, so the two scripts below run atomically: an answer is never kept after a drop that it
 * may predate, on any replica. While Redis is down every read misses and nothing is kept (the BFF answers), and
 * a webhook is answered 503 so the sender delivers it again.
 *
 * `t:<id>` was the previous release's index (a plain set that only ever grew until it expired): a drop still
 * empties it, so during a rolling deploy an answer an old replica kept is dropped by a new one too.
 */
const PUT = `
local tags = tonumber(ARGV[3])
for i = 1, tags do
  local at = redis.call('GET', KEYS[1 + tags + i])
  if at and tonumber(at) > tonumber(ARGV[4]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 1, tags do
  redis.call('ZREMRANGEBYSCORE', KEYS[1 + i], '-inf', ARGV[6])
  redis.call('ZADD', KEYS[1 + i], ARGV[7], KEYS[1])
  redis.call('PEXPIRE', KEYS[1 + i], ARGV[5])
end
return 1`;

const DROP = `
local tags = #KEYS / 3
local n = 0
for i = 1, tags do
  redis.call('SET', KEYS[tags + i], ARGV[1], 'PX', ARGV[2])
  local held = redis.call('ZRANGEBYSCORE', KEYS[i], '(' .. ARGV[1], '+inf')
  for _, key in ipairs(held) do n = n + redis.call('DEL', key) end
  redis.call('DEL', KEYS[i])
  if redis.call('TYPE', KEYS[2 * tags + i]).ok == 'set' then
    for _, key in ipairs(redis.call('SMEMBERS', KEYS[2 * tags + i])) do n = n + redis.call('DEL', key) end
    redis.call('DEL', KEYS[2 * tags + i])
  end
end
return n`;

/** An id's index outlives any answer in it (the BFF's longest max-age is its cache life, 300 s by default). */
const INDEX_MS = 600_000;

export class RedisCatalogueStore implements CatalogueStore {
  private readonly redis: Redis;
  /** The first connection: a replica's first pages wait for it (1 s at most) rather than miss while it opens. */
  private readonly connected: Promise<void>;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // Fail at once while Redis is down (no offline queue): a page waits for the BFF, not for Redis.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', (err) => console.warn(`[storefront] catalogue cache: Redis unreachable (${err.message})`));
    this.connected = new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private key(kind: 'e' | 'z' | 't' | 'd', id: string) {
    return `${this.prefix}:{sf}:${kind}:${id}`;
  }

  async get(key: string, now: number) {
    await this.connected;
    const raw = await this.redis.get(this.entryKey(key)).catch(() => null);
    if (!raw) return undefined;
    const entry = JSON.parse(raw) as CacheEntry;
    return entry.expiresAt > now ? entry : undefined;
  }

  async put(key: string, entry: CacheEntry, startedAt: number) {
    await this.connected;
    const now = Date.now();
    const ttl = entry.expiresAt - now;
    if (ttl <= 0) return;
    const keys = [this.entryKey(key), ...entry.tags.map((t) => this.key('z', t)), ...entry.tags.map((t) => this.key('d', t))];
    // The index scores by the Redis key's own expiry (now + ttl), which is when the answer leaves Redis.
    const args = [
      JSON.stringify(entry),
      String(ttl),
      String(entry.tags.length),
      String(startedAt - SETTLE_MS),
      String(INDEX_MS),
      String(now),
      String(now + ttl),
    ];
    await this.redis.eval(PUT, keys.length, ...keys, ...args).catch(() => undefined);
  }

  async drop(tags: string[], now: number) {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return 0;
    await this.connected;
    const keys = [...unique.map((t) => this.key('z', t)), ...unique.map((t) => this.key('d', t)), ...unique.map((t) => this.key('t', t))];
    // Unlike a read, a lost drop must not pass as done: the caller answers the webhook 503 and it comes again.
    return Number(await this.redis.eval(DROP, keys.length, ...keys, String(now), String(DROP_MEMORY_MS)));
  }

  private entryKey(key: string) {
    return this.key('e', createHash('sha256').update(key).digest('base64url'));
  }
}
