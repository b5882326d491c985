import { and, eq } from 'drizzle-orm';
import { cartLines, carts } from '../../db/tables.ts';
import { CART_LIMITS } from '../../services/cart-input.validation.ts';
import { detailProblems } from '../../services/cart-view.service.ts';
import type { CartRow } from '../../services/cart.service.ts';
import { recordStep } from '../checkout.repository.ts';
import type { CheckoutStep } from '../checkout-step.ts';

export interface ValidatedCart {
  lines: { variantId: string; quantity: number }[];
  cart: Pick<CartRow, 'email' | 'shippingAddress' | 'billingAddress' | 'shippingMethod' | 'pickupLocationId' | 'couponCodes' | 'customerId' | 'companyId'>;
}

/**
 * Locks the cart for this checkout (status CHECKING_OUT, in the same transaction as the step's outcome):
 * a second checkout of the same cart under another key gets CartLocked before it reserves or charges
 * anything, so two completions of one cart can never both charge.
 */
export const validateCart: CheckoutStep = {
  id: 'validate',
  persistsItself: true,
  async run(env) {
    const c = env.checkout;
    return env.db.transaction(async (tx) => {
      const [cart] = await tx.select().from(carts).where(eq(carts.id, c.cartId)).for('update');
      if (!cart) return { fail: { __typename: 'CartLocked', cartId: c.cartId, status: 'MERGED' } };
      const ours = cart.status === 'CHECKING_OUT' && cart.checkoutId === c.id;
      if (cart.status !== 'ACTIVE' && !ours) return { fail: { __typename: 'CartLocked', cartId: c.cartId, status: cart.status } };
      const lines = await tx.select({ variantId: cartLines.variantId, quantity: cartLines.quantity }).from(cartLines).where(eq(cartLines.cartId, cart.id));
      const problems = detailProblems(cart, lines.length);
      if (lines.length > CART_LIMITS.maxLines) problems.push({ code: 'EMPTY', message: `at most ${CART_LIMITS.maxLines} lines` });
      if (problems.length > 0) return { fail: { __typename: 'CartNotReady', problems } };
      await tx
        .update(carts)
        .set({ status: 'CHECKING_OUT', checkoutId: c.id, updatedAt: new Date() })
        .where(and(eq(carts.id, cart.id)));
      const outcome: ValidatedCart = {
        lines: lines.sort((a, b) => (a.variantId < b.variantId ? -1 : 1)),
        cart: {
          email: cart.email,
          shippingAddress: cart.shippingAddress,
          billingAddress: cart.billingAddress,
          shippingMethod: cart.shippingMethod,
          pickupLocationId: cart.pickupLocationId,
          couponCodes: cart.couponCodes,
          customerId: cart.customerId,
          companyId: cart.companyId,
        },
      };
      await recordStep(tx, c, 'validate', outcome, env.deps.leaseSeconds);
      return { outcome };
    });
  },
};
