import { LRUCache } from 'lru-cache';
import { signChannelContext, type ChannelKind } from '@storegraph/schema';
import type { ChangeStreamClient } from '@storegraph/server-kit';
import type { GatewayClient } from './gateway-client.ts';

/** How long a key's answer is trusted when the change stream says nothing (it is down, or missed a change). */
export const KEY_TTL_MS = 60_000;
/**
 * Keys are looked up for anonymous callers, so random ones must not grow memory: 10,000 entries of ~100
 * bytes; an unknown key is remembered too (as null) so repeating it costs no gateway call.
 */
const MAX_KEYS = 10_000;

const QUERY = 'query PublishableKeyChannel($token: String!) { publishableKey(token: $token) { channel { code kind } } }';

/**
 * Which channel a storefront's publishable key names, asked of the catalog (which owns keys and channels)
 * through the gateway as a service viewer of every channel, and remembered. Revoking or issuing a key is a
 * catalog write, so the catalog's change announcement, relayed by the gateway's /changes stream, empties
 * this memory: a revoked key is refused from the next request after the change reaches the BFF (tens of
 * milliseconds), and within KEY_TTL_MS even if the stream is down.
 */
export class PublishableKeys {
  private readonly known = new LRUCache<string, { channel: string | null }>({ max: MAX_KEYS, ttl: KEY_TTL_MS });
  private readonly pending = new Map<string, Promise<string | null>>();
  /** Bumped by every catalog change: a lookup that started before one is answered but not remembered. */
  private generation = 0;

  constructor(
    private readonly gateway: GatewayClient,
    private readonly secret: string,
    private readonly service: string,
    private readonly kind: ChannelKind,
    changes: ChangeStreamClient,
  ) {
    const forget = () => {
      this.generation++;
      this.known.clear();
    };
    changes.on('change', (e) => e.schema === 'products' && forget());
    changes.on('up', forget);
  }

  /** The channel of a live key for this BFF's kind of channel, or null (unknown, revoked, or another kind's). */
  channelOf(token: string): Promise<string | null> {
    if (!/^pk_[A-Za-z0-9]{1,100}$/.test(token)) return Promise.resolve(null);
    const hit = this.known.get(token);
    if (hit) return Promise.resolve(hit.channel);
    let lookup = this.pending.get(token);
    if (!lookup) {
      lookup = this.lookUp(token).finally(() => this.pending.delete(token));
      this.pending.set(token, lookup);
    }
    return lookup;
  }

  private async lookUp(token: string): Promise<string | null> {
    const generation = this.generation;
    const context = await signChannelContext(
      {
        requestId: `${this.service}-publishable-key`,
        // No channel yet: that is what is being asked. '*' names none and reads no channel's data.
        channel: '*',
        channelKind: this.kind,
        currency: 'XXX', // ISO 4217 "no currency": this request prices nothing
        locale: 'en',
        country: 'ZZ',
        taxMode: 'INCLUSIVE',
        staff: { id: `service:${this.service}`, roles: ['viewer'], channels: ['*'] },
      },
      this.secret,
      this.service,
    );
    const res = await this.gateway.execute({ query: QUERY, variables: { token } }, context, `${this.service}-publishable-key`);
    const body = res.body as { data?: { publishableKey?: { channel: { code: string; kind: ChannelKind } } | null }; errors?: unknown[] };
    if (res.status !== 200 || body.errors?.length) throw new Error(`publishable key lookup failed: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    const channel = body.data?.publishableKey?.channel;
    const answer = channel && channel.kind === this.kind ? channel.code : null;
    if (generation === this.generation) this.known.set(token, { channel: answer });
    return answer;
  }
}
