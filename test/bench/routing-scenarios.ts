import { performance } from 'node:perf_hooks';
import { defaultRouting } from '../../subgraphs/stock/src/strategies/default-routing.strategy.ts';
import { NO_RULES, type RoutingCandidate, type RoutingRequest } from '../../subgraphs/stock/src/strategies/routing.strategy.ts';

/**
 * Routing time for a 10-line order over 50 locations (issue 13): the default strategy alone, in process, on
 * generated places across Germany with each variant stocked at a fifth of them, so orders split over
 * several shipments. The reservation adds one read of the candidates and one stock.reserve call to it.
 */
export function routingTimeNote(runs = 20_000): string {
  // A fixed linear congruential generator: the same places and stock in every run.
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const variants = Array.from({ length: 10 }, (_, i) => `var_bench_${i}`);
  const candidates: RoutingCandidate[] = Array.from({ length: 50 }, (_, i) => ({
    locationId: `loc_bench_${i}`,
    kind: i % 5 === 0 ? 'WAREHOUSE' : 'SHOP',
    priority: i,
    coordinates: { latitude: 47.5 + random() * 7, longitude: 6 + random() * 9 },
    sellable: new Map(variants.filter(() => random() < 0.2).map((v) => [v, 1 + Math.floor(random() * 5)])),
  }));
  const request = (i: number): RoutingRequest => ({
    lines: variants.map((variantId) => ({ variantId, quantity: 1 + ((i + variantId.length) % 3) })),
    shipTo: { latitude: 47.5 + random() * 7, longitude: 6 + random() * 9 },
    candidates,
    rules: NO_RULES,
  });
  for (let i = 0; i < 2_000; i++) defaultRouting.route(request(i));
  const times: number[] = [];
  let shipments = 0;
  for (let i = 0; i < runs; i++) {
    const r = request(i);
    const t = performance.now();
    const plan = defaultRouting.route(r);
    times.push(performance.now() - t);
    shipments += new Set(plan.allocations.map((a) => a.locationId)).size;
  }
  times.sort((a, b) => a - b);
  const us = (q: number) => (times[Math.floor(q * (times.length - 1))]! * 1000).toFixed(0);
  return `Routing a 10-line order over 50 locations (default strategy, in process, ${runs} orders): p50 ${us(0.5)} µs, p99 ${us(0.99)} µs, ${(shipments / runs).toFixed(1)} shipments per order on average.`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(routingTimeNote());
