import { type CacheEntry, type CatalogueStore, DROP_MEMORY_MS, SETTLE_MS } from './catalogue-cache.store';

const MAX_ENTRIES = 2_000;

/** The cache in this server process's memory: each replica keeps its own and needs the webhook itself. */
export class MemoryCatalogueStore implements CatalogueStore {
  private readonly entries = new Map<string, CacheEntry>();
  /** id -> when a change last dropped it. */
  private readonly dropped = new Map<string, number>();

  async get(key: string, now: number) {
    const hit = this.entries.get(key);
    return hit && hit.expiresAt > now ? hit : undefined;
  }

  async put(key: string, entry: CacheEntry, startedAt: number) {
    if (entry.tags.some((t) => (this.dropped.get(t) ?? 0) > startedAt - SETTLE_MS)) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }

  async drop(tags: string[], now: number) {
    const wanted = new Set(tags);
    for (const tag of wanted) this.dropped.set(tag, now);
    let n = 0;
    for (const [key, entry] of this.entries) {
      if (entry.tags.some((t) => wanted.has(t))) {
        this.entries.delete(key);
        n++;
      }
    }
    for (const [tag, at] of this.dropped) if (at < now - DROP_MEMORY_MS) this.dropped.delete(tag);
    return n;
  }
}
