import { describe, expect, it } from 'vitest';
import { execute, parse, subscribe } from 'graphql';
import { buildLiveSchema } from './live-schema.ts';

async function* once<T>(value: T) {
  yield value;
}
const feeds = () => ({
  availabilityChanged: { subscribe: () => once([{ variantId: 'var_1', available: 3, inStock: true }]) },
  orderUpdated: { subscribe: () => once({ orderId: 'ord_1', number: 'SG-1', status: 'PLACED', nextStatuses: ['CANCELLED'] }) },
  approvalRequested: { subscribe: () => once({ approvalId: 'apr_1', total: { amount: 12.5, currency: 'EUR' } }) },
  shopStockChanged: { subscribe: () => once({ cursor: 'c1', kind: 'RECEIPT' }) },
});

describe('the live schema', () => {
  it('refuses to start with a field that has no feed, or a feed that has no field', () => {
    const { orderUpdated: _, ...missing } = feeds();
    expect(() => buildLiveSchema(missing)).toThrow('fields without a feed [orderUpdated]');
    expect(() => buildLiveSchema({ ...feeds(), stockAtShop: { subscribe: () => once(1) } })).toThrow('feeds without a field [stockAtShop]');
  });

  it('delivers what a feed yields as the field itself, and refuses money that is not whole minor units', async () => {
    const schema = buildLiveSchema(feeds());
    const orders = (await subscribe({ schema, document: parse('subscription { orderUpdated(orderId: "ord_1") { number status } }') })) as AsyncIterator<any>;
    expect((await orders.next()).value).toEqual({ data: { orderUpdated: { number: 'SG-1', status: 'PLACED' } } });
    const approvals = (await subscribe({ schema, document: parse('subscription { approvalRequested { total { amount } } }') })) as AsyncIterator<any>;
    const first = (await approvals.next()).value;
    expect(first.data).toBeNull();
    expect(first.errors.map((e: Error) => e.message)).toEqual(['MinorUnits must be a safe integer']);
    expect(await execute({ schema, document: parse('{ live }') })).toEqual({ data: { live: 'use subscriptions' } });
  });
});
