import { expect } from 'vitest';
import { issueToken } from '@storegraph/bff-kit';
import { bff, system } from '../support/clients.ts';
import { data } from './checkout-support.ts';

export const STAFF_PASSWORD = 'a staff passphrase of some length';

/** A fresh staff email no other test (or run) uses. */
export const freshStaffEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}@staff.test`;

/**
 * A staff administrator of the test's own, vouched for by the identity provider (roles in its claims, as an
 * external provider's staff are): the one who creates the built-in staff members a test signs in as.
 */
export const staffAdminToken = () =>
  issueToken(
    { sub: `stf_t_admin_${process.pid}`, kind: 'staff', name: 'Test staff admin', roles: ['staff-admin', 'viewer'], channels: ['*'] },
    system().idpSecret,
  );

export interface StaffMember {
  id: string;
  email: string;
  version: number;
}

/** A built-in staff member with these roles on these channels, created through the admin BFF. */
export async function createStaff(tag: string, roles: string[], channels: string[]): Promise<StaffMember> {
  const email = freshStaffEmail(tag);
  const res = data(
    await bff(
      'admin',
      'CreateStaffMember',
      { input: { email, name: `Staff ${tag}`, password: STAFF_PASSWORD, roles, channels } },
      { token: await staffAdminToken() },
    ),
  ).createStaffMember;
  expect(res.__typename, JSON.stringify(res)).toBe('StaffMember');
  return { id: res.id, email, version: res.version };
}

export async function staffSignIn(email: string, password = STAFF_PASSWORD, totpCode?: string) {
  return data(await bff('admin', 'StaffSignIn', { input: { email, password, totpCode } })).staffSignIn;
}

/** Signs in and answers the access and refresh tokens (fails the test on anything but a session). */
export async function staffSession(email: string, password = STAFF_PASSWORD, totpCode?: string) {
  const res = await staffSignIn(email, password, totpCode);
  expect(res.__typename, JSON.stringify(res)).toBe('StaffAuthSession');
  return { token: res.accessToken as string, refreshToken: res.refreshToken as string };
}
