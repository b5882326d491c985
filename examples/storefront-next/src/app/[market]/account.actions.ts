'use server';

import { redirect } from 'next/navigation';
import { StorefrontError } from '@storegraph/client';
import { MergeGuestCartDocument, SignInDocument, SignOutDocument, SignUpDocument } from '@storegraph/bff-b2c/operations';
import { forgetSession, rememberCart, rememberSession } from '@/lib/cart.session';
import { marketOf, type Market } from '@/lib/markets';
import { currentSession, personalClient } from '@/lib/shop.client';

function marketFrom(form: FormData): Market {
  const market = marketOf(String(form.get('market')));
  if (!market) throw new Error('unknown market');
  return market;
}

/** A signed-in customer keeps what they put in the cart as a guest: the guest cart merges into theirs. */
async function startCustomerSession(market: Market, session: { accessToken: string; refreshToken: string; refreshTokenExpiresAt: string }, next: string) {
  const { accessToken } = session;
  // The guest session of this market's channel only: another market's guest cart stays in that market.
  const before = await currentSession(market);
  const guestToken = before.kind === 'guest' ? before.token : undefined;
  await rememberSession(market, accessToken, 'customer', { token: session.refreshToken, expiresAt: session.refreshTokenExpiresAt });
  const headers: Record<string, string> = guestToken ? { 'x-guest-token': guestToken } : {};
  const merged = (await personalClient(market, accessToken, headers).request(MergeGuestCartDocument)).mergeGuestCart;
  await rememberCart(market, merged?.id ?? null);
  redirect(next.startsWith(`/${market.slug}/`) ? next : `/${market.slug}/account`);
}

export async function signIn(form: FormData) {
  const market = marketFrom(form);
  const input = { email: String(form.get('email')), password: String(form.get('password')) };
  const result = (await personalClient(market, undefined).request(SignInDocument, { input })).signIn;
  if (result.__typename !== 'AuthSession') redirect(`/${market.slug}/sign-in?problem=${result.__typename}`);
  await startCustomerSession(market, result, String(form.get('next') ?? ''));
}

export async function signUp(form: FormData) {
  const market = marketFrom(form);
  const input = { email: String(form.get('email')), password: String(form.get('password')), name: String(form.get('name') ?? '') || undefined };
  const result = (await personalClient(market, undefined).request(SignUpDocument, { input })).signUp;
  if (result.__typename !== 'AuthSession') redirect(`/${market.slug}/sign-up?problem=${result.__typename}`);
  await startCustomerSession(market, result, String(form.get('next') ?? ''));
}

export async function signOut(form: FormData) {
  const market = marketFrom(form);
  const session = await currentSession(market);
  // A session the BFF already ended (UNAUTHENTICATED) needs no signing out: the cookies go either way.
  if (session.kind === 'customer' && session.token)
    await personalClient(market, session.token, {}, { onUnauthenticated: 'throw' })
      .request(SignOutDocument)
      .catch((err: unknown) => {
        if (!(err instanceof StorefrontError && err.code === 'UNAUTHENTICATED')) throw err;
      });
  await forgetSession(market);
  redirect(`/${market.slug}`);
}
