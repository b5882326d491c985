import { readFileSync } from 'node:fs';
import { loadAllowList } from '@storegraph/bff-kit';
import { DEMO_PASSWORD } from '@storegraph/demo';
import type { Scenario } from './scenarios.ts';

const accountOps = loadAllowList(readFileSync(new URL('../../bffs/kit/src/account-operations.graphql', import.meta.url), 'utf8'));
const SIGN_IN = [...accountOps.values()].find((o) => o.name === 'SignIn')!.query;

/**
 * Sign-ins per second (argon2id at OWASP's minimum, at most CUSTOMERS_HASH_CONCURRENCY at once), sent to the
 * gateway with a signed storefront context: the BFFs' per-IP sign-in limits would otherwise measure themselves.
 * Then the cold-cache listing alone and again while the same storm runs: the ratio shows whether hashing
 * starves catalogue reads on the same machine.
 */
export function signInScenarios(coldListing: Scenario): Scenario[] {
  const storm: Scenario = {
    name: 'Sign-in (argon2id, gateway, signed context)',
    target: 'gateway',
    query: SIGN_IN,
    variables: { input: { email: 'anna@example.com', password: DEMO_PASSWORD } },
    channel: 'web-eu',
    connections: 8,
  };
  return [
    storm,
    { ...coldListing, name: `${coldListing.name}, alone (storm baseline)` },
    { ...coldListing, name: `${coldListing.name}, during a sign-in storm`, background: storm },
  ];
}
