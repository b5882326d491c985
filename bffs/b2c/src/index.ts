import { startChannelBff } from '@storegraph/bff-kit';
import { appError } from '@storegraph/schema';

/** The storefront channels a development caller may pick with the unsigned x-storefront-channel header. */
export const B2C_CHANNELS = ['web-eu', 'web-us'];

export const PUBLISHABLE_KEY_HEADER = 'x-publishable-key';

export function startB2cBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'b2c',
      kind: 'B2C',
      defaultPort: 4201,
      guestSessions: true,
      publishableKeys: true,
      resolveCaller: async (req, principal, lookups) => {
        // Anonymous shoppers, guest sessions and customers are welcome; trade buyers and tills belong to their own BFFs.
        if (principal && principal.kind !== 'customer' && principal.kind !== 'guest' && principal.kind !== 'staff') {
          throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the B2C storefront`);
        }
        // The storefront's publishable key names its channel, whoever is signed in (as Medusa's store API).
        const key = req.headers[PUBLISHABLE_KEY_HEADER];
        if (typeof key === 'string') {
          const channel = await lookups.channelOfKey(key);
          if (!channel) throw appError('INVALID_PUBLISHABLE_KEY', 'unknown or revoked publishable key');
          return { channel };
        }
        if (!lookups.channelHeader) throw appError('PUBLISHABLE_KEY_REQUIRED', `send the storefront's publishable key in ${PUBLISHABLE_KEY_HEADER}`);
        const asked = req.headers['x-storefront-channel'];
        const channel = typeof asked === 'string' ? asked : B2C_CHANNELS[0]!;
        if (!B2C_CHANNELS.includes(channel)) throw appError('FORBIDDEN', `channel ${channel} is not served by the B2C BFF`);
        return { channel };
      },
    },
    env,
  );
}
