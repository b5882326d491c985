import type { SubgraphClient } from '@storegraph/kit';

export type ReserveAnswer =
  | {
      __typename: 'Reservation';
      id: string;
      status: string;
      /** ISO 8601: a replayed hold may be past it (the sweeper has not run yet) while it still says ACTIVE. */
      expiresAt: string;
      lines: { variant: { id: string }; allocations: { location: { id: string }; quantity: number }[] }[];
    }
  | { __typename: 'InsufficientStock'; lines: { variant: { id: string }; requested: number; available: number }[] };

const RESERVE = `mutation CheckoutReserve($input: ReserveStockInput!) {
  reserveStock(input: $input) {
    __typename
    ... on Reservation { id status expiresAt lines { variant { id } allocations { location { id } quantity } } }
    ... on InsufficientStock { lines { variant { id } requested available } }
  }
}`;

/** Where the order goes, for stock's routing (which places the address itself). */
export interface ShipTo {
  country: string;
  postalCode: string;
  city: string;
}

/**
 * All lines or none. The key is the saga's: a repeat (a retry, or recovery after a crash whose answer was
 * lost) returns the same reservation instead of holding the units twice.
 */
export async function reserveStock(
  stock: SubgraphClient,
  token: string,
  requestId: string,
  key: string,
  lines: { variantId: string; quantity: number }[],
  ttlSeconds: number,
  shipTo: ShipTo | null,
  pickupLocationId: string | null = null,
  sourceLocationId: string | null = null,
): Promise<ReserveAnswer> {
  // Sent only when named, so the input of every other reservation is what it was.
  const input = { idempotencyKey: key, lines, ttlSeconds, shipTo, pickupLocationId, ...(sourceLocationId ? { sourceLocationId } : {}) };
  const data = await stock.execute<{ reserveStock: ReserveAnswer }>(token, requestId, RESERVE, { input });
  return data.reserveStock;
}

export type FinishAnswer =
  | { __typename: 'Reservation'; id: string; status: string }
  | { __typename: 'ReservationNotActive'; reservationId: string; status: string };

const FINISH = (field: 'confirmReservation' | 'releaseReservation' | 'restockReservation') => `mutation Checkout_${field}($id: ID!) {
  ${field}(id: $id) { __typename ... on Reservation { id status } ... on ReservationNotActive { reservationId status } }
}`;
const CONFIRM = FINISH('confirmReservation');
const RELEASE = FINISH('releaseReservation');

/** Sells the reserved units; confirming twice answers the same. */
export async function confirmReservation(stock: SubgraphClient, token: string, requestId: string, id: string): Promise<FinishAnswer> {
  return (await stock.execute<{ confirmReservation: FinishAnswer }>(token, requestId, CONFIRM, { id })).confirmReservation;
}

/** Gives the units back; releasing a released (or expired) reservation changes nothing. */
export async function releaseReservation(stock: SubgraphClient, token: string, requestId: string, id: string): Promise<FinishAnswer> {
  return (await stock.execute<{ releaseReservation: FinishAnswer }>(token, requestId, RELEASE, { id })).releaseReservation;
}

const RESTOCK = FINISH('restockReservation');

/** A cancelled order's sold units go back on hand (once, however often asked). */
export async function restockReservation(stock: SubgraphClient, token: string, requestId: string, id: string): Promise<FinishAnswer> {
  return (await stock.execute<{ restockReservation: FinishAnswer }>(token, requestId, RESTOCK, { id })).restockReservation;
}

const RESTOCK_AT = `mutation Orders_restockReservationAt($id: ID!, $locationId: ID!, $lines: [ReserveStockLineInput!]!, $reference: String!) {
  restockReservationAt(id: $id, locationId: $locationId, lines: $lines, reference: $reference)
}`;

/** A cancelled shipment's units go back on hand at its location, once per reference (a repeat answers 0). */
export async function restockReservationAt(
  stock: SubgraphClient,
  token: string,
  requestId: string,
  input: { id: string; locationId: string; lines: { variantId: string; quantity: number }[]; reference: string },
): Promise<number> {
  return (await stock.execute<{ restockReservationAt: number }>(token, requestId, RESTOCK_AT, input)).restockReservationAt;
}

const RETURN_UNITS = `mutation Orders_returnSoldUnits($id: ID!, $variantId: ID!, $quantity: Int!, $locationId: ID!, $writeOff: Boolean!, $reference: String!) {
  returnSoldUnits(id: $id, variantId: $variantId, quantity: $quantity, locationId: $locationId, writeOff: $writeOff, reference: $reference)
}`;

/** A returned line's units come back on the ledger at the chosen location, restocked or written off; once per reference. */
export async function returnSoldUnits(
  stock: SubgraphClient,
  token: string,
  requestId: string,
  input: { id: string; variantId: string; quantity: number; locationId: string; writeOff: boolean; reference: string },
): Promise<number> {
  return (await stock.execute<{ returnSoldUnits: number }>(token, requestId, RETURN_UNITS, input)).returnSoldUnits;
}

const RETURN_UNSOLD = `mutation Orders_returnUnsoldUnits($variantId: ID!, $quantity: Int!, $locationId: ID!, $reference: String!) {
  returnUnsoldUnits(variantId: $variantId, quantity: $quantity, locationId: $locationId, reference: $reference)
}`;

/** A till return without a receipt: the units back on hand at the till's shop, once per reference. */
export async function returnUnsoldUnits(
  stock: SubgraphClient,
  token: string,
  requestId: string,
  input: { variantId: string; quantity: number; locationId: string; reference: string },
): Promise<number> {
  return (await stock.execute<{ returnUnsoldUnits: number }>(token, requestId, RETURN_UNSOLD, input)).returnUnsoldUnits;
}
