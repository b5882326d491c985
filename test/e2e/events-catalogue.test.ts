import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, envelopeOf, envelopeSchema, isEventType, type OutboxRow } from '@storegraph/schema';
import { sqlClient } from '../support/clients.ts';
import { data, key, op, readyCart, sellable, testIdentity } from './checkout-support.ts';
import { freshEmail, signUp } from './customers-support.ts';

/**
 * The catalogue is the contract receivers validate against: every schema compiles in Ajv's strict mode,
 * and the events the subgraphs really write (this file's own sign-up, stock and order, and whatever else
 * the run has written so far) are valid envelopes of their type.
 */
const buyer = testIdentity('catalogue');
const ajv = new Ajv2020({ strict: true, validateFormats: false });
const validators = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(envelopeSchema(t))]));

async function outboxOf(source: 'orders' | 'stock' | 'customers' | 'products' | 'prices', aggregateIds?: string[]) {
  const sql = sqlClient();
  try {
    const rows = await sql<OutboxRow[]>`
      select id, event_id, type, o.r->>'channel' as channel, (o.r->'channels')::text as channels, aggregate_id, aggregate_version, data,
        to_json(occurred_at) #>> '{}' as occurred_at
      from ${sql(source)}.outbox, lateral (select to_jsonb(outbox) as r) o ${aggregateIds ? sql`where aggregate_id = any(${aggregateIds})` : sql``} order by id`;
    return rows.map((r) => envelopeOf(source, r));
  } finally {
    await sql.end();
  }
}

function problems(envelopes: ReturnType<typeof envelopeOf>[]) {
  return envelopes.flatMap((e) => {
    const type: string = e.type;
    const id = e.id;
    if (!isEventType(type)) return [`${type}: not in the catalogue`];
    const validate = validators.get(type)!;
    return validate(e) ? [] : [`${type} ${id}: ${ajv.errorsText(validate.errors)}`];
  });
}

describe('the event catalogue', () => {
  it('has a strict JSON Schema for each of its 21 types', () => {
    expect(EVENT_TYPES).toEqual([
      'order.placed',
      'order.status_changed',
      'order.cancelled',
      'approval.requested',
      'approval.decided',
      'quote.requested',
      'quote.proposed',
      'quote.rejected',
      'shipment.shipped',
      'shipment.ready_for_pickup',
      'return.received',
      'refund.issued',
      'stock.changed',
      'stock.low',
      'product.updated',
      'price.changed',
      'customer.created',
      'customer.email_verification_requested',
      'customer.password_reset_requested',
      'customer.password_changed',
      'customer.erased',
    ]);
    expect(validators.size).toBe(21);
  });

  it('describes exactly what the subgraphs write for a sign-up, a stock receipt and an order', async () => {
    const shopper = await signUp(freshEmail('catalogue'));
    const variant = await sellable({ eur: 1000, stock: 4 });
    const cart = await readyCart('b2c', buyer, [{ variantId: variant, quantity: 1 }]);
    const placed = data(
      await op(
        'b2c',
        'PlaceOrder',
        { input: { cartId: cart.id, idempotencyKey: key('catalogue'), expectedTotal: cart.totals!.total, payment: { provider: 'manual' } } },
        buyer,
      ),
    ).placeOrder;
    expect(placed.__typename).toBe('OrderPlaced');

    const customers = await outboxOf('customers', [shopper.customerId]);
    const stock = await outboxOf('stock', [variant]);
    const orders = await outboxOf('orders', [placed.order.id]);
    // Sign-up: the account and its verification mail. Stock: the receipt, the checkout's reservation and
    // its sale (3 movements). The order: placed.
    expect(customers.map((e) => e.type)).toEqual(['customer.created', 'customer.email_verification_requested']);
    expect(stock.map((e) => e.type)).toEqual(['stock.changed', 'stock.changed', 'stock.changed']);
    expect(orders.map((e) => e.type)).toEqual(['order.placed']);
    expect(problems([...customers, ...stock, ...orders])).toEqual([]);
  });

  it('validates every event the run has written so far', async () => {
    const all = [];
    for (const source of ['orders', 'stock', 'customers', 'products', 'prices'] as const) all.push(...(await outboxOf(source)));
    expect(all.length).toBeGreaterThan(0);
    expect(problems(all)).toEqual([]);
  });
});
