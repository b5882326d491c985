import { startChannelBff } from '@storegraph/bff-kit';
import { appError } from '@storegraph/schema';

/** Web shop and app channels this BFF serves; the storefront picks one with x-storefront-channel. */
export const B2C_CHANNELS = ['web-eu', 'web-us'];

export function startB2cBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'b2c',
      kind: 'B2C',
      defaultPort: 4201,
      operations: new URL('./operations.graphql', import.meta.url),
      guestSessions: true,
      accounts: true,
      resolveCaller: (req, principal) => {
        const asked = req.headers['x-storefront-channel'];
        const channel = typeof asked === 'string' ? asked : B2C_CHANNELS[0]!;
        if (!B2C_CHANNELS.includes(channel)) throw appError('FORBIDDEN', `channel ${channel} is not served by the B2C BFF`);
        // Anonymous shoppers, guest sessions and customers are welcome; trade buyers and tills belong to their own BFFs.
        if (principal && principal.kind !== 'customer' && principal.kind !== 'guest' && principal.kind !== 'staff') {
          throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the B2C storefront`);
        }
        return { channel };
      },
    },
    env,
  );
}
