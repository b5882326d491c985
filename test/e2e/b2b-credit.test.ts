import { beforeAll, describe, expect, it } from 'vitest';
import { data, key, one, op, readyCart, sellable, stockOf, testIdentity } from './checkout-support.ts';
import { PasswordHasher } from '@storegraph/customers';
import { createStaff, staffSession } from './admin-support.ts';
import { signedIn } from './customers-support.ts';
import { adminWalk, codes } from './admin-walk-support.ts';

/**
 * Net terms and credit on the trade portal (issue 14): an order paid on terms is invoiced, due the company's
 * terms later, and uses its credit; beyond the available credit it is refused (or, by the seller's rule, waits
 * for the company's admin); an overdue invoice blocks new orders on terms; payments staff record restore the
 * credit once per key. Companies and buyers are this file's own (identity-provider buyers whose company, role
 * and terms are their token's claims, as the record would give them); staff are built-in, through the admin BFF.
 *
 * Figures: the product is 119.00 gross in the base book, 100.00 net on trade-eu (tax-exclusive) + 19 % VAT =
 * 119.00 a unit, 238.00 two; standard shipping is free above 50.00 net.
 */
const ONE = 11_900;
const TWO = 23_800;
const run = adminWalk('credit');
const pid = process.pid;
const company = (tag: string) => `cmp_t_credit_${tag}_${pid}`;

// Acme: 300.00 of credit on 30 days.
const ACME = company('acme');
const acmeAdmin = testIdentity('credit-acme-admin', { kind: 'buyer', company: ACME, role: 'ADMIN', credit: { termsDays: 30, limit: 30_000 } });
const acmeBuyer = testIdentity('credit-acme-buyer', { kind: 'buyer', company: ACME, role: 'BUYER', credit: { termsDays: 30, limit: 30_000 } });
// Globex: its own terms; must never see Acme's invoices.
const globexAdmin = testIdentity('credit-globex', { kind: 'buyer', company: company('globex'), role: 'ADMIN', credit: { termsDays: 14, limit: 50_000 } });
// Racers Ltd: 300.00 of credit, four buyers ordering 119.00 at once: two fit (238.00), a third would not (357.00).
const RACERS = company('race');
const racers = [1, 2, 3, 4].map((n) =>
  testIdentity(`credit-race-${n}`, { kind: 'buyer', company: RACERS, role: 'BUYER', credit: { termsDays: 30, limit: 30_000 } }),
);
// Late Ltd: 1,000.00 of credit; its first invoice is made overdue below.
const LATE = company('late');
const late = testIdentity('credit-late', { kind: 'buyer', company: LATE, role: 'ADMIN', credit: { termsDays: 30, limit: 100_000 } });
// Stretch Ltd: 100.00 of credit, and the seller lets its admin approve orders beyond it.
const STRETCH = company('stretch');
const stretchBuyer = testIdentity('credit-stretch-buyer', { kind: 'buyer', company: STRETCH, role: 'BUYER', credit: { termsDays: 30, limit: 10_000 } });
const stretchApprover = testIdentity('credit-stretch-appr', { kind: 'buyer', company: STRETCH, role: 'APPROVER', credit: { termsDays: 30, limit: 10_000 } });
const stretchAdmin = testIdentity('credit-stretch-admin', { kind: 'buyer', company: STRETCH, role: 'ADMIN', credit: { termsDays: 30, limit: 10_000 } });
// Undo Ltd: 300.00 of credit; its order is cancelled.
const undo = testIdentity('credit-undo', { kind: 'buyer', company: company('undo'), role: 'ADMIN', credit: { termsDays: 30, limit: 30_000 } });
const consumer = testIdentity('credit-consumer');

const staff = { trade: '', web: '', viewer: '' };
let variant: string;

beforeAll(async () => {
  variant = await sellable({ eur: ONE, stock: 40 });
  const [trade, web, viewer] = await Promise.all([
    createStaff('credit-trade', ['order-admin'], ['trade-eu']),
    createStaff('credit-web', ['order-admin'], ['web-eu']),
    createStaff('credit-viewer', ['viewer'], ['trade-eu']),
  ]);
  staff.trade = (await staffSession(trade.email)).token;
  staff.web = (await staffSession(web.email)).token;
  staff.viewer = (await staffSession(viewer.email)).token;
});

async function placeOnTerms(who: { token: string }, quantity: number, total: number) {
  const cart = await readyCart('b2b', who, [{ variantId: variant, quantity }]);
  expect(cart.totals!.total).toEqual({ amount: total, currency: 'EUR' });
  const input = { cartId: cart.id, idempotencyKey: key('credit'), expectedTotal: { amount: total, currency: 'EUR' }, payment: { provider: 'terms' } };
  return data(await op('b2b', 'PlaceOrder', { input }, who)).placeOrder;
}

