import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { direct, sqlClient, system } from '../../../test/support/clients.ts';

const HISTORY = `query($after: String) { myOrders(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
const customer = 'cus_history_test';

describe('order history', () => {
  const sql = sqlClient();
  beforeAll(async () => {
    // Five orders within one millisecond (microseconds apart), as a busy till or a bulk import places them.
    for (let i = 1; i <= 5; i++) {
      await sql`insert into orders.orders (id, number, channel, customer_id, status, currency, subtotal, total, placed_at)
        values (${`ord_hist_${i}`}, ${`SG-HIST-${i}`}, 'web-eu', ${customer}, 'PROCESSING', 'EUR', ${1000 * i}, ${1000 * i}, ${`2026-03-01 10:00:00.000${i}00+00`}::timestamptz)
        on conflict do nothing`;
    }
  });
  afterAll(() => sql.end());

  it('pages through orders placed in the same millisecond without skipping or repeating one', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: any = await direct(system().orders, HISTORY, { after }, 'web-eu', { customerId: customer });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.myOrders.nodes.map((o: { id: string }) => o.id));
      if (!res.data.myOrders.pageInfo.hasNextPage) break;
      after = res.data.myOrders.pageInfo.endCursor;
    }
    expect(seen).toEqual(['ord_hist_5', 'ord_hist_4', 'ord_hist_3', 'ord_hist_2', 'ord_hist_1']);
  });

  it('answers a malformed cursor with BAD_USER_INPUT', async () => {
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    for (const after of ['garbage', forged]) {
      const res = await direct(system().orders, HISTORY, { after }, 'web-eu', { customerId: customer });
      expect(res.errors?.[0]?.extensions?.code, after).toBe('BAD_USER_INPUT');
    }
  });

  it('resolves order references in one statement however many, and only the caller’s', async () => {
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`;
    const refs = (ids: string[]) => ids.map((id) => ({ __typename: 'Order', id }));
    const two = await direct(system().orders, entities, { r: refs(['ord_hist_1', 'ord_hist_2']) }, 'web-eu', { customerId: customer });
    const five = await direct(system().orders, entities, { r: refs(['ord_hist_1', 'ord_hist_2', 'ord_hist_3', 'ord_hist_4', 'ord_hist_5']) }, 'web-eu', {
      customerId: customer,
    });
    expect(five.data._entities.map((o: { id: string }) => o.id)).toEqual(['ord_hist_1', 'ord_hist_2', 'ord_hist_3', 'ord_hist_4', 'ord_hist_5']);
    expect(five.extensions?.sqlStatements).toEqual(two.extensions?.sqlStatements);
    const other = await direct(system().orders, entities, { r: refs(['ord_hist_1', 'ord_1001']) }, 'web-eu', { customerId: 'cus_anna' });
    expect(other.data._entities).toEqual([null, { id: 'ord_1001' }]);
  });
});
