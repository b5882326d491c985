import { describe, expect, it } from 'vitest';
import { defaultRouting } from './default-routing.strategy.ts';
import { NO_RULES, type RoutingCandidate, type RoutingRules } from './routing.strategy.ts';

// The demo's German places (coordinates as the seed stores them) and a Berlin ship-to.
const BERLIN_TO = { latitude: 52.52, longitude: 13.405 };
const place = (locationId: string, kind: RoutingCandidate['kind'], priority: number, latitude: number, longitude: number, stock: Record<string, number>) => ({
  locationId,
  kind,
  priority,
  coordinates: { latitude, longitude },
  sellable: new Map(Object.entries(stock)),
});
const hamburg = (stock: Record<string, number>) => place('hamburg', 'WAREHOUSE', 0, 53.5436, 9.9887, stock);
const berlin = (stock: Record<string, number>) => place('berlin', 'SHOP', 1, 52.5035, 13.3324, stock);
const munich = (stock: Record<string, number>) => place('munich', 'SHOP', 2, 48.1374, 11.5733, stock);

const route = (lines: Record<string, number>, candidates: RoutingCandidate[], rules: Partial<RoutingRules> = {}, shipTo: typeof BERLIN_TO | null = BERLIN_TO) =>
  defaultRouting.route({
    lines: Object.entries(lines).map(([variantId, quantity]) => ({ variantId, quantity })),
    shipTo,
    candidates,
    rules: { ...NO_RULES, ...rules },
  });
const verdict = (plan: ReturnType<typeof route>, id: string) => plan.verdicts.find((v) => v.locationId === id)!;

