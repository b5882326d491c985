import { expect } from 'vitest';
import { data, op, type Bff } from './checkout-support.ts';
import { sqlClient } from '../support/clients.ts';

/** A fresh email no other test (or run) uses. */
export const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}@test.example`;

export const PASSWORD = 'a long enough passphrase';

/** The trade portal's company operations, walked by allow-list-walk-accounts.test.ts. */
export const COMPANY_OPS = ['MyCompany', 'AddCompanyBuyer', 'UpdateCompanyBuyer', 'RemoveCompanyBuyer'];

export interface Session {
  token: string;
  refreshToken: string;
  customerId: string;
}

const asSession = (s: { accessToken: string; refreshToken: string; customer: { id: string } }): Session => ({
  token: s.accessToken,
  refreshToken: s.refreshToken,
  customerId: s.customer.id,
});

export async function signUp(email: string, channel = 'web-eu', name = 'Test Shopper'): Promise<Session> {
  const res = data(await op('b2c', 'SignUp', { input: { email, password: PASSWORD, name } }, { channel })).signUp;
  expect(res.__typename).toBe('AuthSession');
  return asSession(res);
}

export async function signIn(which: Bff, email: string, password: string, channel?: string) {
  return data(await op(which, 'SignIn', { input: { email, password } }, { channel })).signIn;
}

export async function signedIn(which: Bff, email: string, password: string, channel?: string): Promise<Session> {
  const res = await signIn(which, email, password, channel);
  expect(res.__typename, JSON.stringify(res)).toBe('AuthSession');
  return asSession(res);
}

/**
 * The newest event of a type for an account, as the mailer reads it: the event from the outbox, the link's
 * plain token (if still unused) from mail_secrets by the event's tokenId.
 */
export async function lastEvent(customerId: string, type: string): Promise<{ data: Record<string, string>; token?: string } | undefined> {
  const sql = sqlClient();
  try {
    const rows = await sql<{ data: Record<string, string>; token: string | null }[]>`
      select o.data, m.token from customers.outbox o left join customers.mail_secrets m on m.token_id::text = o.data->>'tokenId'
      where o.aggregate_id = ${customerId} and o.type = ${type} order by o.id desc limit 1`;
    const row = rows[0];
    return row && { data: row.data, token: row.token ?? undefined };
  } finally {
    await sql.end();
  }
}

export async function eventCount(customerId: string, type: string): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from customers.outbox where aggregate_id = ${customerId} and type = ${type}`;
    return row!.n;
  } finally {
    await sql.end();
  }
}
