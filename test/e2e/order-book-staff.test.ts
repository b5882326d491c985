import { describe, expect, it } from 'vitest';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { postGraphQL, signedContext, system } from '../support/clients.ts';
import { data, key, op, readyCart, sellable, stockOf, testIdentity } from './checkout-support.ts';

/**
 * The order book from the staff side. There is no admin BFF yet (the staff issue adds it), so these calls
 * go to the gateway with the signed context a staff BFF would send; the rules under test are the orders
 * subgraph's own.
 */

const shopper = testIdentity('order-book');
const ORDER_ADMIN_WEB_EU = { staff: { id: 'stf_orders_web_eu', roles: ['order-admin' as const], channels: ['web-eu'] } };

async function asStaff(query: string, variables: Record<string, unknown>, extra: object = ORDER_ADMIN_WEB_EU) {
  return postGraphQL(system().gateway, { query, variables }, { [CONTEXT_HEADER]: await signedContext('web-eu', extra) });
}

const QUEUE = `query($channel: ID!, $statuses: [OrderStatus!], $first: Int!, $after: String) {
  orderQueue(channel: $channel, statuses: $statuses, first: $first, after: $after) { nodes { id number status } pageInfo { hasNextPage endCursor } } }`;
const SET = `mutation($id: ID!, $status: OrderStatus!) { setOrderStatus(id: $id, status: $status) {
  __typename ... on OrderStatusChanged { order { id status nextStatuses } } ... on IllegalOrderTransition { from to allowed } } }`;

async function placeOne(units: number) {
  const v = await sellable({ eur: 5000, stock: 5 });
  const cart = await readyCart('b2c', shopper, [{ variantId: v, quantity: units }]);
  const placed = data(
    await op(
      'b2c',
      'PlaceOrder',
      { input: { cartId: cart.id, idempotencyKey: key('staff'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
      shopper,
    ),
  ).placeOrder;
  expect(placed.__typename).toBe('OrderPlaced');
  return { order: placed.order, variant: v };
}

describe('the order book for staff', () => {
  it('moves an order along its life cycle and refuses a skipped or backward step with IllegalOrderTransition', async () => {
    const { order } = await placeOne(1);
    const skip = data(await asStaff(SET, { id: order.id, status: 'COMPLETED' })).setOrderStatus;
    expect(skip).toEqual({ __typename: 'IllegalOrderTransition', from: 'PLACED', to: 'COMPLETED', allowed: ['PROCESSING', 'CANCELLED'] });
    for (const [to, next] of [
      ['PROCESSING', ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED']],
      ['FULFILLED', ['COMPLETED']],
      ['COMPLETED', []],
    ] as const) {
      expect(data(await asStaff(SET, { id: order.id, status: to })).setOrderStatus).toEqual({
        __typename: 'OrderStatusChanged',
        order: { id: order.id, status: to, nextStatuses: next },
      });
    }
    const back = data(await asStaff(SET, { id: order.id, status: 'PROCESSING' })).setOrderStatus;
    expect(back).toEqual({ __typename: 'IllegalOrderTransition', from: 'COMPLETED', to: 'PROCESSING', allowed: [] });
    // The customer sees where it is.
    expect(data(await op('b2c', 'OrderStatus', { id: order.id }, shopper)).order.status).toBe('COMPLETED');
  });

  it('lists the channel’s open orders oldest first with cursors, and only to staff of that channel', async () => {
    const first = (await placeOne(1)).order;
    const second = (await placeOne(2)).order;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 500; page++) {
      const res: any = data(await asStaff(QUEUE, { channel: 'web-eu', statuses: ['PLACED'], first: 50, after })).orderQueue;
      for (const n of res.nodes) {
        expect(n.status).toBe('PLACED');
        seen.push(n.id);
      }
      if (!res.pageInfo.hasNextPage) break;
      after = res.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Both are there, the older one first.
    expect(seen.indexOf(first.id)).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf(second.id)).toBeGreaterThan(seen.indexOf(first.id));

    const otherChannel = await asStaff(QUEUE, { channel: 'trade-eu', first: 10 });
    expect(otherChannel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const customer = await postGraphQL(
      system().gateway,
      { query: QUEUE, variables: { channel: 'web-eu', first: 10 } },
      { [CONTEXT_HEADER]: await signedContext('web-eu', { customerId: shopper.sub }) },
    );
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets order staff cancel a processing order (a customer may not), putting the units back', async () => {
    const { order, variant } = await placeOne(2);
    data(await asStaff(SET, { id: order.id, status: 'PROCESSING' }));
    const byCustomer = data(await op('b2c', 'CancelOrder', { id: order.id, reason: 'too late?' }, shopper)).cancelOrder;
    expect(byCustomer.__typename).toBe('IllegalOrderTransition');
    expect(await stockOf(variant)).toEqual({ on_hand: 3, reserved: 0 });
    const byStaff = data(await asStaff(SET, { id: order.id, status: 'CANCELLED' })).setOrderStatus;
    expect(byStaff).toEqual({ __typename: 'OrderStatusChanged', order: { id: order.id, status: 'CANCELLED', nextStatuses: [] } });
    expect(await stockOf(variant)).toEqual({ on_hand: 5, reserved: 0 });
  });
});
