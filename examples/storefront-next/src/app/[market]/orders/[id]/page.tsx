import { notFound } from 'next/navigation';
import { OrderStatusDocument } from '@storegraph/bff-b2c/operations';
import { LiveOrderStatus } from '@/components/live-order-status';
import { marketOf } from '@/lib/markets';
import { formatMoney, minorUnits, type Money } from '@/lib/money.format';
import { currentSession, personalClient } from '@/lib/shop.client';

export const dynamic = 'force-dynamic';

/** One order of this shopper (guest session or customer): the BFF answers null for anyone else's. */
export default async function OrderPage({ params }: { params: Promise<{ market: string; id: string }> }) {
  const { market: slug, id } = await params;
  const market = marketOf(slug);
  if (!market) notFound();
  const session = await currentSession(market);
  const { order } = await personalClient(market, session.token).request(OrderStatusDocument, { id });
  if (!order) notFound();
  const money = (m: Money) => formatMoney(m, market.locale);
  return (
    <section id="order" data-order-id={order.id}>
      <h1>
        Order <span id="order-number">{order.number}</span>
      </h1>
      <p>
        Status <LiveOrderStatus market={market.slug} orderId={order.id} initial={order.status} />
      </p>
      <table>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.lineNo} className="order-line">
              <td>{l.sku}</td>
              <td>{l.quantity} ×</td>
              <td>{money(l.unitPrice)}</td>
              <td>{money(l.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Shipping {money(order.shippingTotal)} · {order.taxIncluded ? 'tax included' : 'tax'} {money(order.taxTotal)} · Total{' '}
        <strong id="order-total" data-amount={minorUnits(order.total)}>
          {money(order.total)}
        </strong>
      </p>
    </section>
  );
}
