import { expect } from 'vitest';
import { bff } from '../support/clients.ts';
import { data } from './checkout-support.ts';

/** A till and its cashier as a test registers them through the admin BFF (the production path). */
export interface TestTill {
  id: string;
  secret: string;
  locationId: string;
}

let seq = 0;
/** A staff code no other test (or run) uses: letters and digits, at most 16. */
export const freshStaffCode = (tag: string) => `${tag}${process.pid.toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 5)}`.slice(0, 16);

export async function registerTill(staffToken: string, locationId: string, channel = 'pos-berlin'): Promise<TestTill> {
  const res = data(await bff('admin', 'RegisterTill', { input: { channel, locationId, name: `Till ${seq++}` } }, { token: staffToken, channel })).registerTill;
  expect(res.__typename, JSON.stringify(res)).toBe('TillRegistration');
  return { id: res.till.id, secret: res.secret, locationId };
}

export async function registerTillStaff(staffToken: string, role: 'CASHIER' | 'MANAGER', pin: string, channel = 'pos-berlin') {
  const staffCode = freshStaffCode(role === 'MANAGER' ? 'M' : 'C');
  const res = data(
    await bff('admin', 'RegisterTillStaff', { input: { channel, staffCode, name: `${role} ${staffCode}`, pin, role } }, { token: staffToken, channel }),
  ).registerTillStaff;
  expect(res.__typename, JSON.stringify(res)).toBe('TillStaffMember');
  return { id: res.id as string, staffCode, pin };
}

export async function tillSignIn(till: TestTill, staffCode: string, pin: string) {
  return data(await bff('pos', 'TillSignIn', { input: { tillId: till.id, tillSecret: till.secret, staffCode, pin } })).tillSignIn;
}

/** Signs a cashier in on a till and answers the till's bearer token (fails the test on anything else). */
export async function tillToken(till: TestTill, staffCode: string, pin: string): Promise<string> {
  const res = await tillSignIn(till, staffCode, pin);
  expect(res.__typename, JSON.stringify(res)).toBe('TillSignedIn');
  return res.accessToken;
}

/** POS operations walked by name in their own files (left out of allow-list-walk.test.ts's own walk). */
export const POS_WALKS = {
  // pos-discount.test.ts
  discount: ['ApproveTillDiscount'],
  // pos-snapshot.test.ts
  snapshot: ['TillSnapshot'],
  // pos-reports.test.ts
  reports: ['TillXReport'],
  // pos-returns.test.ts
  returns: ['TillReturn'],
  // pos-store-credit.test.ts
  credit: ['TillCreditReturn', 'StoreCreditBalance'],
  // pos-endless-aisle.test.ts
  aisle: ['TillNearbyStock'],
  // pos-till-staff-pins.test.ts
  pins: ['ChangeMyTillPin'],
  // pos-offline-customer.test.ts
  offlineCustomer: ['TillCustomerTicket'],
} as const;
export const POS_WALKED_OPS: string[] = Object.values(POS_WALKS).flat();
