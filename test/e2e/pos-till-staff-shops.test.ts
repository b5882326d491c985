import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bff, sqlClient } from '../support/clients.ts';
import { createStaff, staffAdminToken, staffSession } from './admin-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';
import { data } from './checkout-support.ts';
import { freshStaffCode, registerTill, tillSignIn, tillToken, type TestTill } from './pos-support.ts';
import { BERLIN } from './stock-support.ts';

/**
 * Till staff scoped to shops (issue #16): a cashier or manager works in the shops staff-admin lists (every shop of
 * the channel when none are listed), signs in only on those shops' tills, approves only there, and a deactivated
 * member's sign-ins end. The file owns a POS channel with two shops of its own (bound in stock as the stock-value
 * test binds its locations: no API binds a location to a channel), so pos-berlin's single shop stays as it is.
 */

const run = adminWalk('tillStaff');
const sql = sqlClient();
const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const CHANNEL = `pos-ts-${tag}`;
const SHOP_A = `loc_ts_a_${tag}`;
const SHOP_B = `loc_ts_b_${tag}`;
const failed = { __typename: 'SignInFailed', message: 'till, staff code or PIN is wrong' };
const otherShop = { __typename: 'TillSignInRefused', reason: 'OTHER_SHOP', message: "this staff member does not work in this till's shop" };
let admin = { id: '', token: '' };
let tillA: TestTill;
let tillB: TestTill;

const as = () => ({ token: admin.token, channel: CHANNEL });

async function register(role: 'CASHIER' | 'MANAGER', pin: string, locationIds?: string[]) {
  const staffCode = freshStaffCode(role === 'MANAGER' ? 'M' : 'C');
  const input = { channel: CHANNEL, staffCode, name: `${role} ${staffCode}`, pin, role, ...(locationIds ? { locationIds } : {}) };
  const res = data(await bff('admin', 'RegisterTillStaff', { input }, as())).registerTillStaff;
  expect(res.__typename, JSON.stringify(res)).toBe('TillStaffMember');
  return { id: res.id as string, staffCode, pin, answer: res };
}

const update = async (input: Record<string, unknown>) => data(await run('UpdateTillStaff', { input }, as())).updateTillStaff;

/** The POS BFF keeps a sign-in's facts for BFF_ACCOUNT_CACHE_MS (1 s in the test system): poll past it, bounded. */
async function refusedSoon(token: string) {
  let res = await bff('pos', 'CurrentTillSession', {}, { token });
  for (let i = 0; i < 50 && res.status !== 401; i++) {
    await new Promise((r) => setTimeout(r, 200));
    res = await bff('pos', 'CurrentTillSession', {}, { token });
  }
  return { status: res.status, codes: codes(res) };
}

