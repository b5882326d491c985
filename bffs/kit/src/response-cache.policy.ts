import type http from 'node:http';
import type { ChannelContext } from '@storegraph/schema';
import type { ChosenOperation } from './document-choice.rules.ts';
import type { GatewayResult } from './gateway-client.ts';
import type { Principal } from './identity.ts';
import { sharedMaxAge, type CacheSnapshot, type ResponseCache } from './response-cache.ts';
import type { CacheEntry } from './response-cache.store.ts';

/** A cacheable request on its way to the gateway: where its answer would be stored, and what the cache looked like before. */
export interface CacheTicket {
  key: string;
  before: CacheSnapshot;
}

/** When and how the BFF's response cache is used for one request. */
export class ResponseCachePolicy {
  constructor(
    private readonly cache: ResponseCache | undefined,
    private readonly honourNoCache: boolean,
  ) {}

  /** Only anonymous reads are shared: anything signed-in may carry customer, group or company prices. */
  keyFor(principal: Principal | null, chosen: ChosenOperation, context: ChannelContext, variables: unknown): string | undefined {
    if (!this.cache || principal || chosen.kind !== 'query') return undefined;
    return JSON.stringify([context.channel, context.locale, chosen.hash, chosen.operationName ?? null, variables ?? null]);
  }

  /** The stored answer, unless `Cache-Control: no-cache` asks for a fresh one (HTTP semantics; it still refreshes the cache). */
  async lookup(req: http.IncomingMessage, key: string | undefined) {
    if (!key) return undefined;
    const revalidate = this.honourNoCache && String(req.headers['cache-control'] ?? '').includes('no-cache');
    return revalidate ? undefined : this.cache!.get(key);
  }

  /** The last clean answer, for when a fresh one failed as a whole (bounded age; see ResponseCache.stale). */
  stale(key: string | undefined) {
    return key ? this.cache!.stale(key) : undefined;
  }

  async ticket(key: string | undefined): Promise<CacheTicket | undefined> {
    return key ? { key, before: await this.cache!.snapshot() } : undefined;
  }

  /**
   * What a client (a storefront's page cache, a CDN) may do with the answer: share a stored anonymous answer
   * for as long as this BFF keeps it, keep anything else to itself. A change dropped here can still be served
   * by a client's copy until its max-age ends: that is the price of caching downstream.
   */
  cacheControl(entry: Pick<CacheEntry, 'expiresAt'> | undefined): string {
    const seconds = entry ? Math.floor((entry.expiresAt - Date.now()) / 1000) : 0;
    return seconds > 0 ? `public, max-age=${seconds}` : 'private, no-store';
  }

  /** Stores a clean answer for as long as every subgraph allowed a shared copy: x-cache, and the entry when stored. */
  async store(ticket: CacheTicket, result: GatewayResult): Promise<{ xCache: 'MISS' | 'BYPASS'; entry?: CacheEntry }> {
    const cacheable = result.status === 200 && !result.hasErrors;
    const answer = { status: result.status, body: Buffer.from(result.text), subgraphs: result.subgraphs };
    const entry = cacheable ? await this.cache!.set(ticket.key, answer, ticket.before, sharedMaxAge(result.cacheControl)) : undefined;
    return entry ? { xCache: 'MISS', entry } : { xCache: 'BYPASS' };
  }
}
