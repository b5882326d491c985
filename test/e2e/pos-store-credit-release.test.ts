import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data, key } from './checkout-support.ts';
import { balance, eur, issueCredit, openTill, product, sale, setUpCreditStaff, sql } from './pos-store-credit-support.ts';
import { BERLIN } from './stock-support.ts';

/**
 * The release job (every 1 s in the test system) against the state a replica of the code before spend holds leaves
 * during a rolling deploy: migration 0020 held a spend whose sale was on its way, and that replica then recorded the
 * sale without claiming the hold. The job must not give that credit back (the sale paid for it); a spend with no
 * sale is given back as ever. Both holds are written here by SQL, on this file's own credit and till.
 */

beforeAll(async () => {
  await setUpCreditStaff('pos-credit-release-admin');
});

afterAll(async () => {
  await sql.end();
});

const ledgerOf = (creditId: string) =>
  sql<{ id: string; kind: string; delta: number; reference: string; releases: string | null }[]>`
    select id::text, kind, delta::int as delta, reference, releases::text from orders.store_credit_movements
    where credit_id = ${creditId} order by id`;

/** Polls (up to 60 s) until the job has taken both holds: by release or, for a recorded sale, by settling it. */
async function holdsGone(spendIds: string[]) {
  for (let i = 0; i < 120; i++) {
    const [left] = await sql<{ n: number }[]>`select count(*)::int as n from orders.store_credit_holds where spend_id = any(${spendIds}::bigint[])`;
    if (left!.n === 0) return;
    await sleep(500);
  }
  throw new Error(`the release job left holds on spends ${spendIds.join(', ')} for 60 s`);
}

describe('the store-credit release job', () => {
  it('never gives back a spend whose till sale is recorded, and gives back an orphaned one', async () => {
    const { variantId } = await product({ [BERLIN]: 2 });
    const { till, token } = await openTill();
    // 2 units back: 2 x 23.80 = 47.60 of credit.
    const code = await issueCredit(token, variantId, 2);
    const [credit] = await sql<{ id: string }[]>`
      select id from orders.store_credits where code_hash = encode(sha256(convert_to(${code}, 'UTF8')), 'hex')`;

    // A recorded sale of 1 unit, 23.80 all on the credit: 47.60 - 23.80 = 23.80 left.
    const saleKey = key('sale');
    const paid = data(
      await sale(token, {
        idempotencyKey: saleKey,
        lines: [{ variantId, quantity: 1 }],
        expectedTotal: eur(2380),
        tenders: [{ method: 'STORE_CREDIT', amount: 2380, creditCode: code }],
      }),
    ).tillSale;
    expect(paid.__typename, JSON.stringify(paid)).toBe('Receipt');
    const recordedRef = `till:${till.id}:${saleKey}:credit:0`;
    const [recorded] = await sql<{ id: string }[]>`
      select m.id::text from orders.store_credit_movements m join orders.till_sales s on s.till_id = m.till_id
      where m.credit_id = ${credit!.id} and m.kind = 'SPEND' and m.reference = ${recordedRef} and s.client_id = ${saleKey}`;
    expect(recorded).toBeDefined();

    // The old replica's leftovers: the recorded sale's spend still held, its hold past due.
    await sql`insert into orders.store_credit_holds (spend_id, expires_at) values (${recorded!.id}, now() - interval '1 minute')`;
    // An orphan beside it: 10.00 spent under a key no sale was ever recorded with (23.80 - 10.00 = 13.80 left), held
    // and past due, as a till that died after spending leaves it.
    const orphanRef = `till:${till.id}:${key('dead')}:credit:0`;
    const orphan = await sql.begin(async (tx) => {
      const [spend] = await tx<{ id: string }[]>`
        insert into orders.store_credit_movements (credit_id, kind, delta, reference, till_id)
        values (${credit!.id}, 'SPEND', -1000, ${orphanRef}, ${till.id}) returning id::text`;
      await tx`update orders.store_credits set balance = balance - 1000 where id = ${credit!.id}`;
      await tx`insert into orders.store_credit_holds (spend_id, expires_at) values (${spend!.id}, now() - interval '1 minute')`;
      return spend!;
    });

    await holdsGone([recorded!.id, orphan.id]);

    // Only the orphan's 10.00 came back: 13.80 + 10.00 = 23.80 (releasing the sale's spend too would make it 47.60).
    expect(await balance(token, code)).toMatchObject({ balance: eur(2380) });
    expect(await ledgerOf(credit!.id)).toEqual([
      expect.objectContaining({ kind: 'ISSUE', delta: 4760, releases: null }),
      { id: recorded!.id, kind: 'SPEND', delta: -2380, reference: recordedRef, releases: null },
      { id: orphan.id, kind: 'SPEND', delta: -1000, reference: orphanRef, releases: null },
      expect.objectContaining({ kind: 'RELEASE', delta: 1000, reference: `${orphanRef}:release`, releases: orphan.id }),
    ]);
  });
});
