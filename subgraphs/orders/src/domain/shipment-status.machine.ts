import type { OrderStatus } from './order-status.machine.ts';

/**
 * A shipment's life cycle: picked and packed at its location, then shipped and delivered, or, for click &
 * collect, ready for pickup and collected there. It can be cancelled until it leaves (its units go back on
 * hand there). Pure: no I/O.
 */
export const SHIPMENT_STATUSES = ['PENDING', 'PICKING', 'PACKED', 'SHIPPED', 'DELIVERED', 'READY_FOR_PICKUP', 'COLLECTED', 'CANCELLED'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

const DELIVERY: Record<ShipmentStatus, readonly ShipmentStatus[]> = {
  PENDING: ['PICKING', 'CANCELLED'],
  PICKING: ['PACKED', 'CANCELLED'],
  PACKED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  READY_FOR_PICKUP: [],
  COLLECTED: [],
  CANCELLED: [],
};

const PICKUP: Record<ShipmentStatus, readonly ShipmentStatus[]> = {
  ...DELIVERY,
  PACKED: ['READY_FOR_PICKUP', 'CANCELLED'],
  READY_FOR_PICKUP: ['COLLECTED', 'CANCELLED'],
  SHIPPED: [],
};

const next = (pickup: boolean) => (pickup ? PICKUP : DELIVERY);
export const allowedShipmentNext = (from: ShipmentStatus, pickup = false): readonly ShipmentStatus[] => next(pickup)[from];
export const isShipmentStatus = (value: string): value is ShipmentStatus => (SHIPMENT_STATUSES as readonly string[]).includes(value);
/** The states a shipment may be in to move to `to` (the compare-and-set of a transition). */
export const shipmentFromFor = (to: ShipmentStatus, pickup = false): ShipmentStatus[] => SHIPMENT_STATUSES.filter((s) => next(pickup)[s].includes(to));

const LEFT: readonly ShipmentStatus[] = ['SHIPPED', 'DELIVERED', 'COLLECTED'];
const RANK: Record<OrderStatus, number> = {
  PLACED: 0,
  PROCESSING: 1,
  PARTIALLY_FULFILLED: 2,
  FULFILLED: 3,
  COMPLETED: 4,
  CANCELLED: 5,
  // Returns come after every shipment state: a parcel moving later never takes an order back from them.
  PARTIALLY_RETURNED: 6,
  RETURNED: 7,
};

/**
 * The order's status as its shipments make it: FULFILLED when every shipment not cancelled has left (or was
 * collected), PARTIALLY_FULFILLED when some have, PROCESSING once work started on any. Never backwards (a
 * COMPLETED order stays so) and never out of CANCELLED; with every shipment cancelled the order keeps its status.
 */
export function orderStatusFromShipments(current: OrderStatus, statuses: readonly ShipmentStatus[], unassigned = false): OrderStatus {
  if (current === 'CANCELLED') return current;
  const live = statuses.filter((s) => s !== 'CANCELLED');
  if (live.length === 0) return current;
  const left = live.filter((s) => LEFT.includes(s)).length;
  // Units in no shipment yet (backordered: nothing held them anywhere) keep the order short of FULFILLED.
  const derived: OrderStatus =
    left === live.length && !unassigned
      ? 'FULFILLED'
      : left > 0
        ? 'PARTIALLY_FULFILLED'
        : live.some((s) => s !== 'PENDING') || statuses.length > live.length
          ? 'PROCESSING'
          : 'PLACED';
  return RANK[derived] > RANK[current] ? derived : current;
}
