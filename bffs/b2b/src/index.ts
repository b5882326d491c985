import { SIGN_IN_OPERATIONS, startChannelBff } from '@storegraph/bff-kit';
import { appError } from '@storegraph/schema';

export const B2B_CHANNEL = 'trade-eu';

export function startB2bBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'b2b',
      kind: 'B2B',
      defaultPort: 4202,
      resolveCaller: (_req, principal, _lookups, operationName) => {
        // The trade portal is closed: every request is a signed-in buyer of a company (or staff), except signing in.
        if (!principal && operationName && SIGN_IN_OPERATIONS.has(operationName)) return { channel: B2B_CHANNEL };
        if (!principal) throw appError('UNAUTHENTICATED', 'sign in as a trade buyer to use the B2B portal');
        if (principal.kind !== 'buyer' && principal.kind !== 'staff') throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the B2B portal`);
        return { channel: B2B_CHANNEL };
      },
    },
    env,
  );
}
