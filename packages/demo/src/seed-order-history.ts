import { tables as orderTables } from '@storegraph/orders';
import { prng, type DemoProduct } from './demo-catalog.ts';
import { insertChunked, type SeedDb } from './seed-util.ts';

const DAYS = 90;

/** How each demo channel sells, for plausible history: orders a day, units a line, tax and shipping. */
const SHOPS = [
  { channel: 'web-eu', currency: 'EUR', perDay: [1, 6], units: [1, 2], taxBp: 1900, inclusive: true, shipping: 490, freeFrom: 5000 },
  { channel: 'web-us', currency: 'USD', perDay: [1, 4], units: [1, 2], taxBp: 725, inclusive: false, shipping: 599, freeFrom: 7500 },
  { channel: 'trade-eu', currency: 'EUR', perDay: [0, 2], units: [2, 8], taxBp: 1900, inclusive: false, shipping: 0, freeFrom: 0 },
  { channel: 'pos-berlin', currency: 'EUR', perDay: [1, 5], units: [1, 1], taxBp: 1900, inclusive: true, shipping: 0, freeFrom: 0 },
] as const;

/**
 * Ninety days of finished orders before the seed ran, in every demo channel, so that reports and the staff
 * dashboard show something at first sight. Deterministic (a seeded PRNG) apart from the day they end on. They
 * are guests' orders (no customer or company): the demo customers' order lists, which tests assert exactly, are
 * untouched, and being COMPLETED (1 in 25 CANCELLED) they are not in any staff work queue. Each is announced by
 * an `order.placed` already published: the sales projector reads it, no webhook receiver is sent history.
 */
export async function seedOrderHistory(db: SeedDb, catalog: DemoProduct[], now = Date.now()) {
  const t = orderTables;
  const rand = prng(2026);
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const orders: (typeof t.orders.$inferInsert)[] = [];
  const lines: (typeof t.orderLines.$inferInsert)[] = [];
  const events: (typeof t.outbox.$inferInsert)[] = [];
  let n = 0;
  for (let d = DAYS; d >= 1; d--) {
    for (const shop of SHOPS) {
      const sold = catalog.filter((p) => p.channels.includes(shop.channel));
      for (let k = between(shop.perDay[0], shop.perDay[1]); k > 0; k--) {
        n++;
        const id = `ord_h${String(n).padStart(5, '0')}`;
        const number = `SG-H${String(n).padStart(6, '0')}`;
        const picked = Array.from({ length: between(1, 3) }, () => sold[Math.floor(rand() * sold.length)]!);
        const orderLines = picked.map((p, i) => {
          const v = p.variants[0]!;
          const unit = shop.currency === 'USD' ? Math.round((p.basePrice * 1.08) / 100) * 100 - 1 : p.basePrice;
          const quantity = between(shop.units[0], shop.units[1]);
          return { orderId: id, lineNo: i + 1, variantId: v.id, sku: v.sku, quantity, unitAmount: unit, lineTotal: unit * quantity };
        });
        const subtotal = orderLines.reduce((s, l) => s + l.lineTotal, 0);
        const discount = rand() < 0.125 ? Math.round(subtotal / 10) : 0;
        const shipping = shop.shipping && subtotal - discount < shop.freeFrom ? shop.shipping : 0;
        const goods = subtotal - discount + shipping;
        const tax = shop.inclusive ? Math.round((goods * shop.taxBp) / (10_000 + shop.taxBp)) : Math.round((goods * shop.taxBp) / 10_000);
        const total = shop.inclusive ? goods : goods + tax;
        const placedAt = new Date(now - d * 86_400_000 + Math.floor(rand() * 86_400_000));
        orders.push({
          id,
          number,
          channel: shop.channel,
          status: rand() < 0.04 ? 'CANCELLED' : 'COMPLETED',
          currency: shop.currency,
          email: 'history@example.com',
          taxIncluded: shop.inclusive,
          subtotal,
          discountTotal: discount,
          shippingTotal: shipping,
          taxTotal: tax,
          total,
          placedAt,
          updatedAt: placedAt,
        });
        lines.push(...orderLines);
        events.push({
          type: 'order.placed',
          channel: shop.channel,
          aggregateId: id,
          aggregateVersion: 1,
          data: {
            orderId: id,
            number,
            channel: shop.channel,
            customerId: null,
            companyId: null,
            total: { amount: total, currency: shop.currency },
            lines: orderLines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity })),
          },
          occurredAt: placedAt,
          publishedAt: new Date(now),
        });
      }
    }
  }
  await insertChunked(orders, (chunk) => db.insert(t.orders).values(chunk));
  await insertChunked(lines, (chunk) => db.insert(t.orderLines).values(chunk));
  await insertChunked(events, (chunk) => db.insert(t.outbox).values(chunk));
  return orders.length;
}
