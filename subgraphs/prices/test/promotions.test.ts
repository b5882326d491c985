import { describe, expect, it } from 'vitest';
import { asAdmin, countRows, prices, QUOTE } from './support.ts';

// Promotions live in a channel of this file's own so automatic ones never touch other tests' carts.
const shop = { channel: 'test-promo', country: 'DE', taxMode: 'INCLUSIVE' as const };
const UPSERT = `mutation($i: PromotionInput!) { upsertPromotion(input: $i) { id channel couponCode stacking priority } }`;
const REDEEM = `mutation($o: ID!, $p: [ID!]!) { redeemPromotions(orderId: $o, promotionIds: $p) {
  __typename ... on PromotionsRedeemed { orderId promotionIds replayed } ... on PromotionLimitReached { promotionId limit } } }`;

/** Redemption is the checkout's call: a service principal (order-admin) acting for the customer. */
const checkout = { staff: { id: 'service:orders', roles: ['order-admin'] as const, channels: ['*'] } };
const redeem = (vars: Record<string, unknown>, ctx: Record<string, unknown>) => prices(REDEEM, vars, { ...checkout, ...ctx } as never);

async function upsert(input: Record<string, unknown>, channel = 'test-promo') {
  const res = await prices(UPSERT, { i: { channel, ...input } }, asAdmin({ channel }));
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.upsertPromotion;
}

/**
 * The SAVE5 code, which several tests need: each creates it (an upsert of the same promotion is a no-op), so
 * none depends on another having run first (the file passes in any order).
 */
const save5 = () =>
  upsert({
    id: 'tp_save5',
    name: 'Save 5',
    kind: 'AMOUNT_OFF',
    target: 'SUBTOTAL',
    amountOff: { amount: 500, currency: 'EUR' },
    couponCode: 'save5',
    priority: 1,
  });

// Lines as a storefront sends them; their categories come from the catalog (trousers and boots).
const cart = (codes: string[] = [], extra: Partial<Record<string, unknown>> = {}) => ({
  input: {
    lines: [
      { variantId: 'var_0002_1', quantity: 1 },
      { variantId: 'var_0003_1', quantity: 2 },
    ],
    couponCodes: codes,
    ...extra,
  },
});

describe('promotions of a channel', () => {
  it('stacks combinable promotions by priority and lets an exclusive code stand alone', async () => {
    await upsert({
      id: 'tp_footwear',
      name: 'Footwear 20%',
      kind: 'PERCENT_OFF',
      target: 'CATEGORIES',
      categoryIds: ['cat_footwear'],
      percentBasisPoints: 2000,
      priority: 5,
    });
    await save5();
    await upsert({
      id: 'tp_vip',
      name: 'VIP 30%',
      kind: 'PERCENT_OFF',
      target: 'SUBTOTAL',
      percentBasisPoints: 3000,
      couponCode: 'VIP',
      stacking: 'EXCLUSIVE',
      priority: 10,
    });

    const plain = (await prices(QUOTE, cart(), shop)).data.quote;
    const boots = plain.lines[1].subtotal.amount;
    expect(plain.discounts.map((d: { promotionId: string }) => d.promotionId)).toEqual(['tp_footwear']);
    expect(plain.discounts[0].amount.amount).toBe(Math.floor((boots * 2000 + 5000) / 10000));
    expect(plain.lines[1].discounts).toEqual([{ promotionId: 'tp_footwear', amount: { amount: plain.discounts[0].amount.amount } }]);

    const stacked = (await prices(QUOTE, cart(['SAVE5']), shop)).data.quote;
    expect(stacked.discounts.map((d: { promotionId: string }) => d.promotionId)).toEqual(['tp_footwear', 'tp_save5']);
    expect(stacked.discountTotal.amount).toBe(plain.discountTotal.amount + 500);
    expect(stacked.total.amount).toBe(plain.total.amount - 500);

    const vip = (await prices(QUOTE, cart(['VIP', 'SAVE5']), shop)).data.quote;
    expect(vip.discounts.map((d: { promotionId: string }) => d.promotionId)).toEqual(['tp_vip']);
    expect(vip.discounts[0].reason).toMatch(/VIP 30%/);
    expect(vip.notApplied.map((n: { promotionId: string }) => n.promotionId).sort()).toEqual(['tp_footwear', 'tp_save5']);
    expect(vip.rejectedCoupons).toEqual([expect.objectContaining({ code: 'SAVE5', reason: 'NOT_APPLICABLE' })]);
    for (const q of [plain, stacked, vip]) expect(q.net.amount + q.tax.amount).toBe(q.total.amount);
  });

  it('never applies one channel’s promotion to another channel’s cart', async () => {
    await save5();
    const webEu = (await prices(QUOTE, cart(['SAVE5']))).data.quote;
    expect(webEu.discounts).toEqual([]);
    expect(webEu.rejectedCoupons).toEqual([expect.objectContaining({ code: 'SAVE5', reason: 'UNKNOWN_CODE' })]);
    expect(webEu.lines.every((l: { discounts: unknown[] }) => l.discounts.length === 0)).toBe(true);
  });

  it('gives the buy-N discount only once the tier is reached', async () => {
    await upsert({
      id: 'tp_multi',
      name: 'Buy 5 save 10%',
      kind: 'BUY_N',
      target: 'PRODUCTS',
      // var_0005_1 is a backpack: no category promotion of this file touches it.
      variantIds: ['var_0005_1'],
      tiers: [{ minQuantity: 5, percentBasisPoints: 1000 }],
      couponCode: 'MULTI',
    });
    const line = (quantity: number) => ({ input: { lines: [{ variantId: 'var_0005_1', quantity }], couponCodes: ['MULTI'] } });
    const four = (await prices(QUOTE, line(4), shop)).data.quote;
    expect(four.discounts).toEqual([]);
    expect(four.rejectedCoupons[0]).toMatchObject({ code: 'MULTI', reason: 'NOT_APPLICABLE' });
    const five = (await prices(QUOTE, line(5), shop)).data.quote;
    expect(five.discounts[0]).toMatchObject({ promotionId: 'tp_multi' });
    expect(five.discounts[0].amount.amount).toBe(Math.floor((five.subtotal.amount * 1000 + 5000) / 10000));
  });
});

