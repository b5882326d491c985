import { CUSTOMERS_SERVICE_ISSUER, signChannelContext } from '@storegraph/schema';
import { DependencyUnavailableError, serviceUnavailable, SubgraphUnavailableError } from '@storegraph/kit';
import type { CustomersContext } from '../context.ts';

const CHANNEL_LOCATIONS = 'query TillStaffShops { locations { id } }';

/**
 * The stock locations a channel sells from, as stock binds them (`stock.channel_locations`): what a till staff
 * member's shops must be among. Asked with a service context of that channel (stock's `locations` answers the
 * context's channel), not the staff caller's, whose working channel may be another one.
 */
export async function channelLocationIds(ctx: CustomersContext, channel: string): Promise<Set<string>> {
  const token = await signChannelContext(
    {
      requestId: ctx.requestId,
      channel,
      channelKind: 'POS',
      currency: 'XXX', // ISO 4217 "no currency": this request prices nothing
      locale: 'en',
      country: 'ZZ',
      taxMode: 'INCLUSIVE',
    },
    ctx.deps.contextSecret,
    CUSTOMERS_SERVICE_ISSUER,
  );
  try {
    const data = await ctx.deps.stock.execute<{ locations: { id: string }[] }>(token, ctx.requestId, CHANNEL_LOCATIONS, {}, 2_000);
    return new Set(data.locations.map((l) => l.id));
  } catch (err) {
    // Nothing is written without the answer: the staff admin may retry.
    if (err instanceof DependencyUnavailableError || err instanceof SubgraphUnavailableError) {
      ctx.log.warn({ err: err.message, channel }, 'stock did not answer the channel locations');
      throw serviceUnavailable('stock');
    }
    throw err;
  }
}
