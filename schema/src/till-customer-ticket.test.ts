import { describe, expect, it } from 'vitest';
import { readTillApproval, signTillApproval } from './till-approval.ts';
import { readTillCustomerTicket, signTillCustomerTicket } from './till-customer-ticket.ts';

const SECRET = 'a-test-context-secret-of-32-characters';

describe('a till customer ticket', () => {
  it('names its till and customer for the time asked (an hour: 3,600 s after its issue)', async () => {
    const { token, expiresAt } = await signTillCustomerTicket({ tillId: 'till_1', customerId: 'cus_1' }, SECRET, 3600);
    const ticket = await readTillCustomerTicket(token, SECRET);
    expect(ticket).toMatchObject({ tillId: 'till_1', customerId: 'cus_1' });
    expect(ticket!.expiresAt - ticket!.issuedAt).toBe(3600);
    expect(ticket!.expiresAt * 1000).toBe(expiresAt.getTime());
  });

  it('is nothing under another secret, nor is a manager approval a ticket or a ticket an approval', async () => {
    const { token } = await signTillCustomerTicket({ tillId: 'till_1', customerId: 'cus_1' }, SECRET);
    expect(await readTillCustomerTicket(token, `${SECRET}-other`)).toBeNull();
    expect(await readTillApproval(token, SECRET)).toBeNull();
    const approval = await signTillApproval({ tillId: 'till_1', signInId: 's1', managerId: 'cus_1', managerName: 'M', maxDiscount: 100 }, SECRET);
    expect(await readTillCustomerTicket(approval.token, SECRET)).toBeNull();
    expect(await readTillCustomerTicket('not.a.ticket', SECRET)).toBeNull();
  });
});
