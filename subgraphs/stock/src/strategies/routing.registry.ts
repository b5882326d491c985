import { defaultRouting } from './default-routing.strategy.ts';
import type { RoutingStrategy } from './routing.strategy.ts';

/** Routing strategies by the name STOCK_ROUTING_STRATEGY chooses (validated at start-up). */
export const ROUTING_STRATEGIES = { default: defaultRouting } satisfies Record<string, RoutingStrategy>;
export const ROUTING_STRATEGY_NAMES = Object.keys(ROUTING_STRATEGIES) as [keyof typeof ROUTING_STRATEGIES];
