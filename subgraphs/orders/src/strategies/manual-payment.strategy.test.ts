import { describe, expect, it } from 'vitest';
import { manualPayment } from './manual-payment.strategy.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const authorize = (idempotencyKey: string, amount = 4999) =>
  manualPayment.authorize({ idempotencyKey, amount: eur(amount), paymentMethod: { provider: 'manual' }, reference: 'ord-1' });

describe('manual payment (invoice, cash, pay later)', () => {
  it('authorises any positive amount under a reference derived from the key, the same on every replay', async () => {
    expect(await authorize('saga-1:authorize')).toEqual({ status: 'AUTHORIZED', providerRef: 'manual:saga-1:authorize', amount: eur(4999) });
    expect(await authorize('saga-1:authorize')).toEqual({ status: 'AUTHORIZED', providerRef: 'manual:saga-1:authorize', amount: eur(4999) });
  });

  it('voids, captures and refunds without refusing', async () => {
    const providerRef = 'manual:saga-1:authorize';
    expect(await manualPayment.void({ providerRef, idempotencyKey: 'saga-1:void' })).toEqual({ status: 'VOIDED' });
    expect(await manualPayment.capture({ providerRef, amount: eur(4999), idempotencyKey: 'saga-1:capture' })).toEqual({
      status: 'CAPTURED',
      amount: eur(4999),
    });
    expect(await manualPayment.refund({ providerRef, amount: eur(999), idempotencyKey: 'saga-1:refund-1' })).toEqual({
      status: 'REFUNDED',
      refundRef: 'manual:saga-1:refund-1',
      amount: eur(999),
    });
  });

  it('has no authorisation for recovery to find: nothing is held anywhere', async () => {
    await authorize('saga-2:authorize');
    expect(await manualPayment.findAuthorization('saga-2:authorize')).toEqual({ status: 'NOT_FOUND' });
  });

  it('throws on an amount that is not a positive integer of minor units', async () => {
    await expect(authorize('saga-3:authorize', 0)).rejects.toThrow(RangeError);
    await expect(authorize('saga-3:authorize', 49.99)).rejects.toThrow(RangeError);
    await expect(manualPayment.refund({ providerRef: 'manual:x', amount: eur(-100), idempotencyKey: 'saga-3:refund' })).rejects.toThrow(RangeError);
  });
});
