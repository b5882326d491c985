'use server';

import { randomUUID } from 'node:crypto';
import { redirect } from 'next/navigation';
import { AddCartLinesDocument, PlaceOrderDocument, SetCartDetailsDocument, UpdateCartLineDocument } from '@storegraph/bff-b2c/operations';
import { cartForWrite, ensureSession, openCart, rememberCart, rememberPickupShops } from '@/lib/cart.session';
import { marketOf, type Market } from '@/lib/markets';
import { personalClient } from '@/lib/shop.client';
import { forgetShownPrices, rememberShownPrice } from '@/lib/shown-prices.session';

function marketFrom(form: FormData): Market {
  const market = marketOf(String(form.get('market')));
  if (!market) throw new Error('unknown market');
  return market;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export async function addToCart(form: FormData) {
  const market = marketFrom(form);
  const quantity = Number(form.get('quantity') ?? 1);
  const variantId = text(form, 'variantId');
  const { token, cart } = await cartForWrite(market);
  await personalClient(market, token).request(AddCartLinesDocument, { cartId: cart.id, lines: [{ variantId, quantity }] });
  await rememberPickupShops(market, variantId, text(form, `pickup:${variantId}`));
  await rememberShownPrice(market, variantId, text(form, `shown:${variantId}`));
  redirect(`/${market.slug}/cart`);
}

export async function changeQuantity(form: FormData) {
  const market = marketFrom(form);
  const token = await ensureSession(market);
  const cart = await openCart(market);
  if (cart)
    await personalClient(market, token).request(UpdateCartLineDocument, {
      cartId: cart.id,
      variantId: text(form, 'variantId'),
      quantity: Number(form.get('quantity')),
    });
  redirect(`/${market.slug}/cart`);
}

/** Contact, delivery (a shipping method to an address, or collection from a shop) and coupon, in one cart change. */
export async function saveCheckoutDetails(form: FormData) {
  const market = marketFrom(form);
  const token = await ensureSession(market);
  const cart = await openCart(market);
  if (!cart) redirect(`/${market.slug}/cart`);
  // ship:<method> or pickup:<method>:<shop>
  const [kind, method = '', shop = null] = text(form, 'delivery').split(':');
  const pickup = kind === 'pickup' ? shop : null;
  const coupon = text(form, 'coupon');
  const address = {
    name: text(form, 'name'),
    line1: text(form, 'line1'),
    postalCode: text(form, 'postalCode'),
    city: text(form, 'city'),
    region: text(form, 'region') || null,
    country: text(form, 'country'),
  };
  await personalClient(market, token).request(SetCartDetailsDocument, {
    cartId: cart.id,
    input: {
      email: text(form, 'email') || undefined,
      shippingAddress: address,
      shippingMethod: method || null,
      pickupLocationId: pickup,
      couponCodes: coupon ? [coupon] : [],
    },
  });
  redirect(`/${market.slug}/checkout?step=review`);
}

/**
 * Places the order for exactly the total the shopper was shown (the BFF answers PriceChanged otherwise),
 * with the idempotency key minted when the review page was drawn: a double click orders once.
 */
export async function placeOrder(form: FormData) {
  const market = marketFrom(form);
  const token = await ensureSession(market);
  const placed = (
    await personalClient(market, token).request(PlaceOrderDocument, {
      input: {
        cartId: text(form, 'cartId'),
        idempotencyKey: text(form, 'idempotencyKey') || randomUUID(),
        expectedTotal: { amount: Number(form.get('amount')), currency: text(form, 'currency') },
        payment: { provider: 'manual' },
      },
    })
  ).placeOrder;
  if (placed.__typename !== 'OrderPlaced') redirect(`/${market.slug}/checkout?step=review&problem=${placed.__typename}`);
  await rememberCart(market, null);
  await forgetShownPrices(market);
  redirect(`/${market.slug}/orders/${placed.order.id}`);
}
