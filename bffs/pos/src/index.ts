import { startChannelBff } from '@storegraph/bff-kit';
import { appError } from '@storegraph/schema';

export const POS_CHANNELS = ['pos-berlin'];

export function startPosBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'pos',
      kind: 'POS',
      defaultPort: 4203,
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
    },
    env,
  );
}
