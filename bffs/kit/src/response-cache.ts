import { LRUCache } from 'lru-cache';
import { parseCacheControl, type ChangeStreamClient } from '@storegraph/server-kit';
import { MemoryCacheStore, type CacheEntry, type CacheStore, type Generations } from './response-cache.store.ts';

/** An answer kept to fall back on while the system cannot give a fresh one. */
export interface StaleEntry extends CacheEntry {
  storedAt: number;
}

/** Seconds an answer may be shared, from the gateway's Cache-Control; 0 unless it is public. */
export function sharedMaxAge(cacheControl: string): number {
  const hint = parseCacheControl(cacheControl);
  return hint.scope === 'PUBLIC' ? hint.maxAge : 0;
}

export interface CacheSnapshot {
  epoch: number;
  /** This replica's own change counts (moved the moment it hears of a change). */
  local: Map<string, number>;
  /** The store's (shared by every replica when it is Redis). */
  shared: Generations;
}

/**
 * Caches anonymous catalog reads per channel, locale, operation and variables, for as long as every
 * subgraph that answered allows a shared copy (the gateway's Cache-Control: public, max-age; prices end
 * it at the next validity boundary, so a sale that ends is not served). Each entry is tagged with
 * the subgraphs that answered it (the gateway's x-storegraph-subgraphs header) and is dropped the moment one
 * of them reports a data change through the gateway's /changes stream. While that stream is down nothing is
 * served from or stored in the cache, and a reconnect starts from empty, so a missed change can never
 * leave a stale answer behind. A request that raced a change (started before it, answered after) is not
 * stored: each subgraph's change count is compared before storing, this replica's and the store's.
 *
 * The entries live in a CacheStore: this process's memory, or Redis shared by the BFF's replicas (REDIS_URL).
 * The last clean answers kept for outages stay in each replica's memory.
 */
export class ResponseCache {
  private readonly generations = new Map<string, number>();
  /** Drops not finished yet (Redis is a round trip away): entries of those subgraphs are not served meanwhile. */
  private readonly dropping = new Map<string, number>();
  /** Clears not finished yet (after a reconnect): nothing is served from the store meanwhile. */
  private clearing = 0;
  /** Bumped whenever the change stream drops or reconnects: an answer that straddles a gap is never stored. */
  private epoch = 0;
  private readonly maxTtlMs: number;
  /**
   * The last clean answer per key, kept for `staleMs` whatever changes or gaps happen since: served only
   * when a fresh answer failed as a whole (a subgraph, the gateway or the database down), marked stale.
   */
  private readonly lastGood: LRUCache<string, StaleEntry>;
  private readonly store: CacheStore;

  constructor(
    private readonly stream: ChangeStreamClient,
    opts: { max: number; ttlMs: number; staleMs?: number; store?: CacheStore },
  ) {
    this.maxTtlMs = opts.ttlMs;
    this.store = opts.store ?? new MemoryCacheStore({ max: opts.max, ttlMs: opts.ttlMs });
    this.lastGood = new LRUCache({ max: opts.max, ttl: opts.staleMs ?? 600_000 });
    this.stream.on('change', (e) => {
      this.generations.set(e.schema, (this.generations.get(e.schema) ?? 0) + 1);
      this.dropping.set(e.schema, (this.dropping.get(e.schema) ?? 0) + 1);
      void this.store.drop(e.schema).finally(() => this.dropping.set(e.schema, this.dropping.get(e.schema)! - 1));
    });
    this.stream.on('up', () => {
      this.epoch += 1;
      this.clearing += 1;
      void this.store.clear().finally(() => {
        this.clearing -= 1;
      });
    });
    this.stream.on('down', () => {
      this.epoch += 1;
    });
  }

  get usable(): boolean {
    return this.stream.connected;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    if (!this.usable) return undefined;
    const entry = await this.store.get(key);
    if (!entry || !this.usable || this.clearing > 0 || entry.subgraphs.some((s) => (this.dropping.get(s) ?? 0) > 0)) return undefined;
    return entry;
  }

  /** Change counts now, to hand back to `set` when the answer arrives. */
  async snapshot(): Promise<CacheSnapshot> {
    const epoch = this.epoch;
    const local = new Map(this.generations);
    return { epoch, local, shared: await this.store.generations() };
  }

  /** Stores the answer unless it raced a change; answers the stored entry (with its expiry), or undefined. */
  async set(key: string, answer: Omit<CacheEntry, 'expiresAt'>, before: CacheSnapshot, maxAgeSeconds: number): Promise<CacheEntry | undefined> {
    if (!this.usable || answer.subgraphs.length === 0 || maxAgeSeconds <= 0 || before.epoch !== this.epoch) return undefined;
    const changed = answer.subgraphs.some((s) => (this.generations.get(s) ?? 0) !== (before.local.get(s) ?? 0));
    if (changed) return undefined;
    const ttlMs = Math.min(maxAgeSeconds * 1000, this.maxTtlMs);
    const entry: CacheEntry = { ...answer, expiresAt: Date.now() + ttlMs };
    if (!(await this.store.set(key, entry, before.shared, ttlMs))) return undefined;
    this.lastGood.set(key, { ...entry, storedAt: Date.now() });
    return entry;
  }

  /** The last clean answer for `key`, if it is younger than the stale bound. */
  stale(key: string): StaleEntry | undefined {
    return this.lastGood.get(key);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
