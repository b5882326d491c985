import Link from 'next/link';
import { notFound } from 'next/navigation';
import { openCart } from '@/lib/cart.session';
import { marketOf } from '@/lib/markets';
import { formatMoney, type Money } from '@/lib/money.format';
import { movedFrom, shownPrices } from '@/lib/shown-prices.session';
import { changeQuantity } from '../cart.actions';

export const dynamic = 'force-dynamic';

/** The shopper's own cart: read per request with their token, never cached. */
export default async function CartPage({ params }: { params: Promise<{ market: string }> }) {
  const market = marketOf((await params).market);
  if (!market) notFound();
  const cart = await openCart(market);
  if (!cart || cart.lines.length === 0) return <p id="empty-cart">Your cart is empty.</p>;
  const money = (m: Money | null | undefined) => (m ? formatMoney(m, market.locale) : '–');
  const shown = await shownPrices(market);
  const moved = cart.lines.flatMap((l) => {
    const was = movedFrom(shown[l.variant.id], l.unitPrice);
    return was ? [{ variantId: l.variant.id, sku: l.variant.sku, was, now: l.unitPrice! }] : [];
  });
  return (
    <section id="cart">
      <h1>Cart</h1>
      {moved.length ? (
        <ul className="problem" id="price-moved">
          {moved.map((m) => (
            <li key={m.variantId} data-variant-id={m.variantId}>
              {m.sku}: now {money(m.now)} each; the product page showed {money(m.was)}. You pay the price shown here and at review.
            </li>
          ))}
        </ul>
      ) : null}
      <table>
        <tbody>
          {cart.lines.map((l) => (
            <tr key={l.variant.id} className="cart-line" data-variant-id={l.variant.id}>
              <td>{l.variant.sku}</td>
              <td>
                <form action={changeQuantity}>
                  <input type="hidden" name="market" value={market.slug} />
                  <input type="hidden" name="variantId" value={l.variant.id} />
                  <input type="number" name="quantity" defaultValue={l.quantity} min={0} aria-label="Quantity" /> <button type="submit">Update</button>
                </form>
              </td>
              <td className="unit">{money(l.unitPrice)}</td>
              <td className="line-total">{money(l.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Subtotal <span id="cart-subtotal">{money(cart.totals?.subtotal)}</span>{' '}
        <span className="tax-note">{cart.totals?.taxIncluded ? 'incl. tax' : 'plus tax'}</span>
      </p>
      <Link href={`/${market.slug}/checkout`} id="to-checkout">
        Checkout
      </Link>
    </section>
  );
}
