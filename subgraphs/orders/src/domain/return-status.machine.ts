import type { OrderStatus } from './order-status.machine.ts';

/**
 * A return's life cycle: requested by the customer (or order staff for them), approved or rejected by staff, and
 * received once the goods are back, which books the refund. Each move is a compare-and-set from the states
 * below, so of two staff deciding or receiving at once exactly one moves it. Pure: no I/O.
 */
export const RETURN_STATUSES = ['REQUESTED', 'APPROVED', 'REJECTED', 'RECEIVED'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export const RETURN_REASONS = ['DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'SIZE_OR_FIT', 'NO_LONGER_NEEDED', 'OTHER'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
export const isReturnReason = (value: string): value is ReturnReason => (RETURN_REASONS as readonly string[]).includes(value);

const NEXT: Record<ReturnStatus, readonly ReturnStatus[]> = {
  REQUESTED: ['APPROVED', 'REJECTED'],
  APPROVED: ['RECEIVED'],
  REJECTED: [],
  RECEIVED: [],
};

export const allowedReturnNext = (from: ReturnStatus): readonly ReturnStatus[] => NEXT[from];
/** The states a return may be in to move to `to`: the compare-and-set of that move. */
export const returnFromFor = (to: ReturnStatus): ReturnStatus[] => RETURN_STATUSES.filter((s) => NEXT[s].includes(to));

/** Units of each order line a return still holds or has taken back: everything but rejected requests. */
export const countsAgainstShipped = (status: ReturnStatus): boolean => status !== 'REJECTED';

/**
 * The order's status once goods came back: RETURNED when every ordered unit has been received back,
 * PARTIALLY_RETURNED when some have; otherwise it keeps the status its shipments gave it. A cancelled order has
 * no returns.
 */
export function orderStatusFromReturns(current: OrderStatus, orderedUnits: number, receivedUnits: number): OrderStatus {
  if (current === 'CANCELLED' || receivedUnits <= 0) return current;
  return receivedUnits >= orderedUnits ? 'RETURNED' : 'PARTIALLY_RETURNED';
}
