import { SUBGRAPHS } from '@storegraph/schema';

/** One process the launcher runs and supervises. */
export interface ServiceSpec {
  name: string;
  entry: string;
  /** the environment variable naming its port, and the port when it is unset */
  portEnv: string;
  defaultPort: number;
  /** what says it is up: subgraphs and the gateway are ready once their dependencies answer */
  readyPath: '/readyz' | '/healthz';
  /** started in order: every subgraph, then (after the seed) the gateway, then the BFFs */
  phase: 'subgraph' | 'gateway' | 'bff';
}

/**
 * Every service `npm start` runs. Subgraphs come from the schema's one subgraph list, so a new subgraph
 * (its SDL, its port, its URL variable) is one entry in `schema/src/subgraph-list.ts`; a new BFF is one
 * line here.
 */
export const SERVICES: readonly ServiceSpec[] = [
  ...SUBGRAPHS.map(
    (s): ServiceSpec => ({
      name: s.name,
      entry: `subgraphs/${s.name}/src/main.ts`,
      portEnv: `${s.name.toUpperCase()}_PORT`,
      defaultPort: s.port,
      readyPath: '/readyz',
      phase: 'subgraph',
    }),
  ),
  { name: 'gateway', entry: 'gateway/src/main.ts', portEnv: 'GATEWAY_PORT', defaultPort: 4000, readyPath: '/readyz', phase: 'gateway' },
  { name: 'bff-b2c', entry: 'bffs/b2c/src/main.ts', portEnv: 'B2C_PORT', defaultPort: 4201, readyPath: '/healthz', phase: 'bff' },
  { name: 'bff-b2b', entry: 'bffs/b2b/src/main.ts', portEnv: 'B2B_PORT', defaultPort: 4202, readyPath: '/healthz', phase: 'bff' },
  { name: 'bff-pos', entry: 'bffs/pos/src/main.ts', portEnv: 'POS_PORT', defaultPort: 4203, readyPath: '/healthz', phase: 'bff' },
  { name: 'bff-admin', entry: 'bffs/admin/src/main.ts', portEnv: 'ADMIN_PORT', defaultPort: 4204, readyPath: '/healthz', phase: 'bff' },
];

export const portOf = (s: ServiceSpec, env: NodeJS.ProcessEnv): number => Number(env[s.portEnv] ?? s.defaultPort);

/** The URLs services find each other by, from the ports, unless configured: the gateway's subgraphs, the BFFs' gateway. */
export function serviceUrls(env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const s of SUBGRAPHS) {
    const spec = SERVICES.find((x) => x.name === s.name)!;
    urls[s.env] = env[s.env] ?? `http://127.0.0.1:${portOf(spec, env)}/graphql`;
  }
  urls.GATEWAY_URL = env.GATEWAY_URL ?? `http://127.0.0.1:${portOf(SERVICES.find((x) => x.name === 'gateway')!, env)}/graphql`;
  return urls;
}
