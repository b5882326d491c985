import { readFileSync } from 'node:fs';
import { bffConfig, startBff } from '@storegraph/bff-kit';
import { createLogger } from '@storegraph/kit';
import { appError } from '@storegraph/schema';

export const POS_CHANNELS = ['pos-berlin'];

export async function startPosBff(env: NodeJS.ProcessEnv = process.env) {
  const config = bffConfig('POS', 4203, env);
  return startBff({
    name: 'pos',
    kind: 'POS',
    port: config.POS_PORT as number,
    gatewayUrl: config.GATEWAY_URL,
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    idpSecret: config.STOREGRAPH_IDP_SECRET,
    operations: readFileSync(new URL('./operations.graphql', import.meta.url), 'utf8'),
    allowAdhoc: config.BFF_ALLOW_ADHOC,
    ide: config.BFF_IDE,
    demoLogin: config.BFF_DEMO_LOGIN,
    cache: { max: config.BFF_CACHE_MAX, ttlMs: config.BFF_CACHE_TTL_MS },
    logger: createLogger('bff-pos'),
    resolveCaller: (req, principal) => {
      // A till is a registered device bound to one shop; its channel and location come from its token.
      if (!principal) throw appError('UNAUTHENTICATED', 'a registered till token is required');
      if (principal.kind === 'device') {
        if (!principal.channel || !POS_CHANNELS.includes(principal.channel) || !principal.location) {
          throw appError('FORBIDDEN', 'this till is not bound to a POS channel and shop');
        }
        return { channel: principal.channel };
      }
      if (principal.kind === 'staff') {
        const asked = req.headers['x-storefront-channel'];
        return { channel: typeof asked === 'string' && POS_CHANNELS.includes(asked) ? asked : POS_CHANNELS[0]! };
      }
      throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on a till`);
    },
  });
}
