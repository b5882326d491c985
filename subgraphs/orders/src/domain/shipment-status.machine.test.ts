import { describe, expect, it } from 'vitest';
import { allowedShipmentNext, orderStatusFromShipments, shipmentFromFor } from './shipment-status.machine.ts';

describe('the shipment life cycle', () => {
  it('goes pending, picking, packed, shipped, delivered, and can be cancelled only before it leaves', () => {
    expect(allowedShipmentNext('PENDING')).toEqual(['PICKING', 'CANCELLED']);
    expect(allowedShipmentNext('PACKED')).toEqual(['SHIPPED', 'CANCELLED']);
    expect(allowedShipmentNext('SHIPPED')).toEqual(['DELIVERED']);
    expect(shipmentFromFor('SHIPPED')).toEqual(['PACKED']);
    expect(shipmentFromFor('CANCELLED')).toEqual(['PENDING', 'PICKING', 'PACKED']);
  });

  it('moves the order with its shipments, never backwards', () => {
    expect(orderStatusFromShipments('PLACED', ['PENDING', 'PENDING'])).toBe('PLACED');
    expect(orderStatusFromShipments('PLACED', ['PICKING', 'PENDING'])).toBe('PROCESSING');
    expect(orderStatusFromShipments('PLACED', ['SHIPPED', 'PENDING'])).toBe('PARTIALLY_FULFILLED');
    expect(orderStatusFromShipments('PARTIALLY_FULFILLED', ['SHIPPED', 'CANCELLED'])).toBe('FULFILLED');
    expect(orderStatusFromShipments('PROCESSING', ['DELIVERED', 'SHIPPED'])).toBe('FULFILLED');
    expect(orderStatusFromShipments('COMPLETED', ['DELIVERED'])).toBe('COMPLETED');
    expect(orderStatusFromShipments('CANCELLED', ['CANCELLED'])).toBe('CANCELLED');
    expect(orderStatusFromShipments('PLACED', ['CANCELLED'])).toBe('PLACED');
  });

  it('is not FULFILLED while ordered units are in no shipment (backordered)', () => {
    expect(orderStatusFromShipments('PROCESSING', ['DELIVERED', 'SHIPPED'], true)).toBe('PARTIALLY_FULFILLED');
    expect(orderStatusFromShipments('PROCESSING', ['COLLECTED'], true)).toBe('PARTIALLY_FULFILLED');
    expect(orderStatusFromShipments('PROCESSING', ['PICKING'], true)).toBe('PROCESSING');
  });
});

describe('a click & collect shipment', () => {
  it('is made ready for pickup after packing, then collected, never shipped; cancellable until collected', () => {
    expect(allowedShipmentNext('PACKED', true)).toEqual(['READY_FOR_PICKUP', 'CANCELLED']);
    expect(allowedShipmentNext('READY_FOR_PICKUP', true)).toEqual(['COLLECTED', 'CANCELLED']);
    expect(shipmentFromFor('SHIPPED', true)).toEqual([]);
    expect(shipmentFromFor('COLLECTED', false)).toEqual([]);
    expect(orderStatusFromShipments('PROCESSING', ['COLLECTED'])).toBe('FULFILLED');
  });
});
