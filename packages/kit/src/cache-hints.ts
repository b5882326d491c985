import type { GraphQLResolveInfo } from 'graphql';
import type { ChannelContext } from '@storegraph/schema';

/** How long an anonymous read may be served from a cache (per channel and locale) at most. */
export const CATALOG_MAX_AGE_SECONDS = 60;

type CacheHint = { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' };
type InfoWithCacheControl = GraphQLResolveInfo & { cacheControl?: { setCacheHint(hint: CacheHint): void } };

/**
 * The one cache-hint rule of every subgraph. Anonymous reads are the same for everyone in a channel and locale: PUBLIC, so the gateway and a
 * CDN may cache them keyed by the context's channel and locale. A customer's or company's answer may be
 * personal: PRIVATE. A staff member's may show drafts or be about to change: not cacheable at all
 * (maxAge 0, which sends no Cache-Control and so makes the gateway's overall policy uncacheable).
 */
export function cacheHint(channel: ChannelContext, info: GraphQLResolveInfo, maxAge = CATALOG_MAX_AGE_SECONDS): void {
  const control = (info as InfoWithCacheControl).cacheControl;
  if (!control) return;
  if (channel.staff) control.setCacheHint({ maxAge: 0 });
  else if (channel.customerId || channel.companyId || channel.customerGroup) control.setCacheHint({ maxAge, scope: 'PRIVATE' });
  else control.setCacheHint({ maxAge, scope: 'PUBLIC' });
}
