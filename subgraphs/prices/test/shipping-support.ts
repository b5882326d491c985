import { expect } from 'vitest';
import { asAdmin, prices } from './support.ts';

/**
 * The shipping tests' documents and calls (shipping, shipping-demo-channels, shipping-method-admin), and the
 * fixtures shipping.test.ts owns: shipping methods in test-at-trade and test-jp (no other file ships there), a
 * GROUP book only callers of the test-shipping group see, and a coupon-only promotion that applies only when
 * its code is sent.
 */
export const AT_TRADE = 'test-at-trade';
export const shop = { channel: AT_TRADE, currency: 'EUR', country: 'DE', taxMode: 'INCLUSIVE' as const, customerGroup: 'test-shipping' };
export const trade = { ...shop, taxMode: 'EXCLUSIVE' as const };
export const jp = { channel: 'test-jp', currency: 'JPY', country: 'JP', locale: 'en' as never, taxMode: 'INCLUSIVE' as const };

export const UPSERT = `mutation($i: ShippingMethodInput!) { upsertShippingMethod(input: $i) {
  channel code name kind amount { amount currency } freeFrom { amount currency } weightBands { upToGrams amount { amount } }
  taxCategory countries active position } }`;

export const SHIPPING = `shipping { method name amount { amount currency } net { amount } tax { amount } gross { amount } taxRate { category rateBasisPoints } }`;
export const QUOTE = `query($input: QuoteInput!) { quote(input: $input) {
  __typename
  ... on Quote { currency ${SHIPPING}
    lines { variantId total { amount } gross { amount } }
    taxLines { category rateBasisPoints net { amount } tax { amount } }
    subtotal { amount } discountTotal { amount } net { amount } tax { amount } gross { amount } total { amount } }
  ... on ShippingNotAvailable { method reason message }
  ... on QuoteNotPossible { unpriced { variantId reason } } } }`;

export const OFFERS = `query($shipTo: QuoteJurisdictionInput, $lines: [QuoteLineInput!], $codes: [String!]) {
  shippingMethods(shipTo: $shipTo, lines: $lines, couponCodes: $codes) {
    code name kind available reason freeFrom { amount } price { amount { amount currency } net { amount } tax { amount } gross { amount } } } }`;

export type Line = [variantId: string, quantity: number];
export async function quote(lines: Line[], shippingMethod: string | null, ctx: object = shop, extra: Record<string, unknown> = {}, channel = 'web-eu') {
  const input = { lines: lines.map(([variantId, quantity]) => ({ variantId, quantity })), shipTo: { country: 'DE' }, shippingMethod, ...extra };
  const res = await prices(QUOTE, { input }, ctx as never, channel);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.quote;
}

export async function upsert(input: Record<string, unknown>) {
  const res = await prices(UPSERT, { i: { currency: 'EUR', ...input } }, asAdmin({ channel: input.channel as string }));
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.upsertShippingMethod;
}

/** The fixtures of shipping.test.ts (its beforeAll): amounts are worked out by hand in that file's comments. */
export async function seedShippingFixtures() {
  const admin = asAdmin({ channel: AT_TRADE });
  const book = await prices(
    `mutation($i: PriceBookInput!) { upsertPriceBook(input: $i) { id } }`,
    {
      i: {
        id: 'bk_test_shipping',
        name: 'Shipping test',
        level: 'GROUP',
        currency: 'EUR',
        channel: AT_TRADE,
        customerGroup: 'test-shipping',
        taxIncluded: true,
      },
    },
    admin,
  );
  expect(book.errors).toBeUndefined();
  const entries = await prices(
    `mutation($e: [PriceEntryInput!]!) { importPriceEntries(bookId: "bk_test_shipping", entries: $e) { imported } }`,
    {
      e: [
        { variantId: 'var_0002_1', amount: 2500 },
        { variantId: 'var_0003_1', amount: 2499 },
        { variantId: 'var_0004_1', amount: 100 },
      ],
    },
    admin,
  );
  expect(entries.errors).toBeUndefined();
  const promo = await prices(
    `mutation($i: PromotionInput!) { upsertPromotion(input: $i) { id } }`,
    {
      i: {
        id: 'tp_ship_minus1',
        channel: AT_TRADE,
        name: 'One euro off',
        kind: 'AMOUNT_OFF',
        target: 'SUBTOTAL',
        amountOff: { amount: 100, currency: 'EUR' },
        couponCode: 'SHIPMINUS1',
      },
    },
    admin,
  );
  expect(promo.errors).toBeUndefined();
  await upsert({ channel: AT_TRADE, code: 't-flat', name: 'Flat', kind: 'FLAT', amount: 690, position: 0 });
  await upsert({
    channel: AT_TRADE,
    code: 't-free',
    name: 'Free from 50',
    kind: 'FREE_ABOVE',
    amount: 490,
    freeFrom: 5000,
    countries: ['DE', 'AT'],
    position: 1,
  });
  await upsert({
    channel: AT_TRADE,
    code: 't-bands',
    name: 'By weight',
    kind: 'WEIGHT_BANDS',
    weightBands: [
      { upToGrams: 10_000, amount: 1290 },
      { upToGrams: 2_000, amount: 590 },
    ],
    position: 2,
  });
  await upsert({ channel: AT_TRADE, code: 't-pickup', name: 'Pickup Vienna', kind: 'PICKUP', countries: ['AT'], position: 3 });
  await upsert({ channel: AT_TRADE, code: 't-off', name: 'Retired', kind: 'FLAT', amount: 100, active: false, position: 4 });
  await upsert({ channel: 'test-jp', code: 't-jp', name: 'Yamato', kind: 'FLAT', currency: 'JPY', amount: 800 });
  await upsert({ channel: 'test-jp', code: 't-jp-eur', name: 'Misconfigured', kind: 'FLAT', currency: 'EUR', amount: 500 });
}
