import { sql } from 'drizzle-orm';
import { tables as orderTables } from '@storegraph/orders';
import type { DemoProduct } from './demo-catalog.ts';
import type { SeedDb } from './seed-util.ts';

export async function seedOrders(db: SeedDb, catalog: DemoProduct[]) {
  const t = orderTables;
  const pick = (i: number) => catalog[i]!;
  const demo = [
    {
      id: 'ord_1001',
      channel: 'web-eu',
      customerId: 'cus_anna',
      companyId: null,
      currency: 'EUR',
      lines: [
        [1, 1],
        [4, 2],
      ],
      days: 40,
    },
    { id: 'ord_1002', channel: 'web-eu', customerId: 'cus_anna', companyId: null, currency: 'EUR', lines: [[12, 1]], days: 12 },
    { id: 'ord_1003', channel: 'pos-berlin', customerId: 'cus_anna', companyId: null, currency: 'EUR', lines: [[3, 1]], days: 3 },
    { id: 'ord_1004', channel: 'web-us', customerId: 'cus_ben', companyId: null, currency: 'USD', lines: [[2, 1]], days: 8 },
    {
      id: 'ord_2001',
      channel: 'trade-eu',
      customerId: 'cus_acme_buyer',
      companyId: 'cmp_acme',
      currency: 'EUR',
      lines: [
        [10, 20],
        [11, 50],
      ],
      days: 20,
    },
    { id: 'ord_2002', channel: 'trade-eu', customerId: 'cus_acme_buyer', companyId: 'cmp_acme', currency: 'EUR', lines: [[21, 12]], days: 5 },
    { id: 'ord_3001', channel: 'trade-eu', customerId: 'cus_globex_buyer', companyId: 'cmp_globex', currency: 'EUR', lines: [[30, 100]], days: 9 },
  ];
  for (const [n, o] of demo.entries()) {
    const lines = o.lines.map(([idx, quantity], lineNo) => {
      const p = pick(idx!);
      const v = p.variants[0]!;
      const unit = o.currency === 'USD' ? Math.round((p.basePrice * 1.08) / 100) * 100 - 1 : p.basePrice;
      return { orderId: o.id, lineNo: lineNo + 1, variantId: v.id, sku: v.sku, quantity: quantity!, unitAmount: unit, lineTotal: unit * quantity! };
    });
    await db.insert(t.orders).values({
      id: o.id,
      number: `SG-${String(100001 + n)}`,
      channel: o.channel,
      customerId: o.customerId,
      companyId: o.companyId,
      status: 'PROCESSING',
      currency: o.currency,
      subtotal: lines.reduce((s, l) => s + l.lineTotal, 0),
      total: lines.reduce((s, l) => s + l.lineTotal, 0),
      placedAt: new Date(Date.UTC(2026, 10, 20) - o.days * 86_400_000),
    });
    await db.insert(t.orderLines).values(lines);
    // History, not news: announced as placed (so the sales read model projects it) but already published, so
    // no webhook receiver registered later is sent a seed order.
    await db.insert(t.outbox).values({
      type: 'order.placed',
      channel: o.channel,
      aggregateId: o.id,
      aggregateVersion: 1,
      data: {
        orderId: o.id,
        number: `SG-${String(100001 + n)}`,
        channel: o.channel,
        customerId: o.customerId,
        companyId: o.companyId,
        total: { amount: lines.reduce((s, l) => s + l.lineTotal, 0), currency: o.currency },
        lines: lines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity })),
      },
      publishedAt: new Date(),
    });
  }
  // Reports group the demo channels into two regions.
  await db.execute(sql`insert into orders.report_regions (region, channel) values
    ('europe', 'web-eu'), ('europe', 'trade-eu'), ('europe', 'pos-berlin'), ('americas', 'web-us')`);
}
