import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { addressProblem, appError, cleanAddress, type Address } from '@storegraph/schema';
import type { CustomersContext } from '../context.ts';
import { addresses } from '../db/tables.ts';
import type { Tx } from './outbox.ts';
import { requireCustomer } from './account.service.ts';
import { isUuid } from '../domain/account-input.rules.ts';

/** An address book is for people, not spam: 50 entries is more than any real customer keeps. */
export const ADDRESS_BOOK_MAX = 50;
const LABEL_MAX = 60;

export interface SaveAddressInput {
  label?: string | null;
  address: Address;
  defaultShipping?: boolean | null;
  defaultBilling?: boolean | null;
}

function problemOf(input: SaveAddressInput) {
  if (input.label != null && input.label.length > LABEL_MAX) return { field: 'label', message: `label is at most ${LABEL_MAX} characters` };
  const p = addressProblem(input.address);
  return p ? { field: `address.${p[0]}`, message: p[1] } : null;
}

/** Serialises one account's address-book writes: the cap's count and the one-default rule cannot be raced. */
async function lockBook(tx: Tx, accountId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`customers:addresses:${accountId}`}))`);
}

/** Only one default of each kind: setting one clears the other first (a partial unique index backs this). */
async function clearDefaults(tx: Tx, accountId: string, input: SaveAddressInput) {
  if (input.defaultShipping)
    await tx
      .update(addresses)
      .set({ defaultShipping: false })
      .where(and(eq(addresses.accountId, accountId), eq(addresses.defaultShipping, true)));
  if (input.defaultBilling)
    await tx
      .update(addresses)
      .set({ defaultBilling: false })
      .where(and(eq(addresses.accountId, accountId), eq(addresses.defaultBilling, true)));
}

export async function addAddress(ctx: CustomersContext, input: SaveAddressInput) {
  const accountId = requireCustomer(ctx);
  const problem = problemOf(input);
  if (problem) return { __typename: 'AccountInputInvalid' as const, ...problem };
  return ctx.db.db.transaction(async (tx) => {
    await lockBook(tx, accountId);
    const [{ n }] = (await tx.execute(sql`select count(*)::int as n from customers.addresses where account_id = ${accountId}`)) as unknown as [{ n: number }];
    if (n >= ADDRESS_BOOK_MAX)
      return { __typename: 'AccountInputInvalid' as const, field: 'address', message: `an address book holds at most ${ADDRESS_BOOK_MAX} addresses` };
    await clearDefaults(tx, accountId, input);
    const [row] = await tx
      .insert(addresses)
      .values({
        id: randomUUID(),
        accountId,
        label: input.label?.trim() || null,
        address: cleanAddress(input.address),
        defaultShipping: !!input.defaultShipping,
        defaultBilling: !!input.defaultBilling,
      })
      .returning();
    return { __typename: 'SavedAddress' as const, ...row! };
  });
}

export async function updateAddress(ctx: CustomersContext, id: string, input: SaveAddressInput) {
  const accountId = requireCustomer(ctx);
  const problem = problemOf(input);
  if (problem) return { __typename: 'AccountInputInvalid' as const, ...problem };
  if (!isUuid(id)) throw appError('NOT_FOUND', 'no such address');
  return ctx.db.db.transaction(async (tx) => {
    await lockBook(tx, accountId);
    await clearDefaults(tx, accountId, input);
    // Flags left out stay as they are: editing the default address's street keeps it the default.
    const [row] = await tx
      .update(addresses)
      .set({
        label: input.label?.trim() || null,
        address: cleanAddress(input.address),
        ...(input.defaultShipping != null ? { defaultShipping: input.defaultShipping } : {}),
        ...(input.defaultBilling != null ? { defaultBilling: input.defaultBilling } : {}),
      })
      .where(and(eq(addresses.id, id), eq(addresses.accountId, accountId)))
      .returning();
    if (!row) throw appError('NOT_FOUND', 'no such address');
    return { __typename: 'SavedAddress' as const, ...row };
  });
}

export async function removeAddress(ctx: CustomersContext, id: string): Promise<boolean> {
  const accountId = requireCustomer(ctx);
  if (!isUuid(id)) return false;
  const removed = await ctx.db.db
    .delete(addresses)
    .where(and(eq(addresses.id, id), eq(addresses.accountId, accountId)))
    .returning({ id: addresses.id });
  return removed.length === 1;
}
