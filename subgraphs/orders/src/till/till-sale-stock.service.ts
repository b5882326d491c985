import { serviceUnavailable } from '@storegraph/kit';
import { releaseReservation, reserveStock } from '../clients/stock.client.ts';
import type { OrdersContext } from '../context.ts';

/**
 * A replayed hold with less left than this is not used: the rest of the sale (card calls up to ~16 s) may outlive it.
 * Capped at half the hold, so a fresh short hold is still used.
 */
const marginMs = (holdSeconds: number) => Math.min(30_000, (holdSeconds * 1000) / 2);

/**
 * The till's hold on the sale's units at its shop, under the sale's key. A retry after the first hold lapsed (the till
 * died and came back after the hold: say once its store credit was released, 30 minutes on) gets that lapsed hold
 * replayed by the key, which can no longer be confirmed; the units are then held again under a key derived from the
 * lapsed hold, so duplicates sent at once share it and a crash after confirming it is found again the same way. At
 * most three renewals: a sale that needs more is answered as retryable.
 */
export async function reserveForSale(
  ctx: OrdersContext,
  service: string,
  key: string,
  lines: { variantId: string; quantity: number }[],
  locationId: string,
  holdSeconds: number,
) {
  let k = key;
  for (let renewal = 0; renewal <= 3; renewal++) {
    const answer = await reserveStock(ctx.deps.stock, service, ctx.channel.requestId, k, lines, holdSeconds, null, locationId);
    if (answer.__typename !== 'Reservation' || answer.status === 'CONFIRMED') return answer;
    if (answer.status === 'ACTIVE' && Date.parse(answer.expiresAt) - Date.now() > marginMs(holdSeconds)) return answer;
    // A lapsed hold the sweeper has not reached still counts its units as reserved: let go of them now.
    if (answer.status === 'ACTIVE') await releaseReservation(ctx.deps.stock, service, ctx.channel.requestId, answer.id).catch(() => undefined);
    k = `${key}:after:${answer.id}`;
  }
  throw serviceUnavailable('stock');
}
