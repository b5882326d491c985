import { LRUCache } from 'lru-cache';
import { parseCacheControl, type ChangeStreamClient } from '@storegraph/kit';

interface Entry {
  status: number;
  /** Encoded once when stored: a hit writes the bytes, with no UTF-8 encoding of a 60 KB string per request. */
  body: Buffer;
  subgraphs: string[];
}

/** An answer kept to fall back on while the system cannot give a fresh one. */
export interface StaleEntry extends Entry {
  storedAt: number;
}

/** Seconds an answer may be shared, from the gateway's Cache-Control; 0 unless it is public. */
export function sharedMaxAge(cacheControl: string): number {
  const hint = parseCacheControl(cacheControl);
  return hint.scope === 'PUBLIC' ? hint.maxAge : 0;
}

/**
 * Caches anonymous catalog reads per channel, locale, operation and variables, for as long as every
 * subgraph that answered allows a shared copy (the gateway's Cache-Control: public, max-age; prices end
 * it at the next validity boundary, so a sale that ends is not served). Each entry is tagged with
 * the subgraphs that answered it (the gateway's x-storegraph-subgraphs header) and is dropped the moment one
 * of them reports a data change through the gateway's /changes stream. While that stream is down nothing is
 * served from or stored in the cache, and a reconnect starts from empty, so a missed change can never
 * leave a stale answer behind. A request that raced a change (started before it, answered after) is not
 * stored: each subgraph's generation is compared before storing.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly generations = new Map<string, number>();
  /** Bumped whenever the change stream drops or reconnects: an answer that straddles a gap is never stored. */
  private epoch = 0;
  private readonly stream: ChangeStreamClient;

  private readonly maxTtlMs: number;
  /**
   * The last clean answer per key, kept for `staleMs` whatever changes or gaps happen since: served only
   * when a fresh answer failed as a whole (a subgraph, the gateway or the database down), marked stale.
   */
  private readonly lastGood: LRUCache<string, StaleEntry>;

  constructor(stream: ChangeStreamClient, opts: { max: number; ttlMs: number; staleMs?: number }) {
    this.maxTtlMs = opts.ttlMs;
    this.entries = new LRUCache({ max: opts.max, ttl: opts.ttlMs });
    this.lastGood = new LRUCache({ max: opts.max, ttl: opts.staleMs ?? 600_000 });
    this.stream = stream;
    this.stream.on('change', (e) => {
      this.generations.set(e.schema, (this.generations.get(e.schema) ?? 0) + 1);
      for (const [key, entry] of this.entries.entries()) if (entry.subgraphs.includes(e.schema)) this.entries.delete(key);
    });
    const reset = () => {
      this.epoch += 1;
      this.entries.clear();
    };
    this.stream.on('up', reset);
    this.stream.on('down', reset);
  }

  get usable(): boolean {
    return this.stream.connected;
  }

  get(key: string): Entry | undefined {
    return this.usable ? this.entries.get(key) : undefined;
  }

  /** Generations now, to hand back to `set` when the answer arrives. */
  snapshot(): { epoch: number; generations: Map<string, number> } {
    return { epoch: this.epoch, generations: new Map(this.generations) };
  }

  set(key: string, entry: Entry, before: ReturnType<ResponseCache['snapshot']>, maxAgeSeconds: number): boolean {
    if (!this.usable || entry.subgraphs.length === 0 || maxAgeSeconds <= 0 || before.epoch !== this.epoch) return false;
    const changed = entry.subgraphs.some((s) => (this.generations.get(s) ?? 0) !== (before.generations.get(s) ?? 0));
    if (changed) return false;
    this.entries.set(key, entry, { ttl: Math.min(maxAgeSeconds * 1000, this.maxTtlMs) });
    this.lastGood.set(key, { ...entry, storedAt: Date.now() });
    return true;
  }

  /** Whole seconds the stored answer for `key` stays fresh here (0 when there is none): the shared max-age a client may use. */
  freshSeconds(key: string): number {
    return this.usable && this.entries.has(key) ? Math.floor(this.entries.getRemainingTTL(key) / 1000) : 0;
  }

  /** The last clean answer for `key`, if it is younger than the stale bound. */
  stale(key: string): StaleEntry | undefined {
    return this.lastGood.get(key);
  }
}
