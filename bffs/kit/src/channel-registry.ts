import { GraphQLError } from 'graphql';
import type { ChannelKind, TaxMode } from '@storegraph/schema';
import { signChannelContext } from '@storegraph/schema';
import type { GatewayClient } from './gateway-client.ts';

export interface ChannelDefinition {
  code: string;
  kind: ChannelKind;
  name: string;
  currency: string;
  defaultLocale: string;
  locales: string[];
  country: string;
  taxMode: TaxMode;
}

function unavailable(body: unknown): boolean {
  const errors = (body as { errors?: { extensions?: { code?: string } }[] } | null)?.errors ?? [];
  return errors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
}

const QUERY = 'query ChannelBootstrap($code: ID!) { salesChannel(code: $code) { code kind name currency defaultLocale locales country taxMode } }';

/**
 * Channel definitions live in the catalog. A BFF reads its channels once through the gateway as a
 * service principal (a staff viewer scoped to that channel only) and refreshes them every minute.
 */
export class ChannelRegistry {
  private cache = new Map<string, { def: ChannelDefinition; at: number }>();

  constructor(
    private readonly gateway: GatewayClient,
    private readonly secret: string,
    private readonly service: string,
    private readonly kind: ChannelKind,
    /** The admin BFF works in channels of every kind; a channel BFF only in its own. */
    private readonly anyKind = false,
  ) {}

  async get(code: string): Promise<ChannelDefinition> {
    const hit = this.cache.get(code);
    if (hit && Date.now() - hit.at < 60_000) return hit.def;
    const token = await signChannelContext(
      {
        requestId: `${this.service}-bootstrap`,
        channel: code,
        channelKind: this.kind,
        currency: 'XXX', // ISO 4217 "no currency": this request prices nothing
        locale: 'en',
        country: 'ZZ',
        taxMode: 'INCLUSIVE',
        staff: { id: `service:${this.service}`, roles: ['viewer'], channels: [code] },
      },
      this.secret,
      this.service,
    );
    const res = await this.gateway.execute({ query: QUERY, variables: { code } }, token, `${this.service}-bootstrap`);
    const def = (res.body as { data?: { salesChannel?: ChannelDefinition | null } }).data?.salesChannel;
    if (!def && unavailable(res.body)) {
      // The catalog (or the gateway) is down: a channel known a minute ago is still that channel.
      if (hit) return hit.def;
      throw new GraphQLError('the catalog is unavailable; retry later', { extensions: { code: 'SERVICE_UNAVAILABLE', service: 'products', retryable: true } });
    }
    // The caller named a channel (a header, a key's lookup): a client's mistake, not the service's.
    if (!def) throw new GraphQLError(`sales channel ${code} is not defined in the catalog`, { extensions: { code: 'NOT_FOUND' } });
    if (def.kind !== this.kind && !this.anyKind)
      throw new GraphQLError(`sales channel ${code} is ${def.kind}, this BFF serves ${this.kind}`, { extensions: { code: 'FORBIDDEN' } });
    this.cache.set(code, { def, at: Date.now() });
    return def;
  }
}
