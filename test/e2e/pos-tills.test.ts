import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { data } from './checkout-support.ts';
import { registerTill, registerTillStaff, tillSignIn, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN, MUNICH } from './stock-support.ts';

/**
 * Tills and shop staff (issue #15, part 1): staff register a till in a shop through the admin BFF (its secret
 * shown once), shop staff sign in on it with a PIN, and the POS BFF builds the till's context from the till's
 * and the cashier's records, so the till works in its own shop whatever the client sends.
 */

const run = adminWalk('pos');
const sql = sqlClient();
const staff = { posAdmin: '', webAdmin: '' };
let berlinTill: TestTill;
let cashier: { id: string; staffCode: string; pin: string };

beforeAll(async () => {
  const [posAdmin, webAdmin] = await Promise.all([
    createStaff('pos-admin', ['staff-admin', 'viewer'], ['pos-berlin']),
    createStaff('pos-web-admin', ['staff-admin', 'viewer'], ['web-eu']),
  ]);
  staff.posAdmin = (await staffSession(posAdmin.email)).token;
  staff.webAdmin = (await staffSession(webAdmin.email)).token;
  berlinTill = await registerTill(staff.posAdmin, BERLIN);
  cashier = await registerTillStaff(staff.posAdmin, 'CASHIER', '4711');
});

afterAll(() => sql.end());

