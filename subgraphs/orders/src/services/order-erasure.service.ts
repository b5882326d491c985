import { and, eq, sql } from 'drizzle-orm';
import { appError, CUSTOMERS_SERVICE_ISSUER } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';
import { carts, orders } from '../db/tables.ts';

/**
 * After the customers subgraph erased a person: their orders keep amounts, tax, country and postcode (the
 * financial record a tax office asks for) and lose everything that names or locates the person. Only the
 * customers service may ask; a second call changes nothing and answers 0.
 */
export async function anonymiseCustomerOrders(ctx: OrdersContext, customerId: string): Promise<number> {
  if (ctx.issuer !== CUSTOMERS_SERVICE_ISSUER) throw appError('FORBIDDEN', 'only the customers service erases personal data');
  const forget = (column: typeof orders.shippingAddress | typeof orders.billingAddress) =>
    sql`case when ${column} is null then null else jsonb_build_object('name', '[erased]', 'line1', '[erased]', 'postalCode', ${column}->>'postalCode', 'city', ${column}->>'city', 'region', ${column}->>'region', 'country', ${column}->>'country') end`;
  return ctx.db.db.transaction(async (tx) => {
    const changed = await tx
      .update(orders)
      .set({ email: null, shippingAddress: forget(orders.shippingAddress), billingAddress: forget(orders.billingAddress) })
      .where(
        and(
          eq(orders.customerId, customerId),
          sql`(${orders.email} is not null or ${orders.shippingAddress}->>'name' <> '[erased]' or ${orders.billingAddress}->>'name' <> '[erased]')`,
        ),
      )
      .returning({ id: orders.id });
    // Carts keep their lines (an open one simply idles out); they lose the person's details.
    await tx
      .update(carts)
      .set({ email: null, shippingAddress: null, billingAddress: null })
      .where(eq(carts.owner, `customer:${customerId}`));
    // Finished checkouts keep their steps' ids and amounts but not the cart they copied (email, addresses) or
    // the caller's address; a running one is left to finish (it needs both) and is scrubbed by a later call.
    await tx.execute(sql`
      update orders.checkout_steps s set outcome = jsonb_build_object('erased', true)
      from orders.checkouts c
      where s.checkout_id = c.id and c.owner = ${`customer:${customerId}`} and c.status in ('COMPLETED', 'FAILED') and s.step = 'validate'`);
    await tx.execute(sql`
      update orders.checkouts set context = context - 'clientIp' - 'guestId'
      where owner = ${`customer:${customerId}`} and status in ('COMPLETED', 'FAILED')`);
    return changed.length;
  });
}
