import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createStaff, staffAdminToken, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { data } from './checkout-support.ts';
import { POS_WALKS, registerTill, tillSignIn, tillToken, type TestTill } from './pos-support.ts';

/**
 * Till staff as staff-admin sees them and their PINs: the channel's list (paged by staff code, never a PIN), a
 * staff reset of a forgotten PIN (the member's sign-ins end; the audit trail keeps no PIN) and a cashier changing
 * their own PIN at the till (the current PIN checked against the sign-in's failure budget). The file owns a POS
 * channel with one shop of its own, so the list's contents are exactly the members registered here.
 */

const run = adminWalk('tillStaffPins');
const ranPos = new Set<string>();
const sql = sqlClient();
const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`.slice(0, 12);
const CHANNEL = `pos-tp-${tag}`;
const SHOP = `loc_tp_${tag}`;
const failed = { __typename: 'SignInFailed', message: 'till, staff code or PIN is wrong' };
let admin = { id: '', token: '' };
let tills: TestTill[] = [];

const as = () => ({ token: admin.token, channel: CHANNEL });

/** Staff codes of the file's own whose order is known: the letter first, then the run's tag. */
async function register(letter: string, role: 'CASHIER' | 'MANAGER', pin: string) {
  const staffCode = `${letter}${tag}`;
  const input = { channel: CHANNEL, staffCode, name: `${role} ${letter}`, pin, role };
  const res = data(await bff('admin', 'RegisterTillStaff', { input }, as())).registerTillStaff;
  expect(res.__typename, JSON.stringify(res)).toBe('TillStaffMember');
  return { id: res.id as string, staffCode, pin };
}

const list = async (vars: Record<string, unknown>) => data(await run('TillStaff', { channel: CHANNEL, ...vars }, as())).tillStaff;
const changePin = async (token: string, input: { currentPin: string; pin: string }) => {
  ranPos.add('ChangeMyTillPin');
  return data(await bff('pos', 'ChangeMyTillPin', { input }, { token })).changeMyTillPin;
};

/** The POS BFF keeps a sign-in's facts for BFF_ACCOUNT_CACHE_MS (1 s in the test system): poll past it, bounded. */
async function refusedSoon(token: string) {
  let res = await bff('pos', 'CurrentTillSession', {}, { token });
  for (let i = 0; i < 50 && res.status !== 401; i++) {
    await new Promise((r) => setTimeout(r, 200));
    res = await bff('pos', 'CurrentTillSession', {}, { token });
  }
  return { status: res.status, codes: codes(res) };
}

beforeAll(async () => {
  await sql`insert into products.sales_channels (code, kind, name, currency, default_locale, locales, country, tax_mode)
    values (${CHANNEL}, 'POS', ${CHANNEL}, 'EUR', 'de-DE', ${['de-DE']}, 'DE', 'INCLUSIVE')`;
  await sql`insert into stock.locations (id, name, kind) values (${SHOP}, ${`Till PIN shop ${SHOP}`}, 'SHOP')`;
  await sql`insert into stock.channel_locations (channel, location_id) values (${CHANNEL}, ${SHOP})`;
  const member = await createStaff('tp-admin', ['staff-admin', 'viewer'], [CHANNEL]);
  admin = { id: member.id, token: (await staffSession(member.email)).token };
  tills = [await registerTill(admin.token, SHOP, CHANNEL), await registerTill(admin.token, SHOP, CHANNEL)];
});

afterAll(async () => {
  expect(POS_WALKS.pins.filter((n) => !ranPos.has(n))).toEqual([]);
  await sql.end();
});

describe("a channel's till staff list", () => {
  it('pages the members by staff code with role, shops, active and last sign-in, and never a PIN', async () => {
    const a = await register('A', 'MANAGER', '112233');
    const b = await register('B', 'CASHIER', '4455');
    const c = await register('C', 'CASHIER', '6677');
    await tillToken(tills[0]!, b.staffCode, b.pin);
    const off = data(await bff('admin', 'UpdateTillStaff', { input: { id: c.id, active: false } }, as())).updateTillStaff;
    expect(off.__typename).toBe('TillStaffChanged');
    // The sign-in's own record says when it happened: the list answers that instant.
    const [signIn] = await sql<{ at: Date }[]>`select created_at as at from customers.till_sign_ins where till_staff_id = ${b.id}`;
    const member = (m: { id: string; staffCode: string }, name: string, role: string, active: boolean, lastSignInAt: string | null) => ({
      id: m.id,
      channel: CHANNEL,
      staffCode: m.staffCode,
      name,
      role,
      locationIds: null,
      active,
      lastSignInAt,
    });
    const [ma, mb, mc] = [
      member(a, 'MANAGER A', 'MANAGER', true, null),
      member(b, 'CASHIER B', 'CASHIER', true, signIn!.at.toISOString()),
      member(c, 'CASHIER C', 'CASHIER', false, null),
    ];

    // Three members, two a page: A and B, then C alone.
    const first = await list({ first: 2 });
    expect(first.nodes).toEqual([ma, mb]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.pageInfo.endCursor).toEqual(expect.any(String));
    expect(await list({ first: 2, after: first.pageInfo.endCursor })).toEqual({ nodes: [mc], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } });
    expect((await list({ active: true })).nodes).toEqual([ma, mb]);
    expect((await list({ active: false })).nodes).toEqual([mc]);
    // Not the hash, not its algorithm's name, anywhere in the answer.
    expect(JSON.stringify(await list({}))).not.toMatch(/argon2|pinHash|pin_hash/i);
    // The last sign-in is one grouped statement a page (a loader): a page of 3 costs what a page of 1 does.
    const cost = async (first: number) => (await run('TillStaff', { channel: CHANNEL, first }, as())).extensions?.sqlStatements?.customers;
    const one = await cost(1);
    expect(one).toBeGreaterThan(0);
    expect(await cost(3)).toBe(one);
  });

  it("refuses another channel's staff-admin, a viewer and a malformed cursor", async () => {
    const berlinAdmin = await createStaff('tp-berlin-admin', ['staff-admin'], ['pos-berlin']);
    const other = await bff('admin', 'TillStaff', { channel: CHANNEL }, { token: (await staffSession(berlinAdmin.email)).token, channel: 'pos-berlin' });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const viewer = await createStaff('tp-viewer', ['viewer'], [CHANNEL]);
    expect(codes(await bff('admin', 'TillStaff', { channel: CHANNEL }, { token: (await staffSession(viewer.email)).token, channel: CHANNEL }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await bff('admin', 'TillStaff', { channel: CHANNEL, after: 'not-a-cursor' }, as()))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('resetting a PIN', () => {
  it('ends every open sign-in of the member, lets only the new PIN in and keeps no PIN in the audit trail', async () => {
    const cashier = await register('R', 'CASHIER', '24680');
    const tokens = [await tillToken(tills[0]!, cashier.staffCode, cashier.pin), await tillToken(tills[1]!, cashier.staffCode, cashier.pin)];
    const reset = data(await run('ResetTillStaffPin', { input: { id: cashier.id, pin: '97531' } }, as())).resetTillStaffPin;
    expect(reset).toEqual({
      __typename: 'TillPinReset',
      staff: { id: cashier.id, channel: CHANNEL, staffCode: cashier.staffCode, name: 'CASHIER R', role: 'CASHIER', locationIds: null, active: true },
      // One sign-in on each of the two tills.
      endedSignIns: 2,
    });
    for (const token of tokens) expect(await refusedSoon(token)).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    expect(await tillSignIn(tills[0]!, cashier.staffCode, '24680')).toEqual(failed);
    expect((await tillSignIn(tills[0]!, cashier.staffCode, '97531')).__typename).toBe('TillSignedIn');

    const trail = data(
      await bff('admin', 'AuditTrail', { filter: { staffId: admin.id, operation: 'resetTillStaffPin' }, first: 200 }, { token: await staffAdminToken() }),
    ).auditTrail;
    const entry = trail.nodes.find((n: { arguments: string }) => JSON.parse(n.arguments).input.id === cashier.id);
    expect(entry).toMatchObject({ subgraph: 'customers', outcome: 'OK', channel: CHANNEL });
    expect(JSON.parse(entry.arguments)).toEqual({ input: { id: cashier.id, pin: '[redacted]' } });
    expect(JSON.parse(entry.result)).toMatchObject({ __typename: 'TillPinReset', endedSignIns: 2 });
    const stored = await sql<{ text: string }[]>`select coalesce(arguments::text, '') || coalesce(result::text, '') as text from audit.entries
      where operation = 'resetTillStaffPin' and staff_id = ${admin.id}`;
    expect(stored.length).toBeGreaterThanOrEqual(2);
    for (const row of stored) expect(row.text).not.toMatch(/97531|24680|argon2/);
  });

  it("refuses a PIN of the wrong form, and answers another channel's staff-admin as for an unknown member, changing nothing", async () => {
    const cashier = await register('S', 'CASHIER', '1212');
    expect(data(await bff('admin', 'ResetTillStaffPin', { input: { id: cashier.id, pin: '12a4' } }, as())).resetTillStaffPin).toEqual({
      __typename: 'TillInputInvalid',
      message: '4 to 12 digits',
      field: 'pin',
    });
    const berlinAdmin = await createStaff('tp-berlin-reset', ['staff-admin'], ['pos-berlin']);
    const other = await bff(
      'admin',
      'ResetTillStaffPin',
      { input: { id: cashier.id, pin: '3434' } },
      { token: (await staffSession(berlinAdmin.email)).token, channel: 'pos-berlin' },
    );
    // NOT_FOUND, as for an id that exists nowhere: FORBIDDEN would tell pos-berlin's admin this id exists elsewhere.
    expect(codes(other)).toEqual(['NOT_FOUND']);
    expect(codes(await bff('admin', 'ResetTillStaffPin', { input: { id: `tst_none_${tag}`, pin: '3434' } }, as()))).toEqual(['NOT_FOUND']);
    expect((await tillSignIn(tills[0]!, cashier.staffCode, '1212')).__typename).toBe('TillSignedIn');
  });
});

describe("a cashier's own PIN", () => {
  it('changes with the current PIN: the old one no longer signs in, the new one does, the sign-in goes on and the others end', async () => {
    const cashier = await register('P', 'CASHIER', '1357');
    const token = await tillToken(tills[0]!, cashier.staffCode, cashier.pin);
    // A second sign-in with the old PIN, on the other till: whoever learnt the PIN.
    const elsewhere = await tillToken(tills[1]!, cashier.staffCode, cashier.pin);
    expect(await changePin(token, { currentPin: '1357', pin: '12' })).toEqual({ __typename: 'TillInputInvalid', message: '4 to 12 digits', field: 'pin' });
    expect(await changePin(token, { currentPin: '1357', pin: '1357' })).toEqual({
      __typename: 'TillInputInvalid',
      message: 'not the current PIN',
      field: 'pin',
    });
    expect(await changePin(token, { currentPin: '1357', pin: '864200' })).toEqual({
      __typename: 'TillPinChanged',
      staff: { id: cashier.id, staffCode: cashier.staffCode, name: 'CASHIER P', role: 'CASHIER' },
    });
    // Of the member's 2 sign-ins the one on the other till ended with the change; this till's is still open.
    expect(await refusedSoon(elsewhere)).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    const open = await sql<{ till_id: string }[]>`
      select till_id from customers.till_sign_ins where till_staff_id = ${cashier.id} and ended_at is null`;
    expect(open).toEqual([{ till_id: tills[0]!.id }]);
    expect(await tillSignIn(tills[1]!, cashier.staffCode, '1357')).toEqual(failed);
    expect((await tillSignIn(tills[1]!, cashier.staffCode, '864200')).__typename).toBe('TillSignedIn');
    expect(data(await bff('pos', 'CurrentTillSession', {}, { token })).currentTillSession).toBeNull();
  });

  it("counts wrong current PINs against the member's sign-in budget on that till", async () => {
    const cashier = await register('T', 'CASHIER', '5050');
    const token = await tillToken(tills[0]!, cashier.staffCode, cashier.pin);
    const wrong = { __typename: 'SignInFailed', message: 'the current PIN is wrong' };
    // 5 failures per till and staff code: two here, two at the sign-in screen, one more here uses the budget up.
    for (let i = 0; i < 2; i++) expect(await changePin(token, { currentPin: '0000', pin: '6060' })).toEqual(wrong);
    for (let i = 0; i < 2; i++) expect(await tillSignIn(tills[0]!, cashier.staffCode, '0000')).toEqual(failed);
    expect(await changePin(token, { currentPin: '0000', pin: '6060' })).toEqual(wrong);
    const throttled = await changePin(token, { currentPin: '5050', pin: '6060' });
    expect(throttled.__typename).toBe('SignInThrottled');
    expect(throttled.retryAfterSeconds).toBeGreaterThan(0);
    expect((await tillSignIn(tills[0]!, cashier.staffCode, '5050')).__typename).toBe('SignInThrottled');
    // Nothing changed: the other till (a budget of its own) still takes the first PIN.
    expect((await tillSignIn(tills[1]!, cashier.staffCode, '5050')).__typename).toBe('TillSignedIn');
  });
});
