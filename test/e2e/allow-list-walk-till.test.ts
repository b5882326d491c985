import { beforeAll, describe, expect, it } from 'vitest';
import { createStaff, staffSession } from './admin-support.ts';
import { data, key } from './checkout-support.ts';
import { registerTill, registerTillStaff } from './pos-support.ts';
import { BERLIN } from './stock-support.ts';
import { GROSS, storefrontWalk, walkProduct } from './allow-list-walk-support.ts';

/**
 * The till's PIN sign-in and cash session, walked by name on the POS BFF by a till and cashier of this file's
 * own, selling a product of its own (23.80 gross, 10 units in the Berlin shop). The file claims these
 * operations (`STOREFRONT_WALKS.till`) and fails when one was not run.
 */
const run = storefrontWalk('till');
const product = { id: '', variantId: '', slug: '', sku: '', gtin: '' };

beforeAll(async () => {
  Object.assign(product, await walkProduct('Walk till'));
});

describe('the till: PIN sign-in and cash sessions', () => {
  it('pos: TillSignIn, CurrentTillSession, OpenTillSession, TillSale, PostOfflineSales, TillPickups, TillHandOver, CloseTillSession and TillSignOut on a till of its own', async () => {
    const admin = await createStaff('walk-pos', ['staff-admin'], ['pos-berlin']);
    const staffToken = (await staffSession(admin.email)).token;
    const till = await registerTill(staffToken, BERLIN);
    const cashier = await registerTillStaff(staffToken, 'CASHIER', '8080');
    const signedIn = data(
      await run('pos', 'TillSignIn', { input: { tillId: till.id, tillSecret: till.secret, staffCode: cashier.staffCode, pin: '8080' } }),
    ).tillSignIn;
    expect(signedIn.__typename).toBe('TillSignedIn');
    expect(signedIn.till.locationId).toBe(BERLIN);
    const token = signedIn.accessToken;
    expect(data(await run('pos', 'CurrentTillSession', {}, token)).currentTillSession).toBeNull();
    const opened = data(await run('pos', 'OpenTillSession', { openingFloat: 10000 }, token)).openTillSession;
    expect(opened).toMatchObject({ __typename: 'TillSession', tillId: till.id, status: 'OPEN', openingFloat: { amount: 10000, currency: 'EUR' } });
    // One walk product at 23.80 for 25.00 cash: 1.20 change, 23.80 kept.
    const receipt = data(
      await run(
        'pos',
        'TillSale',
        {
          input: {
            idempotencyKey: key('walk-till'),
            lines: [{ variantId: product.variantId, quantity: 1 }],
            expectedTotal: { amount: GROSS, currency: 'EUR' },
            tenders: [{ method: 'CASH', amount: 2500 }],
          },
        },
        token,
      ),
    ).tillSale;
    expect(receipt).toMatchObject({
      __typename: 'Receipt',
      locationId: BERLIN,
      total: { amount: GROSS, currency: 'EUR' },
      change: { amount: 120, currency: 'EUR' },
    });
    // An offline sale of one more at 23.80, posted later: applied, cash kept 23.80.
    const clientId = key('walk-offline');
    const offline = data(
      await run(
        'pos',
        'PostOfflineSales',
        {
          sales: [
            {
              clientId,
              soldAt: new Date(Date.now() - 60_000).toISOString(),
              lines: [{ variantId: product.variantId, quantity: 1, unitPrice: GROSS }],
              tenders: [{ method: 'CASH', amount: GROSS }],
            },
          ],
        },
        token,
      ),
    ).postOfflineSales.results;
    expect(offline).toMatchObject([{ clientId, status: 'APPLIED', flags: [], shortfalls: [] }]);
    const pickups = data(await run('pos', 'TillPickups', { first: 200 }, token)).tillPickups;
    // Walked for the allow-list only: this file has no parcel waiting, so what the list holds (and that it is this
    // shop's only) is pos-handover.test.ts's, with parcels of its own at Berlin and Munich.
    expect(Array.isArray(pickups)).toBe(true);
    const unknown = await run('pos', 'TillHandOver', { shipmentId: 'shp_none', collectionCode: '123456' }, token);
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    // 100.00 float + 23.80 + 23.80 kept = 147.60 expected; 147.60 counted: even.
    const closed = data(await run('pos', 'CloseTillSession', { countedCash: 14760 }, token)).closeTillSession;
    expect(closed).toMatchObject({
      id: opened.id,
      status: 'CLOSED',
      expectedCash: { amount: 14760, currency: 'EUR' },
      cashDifference: { amount: 0, currency: 'EUR' },
    });
    expect(data(await run('pos', 'TillSignOut', {}, token)).tillSignOut).toBe(true);
  });
});
