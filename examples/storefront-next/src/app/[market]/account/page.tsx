import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { MeDocument, MyOrdersDocument } from '@storegraph/bff-b2c/operations';
import { AddressBook } from '@/components/address-book';
import { marketOf } from '@/lib/markets';
import { formatMoney } from '@/lib/money.format';
import { currentSession, personalClient } from '@/lib/shop.client';
import { signOut } from '../account.actions';

export const dynamic = 'force-dynamic';

/** The signed-in customer's profile, order history (this channel's orders) and address book, read per request. */
export default async function Account({ params, searchParams }: { params: Promise<{ market: string }>; searchParams: Promise<{ problem?: string }> }) {
  const market = marketOf((await params).market);
  const { problem } = await searchParams;
  if (!market) notFound();
  const session = await currentSession(market);
  if (session.kind !== 'customer') redirect(`/${market.slug}/sign-in?next=/${market.slug}/account`);
  const shop = personalClient(market, session.token);
  const [{ me }, { myOrders }] = await Promise.all([shop.request(MeDocument), shop.request(MyOrdersDocument, { first: 20 })]);
  return (
    <section id="account">
      <h1>{me?.name ?? me?.email}</h1>
      <p id="account-email">{me?.email}</p>
      <h2>Orders</h2>
      {myOrders.nodes.length === 0 ? <p id="no-orders">No orders yet.</p> : null}
      <table id="orders">
        <tbody>
          {myOrders.nodes.map((o) => (
            <tr key={o.id} className="order" data-order-id={o.id}>
              <td>
                <Link href={`/${market.slug}/orders/${o.id}`}>{o.number}</Link>
              </td>
              <td className="status">{o.status}</td>
              <td className="total">{formatMoney(o.total, market.locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddressBook market={market} addresses={me?.addresses ?? []} problem={problem} />
      <form action={signOut}>
        <input type="hidden" name="market" value={market.slug} />
        <button type="submit">Sign out</button>
      </form>
    </section>
  );
}
