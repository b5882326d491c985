import { SIGN_IN_OPERATIONS, startChannelBff } from '@storegraph/bff-kit';
import { appError, TILL_TOKEN_ISSUER } from '@storegraph/schema';

export const POS_CHANNELS = ['pos-berlin'];

export function startPosBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'pos',
      kind: 'POS',
      defaultPort: 4203,
      resolveCaller: (req, principal, _lookups, operationName) => {
        // A till signs its cashier in with the till's secret and a PIN: the till's record decides the channel.
        if (!principal && operationName && SIGN_IN_OPERATIONS.has(operationName)) return { channel: POS_CHANNELS[0]! };
        if (!principal) throw appError('UNAUTHENTICATED', 'a registered till token is required');
        if (principal.kind === 'device') {
          // A till signed in with a PIN: its channel and shop are read from its record (TillDirectory), which must agree.
          if (principal.iss === TILL_TOKEN_ISSUER && principal.channel) return { channel: principal.channel };
          // A device the identity provider vouches for: bound to one shop by its claims.
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
