import { sql } from 'drizzle-orm';
import { DEFAULT_CREDIT_POLICY, type CreditPolicy } from '../domain/credit.rules.ts';
import type { OrdersDb } from '../context.ts';

type Db = OrdersDb['db'];
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What a company owes on terms in `currency` now, and the part past due. Checkouts on terms still running hold an OPEN invoice too. */
export async function creditPosition(db: Db | Tx, companyId: string, currency: string): Promise<{ owed: number; overdue: number }> {
  const [row] = await db.execute<{ owed: string; overdue: string }>(sql`
    select coalesce(sum(amount - paid), 0)::text as owed,
           coalesce(sum(amount - paid) filter (where due_at < now()), 0)::text as overdue
    from orders.invoices where company_id = ${companyId} and status = 'OPEN' and currency = ${currency}`);
  return { owed: Number(row?.owed ?? 0), overdue: Number(row?.overdue ?? 0) };
}

export async function creditPolicyOf(db: Db | Tx, companyId: string): Promise<CreditPolicy> {
  const [row] = await db.execute<{ over_limit: CreditPolicy['overLimit']; block_when_overdue: boolean }>(sql`
    select over_limit, block_when_overdue from orders.company_credit_policies where company_id = ${companyId}`);
  return row ? { overLimit: row.over_limit, blockWhenOverdue: row.block_when_overdue } : DEFAULT_CREDIT_POLICY;
}

/**
 * Serialises every credit decision of one company for the rest of the transaction: two orders raced on terms
 * then see each other's invoice, so together they cannot pass the limit. A transaction-level advisory lock
 * rather than a row lock, because a company with no invoice yet has no row to lock.
 */
export async function lockCompanyCredit(tx: Tx, companyId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`orders.credit:${companyId}`}, 0))`);
}
