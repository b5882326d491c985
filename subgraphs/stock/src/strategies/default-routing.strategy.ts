import { distanceKm } from '../domain/geo-distance.ts';
import type { LocationVerdict, RoutingCandidate, RoutingPlan, RoutingReason, RoutingStrategy } from './routing.strategy.ts';

interface Scored {
  c: RoutingCandidate;
  distance: number | null;
  warehouseFirst: number;
}

/**
 * Fewest shipments first, then place. Greedy cover: each round takes the allowed location that can serve
 * the most of what is still unserved; among equals, a warehouse when the channel prefers them, then the one
 * nearest the ship-to, then the channel's priority, then the id (so the plan is deterministic). A location
 * that holds every remaining line therefore always wins a round, and an order one location can fill ships
 * as one. Rounds stop at the channel's shipment limit. Greedy cover is optimal for the one- and two-location
 * orders that make up almost all traffic and within a shipment of it otherwise; an exact search over 50
 * locations would cost 50^k plans for k shipments. A click & collect order uses its pickup shop alone (the
 * channel's exclusions still apply: an excluded shop serves nothing).
 */
export const defaultRouting: RoutingStrategy = {
  route({ lines, shipTo, candidates, rules, pickupLocationId }) {
    const remaining = new Map(lines.map((l) => [l.variantId, l.quantity]));
    const excluded = new Set(rules.excludedLocationIds);
    const verdicts = new Map<string, LocationVerdict>();
    const open: Scored[] = [];
    for (const c of candidates) {
      const distance = shipTo && c.coordinates ? distanceKm(shipTo, c.coordinates) : null;
      verdicts.set(c.locationId, { locationId: c.locationId, chosen: false, rank: null, distanceKm: distance, priority: c.priority, reasons: [] });
      const holds = lines.some((l) => (c.sellable.get(l.variantId) ?? 0) > 0);
      if (pickupLocationId && c.locationId !== pickupLocationId) verdicts.get(c.locationId)!.reasons.push('NOT_THE_PICKUP_LOCATION');
      else if (excluded.has(c.locationId)) verdicts.get(c.locationId)!.reasons.push('EXCLUDED_BY_RULE');
      else if (!holds) verdicts.get(c.locationId)!.reasons.push('HOLDS_NONE_NEEDED');
      else open.push({ c, distance, warehouseFirst: rules.preferWarehouses && c.kind !== 'WAREHOUSE' ? 1 : 0 });
    }

    const cover = (s: Scored) => {
      let units = 0;
      for (const [variantId, need] of remaining) units += Math.min(need, s.c.sellable.get(variantId) ?? 0);
      return units;
    };
    const unserved = () => [...remaining.values()].reduce((a, b) => a + b, 0);
    const allocations: RoutingPlan['allocations'] = [];
    let rank = 0;
    while (unserved() > 0 && open.length > 0 && (rules.maxShipments === null || rank < rules.maxShipments)) {
      const scored = open.map((s) => ({ s, units: cover(s) })).filter((x) => x.units > 0);
      if (scored.length === 0) break;
      scored.sort((a, b) => b.units - a.units || compare(a.s, b.s));
      const best = scored[0]!;
      const runnerUp = scored[1];
      const total = unserved();
      rank += 1;
      const verdict = verdicts.get(best.s.c.locationId)!;
      verdict.chosen = true;
      verdict.rank = rank;
      verdict.reasons.push(best.units === total ? 'HOLDS_EVERY_LINE' : 'HOLDS_MOST_UNITS');
      if (!runnerUp) verdict.reasons.push('ONLY_CANDIDATE');
      else if (runnerUp.units === best.units) verdict.reasons.push(tieBreak(best.s, runnerUp.s));
      for (const [variantId, need] of [...remaining].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const take = Math.min(need, best.s.c.sellable.get(variantId) ?? 0);
        if (take === 0) continue;
        allocations.push({ variantId, locationId: best.s.c.locationId, quantity: take });
        remaining.set(variantId, need - take);
      }
      open.splice(open.indexOf(best.s), 1);
    }
    for (const s of open) verdicts.get(s.c.locationId)!.reasons.push(unserved() === 0 ? 'NOT_NEEDED' : 'MAX_SHIPMENTS_REACHED');
    return {
      allocations,
      unrouted: [...remaining].filter(([, q]) => q > 0).map(([variantId, quantity]) => ({ variantId, quantity })),
      verdicts: [...verdicts.values()].sort(
        (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.priority - b.priority || (a.locationId < b.locationId ? -1 : 1),
      ),
    };
  },
};

function compare(a: Scored, b: Scored): number {
  return (
    a.warehouseFirst - b.warehouseFirst ||
    (a.distance ?? Infinity) - (b.distance ?? Infinity) ||
    a.c.priority - b.c.priority ||
    (a.c.locationId < b.c.locationId ? -1 : a.c.locationId > b.c.locationId ? 1 : 0)
  );
}

/** Why this location and not the runner-up that could serve as much: the first criterion that told them apart. */
function tieBreak(best: Scored, other: Scored): RoutingReason {
  if (best.warehouseFirst !== other.warehouseFirst) return 'WAREHOUSE_PREFERRED';
  if ((best.distance ?? Infinity) !== (other.distance ?? Infinity)) return 'NEAREST';
  return 'CHANNEL_PRIORITY';
}