const credit = async (who: { token: string }) => data(await op('b2b', 'CompanyCredit', {}, who)).companyCredit;
const eur = (amount: number) => ({ amount, currency: 'EUR' });

const invoiceCount = (companyId: string) =>
  one(
    (sql) => sql<{ open: number; all: number }[]>`
    select count(*) filter (where status = 'OPEN')::int as open, count(*)::int as all from orders.invoices where company_id = ${companyId}`,
  );

describe('an order on terms', () => {
  let invoiceId = '';

  it('is invoiced, due 30 days after issue, and uses the company’s credit', async () => {
    const placed = await placeOnTerms(acmeBuyer, 1, ONE);
    expect(placed.__typename).toBe('OrderPlaced');
    expect(placed.order.payment).toMatchObject({ provider: 'terms' });
    // 300.00 - 119.00 = 181.00 left.
    expect(await credit(acmeAdmin)).toEqual({ companyId: ACME, termsDays: 30, limit: eur(30_000), owed: eur(ONE), available: eur(18_100), overdue: eur(0) });
    const invoices = data(await op('b2b', 'CompanyInvoices', {}, acmeAdmin)).companyInvoices;
    expect(invoices).toHaveLength(1);
    const [invoice] = invoices;
    expect(invoice).toMatchObject({
      order: { id: placed.order.id, number: placed.order.number },
      amount: eur(ONE),
      paid: eur(0),
      balance: eur(ONE),
      status: 'OPEN',
      overdue: false,
      purchaseOrder: null,
    });
    expect(invoice.number).toMatch(/^INV-\d{8}$/);
    expect(Date.parse(invoice.dueAt) - Date.parse(invoice.issuedAt)).toBe(30 * 86_400_000);
    // The buyer sees their own order's invoice; Globex sees none of Acme's.
    expect(data(await op('b2b', 'CompanyInvoices', {}, acmeBuyer)).companyInvoices.map((i: { id: string }) => i.id)).toEqual([invoice.id]);
    expect(data(await op('b2b', 'CompanyInvoices', { filter: 'ALL' }, globexAdmin)).companyInvoices).toEqual([]);
    // Only admins and approvers read the company's credit.
    expect(codes(await op('b2b', 'CompanyCredit', {}, acmeBuyer))).toEqual(['FORBIDDEN']);
    invoiceId = invoice.id;
  });

  it('beyond the available credit is refused with what is left, and nothing is held or invoiced', async () => {
    const before = await stockOf(variant);
    // 238.00 > 181.00 available.
    const refused = await placeOnTerms(acmeBuyer, 2, TWO);
    expect(refused).toEqual({ __typename: 'CreditLimitExceeded', available: eur(18_100), required: eur(TWO) });
    expect(await stockOf(variant)).toEqual(before);
    expect(await invoiceCount(ACME)).toEqual({ open: 1, all: 1 });
  });

  it('is paid by staff once per key, an over-payment refused, and the credit comes back', async () => {
    const listed = data(await run('Invoices', { companyId: ACME }, { token: staff.trade, channel: 'trade-eu' })).invoices;
    expect(listed.map((i: { id: string; companyId: string; channel: string }) => [i.id, i.companyId, i.channel])).toEqual([[invoiceId, ACME, 'trade-eu']]);
    const pay = (amount: number, idempotencyKey: string, token = staff.trade, channel = 'trade-eu') =>
      run('RecordInvoicePayment', { input: { invoiceId, amount, reference: 'SEPA 2026-11-30', idempotencyKey } }, { token, channel });
    const first = key('pay-first');
    const paid = data(await pay(5_000, first)).recordInvoicePayment;
    // 119.00 - 50.00 = 69.00 still owed.
    expect(paid).toMatchObject({ __typename: 'Invoice', paid: eur(5_000), balance: eur(6_900), status: 'OPEN' });
    expect(paid.payments.map((p: { amount: unknown; reference: string }) => [p.amount, p.reference])).toEqual([[eur(5_000), 'SEPA 2026-11-30']]);
    // The same entry retried: recorded once.
    const again = data(await pay(5_000, first)).recordInvoicePayment;
    expect(again).toMatchObject({ __typename: 'Invoice', paid: eur(5_000), balance: eur(6_900) });
    expect(again.payments).toHaveLength(1);
    expect(codes(await pay(4_000, first))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    // 70.00 > 69.00.
    const over = data(await pay(7_000, key('pay-over'))).recordInvoicePayment;
    expect(over).toMatchObject({ __typename: 'PaymentExceedsBalance', balance: eur(6_900), invoice: { paid: eur(5_000) } });
    // Another channel's staff find no such invoice; a viewer may not record payments.
    expect(codes(await pay(100, key('pay-web'), staff.web, 'web-eu'))).toEqual(['NOT_FOUND']);
    expect(codes(await pay(100, key('pay-viewer'), staff.viewer))).toEqual(['FORBIDDEN']);
    const settled = data(await pay(6_900, key('pay-rest'))).recordInvoicePayment;
    expect(settled).toMatchObject({ __typename: 'Invoice', paid: eur(ONE), balance: eur(0), status: 'PAID' });
    expect(await credit(acmeAdmin)).toMatchObject({ owed: eur(0), available: eur(30_000) });
    // Now the 238.00 fits in 300.00.
    expect((await placeOnTerms(acmeBuyer, 2, TWO)).__typename).toBe('OrderPlaced');
    expect(await credit(acmeAdmin)).toMatchObject({ owed: eur(TWO), available: eur(6_200) });
  });

  it('raced by four buyers against 300.00 of credit places exactly the two that fit', async () => {
    const answers = await Promise.all(racers.map((who) => placeOnTerms(who, 1, ONE)));
    const kinds = answers.map((a) => a.__typename).sort();
    expect(kinds).toEqual(['CreditLimitExceeded', 'CreditLimitExceeded', 'OrderPlaced', 'OrderPlaced']);
    expect(await invoiceCount(RACERS)).toMatchObject({ open: 2 });
    const { owed } = await one(
      (sql) => sql<{ owed: number }[]>`
      select coalesce(sum(amount - paid), 0)::int as owed from orders.invoices where company_id = ${RACERS} and status = 'OPEN'`,
    );
    expect(owed).toBe(TWO);
  });

  it('is blocked by an overdue invoice until the seller allows it', async () => {
    expect((await placeOnTerms(late, 1, ONE)).__typename).toBe('OrderPlaced');
    // Stand-in for 31 days passing: this file's own invoice falls due yesterday.
    await one((sql) => sql`update orders.invoices set due_at = now() - interval '1 day' where company_id = ${LATE} returning id`);
    expect(await placeOnTerms(late, 1, ONE)).toEqual({ __typename: 'InvoicesOverdue', overdue: eur(ONE) });
    expect(data(await op('b2b', 'CompanyInvoices', { filter: 'OVERDUE' }, late)).companyInvoices.map((i: { overdue: boolean }) => i.overdue)).toEqual([true]);
    const policy = { companyId: LATE, overLimit: 'REFUSE', blockWhenOverdue: false };
    expect(data(await run('SetCompanyCreditPolicy', { input: policy }, { token: staff.trade, channel: 'trade-eu' })).setCompanyCreditPolicy).toEqual(policy);
    expect(data(await run('CompanyCreditPolicy', { companyId: LATE }, { token: staff.viewer, channel: 'trade-eu' })).companyCreditPolicy).toEqual(policy);
    expect(codes(await run('SetCompanyCreditPolicy', { input: policy }, { token: staff.viewer, channel: 'trade-eu' }))).toEqual(['FORBIDDEN']);
    expect((await placeOnTerms(late, 1, ONE)).__typename).toBe('OrderPlaced');
  });

  it('beyond the credit waits for the company’s admin when the seller says so, and is invoiced once approved', async () => {
    const policy = { companyId: STRETCH, overLimit: 'APPROVAL', blockWhenOverdue: true };
    data(await run('SetCompanyCreditPolicy', { input: policy }, { token: staff.trade, channel: 'trade-eu' }));
    // 119.00 > 100.00 of credit.
    const waiting = await placeOnTerms(stretchBuyer, 1, ONE);
    expect(waiting).toMatchObject({ __typename: 'ApprovalRequired', approval: { level: 'ADMIN', reasons: ['CREDIT_LIMIT'], total: eur(ONE) } });
    const approvalId = waiting.approval.id;
    expect(codes(await op('b2b', 'ApproveOrder', { id: approvalId, idempotencyKey: key('stretch-appr') }, stretchApprover))).toEqual(['FORBIDDEN']);
    const decided = data(await op('b2b', 'ApproveOrder', { id: approvalId, idempotencyKey: key('stretch-admin') }, stretchAdmin)).approveOrder;
    expect(decided).toMatchObject({ __typename: 'ApprovalDecided', approval: { status: 'APPROVED', order: { status: 'PLACED' } } });
    // Owed 119.00 against 100.00: nothing more is available.
    expect(await credit(stretchAdmin)).toMatchObject({ owed: eur(ONE), available: eur(0) });
  });

  it('cancelled before it is paid voids its invoice and gives the credit back', async () => {
    const placed = await placeOnTerms(undo, 1, ONE);
    expect(placed.__typename).toBe('OrderPlaced');
    expect(await credit(undo)).toMatchObject({ owed: eur(ONE), available: eur(18_100) });
    const cancelled = data(await op('b2b', 'CancelOrder', { id: placed.order.id, reason: 'ordered twice' }, undo)).cancelOrder;
    expect(cancelled.__typename).toBe('OrderStatusChanged');
    expect(await credit(undo)).toMatchObject({ owed: eur(0), available: eur(30_000) });
    const voided = data(await op('b2b', 'CompanyInvoices', { filter: 'VOID' }, undo)).companyInvoices;
    expect(voided.map((i: { order: { id: string }; status: string; balance: unknown }) => [i.order.id, i.status, i.balance])).toEqual([
      [placed.order.id, 'VOID', eur(0)],
    ]);
  });

  it('is not open to a consumer: refused before anything is held', async () => {
    const before = await stockOf(variant);
    const cart = await readyCart('b2c', consumer, [{ variantId: variant, quantity: 1 }]);
    const input = { cartId: cart.id, idempotencyKey: key('credit-b2c'), expectedTotal: cart.totals!.total, payment: { provider: 'terms' } };
    const refused = data(await op('b2c', 'PlaceOrder', { input }, consumer)).placeOrder;
    expect(refused).toEqual({ __typename: 'PaymentDeclined', reason: 'this company does not buy on terms', declineCode: 'TERMS_NOT_AVAILABLE' });
    expect(await stockOf(variant)).toEqual(before);
  });
});

describe('terms from the company record', () => {
  it('come from what staff set on the company, and a company out of the staff member’s realms is not changed', async () => {
    // The seller onboards the company (no staff operation creates companies yet: this file's own rows stand in),
    // with no terms at first; its admin is a real account that signs in to the trade portal.
    const id = company('record');
    const email = `credit-record-${pid}-${Date.now().toString(36)}@trade.test`;
    const password = 'a trade admin passphrase';
    const hash = await new PasswordHasher(2).hash(password);
    const account = `cus_t_credit_rec_${pid}`;
    await one(
      (sql) => sql`insert into customers.companies (id, realm, name, currency, payment_terms_days, credit_limit)
      values (${id}, 'trade-eu', 'Record Ltd', 'EUR', 0, 0) returning id`,
    );
    await one(
      (sql) => sql`insert into customers.accounts (id, realm, kind, email, email_verified_at, password_hash, name, created_channel)
      values (${account}, 'trade-eu', 'buyer', ${email}, now(), ${hash}, 'Rita Record', 'trade-eu') returning id`,
    );
    await one((sql) => sql`insert into customers.company_members (account_id, company_id, role) values (${account}, ${id}, 'ADMIN') returning account_id`);
    const [customersAdmin, webAdmin] = await Promise.all([
      createStaff('credit-terms', ['customer-admin'], ['trade-eu']),
      createStaff('credit-terms-web', ['customer-admin'], ['web-us']),
    ]);
    const trade = { token: (await staffSession(customersAdmin.email)).token, channel: 'trade-eu' };
    const set = data(await run('SetCompanyTerms', { companyId: id, paymentTermsDays: 14, creditLimit: 20_000 }, trade)).setCompanyTerms;
    expect(set).toMatchObject({ id, paymentTermsDays: 14, creditLimit: eur(20_000) });
    // web-us staff do not reach the trade realm: nothing changes.
    const web = { token: (await staffSession(webAdmin.email)).token, channel: 'web-us' };
    expect(data(await run('SetCompanyTerms', { companyId: id, paymentTermsDays: 90, creditLimit: 1 }, web)).setCompanyTerms).toBeNull();
    expect(codes(await run('SetCompanyTerms', { companyId: id, paymentTermsDays: 400, creditLimit: 1 }, trade))).toEqual(['BAD_USER_INPUT']);

    const admin = await signedIn('b2b', email, password);
    expect(await credit(admin)).toEqual({ companyId: id, termsDays: 14, limit: eur(20_000), owed: eur(0), available: eur(20_000), overdue: eur(0) });
    const placed = await placeOnTerms(admin, 1, ONE);
    expect(placed.__typename).toBe('OrderPlaced');
    const [invoice] = data(await op('b2b', 'CompanyInvoices', {}, admin)).companyInvoices;
    expect(Date.parse(invoice.dueAt) - Date.parse(invoice.issuedAt)).toBe(14 * 86_400_000);
    // 200.00 - 119.00 = 81.00: a second unit does not fit.
    expect(await placeOnTerms(admin, 1, ONE)).toEqual({ __typename: 'CreditLimitExceeded', available: eur(8_100), required: eur(ONE) });
  });
});
