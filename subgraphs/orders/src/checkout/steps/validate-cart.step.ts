import { sql } from 'drizzle-orm';
import type { Address } from '@storegraph/schema';
import { CART_LIMITS } from '../../services/cart-input.validation.ts';
import { detailProblems } from '../../services/cart-view.service.ts';
import type { CartRow } from '../../services/cart.service.ts';
import { LeaseLost } from '../checkout.repository.ts';
import type { CheckoutStep, StepEnv } from '../checkout-step.ts';

export interface ValidatedCart {
  lines: { variantId: string; quantity: number }[];
  cart: Pick<CartRow, 'email' | 'shippingAddress' | 'billingAddress' | 'shippingMethod' | 'pickupLocationId' | 'couponCodes' | 'customerId' | 'companyId'> & {
    /** Endless aisle (absent in sagas stored before it): where the units are reserved. */
    sourceLocationId?: string | null;
  };
}

type CartSnapshot = {
  status: string;
  checkout_id: string | null;
  version: number;
  email: string | null;
  shipping_address: Address | null;
  billing_address: Address | null;
  shipping_method: string | null;
  pickup_location_id: string | null;
  source_location_id: string | null;
  coupon_codes: string[];
  customer_id: string | null;
  company_id: string | null;
  lines: { variantId: string; quantity: number }[];
};

/** The cart and its lines in one read (lines by variant id, the order the order's lines take). */
async function snapshot(env: StepEnv): Promise<CartSnapshot | undefined> {
  const [row] = await env.db.execute<CartSnapshot>(sql`
    select c.status, c.checkout_id, c.version, c.email, c.shipping_address, c.billing_address, c.shipping_method, c.pickup_location_id,
      c.source_location_id, c.coupon_codes, c.customer_id, c.company_id,
      coalesce((select jsonb_agg(jsonb_build_object('variantId', l.variant_id, 'quantity', l.quantity) order by l.variant_id)
        from orders.cart_lines l where l.cart_id = c.id), '[]'::jsonb) as lines
    from orders.carts c where c.id = ${env.checkout.cartId}::uuid`);
  return row;
}

/**
 * Locks the cart for this checkout (status CHECKING_OUT) in the same statement that records the step: a
 * second checkout of the same cart under another key gets CartLocked before it reserves or charges
 * anything, so two completions of one cart can never both charge. The lock only takes if the cart is still
 * at the version that was read, so the lines recorded are exactly the lines locked (any change bumps it).
 */
export const validateCart: CheckoutStep = {
  id: 'validate',
  persistsItself: true,
  async run(env) {
    const c = env.checkout;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cart = await snapshot(env);
      if (!cart) return { fail: { __typename: 'CartLocked', cartId: c.cartId, status: 'MERGED' } };
      const ours = cart.status === 'CHECKING_OUT' && cart.checkout_id === c.id;
      if (cart.status !== 'ACTIVE' && !ours) return { fail: { __typename: 'CartLocked', cartId: c.cartId, status: cart.status } };
      const row = {
        email: cart.email,
        shippingAddress: cart.shipping_address,
        billingAddress: cart.billing_address,
        shippingMethod: cart.shipping_method,
        pickupLocationId: cart.pickup_location_id,
        sourceLocationId: cart.source_location_id,
        couponCodes: cart.coupon_codes,
        customerId: cart.customer_id,
        companyId: cart.company_id,
      };
      const problems = detailProblems(row as CartRow, cart.lines.length);
      if (cart.lines.length > CART_LIMITS.maxCartLines) problems.push({ code: 'EMPTY', message: `at most ${CART_LIMITS.maxCartLines} lines` });
      if (problems.length > 0) return { fail: { __typename: 'CartNotReady', problems } };
      const outcome: ValidatedCart = { lines: cart.lines, cart: row };
      const [result] = await env.db.execute<{ locked: number; moved: number }>(sql`
        with locked as (
          update orders.carts set status = 'CHECKING_OUT', checkout_id = ${c.id}::uuid, updated_at = now()
          where id = ${c.cartId}::uuid and version = ${cart.version}
            and (status = 'ACTIVE' or (status = 'CHECKING_OUT' and checkout_id = ${c.id}::uuid))
          returning id),
        moved as (
          update orders.checkouts set step = 'validate', updated_at = now(), lease_until = now() + make_interval(secs => ${env.deps.leaseSeconds})
          where id = ${c.id}::uuid and attempts = ${c.attempts} and exists (select 1 from locked)
          returning id),
        recorded as (
          insert into orders.checkout_steps (checkout_id, step, outcome)
          select id, 'validate', ${JSON.stringify(outcome)}::jsonb from moved
          on conflict do nothing)
        select (select count(*) from locked)::int as locked, (select count(*) from moved)::int as moved`);
      if (result!.moved === 1) return { outcome };
      if (result!.locked === 1) throw new LeaseLost(`checkout ${c.id} was taken over`);
      // The cart changed (or another checkout locked it) between the read and the lock: read again.
    }
    return { fail: { __typename: 'CartLocked', cartId: c.cartId, status: 'ACTIVE' } };
  },
};
