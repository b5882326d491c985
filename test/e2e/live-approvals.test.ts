import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { system } from '../support/clients.ts';
import { data, key, op, readyCart, sellable, type TestIdentity, testIdentity } from './checkout-support.ts';

/**
 * Live approval requests on the trade portal (issue 14 item 2) over graphql-ws, by name as production runs
 * them (bffs/kit/src/live-operations.graphql: WatchApprovals). Companies and people are this file's own.
 *
 * Figures (as b2b-approvals.test.ts): one unit is 100.00 net on trade-eu + 19 % VAT = 119.00, free shipping;
 * a buyer whose per-order limit is 100.00 waits for an approver.
 */
const ONE = 11_900;
const pid = process.pid;
const ACME = `cmp_t_live_a_${pid}`;
const OTHER = `cmp_t_live_b_${pid}`;
const admin = testIdentity('live-appr-admin', { kind: 'buyer', company: ACME, role: 'ADMIN' });
const approver = testIdentity('live-appr-approver', { kind: 'buyer', company: ACME, role: 'APPROVER' });
const buyer = testIdentity('live-appr-buyer', { kind: 'buyer', company: ACME, role: 'BUYER', limits: { perOrder: 10_000 } });
const otherApprover = testIdentity('live-appr-other', { kind: 'buyer', company: OTHER, role: 'APPROVER' });
const otherBuyer = testIdentity('live-appr-other-buyer', { kind: 'buyer', company: OTHER, role: 'BUYER', limits: { perOrder: 10_000 } });

let variant: string;
beforeAll(async () => {
  variant = await sellable({ eur: 11_900, stock: 20 });
  data(await op('b2b', 'SetCompanyOrderPolicy', { input: { purchaseOrderRequired: false, approverLimit: 20_000 } }, admin));
});

const watch = (after?: string) => ({ query: '', operationName: 'WatchApprovals', variables: after ? { after } : {} });
const client = (who: TestIdentity) =>
  createClient({
    url: system().b2b.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${who.token}` },
    retryAttempts: 0,
  });

type Request = { approvalId: string; status: string; level: string; reasons: string[]; total: { amount: number; currency: string }; cursor: string };
type Event = { approvalRequested: Request };

async function requestApproval(who: TestIdentity): Promise<string> {
  const cart = await readyCart('b2b', who, [{ variantId: variant, quantity: 1 }]);
  const input = { cartId: cart.id, idempotencyKey: key('live-appr'), expectedTotal: { amount: ONE, currency: 'EUR' }, payment: { provider: 'manual' } };
  const placed = data(await op('b2b', 'PlaceOrder', { input }, who)).placeOrder;
  expect(placed.__typename).toBe('ApprovalRequired');
  return placed.approval.id as string;
}

/** The next event, or a failure after 30 s (the change stream wakes the feed within about a second). */
async function next(it: AsyncIterator<{ data?: Event | null }>): Promise<Request> {
  const got = await Promise.race([it.next(), new Promise<never>((_, no) => setTimeout(() => no(new Error('no approval request within 30 s')), 30_000))]);
  return got.value!.data!.approvalRequested;
}

describe('live approval requests over graphql-ws', () => {
  it('sends an approver each new request of their company, never another company’s, and resumes after the cursor', async () => {
    const first = await requestApproval(buyer);
    const ws = client(approver);
    const events = ws.iterate<Event>(watch());
    let cursor: string;
    let foreign: string;
    try {
      // What waits now comes first (this file's company has exactly one pending request so far).
      const now = await next(events);
      expect(now).toMatchObject({ approvalId: first, status: 'PENDING', level: 'APPROVER', reasons: ['ORDER_LIMIT'], total: { amount: ONE, currency: 'EUR' } });
      // Another company's request moves the same outbox; it must not reach this approver. Then ours does.
      foreign = await requestApproval(otherBuyer);
      const second = await requestApproval(buyer);
      const pushed = await next(events);
      expect(pushed.approvalId).toBe(second);
      expect(pushed.approvalId).not.toBe(foreign);
      cursor = pushed.cursor;
    } finally {
      await events.return?.();
      await ws.dispose();
    }

    // Offline meanwhile: one more request. Reconnecting after the cursor gives exactly that one, first.
    const third = await requestApproval(buyer);
    const again = client(approver);
    const resumed = again.iterate<Event>(watch(cursor));
    try {
      expect((await next(resumed)).approvalId).toBe(third);
    } finally {
      await resumed.return?.();
      await again.dispose();
    }

    // The other company's approver sees only theirs: its one pending request, and nothing of Acme's after it.
    const rival = client(otherApprover);
    const theirs = rival.iterate<Event>(watch());
    try {
      expect((await next(theirs)).approvalId).toBe(foreign);
      const fourth = await requestApproval(buyer);
      const late = await requestApproval(otherBuyer);
      expect((await next(theirs)).approvalId).toBe(late);
      expect(late).not.toBe(fourth);
    } finally {
      await theirs.return?.();
      await rival.dispose();
    }
  });

  it('refuses a buyer (FORBIDDEN): the feed is for approvers', async () => {
    const ws = client(buyer);
    const refused = ws.iterate<Event>(watch());
    await expect(refused.next()).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    await ws.dispose();
  });
});
