import { appError, Code } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { channelLocationIds } from '../clients/stock-locations.client.ts';
import { shopList, unboundShops } from '../domain/till-shop.rules.ts';

/**
 * A till staff member's shops as they will be stored: checked for form (a TillInputInvalid on locationIds), then
 * against the locations stock binds to the channel. A shop the channel does not sell from is NOT_IN_CHANNEL with
 * the ids in `extensions.locationIds` (thrown, so the audit trail records the refusal with its code), and nothing
 * is written: a member listed at another channel's shop would hold a list no till of theirs can ever match.
 */
export async function checkedShops(
  ctx: CustomersContext,
  channel: string,
  locationIds: readonly string[],
): Promise<{ ids: string[] } | { __typename: 'TillInputInvalid'; message: string; field: string }> {
  const list = shopList(locationIds);
  if ('problem' in list) return { __typename: 'TillInputInvalid', message: list.problem, field: 'locationIds' };
  const missing = unboundShops(list.ids, await channelLocationIds(ctx, channel));
  if (missing.length > 0) throw appError(Code.NOT_IN_CHANNEL, `channel ${channel} does not sell from ${missing.join(', ')}`, { locationIds: missing });
  return list;
}
