import type { Scenario } from './scenarios.ts';

/** Reservation scenarios join once the stock subgraph serves reserveStock (see issue 5). */
export async function stockScenarios(_databaseUrl: string, _env: NodeJS.ProcessEnv): Promise<Scenario[]> {
  return [];
}
