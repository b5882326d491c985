import type { Coordinates } from '../domain/geo-distance.ts';

export type LocationKind = 'WAREHOUSE' | 'SHOP' | 'DROPSHIP';

/** A location the channel sells from, with what the channel could reserve there now, per variant. */
export interface RoutingCandidate {
  locationId: string;
  kind: LocationKind;
  /** The channel's location priority, lower first. */
  priority: number;
  coordinates: Coordinates | null;
  /** Units of each needed variant the channel may reserve here (ring-fences respected). */
  sellable: ReadonlyMap<string, number>;
}

/** Per-channel rules staff set without code (stock.routing_rules). */
export interface RoutingRules {
  excludedLocationIds: readonly string[];
  preferWarehouses: boolean;
  /** Most locations one order may leave from; null: no limit. */
  maxShipments: number | null;
}

export const NO_RULES: RoutingRules = { excludedLocationIds: [], preferWarehouses: false, maxShipments: null };

export interface RoutingRequest {
  /** Merged lines: one per variant. */
  lines: readonly { variantId: string; quantity: number }[];
  shipTo: Coordinates | null;
  candidates: readonly RoutingCandidate[];
  rules: RoutingRules;
  /** Click & collect: the shop the customer collects from; routing then uses it alone. */
  pickupLocationId?: string | null;
}

export type RoutingReason =
  | 'HOLDS_EVERY_LINE'
  | 'HOLDS_MOST_UNITS'
  | 'WAREHOUSE_PREFERRED'
  | 'NEAREST'
  | 'CHANNEL_PRIORITY'
  | 'ONLY_CANDIDATE'
  | 'EXCLUDED_BY_RULE'
  | 'NOT_THE_PICKUP_LOCATION'
  | 'HOLDS_NONE_NEEDED'
  | 'NOT_NEEDED'
  | 'MAX_SHIPMENTS_REACHED';

/** What routing decided about one candidate location, and why. */
export interface LocationVerdict {
  locationId: string;
  chosen: boolean;
  /** 1 for the first location chosen, 2 for the second...; null when not chosen. */
  rank: number | null;
  distanceKm: number | null;
  priority: number;
  reasons: RoutingReason[];
}

export interface RoutingPlan {
  /** Where each unit ships from; the reservation allocates exactly these. */
  allocations: { variantId: string; locationId: string; quantity: number }[];
  /** Units no allowed location can serve within the rules (backorder or InsufficientStock decides). */
  unrouted: { variantId: string; quantity: number }[];
  verdicts: LocationVerdict[];
}

/**
 * A variation point: which locations serve an order. `route` is pure and deterministic (same request, same
 * plan); it never plans more of a variant at a location than the candidate's `sellable`, nor more than a line
 * asks for. The reservation re-checks the plan under the level row locks.
 */
export interface RoutingStrategy {
  route(request: RoutingRequest): RoutingPlan;
}
