/** Pure rules of recurring orders: when the next run is, what a run's checkout key is, when a schedule pauses. */

export type Cadence = 'WEEKLY' | 'MONTHLY';

/** Consecutive failed attempts after which a schedule pauses until the company admin resumes it. */
export const MAX_FAILURES = 3;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * The run after `date`: a week later, or the next month on the anchor day, clamped to the month's last day
 * (anchor 31: Jan 31, Feb 28, Mar 31), so a monthly schedule never drifts to the 28th for good.
 */
export function nextRunDate(cadence: Cadence, anchorDay: number, date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (cadence === 'WEEKLY') return new Date(d.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
  const year = d.getUTCFullYear() + (d.getUTCMonth() === 11 ? 1 : 0);
  const month = (d.getUTCMonth() + 1) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(anchorDay, last))).toISOString().slice(0, 10);
}

/**
 * The checkout idempotency key of one attempt of one run: every replica that runs this attempt sends the
 * same key, so they share one saga (one order). A retry after a failure is the next attempt, a new key.
 */
export function runKey(scheduleId: string, runDate: string, attempt: number): string {
  return `sched:${scheduleId}:${runDate}:${attempt}`;
}

/** A run's checkout answer counts as placed when an order exists or waits for an approver (it is not retried). */
export function runPlaced(outcome: string): boolean {
  return outcome === 'OrderPlaced' || outcome === 'ApprovalRequired';
}
