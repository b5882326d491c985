import { describe, expect, it } from 'vitest';
import { isIsoDate, nextRunDate, runKey, runPlaced } from './recurring-schedule.rules.ts';

describe('nextRunDate', () => {
  it('is seven days later for a weekly schedule, across a month and a year', () => {
    expect(nextRunDate('WEEKLY', 1, '2026-12-28')).toBe('2027-01-04');
    expect(nextRunDate('WEEKLY', 1, '2028-02-26')).toBe('2028-03-04');
  });

  it('keeps a monthly schedule on its anchor day, clamped to short months without drifting', () => {
    expect(nextRunDate('MONTHLY', 31, '2027-01-31')).toBe('2027-02-28');
    expect(nextRunDate('MONTHLY', 31, '2027-02-28')).toBe('2027-03-31');
    expect(nextRunDate('MONTHLY', 29, '2028-01-29')).toBe('2028-02-29');
    expect(nextRunDate('MONTHLY', 15, '2026-12-15')).toBe('2027-01-15');
  });
});

describe('run keys and outcomes', () => {
  it('derives one key per schedule, run date and attempt (a valid checkout key: 8 to 128 of [A-Za-z0-9_.:-])', () => {
    const k = runKey('0b7c3d9e-1f2a-4b5c-8d6e-7f8091a2b3c4', '2027-01-04', 2);
    expect(k).toBe('sched:0b7c3d9e-1f2a-4b5c-8d6e-7f8091a2b3c4:2027-01-04:2');
    expect(/^[A-Za-z0-9_.:-]{8,128}$/.test(k)).toBe(true);
  });

  it('counts an order placed or waiting for approval as placed, anything else as a failure', () => {
    expect(['OrderPlaced', 'ApprovalRequired', 'InsufficientStock', 'CreditLimitExceeded'].map(runPlaced)).toEqual([true, true, false, false]);
  });

  it('accepts real calendar dates only', () => {
    expect(['2027-02-28', '2027-02-29', '2027-2-1', '2028-02-29'].map(isIsoDate)).toEqual([true, false, false, true]);
  });
});