const openSignIns = async (memberId: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from customers.till_sign_ins where till_staff_id = ${memberId} and ended_at is null`)[0]!.n;

beforeAll(async () => {
  await sql`insert into products.sales_channels (code, kind, name, currency, default_locale, locales, country, tax_mode)
    values (${CHANNEL}, 'POS', ${CHANNEL}, 'EUR', 'de-DE', ${['de-DE']}, 'DE', 'INCLUSIVE')`;
  for (const shop of [SHOP_A, SHOP_B]) {
    await sql`insert into stock.locations (id, name, kind) values (${shop}, ${`Till staff shop ${shop}`}, 'SHOP')`;
    await sql`insert into stock.channel_locations (channel, location_id) values (${CHANNEL}, ${shop})`;
  }
  const member = await createStaff('ts-admin', ['staff-admin', 'viewer'], [CHANNEL]);
  admin = { id: member.id, token: (await staffSession(member.email)).token };
  tillA = await registerTill(admin.token, SHOP_A, CHANNEL);
  tillB = await registerTill(admin.token, SHOP_B, CHANNEL);
});

afterAll(() => sql.end());

describe('registering till staff for some shops', () => {
  it('refuses a location the channel does not sell from with NOT_IN_CHANNEL, naming it, and writes no member', async () => {
    const staffCode = freshStaffCode('X');
    const input = { channel: CHANNEL, staffCode, name: 'Nowhere', pin: '1357', role: 'CASHIER' };
    // The Berlin shop is pos-berlin's, not this channel's; loc_ts_none_ exists nowhere. Checked sorted:
    // loc_berlin_shop < loc_ts_a_… < loc_ts_none_…, so the refusal names them in that order.
    const res = await bff('admin', 'RegisterTillStaff', { input: { ...input, locationIds: [`loc_ts_none_${tag}`, SHOP_A, BERLIN] } }, as());
    expect(codes(res)).toEqual(['NOT_IN_CHANNEL']);
    expect(res.errors![0]!.extensions!.locationIds).toEqual([BERLIN, `loc_ts_none_${tag}`]);
    const empty = data(await bff('admin', 'RegisterTillStaff', { input: { ...input, locationIds: [] } }, as())).registerTillStaff;
    expect(empty).toEqual({
      __typename: 'TillInputInvalid',
      message: 'at least one shop; leave locationIds out for every shop of the channel',
      field: 'locationIds',
    });
    const rows = await sql`select id from customers.till_staff where channel = ${CHANNEL} and staff_code = ${staffCode}`;
    expect(rows).toHaveLength(0);
    const audited = await sql<{ outcome: string; error_code: string }[]>`
      select o.outcome, o.error_code from audit.entries a join audit.entries o on o.attempt_id = a.attempt_id and o.phase = 'OUTCOME'
      where a.phase = 'ATTEMPT' and a.operation = 'registerTillStaff' and a.arguments::text like ${`%${staffCode}%`} order by a.id`;
    // The refusal by code, then the empty list answered as data.
    expect(audited).toEqual([
      { outcome: 'REFUSED', error_code: 'NOT_IN_CHANNEL' },
      { outcome: 'OK', error_code: null },
    ]);
  });

  it("signs a cashier in on their shop's till only: another shop's till refuses them after the right PIN", async () => {
    // Given twice and out of order: stored once.
    const cashier = await register('CASHIER', '2580', [SHOP_A, SHOP_A]);
    expect(cashier.answer).toMatchObject({ channel: CHANNEL, role: 'CASHIER', locationIds: [SHOP_A], active: true });
    expect((await tillSignIn(tillA, cashier.staffCode, cashier.pin)).__typename).toBe('TillSignedIn');
    expect(await tillSignIn(tillB, cashier.staffCode, cashier.pin)).toEqual(otherShop);
    // Without the PIN nothing tells the shop apart from a wrong code.
    expect(await tillSignIn(tillB, cashier.staffCode, '0000')).toEqual(failed);
    const onB = await sql`select id from customers.till_sign_ins where till_id = ${tillB.id}`;
    expect(onB).toHaveLength(0);

    const everywhere = await register('CASHIER', '3690');
    expect(everywhere.answer.locationIds).toBeNull();
    expect((await tillSignIn(tillA, everywhere.staffCode, everywhere.pin)).__typename).toBe('TillSignedIn');
    expect((await tillSignIn(tillB, everywhere.staffCode, everywhere.pin)).__typename).toBe('TillSignedIn');
  });

  it("lets only a manager who works in the till's shop approve a discount there", async () => {
    const cashier = await register('CASHIER', '1470');
    const [managerA, managerB] = [await register('MANAGER', '7410', [SHOP_A]), await register('MANAGER', '8520', [SHOP_B])];
    const token = await tillToken(tillA, cashier.staffCode, cashier.pin);
    const approve = async (m: { staffCode: string; pin: string }) =>
      data(await bff('pos', 'ApproveTillDiscount', { input: { staffCode: m.staffCode, pin: m.pin, maxDiscount: 500 } }, { token })).approveTillDiscount;
    expect(await approve(managerB)).toEqual({
      __typename: 'TillApprovalRefused',
      reason: 'OTHER_SHOP',
      message: "this manager does not work in this till's shop",
    });
    const approved = await approve(managerA);
    expect(approved.__typename).toBe('TillDiscountApproval');
    // 5.00 EUR, the channel's currency.
    expect(approved.maxDiscount).toEqual({ amount: 500, currency: 'EUR' });
    expect(approved.manager).toEqual({ id: managerA.id, staffCode: managerA.staffCode, name: `MANAGER ${managerA.staffCode}`, role: 'MANAGER' });
  });
});

describe('changing till staff', () => {
  it('moves a cashier to another shop: the sign-in left outside ends, and every shop gives both back', async () => {
    const cashier = await register('CASHIER', '9630', [SHOP_A]);
    const onA = await tillToken(tillA, cashier.staffCode, cashier.pin);
    const moved = await update({ id: cashier.id, locationIds: [SHOP_B], role: 'MANAGER' });
    const member = { id: cashier.id, channel: CHANNEL, staffCode: cashier.staffCode, name: `CASHIER ${cashier.staffCode}`, active: true };
    expect(moved).toEqual({
      __typename: 'TillStaffChanged',
      staff: { ...member, role: 'MANAGER', locationIds: [SHOP_B] },
      before: { ...member, role: 'CASHIER', locationIds: [SHOP_A] },
      // The one sign-in, on shop A's till.
      endedSignIns: 1,
    });
    expect(await refusedSoon(onA)).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    expect(await tillSignIn(tillA, cashier.staffCode, cashier.pin)).toEqual(otherShop);
    const onB = await tillToken(tillB, cashier.staffCode, cashier.pin);

    const widened = await update({ id: cashier.id, everyShop: true });
    expect(widened).toMatchObject({ staff: { locationIds: null }, before: { locationIds: [SHOP_B] }, endedSignIns: 0 });
    expect(data(await bff('pos', 'CurrentTillSession', {}, { token: onB })).currentTillSession).toBeNull();
    expect((await tillSignIn(tillA, cashier.staffCode, cashier.pin)).__typename).toBe('TillSignedIn');
  });

  it('deactivates a member: both open sign-ins end, they sign in nowhere, and the audit trail shows the grant it was done under', async () => {
    const cashier = await register('CASHIER', '1593');
    const tokens = [await tillToken(tillA, cashier.staffCode, cashier.pin), await tillToken(tillB, cashier.staffCode, cashier.pin)];
    expect(await openSignIns(cashier.id)).toBe(2);
    const off = await update({ id: cashier.id, active: false });
    expect(off).toMatchObject({ staff: { active: false, locationIds: null }, before: { active: true }, endedSignIns: 2 });
    expect(await openSignIns(cashier.id)).toBe(0);
    for (const token of tokens) expect(await refusedSoon(token)).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    // A deactivated member answers exactly as an unknown code does.
    expect(await tillSignIn(tillA, cashier.staffCode, cashier.pin)).toEqual(failed);

    const trail = data(
      await bff('admin', 'AuditTrail', { filter: { staffId: admin.id, operation: 'updateTillStaff' }, first: 200 }, { token: await staffAdminToken() }),
    ).auditTrail;
    const entry = trail.nodes.find((n: { arguments: string }) => JSON.parse(n.arguments).input.id === cashier.id);
    expect(entry).toMatchObject({ subgraph: 'customers', outcome: 'OK', channel: CHANNEL });
    // createStaff gave the admin one base grant: staff-admin and viewer on this channel, at no particular location.
    expect(entry.staffGrants).toEqual([{ permissions: ['staff-admin', 'viewer'], channels: [CHANNEL], locations: null }]);
    expect(JSON.parse(entry.result)).toMatchObject({ before: { active: true }, staff: { active: false }, endedSignIns: 2 });

    expect(await update({ id: cashier.id, active: true })).toMatchObject({ staff: { active: true }, endedSignIns: 0 });
    expect((await tillSignIn(tillB, cashier.staffCode, cashier.pin)).__typename).toBe('TillSignedIn');
  });

  it('never leaves open a sign-in that raced its member’s deactivation, so reactivating them revives no token', async () => {
    const cashier = await register('CASHIER', '4826');
    // The sign-in reads the member, then verifies the PIN (argon2, tens of ms): the deactivation is sent while it
    // runs, a little later each round, so that some round lands inside that window.
    for (const delayMs of [0, 5, 15, 30]) {
      const signing = tillSignIn(tillA, cashier.staffCode, cashier.pin);
      await new Promise((r) => setTimeout(r, delayMs));
      const off = await update({ id: cashier.id, active: false });
      const answer = await signing;
      // Signed in before the deactivation (which then ended it) or refused after it: never open afterwards.
      expect(['TillSignedIn', 'SignInFailed'], JSON.stringify(answer)).toContain(answer.__typename);
      expect(off.endedSignIns).toBe(answer.__typename === 'TillSignedIn' ? 1 : 0);
      expect(await openSignIns(cashier.id)).toBe(0);
      expect(await update({ id: cashier.id, active: true })).toMatchObject({ staff: { active: true } });
      if (answer.__typename === 'TillSignedIn') expect(await refusedSoon(answer.accessToken)).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    }
  });

  it("refuses another channel's staff-admin, an unknown member and contradictory input, and changes nothing", async () => {
    const cashier = await register('CASHIER', '7531', [SHOP_A]);
    const berlinAdmin = await createStaff('ts-berlin-admin', ['staff-admin'], ['pos-berlin']);
    const other = await bff(
      'admin',
      'UpdateTillStaff',
      { input: { id: cashier.id, active: false } },
      {
        token: (await staffSession(berlinAdmin.email)).token,
        channel: 'pos-berlin',
      },
    );
    // As an unknown member: FORBIDDEN would tell any channel's staff admin which ids exist elsewhere.
    expect(codes(other)).toEqual(['NOT_FOUND']);
    expect(codes(await bff('admin', 'UpdateTillStaff', { input: { id: `tst_none_${tag}`, active: false } }, as()))).toEqual(['NOT_FOUND']);
    expect(await update({ id: cashier.id, everyShop: true, locationIds: [SHOP_B] })).toEqual({
      __typename: 'TillInputInvalid',
      message: 'either locationIds or everyShop',
      field: 'locationIds',
    });
    const notBound = await bff('admin', 'UpdateTillStaff', { input: { id: cashier.id, locationIds: [BERLIN] } }, as());
    expect(codes(notBound)).toEqual(['NOT_IN_CHANNEL']);
    const [row] = await sql`select status, role, location_ids from customers.till_staff where id = ${cashier.id}`;
    expect(row).toEqual({ status: 'ACTIVE', role: 'CASHIER', location_ids: [SHOP_A] });
  });
});
