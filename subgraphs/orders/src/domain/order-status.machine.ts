/**
 * The order life cycle. Fulfilment moves an order forward; cancelling is possible until goods have left
 * (a partially fulfilled order is finished or returned, not cancelled). Received returns move it to
 * PARTIALLY_RETURNED and RETURNED (return-status.machine.ts); staff cannot set those by hand. Pure: no I/O.
 */
export const ORDER_STATUSES = ['PLACED', 'PROCESSING', 'PARTIALLY_FULFILLED', 'FULFILLED', 'COMPLETED', 'CANCELLED', 'PARTIALLY_RETURNED', 'RETURNED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PLACED: ['PROCESSING', 'CANCELLED'],
  PROCESSING: ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'],
  PARTIALLY_FULFILLED: ['FULFILLED'],
  FULFILLED: ['COMPLETED'],
  COMPLETED: [],
  CANCELLED: [],
  PARTIALLY_RETURNED: [],
  RETURNED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

export function allowedNext(from: OrderStatus): readonly OrderStatus[] {
  return NEXT[from];
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}
