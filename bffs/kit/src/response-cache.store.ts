import { LRUCache } from 'lru-cache';

export interface CacheEntry {
  status: number;
  /** Encoded once when stored: a hit writes the bytes, with no UTF-8 encoding of a 60 KB string per request. */
  body: Buffer;
  subgraphs: string[];
  /** When the entry stops being served (epoch ms): what is left of it is the max-age a client may use. */
  expiresAt: number;
}

/** Each subgraph's change count when a request set out: an answer is stored only if none of its subgraphs moved since. */
export type Generations = Map<string, string>;

/**
 * Where cached answers live: this process's memory, or Redis so every replica of a BFF shares them
 * (response-cache.redis-store.ts). Both keep a change count per subgraph, moved by `drop`, so an answer that
 * raced a change (asked before it, answered after) is never stored, whichever replica saw the change.
 */
export interface CacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  generations(): Promise<Generations>;
  /** Stores unless a subgraph of the entry moved since `before`; says whether it did. */
  set(key: string, entry: CacheEntry, before: Generations, ttlMs: number): Promise<boolean>;
  /** A subgraph reported a change: its entries go and its count moves. */
  drop(subgraph: string): Promise<void>;
  /** Everything goes (the change stream had a gap: a change may have been missed). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCacheStore implements CacheStore {
  private readonly entries: LRUCache<string, CacheEntry>;
  private readonly counts = new Map<string, number>();

  constructor(opts: { max: number; ttlMs: number }) {
    this.entries = new LRUCache({ max: opts.max, ttl: opts.ttlMs });
  }

  async get(key: string) {
    return this.entries.get(key);
  }

  async generations() {
    return new Map([...this.counts].map(([s, n]) => [s, String(n)]));
  }

  async set(key: string, entry: CacheEntry, before: Generations, ttlMs: number) {
    if (entry.subgraphs.some((s) => String(this.counts.get(s) ?? 0) !== (before.get(s) ?? '0'))) return false;
    this.entries.set(key, entry, { ttl: ttlMs });
    return true;
  }

  async drop(subgraph: string) {
    this.counts.set(subgraph, (this.counts.get(subgraph) ?? 0) + 1);
    for (const [key, entry] of this.entries.entries()) if (entry.subgraphs.includes(subgraph)) this.entries.delete(key);
  }

  async clear() {
    this.entries.clear();
  }

  async close() {}
}