describe('the default routing', () => {
  it('ships a Berlin order from Hamburg and Munich in two shipments when neither holds everything', () => {
    const plan = route({ a: 2, b: 1 }, [hamburg({ a: 5 }), berlin({}), munich({ b: 3 })]);
    expect(plan.allocations).toEqual([
      { variantId: 'a', locationId: 'hamburg', quantity: 2 },
      { variantId: 'b', locationId: 'munich', quantity: 1 },
    ]);
    expect(plan.unrouted).toEqual([]);
    // Hamburg serves 2 units, Munich 1: Hamburg first because it serves more, Munich is then the only one left.
    expect(plan.verdicts.map((v) => [v.locationId, v.rank, v.reasons])).toEqual([
      ['hamburg', 1, ['HOLDS_MOST_UNITS']],
      ['munich', 2, ['HOLDS_EVERY_LINE', 'ONLY_CANDIDATE']],
      ['berlin', null, ['HOLDS_NONE_NEEDED']],
    ]);
    // Berlin-Hamburg is about 255 km, Berlin-Munich about 505 km by air.
    expect(verdict(plan, 'hamburg').distanceKm).toBeGreaterThan(250);
    expect(verdict(plan, 'hamburg').distanceKm).toBeLessThan(260);
    expect(verdict(plan, 'munich').distanceKm).toBeGreaterThan(500);
    expect(verdict(plan, 'munich').distanceKm).toBeLessThan(510);
  });

  it('ships from one place that holds everything rather than splitting, even a farther, lower-priority one', () => {
    const plan = route({ a: 1, b: 1 }, [hamburg({ a: 1 }), berlin({ b: 1 }), munich({ a: 1, b: 1 })]);
    expect(plan.allocations).toEqual([
      { variantId: 'a', locationId: 'munich', quantity: 1 },
      { variantId: 'b', locationId: 'munich', quantity: 1 },
    ]);
    expect(verdict(plan, 'munich').reasons).toEqual(['HOLDS_EVERY_LINE']);
    expect(verdict(plan, 'hamburg').reasons).toEqual(['NOT_NEEDED']);
  });

  it('takes the nearest of the places that hold everything, and says so', () => {
    const plan = route({ a: 1 }, [hamburg({ a: 1 }), berlin({ a: 1 }), munich({ a: 1 })]);
    expect(plan.allocations).toEqual([{ variantId: 'a', locationId: 'berlin', quantity: 1 }]);
    expect(verdict(plan, 'berlin').reasons).toEqual(['HOLDS_EVERY_LINE', 'NEAREST']);
  });

  it('falls back to the channel priority without a ship-to', () => {
    const plan = route({ a: 1 }, [munich({ a: 1 }), berlin({ a: 1 }), hamburg({ a: 1 })], {}, null);
    expect(plan.allocations).toEqual([{ variantId: 'a', locationId: 'hamburg', quantity: 1 }]);
    expect(verdict(plan, 'hamburg')).toMatchObject({ distanceKm: null, reasons: ['HOLDS_EVERY_LINE', 'CHANNEL_PRIORITY'] });
  });

  it('never routes from an excluded location, leaving what only it holds unrouted', () => {
    const plan = route({ a: 2, b: 1 }, [hamburg({ a: 5 }), berlin({}), munich({ b: 3 })], { excludedLocationIds: ['munich'] });
    expect(plan.allocations).toEqual([{ variantId: 'a', locationId: 'hamburg', quantity: 2 }]);
    expect(plan.unrouted).toEqual([{ variantId: 'b', quantity: 1 }]);
    expect(verdict(plan, 'munich')).toMatchObject({ chosen: false, reasons: ['EXCLUDED_BY_RULE'] });
  });

  it('serves a click & collect order from its pickup shop alone', () => {
    const plan = defaultRouting.route({
      lines: [{ variantId: 'a', quantity: 2 }],
      shipTo: BERLIN_TO,
      candidates: [hamburg({ a: 5 }), berlin({ a: 1 }), munich({ a: 2 })],
      rules: NO_RULES,
      pickupLocationId: 'berlin',
    });
    expect(plan.allocations).toEqual([{ variantId: 'a', locationId: 'berlin', quantity: 1 }]);
    expect(plan.unrouted).toEqual([{ variantId: 'a', quantity: 1 }]);
    expect(verdict(plan, 'hamburg').reasons).toEqual(['NOT_THE_PICKUP_LOCATION']);
  });

  it('prefers a warehouse over a nearer shop when the channel says so', () => {
    const plan = route({ a: 1 }, [hamburg({ a: 1 }), berlin({ a: 1 })], { preferWarehouses: true });
    expect(plan.allocations).toEqual([{ variantId: 'a', locationId: 'hamburg', quantity: 1 }]);
    expect(verdict(plan, 'hamburg').reasons).toEqual(['HOLDS_EVERY_LINE', 'WAREHOUSE_PREFERRED']);
  });

  it('stops at the shipment limit and leaves the rest unrouted', () => {
    const plan = route({ a: 4 }, [hamburg({ a: 2 }), berlin({ a: 1 }), munich({ a: 1 })], { maxShipments: 2 });
    // Round 1: Hamburg serves 2 of 4. Round 2: Berlin and Munich serve 1 each; Berlin is nearer.
    expect(plan.allocations).toEqual([
      { variantId: 'a', locationId: 'hamburg', quantity: 2 },
      { variantId: 'a', locationId: 'berlin', quantity: 1 },
    ]);
    expect(plan.unrouted).toEqual([{ variantId: 'a', quantity: 1 }]);
    expect(verdict(plan, 'munich').reasons).toEqual(['MAX_SHIPMENTS_REACHED']);
  });

  it('never plans more than a location can sell or a line asks for', () => {
    const plan = route({ a: 3, b: 7 }, [hamburg({ a: 1, b: 2 }), berlin({ a: 1, b: 2 }), munich({ a: 5, b: 1 })]);
    const planned = (v: string) => plan.allocations.filter((x) => x.variantId === v).reduce((s, x) => s + x.quantity, 0);
    expect(planned('a')).toBe(3);
    // b: 2 + 2 + 1 = 5 sellable of 7 asked.
    expect(planned('b')).toBe(5);
    expect(plan.unrouted).toEqual([{ variantId: 'b', quantity: 2 }]);
  });
});
