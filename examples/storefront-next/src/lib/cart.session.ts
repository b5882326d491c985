import { cookies } from 'next/headers';
import { CartDocument, CreateCartDocument } from '@storegraph/bff-b2c/operations';
import type { Market } from './markets';
import { COOKIE_OPTIONS as COOKIE, channelCookieNames, channelCookies, refreshCookieOptions } from './session-cookies';
import { currentSession, issueGuestToken, personalClient } from './shop.client';

/**
 * Keeps the shopper's token (guest or customer) in this market's channel where only the server reads it, and a
 * customer's refresh token, which the proxy (src/proxy.ts) spends for the next pair when the access token runs out.
 */
export async function rememberSession(market: Market, token: string, kind: 'guest' | 'customer', refresh?: { token: string; expiresAt: string }) {
  const jar = await cookies();
  const names = channelCookies(market.channel);
  jar.set(names.token, token, COOKIE);
  jar.set(names.kind, kind, COOKIE);
  if (refresh) jar.set(names.refresh, refresh.token, refreshCookieOptions(refresh.expiresAt));
  else jar.delete(names.refresh);
}

/** Signing out of one market: its channel's session and cart go, another market's session stays. */
export async function forgetSession(market: Market) {
  const jar = await cookies();
  for (const name of channelCookieNames(market.channel)) if (jar.has(name)) jar.delete(name);
}

export async function rememberCart(market: Market, cartId: string | null) {
  const jar = await cookies();
  const name = channelCookies(market.channel).cart;
  if (cartId) jar.set(name, cartId, COOKIE);
  else jar.delete(name);
}

/** The shopper's token, issuing a guest session on the first write of an anonymous shopper. */
export async function ensureSession(market: Market): Promise<string> {
  const session = await currentSession(market);
  if (session.token) return session.token;
  const token = await issueGuestToken();
  await rememberSession(market, token, 'guest');
  return token;
}

/** The market's open cart of this shopper, or null (none yet, ordered, or no longer theirs). */
export async function openCart(market: Market) {
  const session = await currentSession(market);
  const id = (await cookies()).get(channelCookies(market.channel).cart)?.value;
  if (!id || !session.token) return null;
  const cart = (await personalClient(market, session.token).request(CartDocument, { id })).cart;
  return cart && cart.status === 'ACTIVE' ? cart : null;
}

/** The open cart, created on first use. */
export async function cartForWrite(market: Market) {
  const token = await ensureSession(market);
  const existing = await openCart(market);
  if (existing) return { token, cart: existing };
  const cart = (await personalClient(market, token).request(CreateCartDocument, {})).createCart;
  await rememberCart(market, cart.id);
  return { token, cart };
}

const pickupCookie = (market: Market) => channelCookies(market.channel).pickup;
export type PickupShops = Record<string, { id: string; name: string }[]>;

/** Where each variant in the cart can be collected, as its product page said (id|name;...), for the checkout. */
export async function rememberPickupShops(market: Market, variantId: string, shops: string) {
  const known = await pickupShopsByVariant(market);
  known[variantId] = shops
    .split(';')
    .filter(Boolean)
    .map((s) => {
      const [id, name] = s.split('|');
      return { id: id!, name: name ?? id! };
    });
  (await cookies()).set(pickupCookie(market), JSON.stringify(known), COOKIE);
}

export async function pickupShopsByVariant(market: Market): Promise<PickupShops> {
  try {
    return JSON.parse((await cookies()).get(pickupCookie(market))?.value ?? '{}') as PickupShops;
  } catch {
    return {};
  }
}