describe('registering tills and shop staff through the admin BFF', () => {
  it('shows a till its secret once, keeps only its hash and lists the till without it', async () => {
    const res = data(
      await run(
        'RegisterTill',
        { input: { channel: 'pos-berlin', locationId: MUNICH, name: 'Munich till 1' } },
        { token: staff.posAdmin, channel: 'pos-berlin' },
      ),
    );
    const reg = res.registerTill;
    expect(reg.__typename).toBe('TillRegistration');
    // 32 random bytes in base64url: 43 characters.
    expect(reg.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reg.till).toEqual({
      id: reg.till.id,
      channel: 'pos-berlin',
      locationId: MUNICH,
      name: 'Munich till 1',
      status: 'ACTIVE',
      createdAt: reg.till.createdAt,
    });
    const [row] = await sql`select secret_hash from customers.tills where id = ${reg.till.id}`;
    expect(row!.secret_hash).not.toBe(reg.secret);
    expect(row!.secret_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = data(await run('Tills', { channel: 'pos-berlin' }, { token: staff.posAdmin, channel: 'pos-berlin' })).tills;
    const mine = listed.filter((t: { id: string }) => t.id === reg.till.id || t.id === berlinTill.id);
    expect(mine).toHaveLength(2);
    expect(mine.map((t: object) => Object.keys(t).sort())).toEqual([
      ['channel', 'createdAt', 'id', 'locationId', 'name', 'status'],
      ['channel', 'createdAt', 'id', 'locationId', 'name', 'status'],
    ]);
    // The audit trail keeps the answer without the secret.
    const audits =
      await sql`select result::text as result from audit.entries where operation = 'registerTill' and phase = 'OUTCOME' and result::text like ${`%${reg.till.id}%`}`;
    expect(audits).toHaveLength(1);
    expect(audits[0]!.result).not.toContain(reg.secret);
    expect(audits[0]!.result).toContain('[redacted]');
  });

  it('refuses staff without staff-admin on the POS channel, and writes no till', async () => {
    const before = await sql`select count(*)::int as n from customers.tills`;
    const res = await bff(
      'admin',
      'RegisterTill',
      { input: { channel: 'pos-berlin', locationId: BERLIN, name: 'Rogue till' } },
      { token: staff.webAdmin, channel: 'web-eu' },
    );
    expect(codes(res)).toEqual(['FORBIDDEN']);
    const after = await sql`select count(*)::int as n from customers.tills`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('stores a PIN as an argon2id hash, refuses a PIN that is not 4 to 12 digits and a staff code taken in the channel', async () => {
    const bad = data(
      await run(
        'RegisterTillStaff',
        { input: { channel: 'pos-berlin', staffCode: 'Zz9bad', name: 'Bad pin', pin: '12ab', role: 'CASHIER' } },
        { token: staff.posAdmin, channel: 'pos-berlin' },
      ),
    ).registerTillStaff;
    expect(bad).toEqual({ __typename: 'TillInputInvalid', message: '4 to 12 digits', field: 'pin' });
    const taken = data(
      await run(
        'RegisterTillStaff',
        { input: { channel: 'pos-berlin', staffCode: cashier.staffCode, name: 'Twin', pin: '1234', role: 'MANAGER' } },
        { token: staff.posAdmin, channel: 'pos-berlin' },
      ),
    ).registerTillStaff;
    expect(taken).toEqual({ __typename: 'TillInputInvalid', message: 'this staff code is taken in the channel', field: 'staffCode' });
    const [row] = await sql`select pin_hash, role from customers.till_staff where id = ${cashier.id}`;
    expect(row!.pin_hash).toMatch(/^\$argon2id\$/);
    expect(row!.role).toBe('CASHIER');
    // The audit trail never holds a PIN.
    const entries =
      await sql`select arguments::text as args from audit.entries where operation = 'registerTillStaff' and phase = 'ATTEMPT' and arguments::text like ${`%${cashier.staffCode}%`}`;
    // The cashier's registration (beforeAll) and the refused twin above.
    expect(entries).toHaveLength(2);
    for (const e of entries) expect(e.args).toContain('"pin": "[redacted]"');
  });
});

describe('signing in on a till with a PIN', () => {
  it("gives a till token whose context is the till's shop, whatever channel the client names", async () => {
    const signedIn = await tillSignIn(berlinTill, cashier.staffCode, cashier.pin);
    expect(signedIn.__typename).toBe('TillSignedIn');
    expect(signedIn.till).toEqual({ id: berlinTill.id, channel: 'pos-berlin', locationId: BERLIN, name: signedIn.till.name });
    expect(signedIn.staff).toEqual({ id: cashier.id, staffCode: cashier.staffCode, name: `CASHIER ${cashier.staffCode}`, role: 'CASHIER' });
    const token = signedIn.accessToken;
    // Naming another channel changes nothing: the till's record decides.
    const opened = data(await bff('pos', 'OpenTillSession', { openingFloat: 20000 }, { token, channel: 'web-eu' })).openTillSession;
    expect(opened.__typename).toBe('TillSession');
    expect(opened.tillId).toBe(berlinTill.id);
    expect(opened.locationId).toBe(BERLIN);
    const closed = data(await bff('pos', 'CloseTillSession', { countedCash: 20000 }, { token })).closeTillSession;
    expect(closed.status).toBe('CLOSED');
  });

  it('answers a wrong PIN, a wrong till secret and an unknown staff code alike, and throttles the sixth failure', async () => {
    const member = await registerTillStaff(staff.posAdmin, 'CASHIER', '246810');
    const wrongPin = await tillSignIn(berlinTill, member.staffCode, '000000');
    const wrongSecret = await tillSignIn({ ...berlinTill, secret: 'x'.repeat(43) }, member.staffCode, member.pin);
    const unknownCode = await tillSignIn(berlinTill, 'Nobody42', member.pin);
    const failed = { __typename: 'SignInFailed', message: 'till, staff code or PIN is wrong' };
    expect([wrongPin, wrongSecret, unknownCode]).toEqual([failed, failed, failed]);
    // Failures per till and staff code: 2 so far for this code, 3 more use up the budget of 5, the 6th is throttled.
    for (let i = 0; i < 3; i++) expect(await tillSignIn(berlinTill, member.staffCode, '000000')).toEqual(failed);
    const throttled = await tillSignIn(berlinTill, member.staffCode, member.pin);
    expect(throttled.__typename).toBe('SignInThrottled');
    expect(throttled.retryAfterSeconds).toBeGreaterThan(0);
    // The same staff member on another till is a budget of its own.
    const other = await registerTill(staff.posAdmin, BERLIN);
    expect((await tillSignIn(other, member.staffCode, member.pin)).__typename).toBe('TillSignedIn');
  });

  it('refuses a till token after sign-out, and every sign-in of a revoked till', async () => {
    const till = await registerTill(staff.posAdmin, BERLIN);
    const first = await tillToken(till, cashier.staffCode, cashier.pin);
    expect(data(await bff('pos', 'TillSignOut', {}, { token: first })).tillSignOut).toBe(true);
    const after = await bff('pos', 'CurrentTillSession', {}, { token: first });
    expect(after.status).toBe(401);
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);

    const second = await tillToken(till, cashier.staffCode, cashier.pin);
    expect(data(await bff('pos', 'CurrentTillSession', {}, { token: second })).currentTillSession).toBeNull();
    const revoked = data(await run('RevokeTill', { id: till.id }, { token: staff.posAdmin, channel: 'pos-berlin' })).revokeTill;
    expect(revoked.status).toBe('REVOKED');
    // The POS BFF keeps a sign-in's facts for BFF_ACCOUNT_CACHE_MS (1 s in the test system): poll past it.
    let refused = await bff('pos', 'CurrentTillSession', {}, { token: second });
    for (let i = 0; i < 50 && refused.status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 200));
      refused = await bff('pos', 'CurrentTillSession', {}, { token: second });
    }
    expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(await tillSignIn(till, cashier.staffCode, cashier.pin)).toEqual({ __typename: 'SignInFailed', message: 'till, staff code or PIN is wrong' });
  });

  it('refuses a staff token and a customer-less anonymous caller on till operations', async () => {
    const anonymous = await bff('pos', 'OpenTillSession', { openingFloat: 100 });
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    const asStaff = await bff('pos', 'OpenTillSession', { openingFloat: 100 }, { token: staff.posAdmin });
    expect(codes(asStaff)).toEqual(['FORBIDDEN']);
  });
});