describe('usage limits and redemption', () => {
  it('redeems a code once per order, replays a retry, and refuses the use beyond the limit', async () => {
    await save5();
    await upsert({ id: 'tp_once', name: 'One use only', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBasisPoints: 500, couponCode: 'ONCE', usageLimit: 1 });
    const buyer = { ...shop, customerId: 'cus_limit_a' };
    const first = await redeem({ o: 'ord_limit_1', p: ['tp_once'] }, buyer);
    expect(first.data.redeemPromotions).toEqual({ __typename: 'PromotionsRedeemed', orderId: 'ord_limit_1', promotionIds: ['tp_once'], replayed: false });
    const retry = await redeem({ o: 'ord_limit_1', p: ['tp_once'] }, buyer);
    expect(retry.data.redeemPromotions.replayed).toBe(true);
    expect(await countRows(`select count(*) as n from prices.promotion_redemptions where promotion_id = 'tp_once'`)).toBe(1);

    const second = await redeem({ o: 'ord_limit_2', p: ['tp_once'] }, { ...shop, customerId: 'cus_limit_b' });
    expect(second.data.redeemPromotions).toEqual({ __typename: 'PromotionLimitReached', promotionId: 'tp_once', limit: 'TOTAL' });
    expect(await countRows(`select count(*) as n from prices.promotion_redemptions where order_id = 'ord_limit_2'`)).toBe(0);

    const q = (await prices(QUOTE, cart(['ONCE']), { ...shop, customerId: 'cus_limit_b' })).data.quote;
    expect(q.rejectedCoupons).toEqual([expect.objectContaining({ code: 'ONCE', reason: 'USAGE_LIMIT_REACHED' })]);

    const reused = await redeem({ o: 'ord_limit_1', p: ['tp_save5'] }, buyer);
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('limits a code per customer and asks anonymous shoppers to sign in', async () => {
    await upsert({
      id: 'tp_per_customer',
      name: 'Once per customer',
      kind: 'PERCENT_OFF',
      target: 'SUBTOTAL',
      percentBasisPoints: 500,
      couponCode: 'MINE',
      perCustomerLimit: 1,
    });
    const a = { ...shop, customerId: 'cus_pc_a' };
    expect((await redeem({ o: 'ord_pc_1', p: ['tp_per_customer'] }, a)).data.redeemPromotions.__typename).toBe('PromotionsRedeemed');
    expect((await prices(QUOTE, cart(['MINE']), a)).data.quote.rejectedCoupons[0].reason).toBe('CUSTOMER_LIMIT_REACHED');
    expect((await redeem({ o: 'ord_pc_2', p: ['tp_per_customer'] }, a)).data.redeemPromotions.limit).toBe('PER_CUSTOMER');
    expect(
      (await prices(QUOTE, cart(['MINE']), { ...shop, customerId: 'cus_pc_b' })).data.quote.discounts.map((d: { promotionId: string }) => d.promotionId),
    ).toContain('tp_per_customer');
    expect((await prices(QUOTE, cart(['MINE']), shop)).data.quote.rejectedCoupons[0].reason).toBe('SIGN_IN_REQUIRED');
  });

  it('grants exactly the three uses a code has when twelve orders race for it', async () => {
    await upsert({ id: 'tp_race', name: 'Three uses', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBasisPoints: 500, couponCode: 'RACE', usageLimit: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => redeem({ o: `ord_race_${i}`, p: ['tp_race'] }, { ...shop, customerId: `cus_race_${i}` })),
    );
    const won = results.filter((r) => r.data?.redeemPromotions.__typename === 'PromotionsRedeemed');
    expect(won).toHaveLength(3);
    expect(await countRows(`select count(*) as n from prices.promotion_redemptions where promotion_id = 'tp_race'`)).toBe(3);
  });
});

describe('staff promotion administration', () => {
  it('refuses invalid promotions with a stable reason and writes nothing', async () => {
    // SAVE5 is taken in test-promo (the duplicate case below).
    await save5();
    const cases: [Record<string, unknown>, string][] = [
      [{ id: 'tp_bad1', name: 'x', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBasisPoints: 0 }, 'INVALID_DISCOUNT'],
      [{ id: 'tp_bad2', name: 'x', kind: 'PERCENT_OFF', target: 'PRODUCTS', percentBasisPoints: 100 }, 'INVALID_TARGET'],
      [{ id: 'tp_bad3', name: 'x', kind: 'BUY_N', target: 'SUBTOTAL', tiers: [] }, 'INVALID_DISCOUNT'],
      [
        {
          id: 'tp_bad4',
          name: 'x',
          kind: 'PERCENT_OFF',
          target: 'SUBTOTAL',
          percentBasisPoints: 100,
          startsAt: '2025-02-01T00:00:00Z',
          endsAt: '2025-01-01T00:00:00Z',
        },
        'INVALID_WINDOW',
      ],
      [{ id: 'tp_bad5', name: 'x', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBasisPoints: 100, couponCode: 'SAVE5' }, 'DUPLICATE_COUPON_CODE'],
    ];
    for (const [input, reason] of cases) {
      const res = await prices(UPSERT, { i: { channel: 'test-promo', ...input } }, asAdmin({ channel: 'test-promo' }));
      expect(res.errors?.[0]?.extensions, reason).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    }
    expect(await countRows(`select count(*) as n from prices.promotions where id like 'tp_bad%'`)).toBe(0);
  });

  it('lets a US pricing manager manage web-us only', async () => {
    const us = { staff: { id: 'stf_pricing_us', roles: ['pricing-admin', 'viewer'], channels: ['web-us'] } } as never;
    const input = { id: 'tp_us_only', name: 'US 5', kind: 'PERCENT_OFF', target: 'SUBTOTAL', percentBasisPoints: 500, couponCode: 'US5' };
    const eu = await prices(UPSERT, { i: { ...input, channel: 'web-eu' } }, us);
    expect(eu.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ok = await prices(UPSERT, { i: { ...input, channel: 'web-us' } }, us, 'web-us');
    expect(ok.data.upsertPromotion).toMatchObject({ id: 'tp_us_only', channel: 'web-us' });
    const move = await prices(UPSERT, { i: { ...input, channel: 'test-promo' } }, asAdmin());
    expect(move.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IMMUTABLE_PROMOTION_FIELD' });
  });
});

describe('who may redeem', () => {
  it('refuses a shopper who records redemptions directly', async () => {
    const res = await prices(REDEEM, { o: 'ord_fake_1', p: ['tp_once'] }, { ...shop, customerId: 'cus_sneaky' });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countRows(`select count(*)::int as n from prices.promotion_redemptions where order_id = 'ord_fake_1'`)).toBe(0);
  });
});
