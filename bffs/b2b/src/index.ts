import { readFileSync } from 'node:fs';
import { bffConfig, startBff } from '@storegraph/bff-kit';
import { createLogger } from '@storegraph/kit';
import { appError } from '@storegraph/schema';

export const B2B_CHANNEL = 'trade-eu';

export async function startB2bBff(env: NodeJS.ProcessEnv = process.env) {
  const config = bffConfig('B2B', 4202, env);
  return startBff({
    name: 'b2b',
    kind: 'B2B',
    port: config.B2B_PORT as number,
    gatewayUrl: config.GATEWAY_URL,
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    idpSecret: config.STOREGRAPH_IDP_SECRET,
    operations: readFileSync(new URL('./operations.graphql', import.meta.url), 'utf8'),
    allowAdhoc: config.BFF_ALLOW_ADHOC,
    ide: config.BFF_IDE,
    demoLogin: config.BFF_DEMO_LOGIN,
    cache: { max: config.BFF_CACHE_MAX, ttlMs: config.BFF_CACHE_TTL_MS },
    logger: createLogger('bff-b2b'),
    resolveCaller: (_req, principal) => {
      // The trade portal is closed: every request is a signed-in buyer of a company (or staff).
      if (!principal) throw appError('UNAUTHENTICATED', 'sign in as a trade buyer to use the B2B portal');
      if (principal.kind === 'buyer' && !principal.company) throw appError('FORBIDDEN', 'buyer token has no company');
      if (principal.kind !== 'buyer' && principal.kind !== 'staff') throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the B2B portal`);
      return { channel: B2B_CHANNEL };
    },
  });
}
