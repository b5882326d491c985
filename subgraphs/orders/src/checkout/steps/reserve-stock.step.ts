import { GraphQLError } from 'graphql';
import { serviceUnavailable } from '@storegraph/kit';
import { releaseReservation, reserveStock } from '../../clients/stock.client.ts';
import type { CheckoutStep, StepEnv } from '../checkout-step.ts';
import type { ApprovalCheck } from './check-approval.step.ts';
import type { ValidatedCart } from './validate-cart.step.ts';

export interface ReservedStock {
  reservationId: string;
  /** Where routing placed the units: the order's shipments, one per location. Absent in sagas stored before. */
  allocations?: { variantId: string; locationId: string; quantity: number }[];
}

const keyOf = (env: StepEnv) => `checkout:${env.checkout.id}`;

async function reserve(env: StepEnv) {
  const { lines, cart } = env.outcome<ValidatedCart>('validate');
  // A checkout that will wait for an approver holds its stock for the wait (see check-approval.step.ts).
  const ttl = (env.done.get('check_approval') as ApprovalCheck | undefined)?.holdSeconds ?? env.deps.reservationTtlSeconds;
  // Stock routes the order: the ship-to decides which locations are nearest.
  const a = cart.shippingAddress;
  const shipTo = a ? { country: a.country, postalCode: a.postalCode, city: a.city } : null;
  // Click & collect: the units are held at the pickup shop, where the customer collects them. An endless-aisle
  // order at a till: at the source location the cashier chose (stock checks it is the till's to name).
  const { pickupLocationId, sourceLocationId = null } = cart;
  return reserveStock(env.deps.stock, await env.serviceToken(), env.requestId, keyOf(env), lines, ttl, shipTo, pickupLocationId, sourceLocationId);
}

/** All lines or none, before the order exists; the saga's key makes a repeat return the same hold. */
export const reserveStockStep: CheckoutStep = {
  id: 'reserve',
  async run(env) {
    let answer: Awaited<ReturnType<typeof reserve>>;
    try {
      answer = await reserve(env);
    } catch (err) {
      // Stock applies the catalogue too: a line the channel stopped selling since the quote.
      if (err instanceof GraphQLError && err.extensions.code === 'NOT_IN_CHANNEL') {
        const ids = (err.extensions.variantIds as string[]) ?? [];
        return {
          fail: { __typename: 'CartNotReady', problems: ids.map((variantId) => ({ code: 'NOT_SOLD', message: 'not sold in this channel', variantId })) },
        };
      }
      // The cart's pickup shop is no pickup shop of the channel (any more): the cart must change, nothing was held.
      if (err instanceof GraphQLError && err.extensions.code === 'BAD_USER_INPUT' && err.extensions.argument === 'pickupLocationId') {
        return { fail: { __typename: 'CartNotReady', problems: [{ code: 'PICKUP_NOT_AVAILABLE', message: err.message }] } };
      }
      // The source location is not (or no longer) one this caller may take units from: nothing was held.
      if (err instanceof GraphQLError && err.extensions.argument === 'sourceLocationId') {
        return { fail: { __typename: 'CartNotReady', problems: [{ code: 'SOURCE_NOT_AVAILABLE', message: err.message }] } };
      }
      // Stock kept selling out under routing (re-planned until it gave up): a retry may well succeed, so the
      // client is told to retry and its key stays unused, not answered with a stored failure.
      if (err instanceof GraphQLError && err.extensions.code === 'CONFLICT') throw serviceUnavailable('stock');
      throw err;
    }
    if (answer.__typename === 'InsufficientStock') {
      return {
        fail: {
          __typename: 'InsufficientStock',
          lines: answer.lines.map((l) => ({ variantId: l.variant.id, requested: l.requested, available: l.available })),
        },
      };
    }
    const allocations = answer.lines.flatMap((l) => l.allocations.map((a) => ({ variantId: l.variant.id, locationId: a.location.id, quantity: a.quantity })));
    const outcome: ReservedStock = { reservationId: answer.id, allocations };
    return { outcome };
  },
  async undo(env, outcome) {
    let id = (outcome as ReservedStock | undefined)?.reservationId;
    if (!id) {
      // The answer was lost: asking again under the same key returns the hold if it was made (or makes it,
      // to be released at once), so either way nothing stays reserved.
      const replay = await reserve(env).catch(() => null);
      if (replay?.__typename !== 'Reservation') return;
      id = replay.id;
    }
    await releaseReservation(env.deps.stock, await env.serviceToken(), env.requestId, id);
  },
};
