import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { MARKETS, marketOf } from '@/lib/markets';
import { currentSession } from '@/lib/shop.client';

export default async function MarketLayout({ children, params }: { children: ReactNode; params: Promise<{ market: string }> }) {
  const market = marketOf((await params).market);
  if (!market) notFound();
  // The session in this market's channel only: a customer of another market is anonymous here.
  const session = await currentSession(market);
  return (
    <>
      <header>
        <Link href={`/${market.slug}`}>
          <strong>Storegraph</strong>
        </Link>
        <form action={`/${market.slug}`} method="get" aria-label="Search the catalogue">
          <input name="q" type="search" placeholder="Search" aria-label="Search" />
        </form>
        <nav aria-label="Markets" id="markets">
          {MARKETS.map((m) => (
            <Link key={m.slug} href={`/${m.slug}`} aria-current={m.slug === market.slug ? 'page' : undefined} id={`market-${m.slug}`}>
              {m.label}
            </Link>
          ))}
        </nav>
        <nav aria-label="Shopper">
          <Link href={`/${market.slug}/cart`} id="cart-link">
            Cart
          </Link>
          {session.kind === 'customer' ? (
            <Link href={`/${market.slug}/account`} id="account-link">
              Account
            </Link>
          ) : (
            <Link href={`/${market.slug}/sign-in`} id="sign-in-link">
              Sign in
            </Link>
          )}
        </nav>
      </header>
      <main lang={market.locale}>{children}</main>
    </>
  );
}
