import { cookies } from 'next/headers';
import { CartDocument, CreateCartDocument } from '@storegraph/bff-b2c/operations';
import type { Market } from './markets';
import { COOKIE_OPTIONS as COOKIE, COOKIE_PREFIX, KIND_COOKIE, MARKET_COOKIE, REFRESH_COOKIE, TOKEN_COOKIE, refreshCookieOptions } from './session-cookies';
import { cartCookie, currentSession, issueGuestToken, personalClient } from './shop.client';

/**
 * Keeps the shopper's token (guest or customer) where only the server reads it, and a customer's refresh token,
 * which the proxy (src/proxy.ts) spends for the next pair when the access token runs out.
 */
export async function rememberSession(token: string, kind: 'guest' | 'customer', refresh?: { token: string; expiresAt: string; market: Market }) {
  const jar = await cookies();
  jar.set(TOKEN_COOKIE, token, COOKIE);
  jar.set(KIND_COOKIE, kind, COOKIE);
  if (refresh) {
    jar.set(REFRESH_COOKIE, refresh.token, refreshCookieOptions(refresh.expiresAt));
    jar.set(MARKET_COOKIE, refresh.market.slug, refreshCookieOptions(refresh.expiresAt));
  } else {
    jar.delete(REFRESH_COOKIE);
    jar.delete(MARKET_COOKIE);
  }
}

export async function forgetSession() {
  const jar = await cookies();
  for (const c of jar.getAll()) if (c.name.startsWith(COOKIE_PREFIX)) jar.delete(c.name);
}

export async function rememberCart(market: Market, cartId: string | null) {
  const jar = await cookies();
  if (cartId) jar.set(cartCookie(market), cartId, COOKIE);
  else jar.delete(cartCookie(market));
}

/** The shopper's token, issuing a guest session on the first write of an anonymous shopper. */
export async function ensureSession(): Promise<string> {
  const session = await currentSession();
  if (session.token) return session.token;
  const token = await issueGuestToken();
  await rememberSession(token, 'guest');
  return token;
}

/** The market's open cart of this shopper, or null (none yet, ordered, or no longer theirs). */
export async function openCart(market: Market) {
  const session = await currentSession();
  const id = (await cookies()).get(cartCookie(market))?.value;
  if (!id || !session.token) return null;
  const cart = (await personalClient(market, session.token).request(CartDocument, { id })).cart;
  return cart && cart.status === 'ACTIVE' ? cart : null;
}

/** The open cart, created on first use. */
export async function cartForWrite(market: Market) {
  const token = await ensureSession();
  const existing = await openCart(market);
  if (existing) return { token, cart: existing };
  const cart = (await personalClient(market, token).request(CreateCartDocument, {})).createCart;
  await rememberCart(market, cart.id);
  return { token, cart };
}

const pickupCookie = (market: Market) => `sg_pickup_${market.channel}`;
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
