import { LRUCache } from 'lru-cache';
import { ChangeStreamClient } from '@storegraph/kit';

interface Entry {
  status: number;
  body: string;
  subgraphs: string[];
}

/**
 * Caches anonymous catalog reads per channel, locale, operation and variables. Each entry is tagged with
 * the subgraphs that answered it (the gateway's x-storegraph-subgraphs header) and is dropped the moment one
 * of them reports a data change through the gateway's /changes stream. While that stream is down nothing is
 * served from or stored in the cache, and a reconnect starts from empty, so a missed change can never
 * leave a stale answer behind. A request that raced a change (started before it, answered after) is not
 * stored: each subgraph's generation is compared before storing.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly generations = new Map<string, number>();
  private readonly stream: ChangeStreamClient;

  constructor(gatewayUrl: string, opts: { max: number; ttlMs: number }) {
    this.entries = new LRUCache({ max: opts.max, ttl: opts.ttlMs });
    this.stream = new ChangeStreamClient(gatewayUrl.replace(/\/graphql$/, '/changes'));
    this.stream.on('change', (e) => {
      this.generations.set(e.schema, (this.generations.get(e.schema) ?? 0) + 1);
      for (const [key, entry] of this.entries.entries()) if (entry.subgraphs.includes(e.schema)) this.entries.delete(key);
    });
    this.stream.on('up', () => this.entries.clear());
    this.stream.on('down', () => this.entries.clear());
    this.stream.start();
  }

  get usable(): boolean {
    return this.stream.connected;
  }

  get(key: string): Entry | undefined {
    return this.usable ? this.entries.get(key) : undefined;
  }

  /** Generations now, to hand back to `set` when the answer arrives. */
  snapshot(): Map<string, number> {
    return new Map(this.generations);
  }

  set(key: string, entry: Entry, before: Map<string, number>): boolean {
    if (!this.usable || entry.subgraphs.length === 0) return false;
    const changed = entry.subgraphs.some((s) => (this.generations.get(s) ?? 0) !== (before.get(s) ?? 0));
    if (changed) return false;
    this.entries.set(key, entry);
    return true;
  }

  close(): void {
    this.stream.stop();
  }
}
