import { cookies } from 'next/headers';
import type { Market } from './markets';
import type { Money } from './money.format';
import { COOKIE_OPTIONS as COOKIE, channelCookies } from './session-cookies';

/**
 * The unit price each variant's product page showed when the shopper added it, so the cart can say so when
 * the live price differs: a page drawn a moment before a price change (or kept open for an hour) is told
 * apart from what the checkout will charge, in words, before the review.
 */
const shownCookie = (market: Market) => channelCookies(market.channel).shown;
/** A cart holds few lines; a shopper adding hundreds of variants keeps the latest. */
const MAX_VARIANTS = 50;

export type ShownPrices = Record<string, { amount: number; currency: string }>;

export async function shownPrices(market: Market): Promise<ShownPrices> {
  try {
    return JSON.parse((await cookies()).get(shownCookie(market))?.value ?? '{}') as ShownPrices;
  } catch {
    return {};
  }
}

/** `shown` is the page's `<minor units> <currency>` (the price tag's data-price); anything else is not kept. */
export async function rememberShownPrice(market: Market, variantId: string, shown: string) {
  const match = /^(\d{1,15}) ([A-Z]{3})$/.exec(shown);
  if (!match) return;
  const known = await shownPrices(market);
  delete known[variantId];
  known[variantId] = { amount: Number(match[1]), currency: match[2]! };
  const kept = Object.entries(known).slice(-MAX_VARIANTS);
  (await cookies()).set(shownCookie(market), JSON.stringify(Object.fromEntries(kept)), COOKIE);
}

export async function forgetShownPrices(market: Market) {
  (await cookies()).delete(shownCookie(market));
}

/** The shown price when the live one differs from it, else null. */
export function movedFrom(shown: ShownPrices[string] | undefined, live: Money | null | undefined): ShownPrices[string] | null {
  if (!shown || !live) return null;
  return shown.amount !== live.amount || shown.currency !== live.currency ? shown : null;
}
