import { readFileSync } from 'node:fs';
import { bffConfig, startBff } from '@storegraph/bff-kit';
import { createLogger } from '@storegraph/kit';
import { appError } from '@storegraph/schema';

/** Web shop and app channels this BFF serves; the storefront picks one with x-storefront-channel. */
export const B2C_CHANNELS = ['web-eu', 'web-us'];

export async function startB2cBff(env: NodeJS.ProcessEnv = process.env) {
  const config = bffConfig('B2C', 4201, env);
  return startBff({
    name: 'b2c',
    kind: 'B2C',
    port: config.B2C_PORT as number,
    gatewayUrl: config.GATEWAY_URL,
    contextSecret: config.STOREGRAPH_CONTEXT_SECRET[0]!,
    idpSecret: config.STOREGRAPH_IDP_SECRET,
    operations: readFileSync(new URL('./operations.graphql', import.meta.url), 'utf8'),
    allowAdhoc: config.BFF_ALLOW_ADHOC,
    ide: config.BFF_IDE,
    demoLogin: config.BFF_DEMO_LOGIN,
    cache: { max: config.BFF_CACHE_MAX, ttlMs: config.BFF_CACHE_TTL_MS },
    logger: createLogger('bff-b2c'),
    resolveCaller: (req, principal) => {
      const asked = req.headers['x-storefront-channel'];
      const channel = typeof asked === 'string' ? asked : B2C_CHANNELS[0]!;
      if (!B2C_CHANNELS.includes(channel)) throw appError('FORBIDDEN', `channel ${channel} is not served by the B2C BFF`);
      // Anonymous shoppers and customers are welcome; trade buyers and tills belong to their own BFFs.
      if (principal && principal.kind !== 'customer' && principal.kind !== 'staff') {
        throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the B2C storefront`);
      }
      return { channel };
    },
  });
}