describe('till cash sessions', () => {
  it('opens with a float, refuses a second open, and closes with the counted cash and the difference', async () => {
    const till = await registerTill(staff.posAdmin, BERLIN);
    const token = await tillToken(till, cashier.staffCode, cashier.pin);
    const opened = data(await bff('pos', 'OpenTillSession', { openingFloat: 15000 }, { token })).openTillSession;
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    expect(opened).toEqual({
      __typename: 'TillSession',
      id: opened.id,
      tillId: till.id,
      locationId: BERLIN,
      status: 'OPEN',
      openedAt: opened.openedAt,
      openingFloat: eur(15000),
      closedAt: null,
      expectedCash: eur(15000),
      countedCash: null,
      cashDifference: null,
    });
    const again = data(await bff('pos', 'OpenTillSession', { openingFloat: 100 }, { token })).openTillSession;
    expect(again).toEqual({ __typename: 'TillSessionConflict', message: 'this till already has an open session', current: { id: opened.id } });
    expect(data(await bff('pos', 'CurrentTillSession', {}, { token })).currentTillSession.id).toBe(opened.id);

    const negative = await bff('pos', 'CloseTillSession', { countedCash: -1 }, { token });
    expect(codes(negative)).toEqual(['BAD_USER_INPUT']);
    // Counted 149.50 against 150.00 expected (no sales yet): 50 cents short.
    const closed = data(await bff('pos', 'CloseTillSession', { countedCash: 14950 }, { token })).closeTillSession;
    expect(closed).toMatchObject({ id: opened.id, status: 'CLOSED', countedCash: eur(14950), expectedCash: eur(15000), cashDifference: eur(-50) });
    expect(data(await bff('pos', 'CloseTillSession', { countedCash: 0 }, { token })).closeTillSession).toEqual({
      __typename: 'TillSessionConflict',
      message: 'this till has no open session',
    });
  });

  it('opens one session when two requests race to open the same drawer', async () => {
    const till = await registerTill(staff.posAdmin, BERLIN);
    const token = await tillToken(till, cashier.staffCode, cashier.pin);
    const answers = await Promise.all(Array.from({ length: 8 }, () => bff('pos', 'OpenTillSession', { openingFloat: 5000 }, { token })));
    const kinds = answers.map((a) => data(a).openTillSession.__typename).sort();
    expect(kinds).toEqual(['TillSession', ...Array(7).fill('TillSessionConflict')]);
    const rows = await sql`select count(*)::int as n from orders.till_sessions where till_id = ${till.id}`;
    expect(rows[0]!.n).toBe(1);
  });
});
