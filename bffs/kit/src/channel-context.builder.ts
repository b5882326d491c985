import type http from 'node:http';
import type { ChannelContext } from '@storegraph/schema';
import type { ChannelDefinition, ChannelRegistry } from './channel-registry.ts';
import { guestOf, type Principal } from './identity.ts';

/** What a BFF's caller rules may consult beyond the request: its publishable keys and whether the dev header counts. */
export interface CallerLookups {
  /** The channel a storefront's publishable key names, or null when unknown or revoked (storefront BFFs only). */
  channelOfKey(token: string): Promise<string | null>;
  /** Development only: an unsigned `x-storefront-channel` header may pick the channel (BFF_CHANNEL_HEADER). */
  channelHeader: boolean;
}

export type ResolveCaller = (
  req: http.IncomingMessage,
  principal: Principal | null,
  lookups: CallerLookups,
) => { channel: string } | Promise<{ channel: string }>;
export type ContextBuilder = (req: http.IncomingMessage, principal: Principal | null, requestId: string) => Promise<ChannelContext>;

/** The channel's locale the caller prefers (Accept-Language), by exact tag, then by language, else the default. */
export function negotiateLocale(req: http.IncomingMessage, def: ChannelDefinition): string {
  const header = String(req.headers['accept-language'] ?? '');
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]!.trim();
    const exact = def.locales.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const lang = def.locales.find((l) => l.slice(0, 2).toLowerCase() === tag.slice(0, 2).toLowerCase());
    if (lang && tag) return lang;
  }
  return def.defaultLocale;
}

/**
 * Builds the sales-channel context the subgraphs trust: the BFF's caller rules pick the channel (throwing
 * a GraphQLError when the caller may not use it), the principal says who is asking.
 */
export function contextBuilder(resolveCaller: ResolveCaller, channels: ChannelRegistry, idpSecret: string, lookups: CallerLookups): ContextBuilder {
  return async (req, principal, requestId) => {
    const { channel } = await resolveCaller(req, principal, lookups);
    const def = await channels.get(channel);
    const staff = principal?.kind === 'staff' ? { id: principal.sub, roles: principal.roles ?? [], channels: principal.channels ?? [] } : undefined;
    const isCustomer = principal?.kind === 'customer' || principal?.kind === 'buyer';
    // A guest is their session; a customer who just signed in may name the guest session they came from.
    const guestId =
      principal?.kind === 'guest' ? principal.sub : principal?.kind === 'customer' ? await guestOf(req.headers['x-guest-token'], idpSecret) : undefined;
    return {
      requestId,
      channel: def.code,
      channelKind: def.kind,
      currency: def.currency,
      locale: negotiateLocale(req, def),
      country: def.country,
      taxMode: def.taxMode,
      customerId: isCustomer ? principal.sub : undefined,
      guestId,
      customerGroup: principal?.group,
      companyId: principal?.kind === 'buyer' ? principal.company : undefined,
      locationId: principal?.kind === 'device' ? principal.location : undefined,
      staff,
    };
  };
}
