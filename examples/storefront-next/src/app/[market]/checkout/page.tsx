import { randomUUID } from 'node:crypto';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { MeDocument, PriceQuoteDocument, ShippingMethodsDocument } from '@storegraph/bff-b2c/operations';
import type { StorefrontClient } from '@storegraph/client';
import { channelOf } from '@/lib/channel.query';
import { openCart, pickupShopsByVariant } from '@/lib/cart.session';
import { marketOf } from '@/lib/markets';
import { formatMoney, minorUnits, type Money } from '@/lib/money.format';
import { currentSession, personalClient } from '@/lib/shop.client';
import { placeOrder, saveCheckoutDetails } from '../cart.actions';

export const dynamic = 'force-dynamic';

/** What PlaceOrder's refusals mean to a shopper; the review below is always the live quote. */
const PROBLEMS: Record<string, string> = {
  PriceChanged: 'A price changed since you reviewed your order. Nothing was charged: please check the new total.',
  InsufficientStock: 'Part of your order has just sold out. Nothing was charged: please check your cart.',
};

type CartForQuote = {
  couponCodes: string[];
  shippingMethod?: string | null;
  shippingAddress?: { country: string; region?: string | null } | null;
  lines: { variant: { id: string }; quantity: number }[];
};

async function rejectedCoupons(shop: StorefrontClient, cart: CartForQuote) {
  const { quote } = await shop.request(PriceQuoteDocument, {
    input: {
      lines: cart.lines.map((l) => ({ variantId: l.variant.id, quantity: l.quantity })),
      couponCodes: cart.couponCodes,
      shipTo: cart.shippingAddress ? { country: cart.shippingAddress.country, region: cart.shippingAddress.region } : undefined,
      shippingMethod: cart.shippingMethod ?? undefined,
    },
  });
  return quote.__typename === 'Quote' ? quote.rejectedCoupons : [];
}

/**
 * Checkout for guests and signed-in customers in two steps: details (contact, address, a shipping method
 * or a shop to collect from, coupon), then review, where the order is placed for exactly the total shown.
 */
