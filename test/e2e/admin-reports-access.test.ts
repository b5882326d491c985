import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { codes } from './admin-walk-support.ts';
import { reportCall as run, reportNames, reportStaff } from './admin-reports-support.ts';
import { data } from './checkout-support.ts';

/**
 * What the sales reports refuse, through the admin BFF by name: cost prices from anyone but a pricing admin of
 * every channel or out of range, and reports of channels the staff member holds no report-viewer on or of bad
 * dates. The channel and variant names are this file's own (nothing here is written; the reports walk is
 * admin-reports-sales.test.ts).
 */
const names = reportNames();
const { EU, V } = names;
const sql = sqlClient();
const staff = { viewer: '', narrow: '', fx: '' };

beforeAll(async () => {
  Object.assign(staff, await reportStaff(names, ['viewer', 'narrow', 'fx']));
}, 60_000);

afterAll(async () => {
  await sql.end();
});

describe('sales reports', () => {
  it('lets only pricing admins of every channel set cost prices, and refuses a negative cost, writing nothing', async () => {
    const viewer = await run('SetCostPrices', { entries: [{ variantId: V.c, amount: 100, currency: 'EUR' }] }, { token: staff.viewer, channel: 'web-eu' });
    expect(codes(viewer)).toEqual(['FORBIDDEN']);
    const negative = await run(
      'SetCostPrices',
      {
        entries: [
          { variantId: V.c, amount: 100, currency: 'EUR' },
          { variantId: V.c, amount: -1, currency: 'EUR', effectiveFrom: '2019-01-02T00:00:00Z' },
        ],
      },
      { token: staff.fx },
    );
    expect(codes(negative)).toEqual(['BAD_USER_INPUT']);
    // Beyond 2^53 the MinorUnits scalar of prices refuses it: a client error through the gateway, not a 500.
    const huge = await run('SetCostPrices', { entries: [{ variantId: V.c, amount: 10 ** 18, currency: 'EUR' }] }, { token: staff.fx });
    expect(codes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(negative.errors![0]!.extensions!.argument).toBe('entries[1].amount');
    expect(await sql`select 1 from prices.cost_prices where variant_id = ${V.c}`).toEqual([]);
  });

  it('refuses channels the staff member holds no report-viewer on, and bad dates, with stable codes', async () => {
    const narrow = { token: staff.narrow, channel: 'web-us' };
    const foreign = await run('SalesReport', { input: { channels: [EU], from: '2019-01-01', to: '2019-03-01' } }, narrow);
    expect(codes(foreign)).toEqual(['FORBIDDEN']);
    expect(foreign.data).toBeNull();
    // No channels asked: their own channels only.
    const own = data(await run('SalesReport', { input: { from: '2019-01-01', to: '2019-03-01' } }, narrow)).salesReport;
    expect(own.channels).toEqual(['web-us']);
    expect(own.rows).toEqual([]);
    const auth = { token: staff.viewer, channel: 'web-eu' };
    const badDay = await run('SalesReport', { input: { channels: [EU], from: '2019-02-30', to: '2019-03-01' } }, auth);
    expect(codes(badDay)).toEqual(['BAD_USER_INPUT']);
    expect(badDay.errors![0]!.extensions!.argument).toBe('input.from');
    const backwards = await run('SalesReport', { input: { channels: [EU], from: '2019-03-01', to: '2019-02-01' } }, auth);
    expect(codes(backwards)).toEqual(['BAD_USER_INPUT']);
  });
});
