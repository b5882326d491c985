import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { codes } from './admin-walk-support.ts';
import { data } from './checkout-support.ts';
import { POS_WALKS, registerTill, registerTillStaff, tillToken } from './pos-support.ts';
import { BERLIN, gateway, MUNICH, priceVariant, receive } from './stock-support.ts';

/**
 * tillSnapshot (issue #15, offline): the till's shop catalogue with POS prices, the channel's promotions on one
 * unit, and the stock at its own shop, with a version the till sends back to ask whether anything changed.
 */

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const UNIT = 2380;
const ran = new Set<string>();
let token = '';

const snapshot = async (sinceVersion?: string) => {
  ran.add('TillSnapshot');
  return bff('pos', 'TillSnapshot', sinceVersion ? { sinceVersion } : {}, { token });
};

async function product(channels: string[], units: Record<string, number>) {
  const created = await createTestProduct({ channels, name: 'Snapshot product' });
  const variantId = created.variants[0]!.id as string;
  await priceVariant(variantId, { eur: UNIT, usd: 2599 });
  for (const [at, n] of Object.entries(units)) await receive(variantId, at, n);
  return { variantId, sku: created.input.variants[0]!.sku as string, productId: created.id as string };
}

/** The till's copy is current once asking with its version answers unchanged (other files may move the shop meanwhile). */
async function settled(): Promise<string> {
  let version = data(await snapshot()).tillSnapshot.version as string;
  for (let i = 0; i < 10; i++) {
    const again = data(await snapshot(version)).tillSnapshot;
    if (!again.changed) {
      expect(again.items).toEqual([]);
      return version;
    }
    version = again.version;
  }
  throw new Error('the snapshot never settled');
}

beforeAll(async () => {
  const admin = await createStaff('pos-snap-admin', ['staff-admin'], ['pos-berlin']);
  const staffToken = (await staffSession(admin.email)).token;
  const cashier = await registerTillStaff(staffToken, 'CASHIER', '1122');
  const till = await registerTill(staffToken, BERLIN);
  token = await tillToken(till, cashier.staffCode, cashier.pin);
});

afterAll(() => {
  expect(POS_WALKS.snapshot.filter((n) => !ran.has(n))).toEqual([]);
});

describe('a till snapshot', () => {
  it("holds the channel's variants with POS price and this shop's stock only, and not another channel's", async () => {
    const sold = await product(['pos-berlin'], { [BERLIN]: 4, [MUNICH]: 7 });
    const webOnly = await product(['web-eu'], { [BERLIN]: 2 });
    const snap = data(await snapshot()).tillSnapshot;
    expect(snap).toMatchObject({ changed: true, locationId: BERLIN });
    expect(snap.version).toMatch(/^[0-9a-f]{24}$/);
    const item = snap.items.find((i: any) => i.variantId === sold.variantId);
    // 23.80 gross, no promotion, 19 % VAT; 4 in Berlin (Munich's 7 are not this shop's).
    expect(item).toEqual({
      variantId: sold.variantId,
      sku: sold.sku,
      gtin: item.gtin,
      productId: item.productId,
      name: 'Snapshot product',
      unitPrice: eur(UNIT),
      promotionDiscount: eur(0),
      price: eur(UNIT),
      taxRateBasisPoints: 1900,
      available: 4,
    });
    expect(snap.items.some((i: any) => i.variantId === webOnly.variantId)).toBe(false);
  });

  it('answers unchanged for the current version, and a new version when stock or a promotion moves', async () => {
    const { variantId } = await product(['pos-berlin'], { [BERLIN]: 4 });
    const v1 = await settled();
    await receive(variantId, BERLIN, 3);
    const afterStock = data(await snapshot(v1)).tillSnapshot;
    expect(afterStock.changed).toBe(true);
    expect(afterStock.version).not.toBe(v1);
    // 4 + 3 received.
    expect(afterStock.items.find((i: any) => i.variantId === variantId)?.available).toBe(7);

    const v2 = await settled();
    // An in-store promotion: 10 % off this variant in the POS channel, automatic (no coupon).
    const promo = await gateway(
      'pos-berlin',
      `mutation($input: PromotionInput!) { upsertPromotion(input: $input) { id } }`,
      {
        input: {
          id: `promo_t_snap_${variantId.slice(-8)}`,
          channel: 'pos-berlin',
          name: 'Snapshot 10 % off',
          kind: 'PERCENT_OFF',
          target: 'PRODUCTS',
          variantIds: [variantId],
          percentBasisPoints: 1000,
          stacking: 'COMBINABLE',
          priority: 1,
          active: true,
        },
      },
      { staff: { id: 'stf_snap', roles: ['pricing-admin'], channels: ['pos-berlin'] } },
    );
    expect(promo.errors).toBeUndefined();
    const afterPromo = data(await snapshot(v2)).tillSnapshot;
    expect(afterPromo.changed).toBe(true);
    // 10 % of 23.80 = 2.38 off one unit: 21.42.
    expect(afterPromo.items.find((i: any) => i.variantId === variantId)).toMatchObject({
      unitPrice: eur(UNIT),
      promotionDiscount: eur(238),
      price: eur(2142),
    });
  });

  it('is for a till with a cashier signed in only', async () => {
    // Without a till token the POS BFF has nobody to build a till's context for.
    expect(codes(await bff('pos', 'TillSnapshot', {}))).toEqual(['UNAUTHENTICATED']);
  });
});
