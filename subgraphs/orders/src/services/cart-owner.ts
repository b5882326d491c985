import type { ChannelContext } from '@storegraph/schema';

/**
 * Who a cart (and a checkout) belongs to, from the signed context only: a signed-in customer or trade
 * buyer, a guest session, or a till at its shop. Anyone else owns nothing and may not write.
 */
export function ownerOf(c: ChannelContext): string | null {
  if (c.customerId) return `customer:${c.customerId}`;
  if (c.guestId) return `guest:${c.guestId}`;
  if (c.channelKind === 'POS' && c.locationId) return `till:${c.channel}@${c.locationId}`;
  return null;
}
