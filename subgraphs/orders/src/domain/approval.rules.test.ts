import { describe, expect, it } from 'vitest';
import { approvalFor, mayDecide } from './approval.rules.ts';

const limits = { currency: 'EUR', perOrder: 100_000, monthly: 300_000 };
const base = { currency: 'EUR', limits, spentThisMonth: 0, approverLimit: 500_000 };

describe('approval rules', () => {
  it('needs no approval within both limits, up to the limit itself', () => {
    expect(approvalFor({ ...base, total: 100_000 })).toEqual({ required: false });
    expect(approvalFor({ ...base, total: 50_000, spentThisMonth: 250_000 })).toEqual({ required: false });
  });

  it('sends an order over the per-order limit to an approver, and over the approver limit to the admin', () => {
    expect(approvalFor({ ...base, total: 100_001 })).toEqual({ required: true, reasons: ['ORDER_LIMIT'], level: 'APPROVER' });
    // 5,000.01 is over the approver limit (5,000.00): only the admin decides; it also breaks the 3,000.00 budget.
    expect(approvalFor({ ...base, total: 500_001 })).toEqual({ required: true, reasons: ['ORDER_LIMIT', 'MONTHLY_BUDGET'], level: 'ADMIN' });
  });

  it('counts the month: 2,500.00 spent + 600.00 breaks a 3,000.00 budget though each order is under 1,000.00', () => {
    expect(approvalFor({ ...base, total: 60_000, spentThisMonth: 250_000 })).toEqual({ required: true, reasons: ['MONTHLY_BUDGET'], level: 'APPROVER' });
  });

  it('lets approvers decide any amount without an approver limit; refuses limits it cannot compare', () => {
    expect(approvalFor({ ...base, approverLimit: null, total: 9_000_000 })).toMatchObject({ level: 'APPROVER' });
    expect(approvalFor({ ...base, currency: 'USD', total: 1 })).toEqual({ required: true, reasons: ['ORDER_LIMIT'], level: 'ADMIN' });
    expect(approvalFor({ ...base, limits: undefined, total: 9_000_000 })).toEqual({ required: false });
  });

  it('sends an order beyond the credit on terms to the admin, with the buyer’s own reasons beside it', () => {
    expect(approvalFor({ ...base, total: 10_000, overCredit: true })).toEqual({ required: true, reasons: ['CREDIT_LIMIT'], level: 'ADMIN' });
    expect(approvalFor({ ...base, total: 100_001, overCredit: true })).toEqual({ required: true, reasons: ['ORDER_LIMIT', 'CREDIT_LIMIT'], level: 'ADMIN' });
    expect(approvalFor({ ...base, limits: undefined, total: 10_000, overCredit: true })).toEqual({ required: true, reasons: ['CREDIT_LIMIT'], level: 'ADMIN' });
  });

  it('lets an approver decide approver-level requests and the admin every level; a buyer none', () => {
    expect([mayDecide('APPROVER', 'APPROVER'), mayDecide('APPROVER', 'ADMIN'), mayDecide('ADMIN', 'ADMIN'), mayDecide('BUYER', 'APPROVER')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });
});