export default async function Checkout({
  params,
  searchParams,
}: {
  params: Promise<{ market: string }>;
  searchParams: Promise<{ step?: string; problem?: string }>;
}) {
  const market = marketOf((await params).market);
  if (!market) notFound();
  const { step, problem } = await searchParams;
  const cart = await openCart(market);
  if (!cart || cart.lines.length === 0) return <p id="empty-cart">Your cart is empty.</p>;
  const session = await currentSession(market);
  const shop = personalClient(market, session.token);
  const money = (m: Money | null | undefined) => (m ? formatMoney(m, market.locale) : '–');

  if (step === 'review' && cart.totals && cart.problems.length === 0) {
    const t = cart.totals;
    // The cart prices without a coupon it cannot use; the quote says why, so the shopper is told.
    const rejected = cart.couponCodes.length ? await rejectedCoupons(shop, cart) : [];
    return (
      <section id="review">
        <h1>Review your order</h1>
        {problem ? (
          <p className="problem" id="problem" data-problem={problem}>
            {PROBLEMS[problem] ?? problem}
          </p>
        ) : null}
        {rejected.length ? (
          <ul className="problem" id="coupon-problems">
            {rejected.map((r) => (
              <li key={r.code}>
                {r.code}: {r.message}
              </li>
            ))}
          </ul>
        ) : null}
        <table>
          <tbody>
            {cart.lines.map((l) => (
              <tr key={l.variant.id} className="review-line">
                <td>{l.variant.sku}</td>
                <td>{l.quantity} ×</td>
                <td>{money(l.unitPrice)}</td>
                <td>{money(l.total)}</td>
              </tr>
            ))}
            <tr>
              <th>Subtotal</th>
              <td colSpan={3} id="review-subtotal">
                {money(t.subtotal)}
              </td>
            </tr>
            <tr>
              <th>Discount</th>
              <td colSpan={3} id="review-discount">
                {money(t.discount)}
              </td>
            </tr>
            <tr>
              <th>{cart.pickupLocationId ? 'Collection' : 'Shipping'}</th>
              <td colSpan={3} id="review-shipping">
                {money(t.shipping)}
              </td>
            </tr>
            <tr>
              <th>{t.taxIncluded ? 'Tax included' : 'Tax'}</th>
              <td colSpan={3} id="review-tax">
                {money(t.tax)}
              </td>
            </tr>
            <tr>
              <th>Total</th>
              <td colSpan={3} id="review-total" data-amount={minorUnits(t.total)}>
                {money(t.total)}
              </td>
            </tr>
          </tbody>
        </table>
        <p>
          {cart.email} · {cart.pickupLocationId ? `collect at ${cart.pickupLocationId}` : `${cart.shippingMethod} to ${cart.shippingAddress?.city}`}{' '}
          {cart.couponCodes.length ? `· coupon ${cart.couponCodes.join(', ')}` : null}
        </p>
        <form action={placeOrder}>
          <input type="hidden" name="market" value={market.slug} />
          <input type="hidden" name="cartId" value={cart.id} />
          <input type="hidden" name="amount" value={minorUnits(t.total)} />
          <input type="hidden" name="currency" value={t.total.currency} />
          <input type="hidden" name="idempotencyKey" value={randomUUID()} />
          <button type="submit" id="place-order">
            Place order (pay on invoice)
          </button>
        </form>
        <Link href={`/${market.slug}/checkout`}>Change details</Link>
      </section>
    );
  }

  const channel = await channelOf(market);
  const country = cart.shippingAddress?.country ?? channel.country;
  const lines = cart.lines.map((l) => ({ variantId: l.variant.id, quantity: l.quantity }));
  const [{ shippingMethods }, me] = await Promise.all([
    shop.request(ShippingMethodsDocument, { shipTo: { country }, lines, couponCodes: cart.couponCodes }),
    session.kind === 'customer' ? shop.request(MeDocument).then((r) => r.me) : Promise.resolve(null),
  ]);
  // A shop can hand the order over only if every line can be collected there.
  const byVariant = await pickupShopsByVariant(market);
  const shops = (byVariant[lines[0]!.variantId] ?? []).filter((s) => lines.every((l) => byVariant[l.variantId]?.some((o) => o.id === s.id)));
  // The cart's own address once given; before that, a signed-in customer's default delivery address.
  const address = cart.shippingAddress ?? me?.addresses.find((a) => a.defaultShipping)?.address;
  const pickupMethod = shippingMethods.find((m) => m.kind === 'PICKUP' && m.available);
  const chosen = cart.pickupLocationId ? `pickup:${cart.shippingMethod}:${cart.pickupLocationId}` : cart.shippingMethod ? `ship:${cart.shippingMethod}` : '';
  return (
    <section id="checkout">
      <h1>Checkout</h1>
      {cart.problems.length > 0 && step === 'review' ? (
        <ul className="problem" id="cart-problems">
          {cart.problems.map((p) => (
            <li key={`${p.code}-${p.variantId ?? ''}`}>{p.message}</li>
          ))}
        </ul>
      ) : null}
      <form action={saveCheckoutDetails} className="stack" id="details">
        <input type="hidden" name="market" value={market.slug} />
        <label>
          Email <input type="email" name="email" required defaultValue={cart.email ?? me?.email ?? ''} />
        </label>
        <label>
          Name <input name="name" required defaultValue={address?.name ?? me?.name ?? ''} />
        </label>
        <label>
          Street <input name="line1" required defaultValue={address?.line1 ?? ''} />
        </label>
        <label>
          Postal code <input name="postalCode" required defaultValue={address?.postalCode ?? ''} />
        </label>
        <label>
          City <input name="city" required defaultValue={address?.city ?? ''} />
        </label>
        <label>
          Region <input name="region" defaultValue={address?.region ?? ''} />
        </label>
        <label>
          Country <input name="country" required defaultValue={address?.country ?? country} maxLength={2} />
        </label>
        <fieldset id="delivery">
          <legend>Delivery</legend>
          {shippingMethods
            .filter((m) => m.kind !== 'PICKUP')
            .map((m) => (
              <label key={m.code} style={{ display: 'block' }}>
                <input type="radio" name="delivery" value={`ship:${m.code}`} disabled={!m.available} defaultChecked={chosen === `ship:${m.code}`} required />{' '}
                {m.name} {m.price ? money(m.price.amount) : m.message}
              </label>
            ))}
          {pickupMethod
            ? shops.map((s) => (
                <label key={s.id} style={{ display: 'block' }}>
                  <input
                    type="radio"
                    name="delivery"
                    value={`pickup:${pickupMethod.code}:${s.id}`}
                    defaultChecked={chosen === `pickup:${pickupMethod.code}:${s.id}`}
                  />{' '}
                  {pickupMethod.name}: {s.name}
                </label>
              ))
            : null}
        </fieldset>
        <label>
          Coupon <input name="coupon" defaultValue={cart.couponCodes[0] ?? ''} />
        </label>
        <button type="submit" id="continue">
          Continue
        </button>
      </form>
    </section>
  );
}
