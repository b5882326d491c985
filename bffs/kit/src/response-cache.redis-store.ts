import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SUBGRAPHS } from '@storegraph/schema';
import type { Logger } from '@storegraph/server-kit';
import type { CacheEntry, CacheStore, Generations } from './response-cache.store.ts';

/**
 * Stores only if no subgraph of the entry moved since the request set out, then tags the entry with each of
 * them (one script: no change can land between the check and the write).
 * KEYS: entry, n change counts, n tag sets. ARGV: value, ttl ms, n, n counts seen before, tag set ttl ms.
 */
const SET_SCRIPT = `
local n = tonumber(ARGV[3])
for i = 1, n do
  if (redis.call('GET', KEYS[1 + i]) or '0') ~= ARGV[3 + i] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 1, n do
  redis.call('SADD', KEYS[1 + n + i], KEYS[1])
  redis.call('PEXPIRE', KEYS[1 + n + i], ARGV[4 + n])
end
return 1`;

/** Moves a subgraph's change count and deletes every entry tagged with it. KEYS: count, tag set. */
const DROP_SCRIPT = `
redis.call('INCR', KEYS[1])
local members = redis.call('SMEMBERS', KEYS[2])
for i = 1, #members, 500 do
  redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('DEL', KEYS[2])
return #members`;

/**
 * The response cache in Redis, shared by every replica of one BFF: an answer one replica stored is served by
 * the others, and a change any replica hears about drops it for all. Every replica follows the change stream
 * itself, so each change is dropped once per replica (the second time finds nothing); the change counts live
 * in Redis too, so a replica that has not heard of a change yet cannot store an answer from before it once
 * another replica has. Keys share one hash tag (`{...}`), so the scripts also run on a Redis Cluster.
 *
 * Redis failing never serves a wrong answer: a read that fails is a miss, a store that fails is skipped, and a
 * drop that fails (a change whose entries may still be there) stops this replica serving from Redis until it
 * has cleared every entry (retried each second).
 */
export class RedisCacheStore implements CacheStore {
  private readonly prefix: string;
  private readonly subgraphs = SUBGRAPHS.map((s) => s.name as string);
  /** Set when a drop failed: nothing is served until everything is cleared. */
  private unsure = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    bff: string,
    private readonly maxTtlMs: number,
    private readonly logger: Logger,
  ) {
    this.prefix = `${keyPrefix}:{${bff}:rc}`;
  }

  private entryKey(key: string) {
    return `${this.prefix}:e:${createHash('sha256').update(key).digest('base64url')}`;
  }
  private countKey(subgraph: string) {
    return `${this.prefix}:g:${subgraph}`;
  }
  private tagKey(subgraph: string) {
    return `${this.prefix}:t:${subgraph}`;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    if (this.unsure) return undefined;
    try {
      const raw = await this.redis.getBuffer(this.entryKey(key));
      if (!raw) return undefined;
      // status (3 digits), the expiry (epoch ms), the subgraphs joined by commas, a newline, then the body's bytes.
      const newline = raw.indexOf(10);
      const [status, expiresAt, subgraphs = ''] = raw.subarray(0, newline).toString().split(' ');
      return { status: Number(status), expiresAt: Number(expiresAt), subgraphs: subgraphs.split(',').filter(Boolean), body: raw.subarray(newline + 1) };
    } catch {
      return undefined;
    }
  }

  async generations(): Promise<Generations> {
    try {
      const counts = await this.redis.mget(this.subgraphs.map((s) => this.countKey(s)));
      return new Map(this.subgraphs.map((s, i) => [s, counts[i] ?? '0']));
    } catch {
      // Nothing can be stored against an unknown state: a count no subgraph has.
      return new Map(this.subgraphs.map((s) => [s, 'unknown']));
    }
  }

  async set(key: string, entry: CacheEntry, before: Generations, ttlMs: number): Promise<boolean> {
    if (this.unsure) return false;
    const n = entry.subgraphs.length;
    const value = Buffer.concat([Buffer.from(`${entry.status} ${entry.expiresAt} ${entry.subgraphs.join(',')}\n`), entry.body]);
    try {
      const stored = await this.redis.eval(
        SET_SCRIPT,
        1 + 2 * n,
        this.entryKey(key),
        ...entry.subgraphs.map((s) => this.countKey(s)),
        ...entry.subgraphs.map((s) => this.tagKey(s)),
        value,
        String(ttlMs),
        String(n),
        ...entry.subgraphs.map((s) => before.get(s) ?? '0'),
        String(this.maxTtlMs),
      );
      return stored === 1;
    } catch {
      return false;
    }
  }

  async drop(subgraph: string): Promise<void> {
    try {
      await this.redis.eval(DROP_SCRIPT, 2, this.countKey(subgraph), this.tagKey(subgraph));
    } catch (err) {
      this.becomeUnsure(err);
    }
  }

  async clear(): Promise<void> {
    try {
      await Promise.all(this.subgraphs.map((s) => this.redis.eval(DROP_SCRIPT, 2, this.countKey(s), this.tagKey(s))));
      this.unsure = false;
    } catch (err) {
      this.becomeUnsure(err);
    }
  }

  private becomeUnsure(err: unknown) {
    if (!this.unsure)
      this.logger.warn({ err: (err as Error).message }, 'response cache: a change could not be dropped in Redis; not serving from it until cleared');
    this.unsure = true;
    this.retry ??= setInterval(() => {
      void this.clear().then(() => {
        if (this.unsure || !this.retry) return;
        clearInterval(this.retry);
        this.retry = undefined;
      });
    }, 1_000);
    this.retry.unref();
  }

  async close(): Promise<void> {
    if (this.retry) clearInterval(this.retry);
    this.retry = undefined;
  }
}
